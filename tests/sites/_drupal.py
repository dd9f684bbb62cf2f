"""Site 3, `drupal_nofeed`: a Drupal 10 site with no feed and no sitemap.

Traps: every node reachable as `/node/N` and as its pretty alias (canonical = alias),
`<time datetime>` in UTC with `Z` (a post at 00:40 Paris time carries the previous
day), date-only fields at 12:00:00Z, inline `<script>` blocks inside the body, an endless
month calendar, robots-excluded export/login/search links, `PHPSESSID` links and facet
links that multiply, `?page=N` pagination starting at 0.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from _kit import Site, attr, doc, esc, event, fr, http_date, ics_escape, ics_join, make_pdf, pdf_pages, place, timed, utc_z

TZ = "Europe/Paris"
NAME = "Cités Ressources Rhône-Alpes"
THEME_TERMS = {"participation": (3, "Participation des habitants"), "education_jeunesse": (5, "Éducation et jeunesse"),
               "sante": (7, "Santé"), "egalite_discriminations": (9, "Égalité et discriminations"),
               "emploi_economie": (11, "Emploi et développement économique"), "renouvellement_urbain": (12, "Renouvellement urbain"),
               "pilotage_contrat_de_ville": (14, "Contrat de ville"), "transitions": (16, "Transition écologique"),
               "culture_memoire": (18, "Culture et mémoire"), "acces_aux_droits": (20, "Accès aux droits"),
               "immigration_integration": (22, "Immigration et intégration"), "developpement_territorial": (24, "Développement territorial"),
               "securite_prevention": (26, "Prévention et tranquillité")}

NEWS = [
    dict(nid=440, slug="engagements-quartiers-2030-la-metropole-de-lyon-adopte-son-contrat-de-ville", d=date(2026, 11, 24), t=time(10, 5),
         title="Engagements Quartiers 2030 : la Métropole de Lyon adopte son contrat de ville", themes=["pilotage_contrat_de_ville"],
         body=["Le conseil de la Métropole de Lyon a adopté le contrat de ville « Engagements Quartiers 2030 », qui concerne trente-sept quartiers prioritaires dans dix-neuf communes.",
               "Les conventions d'application communales seront signées au premier semestre 2027."]),
    dict(nid=436, slug="la-duchere-fin-du-projet-de-renouvellement-urbain", d=date(2026, 11, 12), t=time(15, 30),
         title="La Duchère : fin du projet de renouvellement urbain après vingt ans de travaux", themes=["renouvellement_urbain"],
         body=["Avec la livraison du parc du Vallon, le grand projet de ville de la Duchère s'achève. Plus de 1 700 logements ont été démolis et autant reconstruits, dont la moitié en accession.",
               "Une exposition retrace l'histoire du quartier à la maison des fêtes et des familles."]),
    dict(nid=431, slug="un-centre-de-sante-participatif-ouvre-aux-minguettes", d=date(2026, 10, 28), t=time(9, 40),
         title="Santé : un centre de santé participatif ouvre aux Minguettes", themes=["sante"],
         body=["À Vénissieux, le nouveau centre de santé associe médecins, infirmières, médiatrices en santé et habitants à sa gouvernance.",
               "Il pratique le tiers payant intégral et propose des consultations sans rendez-vous le samedi matin."]),
    dict(nid=428, slug="villeneuve-de-grenoble-budget-participatif", d=date(2026, 10, 14), t=time(11, 0),
         title="Villeneuve de Grenoble : les habitants co-construisent le budget participatif", themes=["participation"],
         body=["Quarante projets ont été déposés par les habitants de la Villeneuve et du Village Olympique. Les votes sont ouverts jusqu'au 15 décembre.",
               "Les lauréats des éditions précédentes ont financé des jardins partagés, des bancs et un terrain multisport."]),
    dict(nid=425, slug="discriminations-le-testing-des-agences-immobilieres", d=date(2026, 9, 30), t=time(8, 15),
         title="Discriminations : le testing des agences immobilières de la métropole", themes=["egalite_discriminations"],
         body=["Une campagne de tests de situation menée dans quatre-vingts agences montre qu'un candidat au nom à consonance maghrébine reçoit deux fois moins de réponses positives.",
               "Les résultats ont été transmis au Défenseur des droits et aux fédérations professionnelles."]),
    dict(nid=421, slug="emploi-les-entreprises-de-vaulx-en-velin-s-engagent", d=date(2026, 9, 16), t=time(14, 20),
         title="Emploi : les entreprises de Vaulx-en-Velin s'engagent pour les quartiers", themes=["emploi_economie"],
         body=["Trente entreprises ont signé la charte « Entreprises engagées » : stages de troisième, parrainages et recrutements pour les habitants du Mas du Taureau et de la Grande Île.",
               "La charte est animée par le club d'entreprises local avec France Travail."]),
    dict(nid=418, slug="accueil-des-refugies-un-guide-pour-les-communes", d=date(2026, 7, 9), t=time(16, 0),
         title="Accueil des réfugiés : un guide pour les communes", themes=["immigration_integration", "acces_aux_droits"],
         body=["Le guide présente les étapes de l'accueil des personnes réfugiées : hébergement, ouverture des droits, apprentissage du français et accès à l'emploi.",
               "Il recense les acteurs ressources dans chaque département de la région."]),
    dict(nid=415, slug="tarentaize-beaubrun-le-quartier-se-raconte-en-bande-dessinee", d=date(2026, 6, 2), t=time(0, 40),
         title="Tarentaize-Beaubrun : le quartier se raconte en bande dessinée", themes=["culture_memoire"],
         body=["À Saint-Étienne, un auteur de bande dessinée a passé six mois en résidence dans le quartier de Tarentaize-Beaubrun.",
               "L'album, nourri des récits des habitants, est distribué gratuitement dans les écoles et à la médiathèque."]),
    dict(nid=412, slug="reussite-educative-bilan-des-cites-educatives", d=date(2026, 5, 19), t=time(10, 30),
         title="Réussite éducative : bilan des cités éducatives de la région", themes=["education_jeunesse"],
         body=["Les quatorze cités éducatives de la région ont présenté leur bilan : accueil des tout-petits, lutte contre le décrochage et ouverture culturelle.",
               "L'évaluation nationale souligne le rôle des coordinateurs dans le décloisonnement des institutions."]),
    dict(nid=409, slug="une-navette-solidaire-relie-rillieux-aux-zones-d-emploi", d=date(2026, 4, 7), t=time(9, 0),
         title="Mobilités : une navette solidaire relie Rillieux-la-Pape aux zones d'emploi", themes=["transitions", "emploi_economie"],
         body=["Une navette électrique conduite par des salariés en insertion relie la Ville Nouvelle de Rillieux-la-Pape aux zones d'activités de l'est lyonnais.",
               "Elle circule aux horaires décalés que les transports en commun ne couvrent pas."]),
]

EVENTS = [
    dict(nid=472, slug="webinaire-prevention-de-la-delinquance-et-tranquillite-residentielle", pub=date(2026, 11, 24),
         title="Webinaire : prévention de la délinquance et tranquillité résidentielle", themes=["securite_prevention"],
         sessions=[(date(2027, 2, 4), time(11, 0), time(12, 0))], venue=None,
         text="Un webinaire d'une heure avec des bailleurs sociaux et des coordonnateurs de conseils locaux de sécurité."),
    dict(nid=470, slug="formation-la-gestion-urbaine-et-sociale-de-proximite", pub=date(2026, 11, 17),
         title="Formation : la gestion urbaine et sociale de proximité", themes=["renouvellement_urbain", "participation"],
         sessions=[(date(2027, 1, 21), time(9, 0), time(17, 0))],
         venue=("Centre social Saint-Jean", "58 rue Saint-Jean", "69100", "Villeurbanne"),
         text="Une journée pour construire une convention de gestion urbaine et sociale de proximité avec les bailleurs et les habitants."),
    dict(nid=466, slug="seminaire-la-transition-ecologique-dans-les-quartiers-populaires", pub=date(2026, 11, 3),
         title="Séminaire : la transition écologique dans les quartiers populaires", themes=["transitions"],
         sessions=[(date(2026, 12, 8), time(9, 0), time(17, 0)), (date(2026, 12, 9), time(9, 0), time(12, 30))],
         venue=("Maison de quartier de Montreynaud", "3 rue Pierre-Loti", "42000", "Saint-Étienne"),
         text="Un séminaire en deux temps : une journée de conférences puis une matinée de visites de projets."),
    dict(nid=463, slug="journee-d-etude-egalite-femmes-hommes-dans-l-espace-public", pub=date(2026, 10, 29),
         title="Journée d'étude : égalité femmes-hommes dans l'espace public", themes=["egalite_discriminations"],
         allday=date(2026, 12, 10),
         venue=("Maison des habitants Le Patio", "97 galerie de l'Arlequin", "38100", "Grenoble"),
         text="Une journée d'étude avec des chercheuses, des urbanistes et des associations de femmes de la Villeneuve."),
    dict(nid=461, slug="rencontre-du-reseau-des-adultes-relais", pub=date(2026, 10, 20),
         title="Rencontre du réseau des adultes-relais", themes=["acces_aux_droits"],
         sessions=[(date(2026, 11, 19), time(9, 30), time(12, 30))],
         venue=("Maison des fêtes et des familles", "14 avenue Rosa-Parks", "69009", "Lyon"),
         text="Une matinée d'échanges entre adultes-relais sur la médiation sociale et l'accès aux droits."),
    dict(nid=458, slug="atelier-associer-les-jeunes-au-renouvellement-urbain", pub=date(2026, 10, 6),
         title="Atelier : associer les jeunes au renouvellement urbain", themes=["education_jeunesse", "renouvellement_urbain", "participation"],
         sessions=[(date(2026, 11, 5), time(14, 0), time(17, 0))],
         venue=("Centre social Georges-Lévy", "1 place Gilbert-Boissier", "69120", "Vaulx-en-Velin"),
         text="Un atelier pour les chefs de projet et les animateurs jeunesse du Mas du Taureau."),
    dict(nid=455, slug="journee-regionale-les-quartiers-face-au-vieillissement", pub=date(2026, 9, 15),
         title="Journée régionale : les quartiers face au vieillissement", themes=["sante"],
         sessions=[(date(2026, 10, 22), time(9, 0), time(16, 30))],
         venue=("Espace Madeleine-Lambert", "12 rue Eugène-Peloux", "69200", "Vénissieux"),
         text="Une journée consacrée au vieillissement des habitants des quartiers prioritaires et à l'adaptation des logements."),
    dict(nid=449, slug="cafe-debat-memoire-de-l-immigration-a-rillieux-la-pape", pub=date(2026, 8, 31),
         title="Café-débat : mémoire de l'immigration à Rillieux-la-Pape", themes=["culture_memoire", "immigration_integration"],
         sessions=[(date(2026, 9, 24), time(18, 30), time(20, 30))],
         venue=("Espace Baudelaire", "83 avenue de l'Europe", "69140", "Rillieux-la-Pape"),
         text="Témoignages d'habitants arrivés dans la Ville Nouvelle dans les années 1970, suivis d'un échange avec une historienne."),
]

DOCS = [
    dict(nid=437, slug="les-chiffres-cles-des-quartiers-prioritaires", d=date(2026, 11, 16),
         title="Les chiffres clés des quartiers prioritaires d'Auvergne-Rhône-Alpes", themes=["pilotage_contrat_de_ville", "developpement_territorial"],
         file="2026-11/chiffres_cles_qpv_aura_2026.pdf", pdf_title="Chiffres clés QPV AURA 2026", pages=6),
    dict(nid=426, slug="reperes-la-participation-des-habitants", d=date(2026, 10, 5),
         title="Repères : la participation des habitants dans les contrats de ville", themes=["participation", "pilotage_contrat_de_ville"],
         file="2026-10/reperes_participation.pdf", pdf_title="Repères n° 12 – La participation des habitants", pages=4),
    dict(nid=417, slug="etude-l-acces-aux-soins-des-habitants-des-quartiers", d=date(2026, 6, 23),
         title="Étude : l'accès aux soins des habitants des quartiers prioritaires", themes=["sante", "acces_aux_droits"],
         file="2026-06/etude_acces_soins_qpv.pdf", pdf_title="L'accès aux soins dans les quartiers prioritaires", pages=5),
    dict(nid=406, slug="cahier-lutter-contre-les-discriminations-liees-a-l-origine", d=date(2026, 3, 10),
         title="Cahier : lutter contre les discriminations liées à l'origine", themes=["egalite_discriminations"],
         file="2026-03/cahier_discriminations_origine.pdf", pdf_title="Cahier du centre de ressources : discriminations et origine", pages=3),
    dict(nid=398, slug="guide-la-renovation-urbaine-au-service-de-la-transition-ecologique", d=date(2026, 1, 27),
         title="Guide : la rénovation urbaine au service de la transition écologique", themes=["renouvellement_urbain", "transitions"],
         file="2026-01/guide_renovation_transition.pdf", pdf_title="Rénovation urbaine et transition écologique", pages=4),
    dict(nid=391, slug="actes-vingt-ans-de-mediation-sociale", d=date(2025, 11, 20),
         title="Actes : vingt ans de médiation sociale dans les quartiers", themes=["securite_prevention", "acces_aux_droits"],
         file="2025-11/actes_mediation_sociale.pdf", pdf_title="Actes – 20 ans de médiation sociale", pages=3),
]


def dtext(text: str) -> str:
    """Drupal's Html::escape: apostrophes become &#039;."""
    return esc(text).replace("'", "&#039;")


