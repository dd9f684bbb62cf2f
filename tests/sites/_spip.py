"""Site 1, `spip_latin1`: a SPIP 3 site served in ISO-8859-1, dates only in prose.

Traps: latin-1 bytes with entities for characters outside latin-1, one page with raw
windows-1252 smart quotes, year-less event dates resolved from the publication date
(one across a year end), year-less dates in listings, `debut_articles` pagination, RSS
limited to the ten latest articles, PDFs in `IMG/pdf/` attached to articles.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from _kit import (Site, attr, day_fr, doc, esc, event, fr, hfr, http_date, make_pdf,
                  pdf_pages, place, timed)

TZ = "Europe/Paris"
NAME = "Villes & Quartiers Bretagne"
RUBRIQUES = {1: "Actualités", 2: "Agenda", 3: "Ressources"}
PER_PAGE = {1: 5, 2: 5, 3: 3}

# Each article: id, rubrique, title, published, date style, themes, chapo, paragraphs,
# and optionally an event block or an attached PDF. Ids are not in date order, as in a
# real SPIP where drafts get their number long before publication.
NEWS = [
    dict(id=48, title="Contrats de ville « Engagements Quartiers 2030 » : où en est-on en Bretagne ?",
         pub=date(2026, 10, 6), style="le", themes=["pilotage_contrat_de_ville"],
         chapo="Dix-huit mois après leur signature, les nouveaux contrats de ville bretons entrent dans leur phase de mise en œuvre.",
         body=["Les vingt-deux quartiers prioritaires de la région disposent désormais d'un contrat « Engagements Quartiers 2030 ». Les comités de pilotage de l'automne dresseront un premier bilan des conventions thématiques.",
               "Le centre de ressources propose aux équipes projet un temps d'échange sur les indicateurs de suivi, en lien avec les services de l'État et les intercommunalités."]),
    dict(id=45, title="Renouvellement urbain au Blosne : le centre commercial Italie se transforme",
         pub=date(2026, 9, 22), style="publie", themes=["renouvellement_urbain"],
         chapo="Le projet de renouvellement urbain du Blosne, à Rennes, franchit une étape avec la livraison des premières cellules commerciales.",
         body=["Après trois ans de travaux, la place du centre commercial Italie accueille ses premiers commerces. Les habitants ont été associés au choix des enseignes lors d'ateliers organisés par la maison de quartier.",
               "Le programme, soutenu par l'Agence nationale pour la rénovation urbaine, prévoit aussi la réhabilitation de 600 logements sociaux d'ici 2029."]),
    dict(id=44, title="Tranquillité publique : des médiateurs de nuit au Bois du Château",
         pub=date(2026, 9, 8), style="le", themes=["securite_prevention"],
         chapo="À Lorient, une équipe de médiation sociale intervient désormais en soirée dans le quartier du Bois du Château.",
         body=["Quatre médiateurs sillonnent le quartier du mardi au samedi, de 18h à minuit. Leur rôle : apaiser les conflits d'usage, orienter les habitants et faire le lien avec les bailleurs.",
               "Le dispositif est financé dans le cadre du contrat de ville et du fonds interministériel de prévention de la délinquance."]),
    dict(id=41, title="Cités éducatives : Maurepas et Bellevue partagent leurs pratiques",
         pub=date(2026, 6, 30), style="publie", themes=["education_jeunesse"],
         chapo="Les cités éducatives de Rennes Maurepas et de Brest Bellevue ont organisé une journée d'échanges entre professionnels.",
         body=["Enseignants, éducateurs, animateurs et parents ont comparé leurs actions de continuité éducative, de l'accueil du matin à l'accompagnement à la scolarité.",
               "Une fiche d'expérience sera publiée à la rentrée dans la rubrique Ressources."]),
    dict(id=39, title="Emploi des jeunes : la Cité de l'emploi s'étend à Saint-Malo",
         pub=date(2026, 5, 26), style="le", themes=["emploi_economie", "education_jeunesse"],
         chapo="Le label Cité de l'emploi est attribué au quartier de La Découverte, à Saint-Malo.",
         body=["Le dispositif coordonne France Travail, la mission locale et les associations d'insertion autour d'une file active de jeunes sans emploi ni formation.",
               "Le programme des premiers mois est disponible en téléchargement."],
         pdf=dict(file="programme_cite_emploi_saint-malo.pdf", title="Cité de l'emploi Saint-Malo – programme 2026",
                  pages=3, label="Programme de la Cité de l'emploi (PDF)")),
    dict(id=36, title="Santé mentale : un groupe de travail régional avec les ateliers santé ville",
         pub=date(2026, 4, 14), style="publie_jour", themes=["sante"],
         chapo="Les coordinatrices et coordinateurs des ateliers santé ville se réunissent pour construire une culture commune de la santé mentale.",
         body=["Le groupe de travail se réunira quatre fois d'ici la fin de l'année. Il s'appuie sur les conseils locaux de santé mentale de Brest, Rennes et Lorient.",
               "Les premières séances porteront sur le repérage des situations de souffrance psychique chez les jeunes adultes."]),
    dict(id=33, title="Appel à projets « Quartiers solidaires » : dépôt des dossiers avant le 30 avril",
         pub=date(2026, 3, 17), style="le", themes=["pilotage_contrat_de_ville", "developpement_territorial"],
         chapo="L'appel à projets annuel du contrat de ville est ouvert aux associations des quartiers prioritaires.",
         body=["Les dossiers sont à déposer sur la plateforme Dauphin avant le 30 avril 2026. Une permanence d'aide au montage des dossiers se tient chaque mercredi après-midi.",
               "Les projets favorisant la participation des habitants et l'égalité entre les femmes et les hommes seront examinés en priorité."]),
    dict(id=31, title="Quartiers d’été : les “cafés des habitants” reviennent à Maurepas",
         pub=date(2026, 2, 10), style="le", themes=["participation", "culture_memoire"], cp1252=True,
         chapo="Chaque jeudi de l’été, la place du Gros-Chêne accueillera des “cafés des habitants” ouverts à tous.",
         body=["Initiés l’an passé par le conseil citoyen, ces rendez-vous mêlent discussions, jeux pour les enfants et concerts en plein air. « On vient pour le café, on reste pour les voisins », résume une bénévole.",
               "La programmation détaillée sera diffusée au printemps par l’espace social commun."]),
    dict(id=29, title="Lutte contre les discriminations à l'embauche : retour sur la journée de Lorient",
         pub=date(2026, 1, 27), style="publie_jour", themes=["egalite_discriminations", "emploi_economie"],
         chapo="Cent vingt participants ont assisté à la journée régionale consacrée aux discriminations à l'embauche.",
         body=["Les interventions ont rappelé le poids de l'adresse et du nom dans l'accès à l'entretien d'embauche. Des employeurs du pays de Lorient ont présenté leurs démarches de recrutement sans CV.",
               "Les supports des intervenants sont disponibles sur demande auprès du centre de ressources."]),
    dict(id=27, title="Conseils citoyens : un guide pour relancer la participation",
         pub=date(2026, 1, 13), style="le", themes=["participation"],
         chapo="Comment redonner souffle aux conseils citoyens ? Le réseau régional publie un guide pratique.",
         body=["Le guide rassemble douze fiches issues de l'expérience des conseils citoyens de Bretagne : recrutement par tirage au sort, animation des réunions, relations avec les élus.",
               "Il sera présenté lors d'une matinée d'échanges au printemps."]),
    dict(id=25, title="France services : l'accès aux droits au cœur de Kermoysan",
         pub=date(2025, 12, 2), style="publie_jour", themes=["acces_aux_droits"],
         chapo="Un nouvel espace France services a ouvert ses portes dans le quartier de Kermoysan, à Quimper.",
         body=["Deux conseillères y accompagnent les démarches administratives : prestations sociales, impôts, titres de séjour, retraite.",
               "L'espace est ouvert du lundi au vendredi, avec une permanence du conseil départemental d'accès au droit le mardi."]),
    dict(id=23, title="Îlots de fraîcheur : Pontanézen s'adapte au changement climatique",
         pub=date(2025, 11, 18), style="le", themes=["transitions", "renouvellement_urbain"],
         chapo="À Brest, le quartier de Pontanézen expérimente des cours d'école et des pieds d'immeubles végétalisés.",
         body=["Les premiers aménagements, conçus avec les élèves et les habitants, remplacent l'enrobé par des surfaces perméables et plantées.",
               "Le suivi des températures sera assuré par une association d'éducation à l'environnement."]),
    dict(id=21, title="Mémoires de quartiers : un recueil de témoignages à Villejean",
         pub=date(2025, 10, 21), style="publie_jour", themes=["culture_memoire"],
         chapo="Cinquante ans après la construction du quartier, les habitants de Villejean racontent leur histoire.",
         body=["Le recueil réunit une trentaine de témoignages d'habitantes et d'habitants arrivés entre 1970 et aujourd'hui, illustrés par des photographies d'archives.",
               "Il est consultable à la médiathèque du quartier et dans les maisons de quartier de Rennes."]),
]

EVENTS = [
    dict(id=47, title="Atelier : le diagnostic partagé au Blosne", pub=date(2026, 3, 3), style="le",
         themes=["participation", "pilotage_contrat_de_ville"],
         chapo="Un atelier pour outiller les équipes projet qui conduisent un diagnostic avec les habitants.",
         when="Rendez-vous le {w} de 9h30 à 12h30 à la Maison des habitants, 8 rue de Suède, 35200 Rennes.",
         sessions=[(date(2026, 3, 12), time(9, 30), time(12, 30))], yearless=True,
         place=place("Maison des habitants", "Rennes", "35200")),
    dict(id=43, title="Rencontre : santé mentale et quartiers prioritaires", pub=date(2026, 3, 20), style="publie_jour",
         themes=["sante"], chapo="Une après-midi pour croiser les regards des professionnels de santé et des acteurs de proximité.",
         when="Le {w}, de 14h à 17h, au centre social de Bellevue, 1 rue Pierre-Trépos, 29200 Brest.",
         sessions=[(date(2026, 4, 7), time(14, 0), time(17, 0))],
         place=place("Centre social de Bellevue", "Brest", "29200")),
    dict(id=46, title="Cycle de qualification : insertion et emploi dans les quartiers", pub=date(2026, 4, 14), style="publie_jour",
         themes=["emploi_economie"], chapo="Deux journées de qualification pour les professionnels de l'insertion.",
         when="Les {days}, de 9h à 17h, à l'espace Kervénanec, rue Henri-Matisse, 56100 Lorient.",
         sessions=[(date(2026, 5, 28), time(9, 0), time(17, 0)), (date(2026, 5, 29), time(9, 0), time(17, 0))],
         place=place("Espace Kervénanec", "Lorient", "56100")),
    dict(id=49, title="Réunion du réseau des chefs de projet politique de la ville", pub=date(2026, 5, 5), style="le",
         themes=["pilotage_contrat_de_ville"], chapo="La réunion trimestrielle du réseau se tiendra à Quimper.",
         when="{W}, {t1}-{t2}, médiathèque de Kermoysan, 2 rue de Bretagne, 29000 Quimper.",
         sessions=[(date(2026, 6, 11), time(18, 30), time(20, 30))], yearless=True,
         place=place("Médiathèque de Kermoysan", "Quimper", "29000")),
    dict(id=50, title="Université d'été de la cohésion sociale", pub=date(2026, 6, 16), style="publie_jour",
         themes=["pilotage_contrat_de_ville", "participation"],
         chapo="Trois jours de conférences, d'ateliers et de visites de quartiers à Saint-Brieuc.",
         when="Du 1er au 3 juillet 2026, au campus Mazier, 2 avenue Antoine-Mazier, 22000 Saint-Brieuc.",
         allday=(date(2026, 7, 1), date(2026, 7, 3)),
         place=place("Campus Mazier", "Saint-Brieuc", "22000")),
    dict(id=26, title="Matinale : la laïcité au quotidien dans les structures de proximité", pub=date(2025, 12, 15), style="le",
         themes=["egalite_discriminations"], chapo="Une matinale pour répondre aux questions concrètes des professionnels de terrain.",
         when="Rendez-vous le {w}, de 9h30 à 12h, à la maison de quartier de Villejean, 2 rue de Bourgogne, 35000 Rennes.",
         sessions=[(date(2026, 1, 14), time(9, 30), time(12, 0))], yearless=True,
         place=place("Maison de quartier de Villejean", "Rennes", "35000")),
    dict(id=52, title="Webinaire : rénovation énergétique des copropriétés dégradées", pub=date(2026, 9, 8), style="le",
         themes=["transitions", "renouvellement_urbain"], chapo="Un webinaire pour découvrir les aides mobilisables par les copropriétés des quartiers prioritaires.",
         when="Webinaire le {w} de 11h à 12h30 (en ligne, inscription obligatoire).",
         sessions=[(date(2026, 9, 22), time(11, 0), time(12, 30))], place=None),
]

DOCS = [
    dict(id=42, title="Les quartiers prioritaires de Bretagne en chiffres – édition 2026", pub=date(2026, 7, 7), style="le",
         themes=["pilotage_contrat_de_ville", "developpement_territorial"],
         chapo="Population, revenus, emploi, scolarité : le portrait statistique des 32 quartiers prioritaires bretons.",
         body=["Cette publication rassemble les principaux indicateurs de l'Insee et de l'ANCT à l'échelle de chaque quartier."],
         pdf=dict(file="qpv_bretagne_chiffres_2026.pdf", title="Les quartiers prioritaires de Bretagne en chiffres 2026",
                  pages=6, label="Télécharger le document (PDF)")),
    dict(id=35, title="Guide : associer les habitants à l'évaluation du contrat de ville", pub=date(2026, 4, 2), style="publie_jour",
         themes=["participation", "pilotage_contrat_de_ville"],
         chapo="Un guide méthodologique pour construire une évaluation participative.",
         body=["Le guide propose des outils simples : questionnaires, marches exploratoires, groupes de parole et restitution publique."],
         pdf=dict(file="guide_evaluation_participative.pdf", title="Guide – évaluation participative du contrat de ville",
                  pages=4, label="Le guide (PDF)")),
    dict(id=30, title="Synthèse de la rencontre régionale « Santé et quartiers »", pub=date(2026, 2, 24), style="le",
         themes=["sante"], chapo="Les enseignements de la rencontre régionale du 5 février à Brest.",
         body=["La synthèse revient sur les inégalités d'accès aux soins et sur les démarches d'aller-vers."],
         pdf=dict(file="synthese_sante_quartiers.pdf", title="Synthèse – Santé et quartiers (Brest, février 2026)",
                  pages=3, label="Synthèse (PDF)")),
    dict(id=24, title="Cahier pratique : l'accueil des personnes primo-arrivantes", pub=date(2025, 11, 25), style="publie_jour",
         themes=["immigration_integration", "acces_aux_droits"],
         chapo="Un cahier pour les professionnels qui accueillent des personnes récemment arrivées en France.",
         body=["Le cahier présente le contrat d'intégration républicaine, l'apprentissage du français et les acteurs de l'accompagnement."],
         pdf=dict(file="cahier_primo_arrivants.pdf", title="Cahier pratique - accueil des primo-arrivants",
                  pages=5, label="Cahier pratique (PDF)")),
]

PDF_TEXT = [
    "Ce document a été réalisé par le centre de ressources politique de la ville de Bretagne avec le concours de l'État et de la Région.",
    "Les quartiers prioritaires de la politique de la ville concentrent des difficultés sociales, économiques et urbaines qui appellent une action coordonnée.",
    "Les habitants, les associations, les communes et les intercommunalités sont les premiers acteurs de la cohésion sociale et territoriale.",
]


def _pub_line(a: dict) -> str:
    """The publication date as SPIP squelettes write it: never a machine date."""
    if a["style"] == "publie_jour":
        return f"Publié le {fr(a['pub'], weekday=True)}"
    if a["style"] == "publie":
        return f"Publié le {fr(a['pub'])}"
    return f"Le {fr(a['pub'])}"


def _when_text(e: dict) -> str:
    if "allday" in e:
        return e["when"]
    first, start, end = e["sessions"][0]
    year = not e.get("yearless")
    days = " et ".join(f"{day_fr(d)}" for d, _, _ in e["sessions"][:-1])
    last = e["sessions"][-1][0]
    return e["when"].format(
        w=fr(first, weekday=True, year=year), W=fr(first, weekday=True, year=year).capitalize(),
        t1=hfr(start), t2=hfr(end), days=f"{days} et {fr(last)}" if days else fr(last))


def _layout(title: str, rubrique: int | None, content: str, body_class: str) -> str:
    nav = "".join(f'<li><a href="spip.php?rubrique{n}">{esc(label)}</a></li>'
                  for n, label in RUBRIQUES.items())
    arbo = '<a href="./">Accueil</a>'
    if rubrique:
        arbo += f' &gt; <a href="spip.php?rubrique{rubrique}">{esc(RUBRIQUES[rubrique])}</a>'
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr" lang="fr" dir="ltr">
<head>
<title>{esc(title)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />
<meta name="generator" content="SPIP 3.2.19" />
<link rel="alternate" type="application/rss+xml" title="Syndiquer tout le site" href="spip.php?page=backend" />
</head>
<body class="{body_class}">
<div class="page">
<div class="header"><a rel="start home" href="./" title="Accueil" class="spip_logo_site">{esc(NAME)}</a>
<p class="slogan">Centre de ressources politique de la ville en Bretagne</p></div>
<div class="nav"><ul class="menu-liste">{nav}</ul></div>
<div class="main"><div class="wrapper"><div class="content">
<p class="arbo">{arbo} &gt; </p>
{content}
</div></div></div>
<div class="footer"><p class="colophon"><a href="spip.php?page=backend" rel="alternate">RSS 2.0</a> | <a href="spip.php?page=plan">Plan du site</a> | <a href="ecrire/">Espace privé</a></p></div>
</div>
</body>
</html>
"""