def _settings(nid: int | None, path: str) -> str:
    data = {"path": {"baseUrl": "/", "pathPrefix": "", "currentPath": f"node/{nid}" if nid else path.strip("/"),
                     "currentPathIsAdmin": False, "isFront": path == "/", "currentLanguage": "fr"},
            "matomo": {"disableCookies": False, "trackMailto": True, "trackColorbox": True},
            "user": {"uid": 0, "permissionsHash": "5e8b1a6c0f3d4e2a9b7c1d0e2f4a6b8c"}}
    return json.dumps(data)


def _layout(title: str, path: str, nid: int | None, main: str, canonical: str | None = None,
            body_class: str = "path-frontpage") -> str:
    head = ""
    if canonical:
        head += f'<link rel="canonical" href="__ORIGIN__{canonical}" />\n'
    if nid:
        head += f'<link rel="shortlink" href="__ORIGIN__/node/{nid}" />\n'
    destination = f"/node/{nid}" if nid else path
    return f"""<!DOCTYPE html>
<html lang="fr" dir="ltr">
<head>
<meta charset="utf-8" />
<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
<meta name="MobileOptimized" content="width" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
{head}<title>{title} | {esc(NAME)}</title>
<link rel="stylesheet" media="all" href="/sites/default/files/css/css_Xh3kQ2.css" />
</head>
<body class="{body_class}">
<a href="#main-content" class="visually-hidden focusable skip-link">Aller au contenu principal</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
<header class="site-header"><div class="site-branding"><a href="/" rel="home">{esc(NAME)}</a></div>
<nav role="navigation" aria-labelledby="block-principal-menu"><ul class="menu">
<li class="menu__item"><a href="/actualites">Actualités</a></li><li class="menu__item"><a href="/agenda">Agenda</a></li>
<li class="menu__item"><a href="/publications">Publications</a></li><li class="menu__item"><a href="/recherche">Rechercher</a></li></ul></nav>
<div class="account"><a href="/user/login?destination={destination}">Se connecter</a></div></header>
<main role="main"><a id="main-content" tabindex="-1"></a>
{main}
</main>
<footer class="site-footer"><p>{esc(NAME)} – centre de ressources politique de la ville, Lyon.</p>
<a href="/user/login">Espace adhérents</a></footer>
</div>
<script type="application/json" data-drupal-selector="drupal-settings-json">{_settings(nid, path)}</script>
<script src="/core/misc/drupal.js?v=10.3.6"></script>
</body>
</html>
"""