def _encode(page: str, cp1252: bool = False) -> bytes:
    # A latin-1 SPIP stores characters outside latin-1 as numeric entities; the one
    # article pasted from a word processor keeps raw windows-1252 bytes instead.
    return page.encode("cp1252" if cp1252 else "latin-1", "strict" if cp1252 else "xmlcharrefreplace")


def _article_page(a: dict, rubrique: int) -> str:
    paras = "".join(f"<p>{esc(p)}</p>" for p in a.get("body", []))
    if "when" in a:
        paras = f'<p><strong>{esc(_when_text(a))}</strong></p>' + paras + \
            "<p>Inscription gratuite mais obligatoire auprès du centre de ressources.</p>"
    docs = ""
    if "pdf" in a:
        p = a["pdf"]
        docs = (f'<div class="documents documents_joints"><h2>Documents joints</h2><ul class="spip">'
                f'<li><a href="IMG/pdf/{p["file"]}" type="application/pdf" class="spip_doc_titre">'
                f'{esc(p["label"])}</a> <small>(PDF - {p["pages"] * 37 + 11},4 ko)</small></li></ul></div>')
    content = f"""<div class="cartouche">
<h1 class="titre surlignable">{esc(a['title'])}</h1>
<p class="info-publi">{esc(_pub_line(a))}<span class="sep">, </span><span class="auteurs">par <a href="spip.php?auteur3">Gwenaëlle Le Goff</a></span></p>
</div>
<div class="chapo surlignable"><p>{esc(a['chapo'])}</p></div>
<div class="texte surlignable clearfix">{paras}</div>
{docs}
<p class="hyperlien">Voir aussi : <a href="spip.php?rubrique{rubrique}">{esc(RUBRIQUES[rubrique])}</a></p>"""
    return _layout(f"{a['title']} - {NAME}", rubrique, content, "page_article")