def _analytics(nid: int) -> str:
    # Inline scripts inside the body field: a text format that allows <script>, as
    # editors paste tracking snippets and widget configuration into articles.
    return (f"<script>var _paq = window._paq = window._paq || []; _paq.push(['setCustomDimension', 1, 'node-{nid}']);"
            " _paq.push(['trackPageView']); _paq.push(['enableLinkTracking']);</script>\n")


def _widget_config(nid: int) -> str:
    cfg = {"widget": "partage", "node": nid, "reseaux": ["mastodon", "linkedin"], "texte": "Partager cette page"}
    return f'<script type="application/json" class="js-partage-config">{json.dumps(cfg, ensure_ascii=False)}</script>\n'


def _themes_html(themes: list[str]) -> str:
    links = "".join(f'<div class="field__item"><a href="/recherche?f%5B0%5D=thematique%3A{THEME_TERMS[t][0]}" hreflang="fr">'
                    f'{esc(THEME_TERMS[t][1])}</a></div>' for t in themes)
    return f'<div class="field field--name-field-thematique field--type-entity-reference field__items">{links}</div>'


def _submitted(d: date, t: time) -> str:
    return f'<div class="node__meta"><span class="node__submitted">Publié le <time datetime="{utc_z(d, t, TZ)}">{fr(d)}</time></span></div>'