def _listing_entry(a: dict) -> str:
    # SPIP's affdate_jourcourt drops the year: listings show "14 avril".
    return (f'<!-- entry /spip.php?article{a["id"]} --><li class="item"><strong><a href="spip.php?article{a["id"]}">'
            f'{esc(a["title"])}</a></strong> <small class="date">{day_fr(a["pub"])} '
            f'{["janvier","février","mars","avril","mai","juin","juillet","août","septembre","octobre","novembre","décembre"][a["pub"].month - 1]}</small>'
            f'<div class="introduction">{esc(a["chapo"])}</div></li><!-- /entry -->\n')


def build(root: Path) -> Site:
    """Write the SPIP latin-1 site under root/spip_latin1."""
    site = Site(root / "spip_latin1", {
        "id": "spip_latin1", "name": NAME, "timezone": TZ, "cms": "spip",
        "last_modified": http_date(date(2026, 10, 6)), "today": "2026-10-20",
        "charset": "iso-8859-1",
    })
    groups = {1: NEWS, 2: EVENTS, 3: DOCS}
    html_type = "text/html; charset=iso-8859-1"
    for rub, arts in groups.items():
        for a in arts:
            target = f"/spip.php?article{a['id']}"
            site.file(target, f"article{a['id']}.html", _encode(_article_page(a, rub), a.get("cp1252", False)),
                      http_date(a["pub"], 9, 12), html_type)
            document = None
            if "pdf" in a:
                p = a["pdf"]
                data = make_pdf(p["title"], pdf_pages(p["title"], [a["chapo"]] + a["body"] + PDF_TEXT, p["pages"]),
                                a["pub"], NAME)
                site.file(f"/IMG/pdf/{p['file']}", f"IMG/pdf/{p['file']}", data, http_date(a["pub"], 9, 0))
                document = doc(f"/IMG/pdf/{p['file']}", p["pages"], p["title"])
            events = []
            if "allday" in a:
                first, last = a["allday"]
                events = [event(first.isoformat(), last.isoformat(), True)]
            else:
                events = [timed(d, s, e, TZ) for d, s, e in a.get("sessions", [])]
            kind = {1: "news", 2: "event", 3: "document"}[rub]
            site.item(kind, target, a["title"], a["pub"].isoformat(), events=events, document=document,
                      themes=a["themes"], place=a.get("place"))
        # Rubrique listings, newest first, paginated with debut_articles.
        ordered = sorted(arts, key=lambda a: a["pub"], reverse=True)
        step = PER_PAGE[rub]
        starts = list(range(0, len(ordered), step))
        for start in starts:
            chunk = ordered[start:start + step]
            pages = " | ".join(
                (f'<strong class="on">{i + 1}</strong>' if s == start else
                 f'<a href="spip.php?rubrique{rub}{"" if s == 0 else f"&amp;debut_articles={s}"}#pagination_articles" class="lien_pagination" rel="nofollow">{i + 1}</a>')
                for i, s in enumerate(starts))
            content = (f'<div class="cartouche"><h1 class="titre">{esc(RUBRIQUES[rub])}</h1></div>'
                       f'<div class="liste articles"><a id="pagination_articles" class="pagination_ancre"></a>'
                       f'<ul class="liste-items">\n{"".join(_listing_entry(a) for a in chunk)}</ul>'
                       f'<p class="pagination">{pages}</p></div>')
            target = f"/spip.php?rubrique{rub}" + (f"&debut_articles={start}" if start else "")
            name = f"rubrique{rub}" + (f"_debut{start}" if start else "") + ".html"
            site.file(target, name, _encode(_layout(f"{RUBRIQUES[rub]} - {NAME}", rub, content, "page_rubrique")),
                      http_date(chunk[0]["pub"], 9, 12), html_type)
    everything = sorted(NEWS + EVENTS + DOCS, key=lambda a: a["pub"], reverse=True)
    home = ('<div class="cartouche"><h1 class="titre">Bienvenue</h1></div><div class="chapo"><p>'
            + esc("Villes & Quartiers Bretagne accompagne les professionnels et les habitants des quartiers prioritaires.")
            + '</p></div><h2>Derniers articles</h2><ul class="liste-items">\n'
            + "".join(_listing_entry(a) for a in everything[:6]) + "</ul>")
    site.file("/", "index.html", _encode(_layout(NAME, None, home, "page_sommaire")),
              http_date(everything[0]["pub"], 9, 12), html_type)
    site.file("/spip.php?page=plan", "plan.html", _encode(_layout(f"Plan du site - {NAME}", None,
              "<h1 class=\"titre\">Plan du site</h1><ul>" + "".join(
                  f'<li><a href="spip.php?rubrique{n}">{esc(l)}</a></li>' for n, l in RUBRIQUES.items()) + "</ul>",
              "page_plan")), http_date(date(2026, 1, 5)), html_type)
    site.file("/spip.php?page=backend", "backend.xml", _rss(everything[:10]),
              http_date(everything[0]["pub"], 9, 12), "text/xml; charset=iso-8859-1")
    site.file("/robots.txt", "robots.txt", b"User-agent: *\nDisallow: /local/\nDisallow: /ecrire/\n"
              b"Disallow: /plugins-dist/\nDisallow: /prive/\nDisallow: /squelettes-dist/\n\n"
              b"Sitemap: __ORIGIN__/sitemap.xml\n", http_date(date(2025, 1, 8)), "text/plain")
    # The robots.txt names a sitemap that this old install never generated.
    site.status("/sitemap.xml", 404)
    site.truth_extra = {
        "robots_excluded": ["/ecrire/", "/local/", "/plugins-dist/", "/prive/", "/squelettes-dist/"],
        "trap_prefix": None,
        "registry": {"id": "spip_latin1", "name": NAME, "timezone": TZ, "cms": "spip", "url": "/",
                     "sources": [{"path": "/spip.php?rubrique1", "content": "news"},
                                 {"path": "/spip.php?rubrique2", "content": "event"},
                                 {"path": "/spip.php?rubrique3", "content": "document"}]},
    }
    return site


def _rss(articles: list[dict]) -> bytes:
    items = []
    for a in articles:
        rub = "Actualités" if a in NEWS else "Agenda" if a in EVENTS else "Ressources"
        desc = esc(f"<p>{esc(a['chapo'])}</p>")
        items.append(f"""<item xml:lang="fr">
	<title>{esc(a['title'])}</title>
	<link>__ORIGIN__/spip.php?article{a['id']}</link>
	<guid isPermaLink="true">__ORIGIN__/spip.php?article{a['id']}</guid>
	<dc:date>{a['pub'].isoformat()}T08:12:00Z</dc:date>
	<dc:format>text/html</dc:format>
	<dc:language>fr</dc:language>
	<dc:creator>Gwenaëlle Le Goff</dc:creator>
	<dc:subject>{esc(rub)}</dc:subject>
	<description>{desc}</description>
</item>
""")
    text = f"""<?xml version="1.0" encoding="iso-8859-1"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel xml:lang="fr">
	<title>{esc(NAME)}</title>
	<link>__ORIGIN__/</link>
	<description>Centre de ressources politique de la ville en Bretagne</description>
	<language>fr</language>
	<generator>SPIP - www.spip.net</generator>
{"".join(items)}</channel>
</rss>
"""
    # Characters outside latin-1 become numeric references, as SPIP's filtre texte_backend does.
    return text.encode("latin-1", "xmlcharrefreplace")