def _see_also(nid: int, others: list[dict]) -> str:
    chosen = [o for o in others if o["nid"] != nid][:2]
    links = "".join(f'<li><a href="/node/{o["nid"]}">{dtext(o["title"])}</a></li>' for o in chosen)
    return f'<div class="block block-voir-aussi"><h2>Voir aussi</h2><ul>{links}</ul></div>'


def _event_when(e: dict) -> str:
    if "allday" in e:
        d = e["allday"]
        # A date-only field is stored at noon UTC.
        return f'<time datetime="{d.isoformat()}T12:00:00Z" class="datetime">{d:%d/%m/%Y}</time>'
    parts = []
    for d, s, en in e["sessions"]:
        wd = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"][d.weekday()]
        parts.append(f'<div class="field__item"><time datetime="{utc_z(d, s, TZ)}" class="datetime">{wd} {d:%d/%m/%Y} - {s:%H:%M}</time>'
                     f' - <time datetime="{utc_z(d, en, TZ)}" class="datetime">{en:%H:%M}</time></div>')
    return "".join(parts)


def _node_page(kind: str, x: dict, path: str, pub: date, pub_t: time, others: list[dict]) -> str:
    nid = x["nid"]
    body = "".join(f"<p>{dtext(p)}</p>\n" for p in x.get("body", [x.get("text", "")]))
    # Scripts sit between paragraphs so a naive text extractor keeps them.
    parts = body.split("\n", 1)
    body = parts[0] + "\n" + _analytics(nid) + (parts[1] if len(parts) > 1 else "") + _widget_config(nid)
    extra = ""
    if kind == "event":
        extra += f'<div class="field field--name-field-date"><div class="field__label">Date</div><div class="field__items">{_event_when(x)}</div></div>'
        if x["venue"]:
            name, street, postcode, city = x["venue"]
            extra += (f'<div class="field field--name-field-lieu"><div class="field__label">Lieu</div><p class="address" translate="no">'
                      f'<span class="organization">{dtext(name)}</span><br><span class="address-line1">{dtext(street)}</span><br>'
                      f'<span class="postal-code">{postcode}</span> <span class="locality">{dtext(city)}</span><br>'
                      f'<span class="country">France</span></p></div>')
        else:
            extra += '<div class="field field--name-field-lieu"><div class="field__label">Lieu</div><div class="field__item">En ligne (lien envoyé après inscription)</div></div>'
        extra += f'<p class="export"><a href="/agenda/export/ical/node/{nid}">Ajouter à mon agenda (iCal)</a></p>'
    if kind == "document":
        size = f"{x['pages'] * 0.21 + 0.3:.1f}".replace(".", ",")
        extra += (f'<div class="field field--name-field-fichier"><span class="file file--mime-application-pdf file--application-pdf">'
                  f'<a href="/sites/default/files/{x["file"]}" type="application/pdf">{esc(x["file"].split("/")[-1])}</a></span>'
                  f' <span class="file-size">({size} Mo)</span></div>')
    main = f"""<article data-history-node-id="{nid}" class="node node--type-{ {'news': 'article', 'event': 'evenement', 'document': 'publication'}[kind] } node--view-mode-full">
<h1 class="page-title"><span class="field field--name-title field--type-string">{dtext(x['title'])}</span></h1>
{_submitted(pub, pub_t)}
<div class="node__content">
<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">{body}</div>
{extra}
{_themes_html(x['themes'])}
</div>
{_see_also(nid, others)}
</article>"""
    body_class = f"path-node page-node-type-{ {'news': 'article', 'event': 'evenement', 'document': 'publication'}[kind] }"
    return _layout(dtext(x["title"]), path, nid, main, canonical=path, body_class=body_class)


def _listing(title: str, base: str, entries: list[str], page: int, n_pages: int, extra: str = "") -> str:
    pager = ""
    if n_pages > 1:
        links = "".join(f'<li class="pager__item{" is-active" if i == page else ""}"><a href="{base}{"" if i == 0 else f"?page={i}"}">{i + 1}</a></li>'
                        for i in range(n_pages))
        if page + 1 < n_pages:
            links += f'<li class="pager__item pager__item--next"><a href="?page={page + 1}" rel="next">Page suivante</a></li>'
        pager = f'<nav class="pager" role="navigation"><ul class="pager__items js-pager__items">{links}</ul></nav>'
    main = f'<h1 class="page-title">{esc(title)}</h1>\n{extra}<div class="view-content">\n{"".join(entries)}</div>\n{pager}'
    return _layout(esc(title), base, None, main, canonical=base + ("" if page == 0 else f"?page={page}"), body_class="path-" + base.strip("/"))


def _ics(events: list[dict]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Drupal iCal API//FR", "METHOD:PUBLISH"]
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:node-{e['nid']}@cites-ressources.test", f"SUMMARY:{ics_escape(e['title'])}",
                  f"URL:__ORIGIN__/agenda/{e['slug']}", f"DTSTAMP:{e['pub']:%Y%m%d}T090000Z"]
        if "allday" in e:
            lines += [f"DTSTART;VALUE=DATE:{e['allday']:%Y%m%d}"]
        else:
            d, s, en = e["sessions"][0]
            d2, _, en2 = e["sessions"][-1]
            lines += [f"DTSTART:{utc_z(d, s, TZ).replace('-', '').replace(':', '')}",
                      f"DTEND:{utc_z(d2, en2, TZ).replace('-', '').replace(':', '')}"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ics_join(lines)


def build(root: Path) -> Site:
    """Write the Drupal site without feed or sitemap under root/drupal_nofeed."""
    site = Site(root / "drupal_nofeed", {
        "id": "drupal_nofeed", "name": NAME, "timezone": TZ, "cms": "drupal",
        "last_modified": http_date(date(2026, 11, 24)), "today": "2026-11-25", "charset": "utf-8",
    })
    html = "text/html; charset=UTF-8"
    everything = [("news", "/actualites/", n, n["d"], n["t"]) for n in NEWS] + \
        [("event", "/agenda/", e, e["pub"], time(9, 30)) for e in EVENTS] + \
        [("document", "/publications/", p, p["d"], time(11, 10)) for p in DOCS]
    others = NEWS + DOCS
    for kind, prefix, x, pub, pub_t in everything:
        path = prefix + x["slug"]
        page = _node_page(kind, x, path, pub, pub_t, others).encode("utf-8")
        site.file(path, f"node/{x['nid']}.html", page, http_date(pub, 9, 30), html)
        site.same(f"/node/{x['nid']}", path)
        events, document, where = [], None, None
        if kind == "event":
            if "allday" in x:
                events = [event(x["allday"].isoformat(), x["allday"].isoformat(), True)]
            else:
                events = [timed(d, s, en, TZ) for d, s, en in x["sessions"]]
            if x["venue"]:
                where = place(x["venue"][0], x["venue"][3], x["venue"][2])
            site.file(f"/agenda/export/ical/node/{x['nid']}", f"export/node-{x['nid']}.ics", _ics([x]),
                      http_date(pub, 9, 30), "text/calendar; charset=utf-8")
        if kind == "document":
            paragraphs = [f"{NAME}, {fr(pub)}.", "Cette publication est destinée aux professionnels de la politique de la ville et aux élus.",
                          "Elle s'appuie sur les travaux des groupes régionaux d'échange et sur les données de l'Observatoire national de la politique de la ville."]
            site.file(f"/sites/default/files/{x['file']}", f"files/{x['file']}",
                      make_pdf(x["pdf_title"], pdf_pages(x["pdf_title"], paragraphs, x["pages"]), pub, NAME), http_date(pub, 9, 0))
            document = doc(f"/sites/default/files/{x['file']}", x["pages"], x["pdf_title"])
        site.item(kind, path, x["title"], pub.isoformat(), aliases=[f"/node/{x['nid']}"], events=events,
                  document=document, themes=x["themes"], place=where)

    def entry(kind, prefix, x, pub, pub_t) -> str:
        path = prefix + x["slug"]
        when = ""
        if kind == "event":
            when = f'<div class="views-field views-field-field-date">{_event_when(x)}</div>'
        else:
            when = f'<div class="views-field views-field-created"><time datetime="{utc_z(pub, pub_t, TZ)}">{pub:%d/%m/%Y}</time></div>'
        return (f'<!-- entry {path} --><div class="views-row"><div class="views-field views-field-title"><span class="field-content">'
                f'<a href="{path}" hreflang="fr">{dtext(x["title"])}</a></span></div>{when}</div><!-- /entry -->\n')

    calendar_link = ('<p class="agenda-vues"><a href="/agenda/calendrier/2026-11">Vue calendrier</a> · '
                     '<a href="/agenda/export/ical">S\'abonner à l\'agenda (iCal)</a></p>\n')
    facets = _facets()
    for kind, base, per_page, extra in [("news", "/actualites", 4, ""), ("event", "/agenda", 5, calendar_link),
                                        ("document", "/publications", 4, facets)]:
        rows = [r for r in everything if r[0] == kind]
        if kind == "event":
            rows.sort(key=lambda r: (r[2].get("allday") or r[2]["sessions"][0][0]), reverse=True)
        n_pages = -(-len(rows) // per_page)
        title = {"news": "Actualités", "event": "Agenda", "document": "Publications"}[kind]
        for page in range(n_pages):
            chunk = rows[page * per_page:(page + 1) * per_page]
            target = base + ("" if page == 0 else f"?page={page}")
            name = base.strip("/") + f"-{page}.html"
            site.file(target, name, _listing(title, base, [entry(*r) for r in chunk], page, n_pages, extra).encode("utf-8"),
                      http_date(max(r[3] for r in chunk), 9, 30), html)
    site.file("/agenda/export/ical", "export/agenda.ics", _ics(EVENTS), http_date(EVENTS[0]["pub"], 9, 30),
              "text/calendar; charset=utf-8")
    site.traps.append({"kind": "month_calendar", "prefix": "/agenda/calendrier/"})
    # Home: pretty links, /node/N links and legacy session-id links side by side.
    sessions = ["8f3a9c2e71b04d5e9a6f0c1d2b3e4f5a", "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f", "b7e1d2c3a4f5061728394a5b6c7d8e9f"]
    une = "".join(f'<!-- entry /actualites/{n["slug"]} --><li><a href="/actualites/{n["slug"]}?PHPSESSID={sessions[i]}">{dtext(n["title"])}</a></li><!-- /entry -->\n'
                  for i, n in enumerate(NEWS[:3]))
    soon = "".join(f'<!-- entry /agenda/{e["slug"]} --><li><a href="/node/{e["nid"]}">{dtext(e["title"])}</a></li><!-- /entry -->\n'
                   for e in EVENTS[:3])
    home = (f'<h1 class="visually-hidden">Accueil</h1><section><h2>À la une</h2><ul>\n{une}</ul></section>\n'
            f'<section><h2>Prochains rendez-vous</h2><ul>\n{soon}</ul><p><a href="/agenda?PHPSESSID={sessions[0]}">Tout l\'agenda</a></p></section>\n'
            f'<section><h2>Dernière publication</h2><p><a href="/node/{DOCS[0]["nid"]}">{dtext(DOCS[0]["title"])}</a></p></section>')
    site.file("/", "index.html", _layout("Accueil", "/", None, home, canonical="/").encode("utf-8"),
              http_date(NEWS[0]["d"], 9, 30), html)
    site.file("/user/login", "user-login.html", _layout("Se connecter", "/user/login", None,
              '<h1 class="page-title">Se connecter</h1><form action="/user/login" method="post"><input name="name"><input name="pass" type="password"><input type="submit" value="Se connecter"></form>'
              '<p><a href="/user/password">Réinitialiser votre mot de passe</a></p>').encode("utf-8"),
              http_date(date(2025, 2, 3)), html)
    site.file("/user/password", "user-password.html", _layout("Mot de passe", "/user/password", None,
              '<h1 class="page-title">Réinitialiser votre mot de passe</h1>').encode("utf-8"), http_date(date(2025, 2, 3)), html)
    site.file("/recherche", "recherche.html", _layout("Rechercher", "/recherche", None,
              '<h1 class="page-title">Rechercher</h1><form action="/recherche" method="get"><input name="keys"></form>'
              + "".join(f'<a href="/recherche?f%5B0%5D=thematique%3A{n}">{esc(label)}</a> ' for n, label in THEME_TERMS.values())).encode("utf-8"),
              http_date(date(2025, 2, 3)), html)
    site.file("/robots.txt", "robots.txt", (
        "#\n# robots.txt\n#\nUser-agent: *\n# CSS, JS, Images\nAllow: /core/*.css$\nAllow: /core/*.js$\n"
        "# Directories\nDisallow: /core/\nDisallow: /profiles/\n# Paths (clean URLs)\nDisallow: /admin/\n"
        "Disallow: /agenda/export/\nDisallow: /recherche\nDisallow: /user/\nDisallow: /node/add/\n"
        "# Paths (no clean URLs)\nDisallow: /index.php/admin/\nDisallow: /index.php/user/\n").encode(),
        http_date(date(2025, 2, 3)), "text/plain")
    site.truth_extra = {
        "robots_excluded": ["/agenda/export/", "/user/", "/recherche"],
        "trap_prefix": "/agenda/calendrier/",
        "registry": {"id": "drupal_nofeed", "name": NAME, "timezone": TZ, "cms": "drupal", "url": "/",
                     "sources": [{"path": "/actualites", "content": "news"},
                                 {"path": "/agenda", "content": "event"},
                                 {"path": "/publications", "content": "document"}]},
    }
    return site


def _facets() -> str:
    """Facet links whose combinations multiply: every one answers the same listing."""
    years = [2023, 2024, 2025, 2026]
    links = []
    for theme in range(1, 7):
        links.append(f"/publications?theme={theme}")
        for year in years:
            links.append(f"/publications?theme={theme}&annee={year}")
            for kind in (1, 2, 3):
                links.append(f"/publications?theme={theme}&annee={year}&type={kind}")
    items = "".join(f'<li><a href="{attr(u)}" rel="nofollow">{esc(u.split("?")[1].replace("&", " · "))}</a></li>' for u in links)
    return f'<div class="block-facets"><h2>Affiner</h2><ul class="facet-list">{items}</ul></div>\n'
