"""Site 2, `wp_martinique`: WordPress + The Events Calendar in America/Martinique (-04:00).

Traps: feed links carrying utm_* parameters, `?p=N` shortlinks that 301 to pretty
permalinks, a post published in the evening whose UTC date is the next day, TEC JSON-LD
with all-day events written 00:00:00 / 23:59:59, a weekly RRULE with EXDATEs known only
from the iCalendar export, an evening event that ends after midnight UTC, year-less dates
in the event list, PDFs linked straight from the publications page.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from _kit import (Site, attr, doc, esc, event, fr, http_date, ics_escape, ics_join, make_pdf,
                  pdf_pages, place, rfc822, timed)

TZ = "America/Martinique"
NAME = "Ressources Villes Martinique"
TODAY = date(2026, 11, 25)
WINDOW = (TODAY - timedelta(days=30), TODAY + timedelta(days=180))

POSTS = [
    dict(id=1187, slug="signature-du-contrat-de-ville-de-la-cacem", d=date(2026, 11, 18), t=time(9, 15),
         title="Engagements Quartiers 2030 : signature du contrat de ville de la CACEM",
         themes=["pilotage_contrat_de_ville"],
         body=["Le contrat de ville « Engagements Quartiers 2030 » de la Communauté d’agglomération du Centre de la Martinique a été signé par le préfet, le président de la CACEM et les maires de Fort-de-France, du Lamentin, de Schœlcher et de Saint-Joseph.",
               "Il couvre onze quartiers prioritaires et fixe quatre priorités : l’emploi des jeunes, la réussite éducative, la santé et l’amélioration du cadre de vie."]),
    dict(id=1179, slug="volga-plage-le-projet-de-renouvellement-urbain-entre-en-phase-operationnelle", d=date(2026, 11, 10), t=time(14, 0),
         title="Volga-Plage : le projet de renouvellement urbain entre en phase opérationnelle",
         themes=["renouvellement_urbain"],
         body=["Les premiers relogements ont commencé dans le quartier de Volga-Plage, à Fort-de-France, exposé aux risques de submersion marine et de glissement de terrain.",
               "Le projet prévoit la résorption de l’habitat indigne, la création d’une promenade littorale et la construction de logements adaptés aux risques naturels."]),
    dict(id=1172, slug="lancement-de-la-cite-educative-de-fort-de-france", d=date(2026, 11, 3), t=time(8, 30),
         title="Jeunesse : lancement de la Cité éducative de Fort-de-France",
         themes=["education_jeunesse"],
         body=["La Cité éducative réunit les écoles, le collège Tertulien-Robinel et les associations des quartiers Trénelle-Citron et Rive Droite autour d’un programme commun.",
               "Premières actions : un accueil du matin dans trois écoles et des ateliers de soutien à la parentalité."]),
    dict(id=1165, slug="chlordecone-une-reunion-publique-a-trinite", d=date(2026, 10, 27), t=time(10, 0),
         title="Chlordécone et santé environnementale : une réunion publique à Trinité",
         themes=["sante", "transitions", "outre_mer"],
         body=["L’agence régionale de santé a présenté aux habitants les résultats des analyses de sols des jardins familiaux du quartier.",
               "Un programme d’accompagnement des familles, conçu avec les associations locales, sera proposé en 2027."]),
    dict(id=1158, slug="la-permanence-juridique-itinerante-sinstalle-au-lamentin", d=date(2026, 10, 20), t=time(11, 45),
         title="Accès aux droits : la permanence juridique itinérante s’installe au Lamentin",
         themes=["acces_aux_droits"],
         body=["Le bus du conseil départemental de l’accès au droit stationne désormais chaque jeudi dans le quartier de Bas-Mission.",
               "Juristes et médiateurs y reçoivent gratuitement et sans rendez-vous."]),
    dict(id=1144, slug="cite-de-lemploi-120-jeunes-accompagnes", d=date(2026, 10, 8), t=time(9, 0),
         title="Emploi : 120 jeunes des quartiers accompagnés par la Cité de l’emploi",
         themes=["emploi_economie", "education_jeunesse"],
         body=["Un an après son lancement, la Cité de l’emploi de Fort-de-France a accompagné 120 jeunes de 16 à 29 ans, dont la moitié a trouvé un emploi ou une formation.",
               "Le partenariat avec les entreprises du port et de l’aéroport sera élargi en 2027."]),
    dict(id=1131, slug="memoire-du-quartier-texaco-un-podcast", d=date(2026, 9, 24), t=time(16, 20),
         title="Mémoire du quartier Texaco : un podcast donne la parole aux anciens",
         themes=["culture_memoire", "outre_mer"],
         body=["En six épisodes, les anciens de Texaco racontent la construction du quartier sur les terrains de la compagnie pétrolière, la lutte pour rester et la réhabilitation.",
               "Le podcast a été réalisé avec les élèves du lycée professionnel voisin."]),
    dict(id=1120, slug="vie-chere-et-precarite-letude-du-crpv", d=date(2026, 9, 10), t=time(20, 45),
         title="Vie chère et précarité : l’étude du centre de ressources sur les ménages des quartiers",
         themes=["outre_mer", "acces_aux_droits"],
         body=["L’étude compare les budgets de quarante ménages des quartiers prioritaires de Fort-de-France et du Lamentin.",
               "Alimentation, transport et énergie pèsent plus lourd qu’en Hexagone : l’écart de prix atteint 40 % sur les produits alimentaires."]),
    dict(id=1102, slug="conseils-citoyens-formation-des-membres-a-schoelcher", d=date(2026, 8, 27), t=time(10, 30),
         title="Conseils citoyens : formation des membres à Schœlcher",
         themes=["participation"],
         body=["Vingt membres des conseils citoyens de Schœlcher et de Fort-de-France ont suivi deux journées de formation sur la prise de parole et le fonctionnement du contrat de ville.",
               "Une nouvelle session est prévue au premier trimestre."]),
    dict(id=1088, slug="seismes-et-cyclones-les-quartiers-face-aux-risques", d=date(2026, 7, 15), t=time(9, 0),
         title="Risques naturels : les quartiers prioritaires face aux séismes et aux cyclones",
         themes=["transitions", "outre_mer", "renouvellement_urbain"],
         body=["Une grande partie du bâti des quartiers d’habitat spontané n’est pas parasismique. Le plan séisme Antilles finance le confortement des écoles et des logements sociaux.",
               "Les habitants sont invités aux exercices d’évacuation organisés avant la saison cyclonique."]),
]

# Events: slug, post id, post date, title, themes, schedule, venue.
EVENTS = [
    dict(id=2201, slug="atelier-numerique-du-mercredi-volga-plage", pub=date(2026, 8, 20),
         title="Atelier numérique du mercredi à Volga-Plage", themes=["acces_aux_droits"],
         recurring=dict(first=date(2026, 9, 2), until=date(2027, 6, 30), start=time(17, 30), end=time(19, 30),
                        exdates=[date(2026, 12, 23), date(2026, 12, 30)]),
         venue=("Maison de quartier de Volga-Plage", "Boulevard de la Marne", "Fort-de-France", "97200"),
         text="Un atelier gratuit pour apprendre à utiliser les services publics en ligne : compte Ameli, déclaration de revenus, espace CAF. Ordinateurs fournis. Pas de séance pendant les vacances de Noël (23 et 30 décembre)."),
    dict(id=2215, slug="rencontres-regionales-de-la-politique-de-la-ville-2026", pub=date(2026, 10, 1),
         title="Rencontres régionales de la politique de la ville 2026", themes=["pilotage_contrat_de_ville", "outre_mer"],
         allday=(date(2026, 12, 9), date(2026, 12, 11)),
         venue=("Palais des congrès de Madiana", "Boulevard de la Pointe des Nègres", "Schœlcher", "97233"),
         text="Trois jours de plénières, d’ateliers et de visites de quartiers pour les acteurs de la politique de la ville en Martinique."),
    dict(id=2230, slug="cine-debat-memoires-de-texaco", pub=date(2026, 11, 12),
         title="Ciné-débat : mémoires de Texaco", themes=["culture_memoire"],
         start=(date(2026, 12, 3), time(19, 0)), end=(date(2026, 12, 3), time(21, 30)),
         venue=("Maison de quartier de Texaco", "Route de Texaco", "Fort-de-France", "97200"),
         text="Projection du documentaire réalisé avec les habitants, suivie d’un débat avec les anciens du quartier."),
    dict(id=2236, slug="webinaire-evaluer-le-contrat-de-ville", pub=date(2026, 11, 16),
         title="Webinaire : évaluer le contrat de ville Engagements Quartiers 2030", themes=["pilotage_contrat_de_ville"],
         start=(date(2026, 12, 15), time(10, 0)), end=(date(2026, 12, 15), time(11, 30)), venue=None,
         text="Une heure et demie pour présenter la méthode d’évaluation à mi-parcours. Le lien de connexion est envoyé après inscription."),
    dict(id=2241, slug="formation-conduire-un-diagnostic-en-marchant", pub=date(2026, 11, 20),
         title="Formation : conduire un diagnostic en marchant", themes=["participation", "renouvellement_urbain"],
         start=(date(2027, 1, 14), time(8, 30)), end=(date(2027, 1, 14), time(16, 30)),
         venue=("Centre social de Bas-Mission", "Rue des Flamboyants", "Le Lamentin", "97232"),
         text="Une journée de formation pour organiser des marches exploratoires avec les habitants."),
    dict(id=2255, slug="formation-action-jeunes-et-espace-public", pub=date(2026, 11, 24),
         title="Formation-action : jeunes et espace public", themes=["education_jeunesse", "securite_prevention"],
         start=(date(2027, 1, 26), time(9, 0)), end=(date(2027, 1, 27), time(16, 0)),
         venue=("Maison des associations de Terreville", "Rue Rosette", "Schœlcher", "97233"),
         text="Deux jours pour les animateurs, éducateurs et médiateurs qui travaillent avec les jeunes dans l’espace public."),
    dict(id=2250, slug="forum-de-lemploi-des-quartiers", pub=date(2026, 11, 24),
         title="Forum de l’emploi des quartiers", themes=["emploi_economie"],
         start=(date(2027, 2, 18), time(8, 0)), end=(date(2027, 2, 18), time(13, 0)),
         venue=("Marché couvert de Sainte-Thérèse", "Boulevard Allègre", "Fort-de-France", "97200"),
         text="Employeurs, organismes de formation et France Travail accueillent les habitants des quartiers prioritaires."),
    dict(id=2190, slug="seminaire-sante-environnementale-et-chlordecone", pub=date(2026, 10, 12),
         title="Séminaire : santé environnementale et chlordécone dans les quartiers", themes=["sante", "transitions", "outre_mer"],
         start=(date(2026, 11, 5), time(9, 0)), end=(date(2026, 11, 5), time(12, 30)),
         venue=("Salle des fêtes de Trinité", "Rue Joseph-Lagrosillière", "Trinité", "97220"),
         text="Chercheurs, médecins et associations font le point sur l’exposition au chlordécone et les actions de prévention."),
    dict(id=2178, slug="comite-technique-des-chefs-de-projet", pub=date(2026, 9, 28),
         title="Comité technique des chefs de projet", themes=["pilotage_contrat_de_ville"],
         start=(date(2026, 10, 15), time(14, 0)), end=(date(2026, 10, 15), time(17, 0)),
         venue=("Mairie du François", "Place de l’Église", "Le François", "97240"),
         text="Réunion de travail des chefs de projet politique de la ville des communes de Martinique."),
]

DOCS = [
    dict(file="2026/10/portrait-qpv-martinique-2026.pdf", title="Portrait des quartiers prioritaires de Martinique 2026",
         pages=5, d=date(2026, 10, 12), themes=["pilotage_contrat_de_ville", "developpement_territorial", "outre_mer"]),
    dict(file="2026/09/etude-vie-chere-menages-quartiers.pdf", title="Étude : vie chère et budget des ménages des quartiers",
         pages=6, d=date(2026, 9, 10), themes=["outre_mer", "acces_aux_droits"]),
    dict(file="2026/06/guide-evaluation-contrats-de-ville.pdf", title="Guide méthodologique de l’évaluation des contrats de ville",
         pages=4, d=date(2026, 6, 3), themes=["pilotage_contrat_de_ville"]),
    dict(file="2026/03/actes-rencontres-regionales-2025.pdf", title="Actes des Rencontres régionales 2025",
         pages=7, d=date(2026, 3, 19), themes=["pilotage_contrat_de_ville", "participation"]),
    dict(file="2026/01/fiche-repere-gusp.pdf", title="Fiche repère : la gestion urbaine et sociale de proximité",
         pages=2, d=date(2026, 1, 22), themes=["renouvellement_urbain", "participation"]),
]


def wptext(text: str) -> str:
    """Title text as WordPress prints it after wptexturize (curly quotes as entities)."""
    return esc(text).replace("’", "&#8217;").replace("–", "&#8211;")


def post_path(p: dict) -> str:
    return f"/{p['d']:%Y}/{p['d']:%m}/{p['slug']}/"


def local(d: date, t: time) -> datetime:
    return datetime.combine(d, t, ZoneInfo(TZ))


def _layout(title: str, head: str, body_class: str, main: str) -> str:
    return f"""<!doctype html>
<html lang="fr-FR">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} &#8211; {esc(NAME)}</title>
<link rel="alternate" type="application/rss+xml" title="{esc(NAME)} &raquo; Flux" href="__ORIGIN__/feed/" />
<link rel="alternate" type="text/calendar" title="{esc(NAME)} &raquo; Flux iCal" href="__ORIGIN__/events/?ical=1" />
<link rel="https://api.w.org/" href="__ORIGIN__/wp-json/" />
{head}
</head>
<body class="{body_class}">
<div id="page" class="site">
<header id="masthead" class="site-header"><p class="site-title"><a href="__ORIGIN__/" rel="home">{esc(NAME)}</a></p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li><a href="__ORIGIN__/">Accueil</a></li><li><a href="__ORIGIN__/category/actualites/">Actualités</a></li>
<li><a href="__ORIGIN__/events/">Agenda</a></li><li><a href="__ORIGIN__/publications/">Publications</a></li>
<li><a href="__ORIGIN__/contact/">Contact</a></li></ul></nav></header>
<div id="content" class="site-content"><main id="main" class="site-main">
{main}
</main></div>
<footer id="colophon" class="site-footer"><p>{esc(NAME)} – centre de ressources politique de la ville de Martinique, Fort-de-France.</p></footer>
</div>
</body>
</html>
"""


def _post_page(p: dict) -> str:
    when = local(p["d"], p["t"])
    utc = when.astimezone(timezone.utc)
    path = post_path(p)
    schema = {"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "@id": f"__ORIGIN__{path}#article", "headline": p["title"],
         "datePublished": utc.isoformat(), "dateModified": utc.isoformat(), "inLanguage": "fr-FR",
         "articleSection": ["Actualités"], "author": {"name": "Rédaction"}},
        {"@type": "WebPage", "@id": f"__ORIGIN__{path}", "url": f"__ORIGIN__{path}", "name": f"{p['title']} - {NAME}"}]}
    head = (f'<link rel="canonical" href="__ORIGIN__{path}" />\n<link rel="shortlink" href="__ORIGIN__/?p={p["id"]}" />\n'
            f'<meta property="og:type" content="article" />\n<meta property="og:title" content="{attr(p["title"])}" />\n'
            f'<meta property="article:published_time" content="{utc.isoformat()}" />\n'
            f'<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(schema, ensure_ascii=False)}</script>')
    paras = "\n".join(f"<p>{wptext(x)}</p>" for x in p["body"])
    main = f"""<article id="post-{p['id']}" class="post-{p['id']} post type-post status-publish format-standard hentry category-actualites">
<header class="entry-header"><h1 class="entry-title">{wptext(p['title'])}</h1>
<div class="entry-meta"><span class="posted-on">Publié le <a href="__ORIGIN__{path}" rel="bookmark"><time class="entry-date published updated" datetime="{when.isoformat()}">{fr(p['d'])}</time></a></span><span class="byline"> par <span class="author vcard"><a class="url fn n" href="__ORIGIN__/author/redaction/">Rédaction</a></span></span></div>
</header>
<div class="entry-content">
{paras}
</div>
<footer class="entry-footer"><span class="cat-links">Publié dans <a href="__ORIGIN__/category/actualites/" rel="category tag">Actualités</a></span></footer>
</article>"""
    return _layout(wptext(p["title"]), head, f"post-template-default single single-post postid-{p['id']}", main)


def _tec_time(t: time) -> str:
    return f"{t.hour} h {t.minute:02d} min"


def _schedule(e: dict) -> tuple[str, str, str]:
    """(schedule HTML, JSON-LD startDate, JSON-LD endDate) as TEC 6 prints them."""
    if "allday" in e:
        first, last = e["allday"]
        html = (f'<span class="tribe-event-date-start">{fr(first)}</span> - '
                f'<span class="tribe-event-date-end">{fr(last)}</span>')
        # TEC writes all-day events as midnight to 23:59:59 local.
        return html, local(first, time(0)).isoformat(), local(last, time(23, 59, 59)).isoformat()
    if "recurring" in e:
        r = e["recurring"]
        s, en = local(r["first"], r["start"]), local(r["first"], r["end"])
        html = (f'<span class="tribe-event-date-start">{fr(r["first"])} @ {_tec_time(r["start"])}</span> - '
                f'<span class="tribe-event-time">{_tec_time(r["end"])}</span>'
                f'<div class="recurringinfo"><div class="event-is-recurring"><span class="tribe-events-divider">|</span>'
                f'Récurrent <a href="__ORIGIN__/event/{e["slug"]}/all/">Évènement</a> '
                f'<div class="tribe-events-tooltip recurring-info-tooltip"><div class="tribe-events-event-body">'
                f'<p>Tous les mercredis de {_tec_time(r["start"])} à {_tec_time(r["end"])}, du {fr(r["first"])} au {fr(r["until"])}, '
                f'sauf les {" et ".join(fr(x) for x in r["exdates"])}</p></div></div></div></div>')
        return html, s.isoformat(), en.isoformat()
    (d1, t1), (d2, t2) = e["start"], e["end"]
    if d1 == d2:
        html = (f'<span class="tribe-event-date-start">{fr(d1)} @ {_tec_time(t1)}</span> - '
                f'<span class="tribe-event-time">{_tec_time(t2)}</span>')
    else:
        html = (f'<span class="tribe-event-date-start">{fr(d1)} @ {_tec_time(t1)}</span> - '
                f'<span class="tribe-event-date-end">{fr(d2)} @ {_tec_time(t2)}</span>')
    return html, local(d1, t1).isoformat(), local(d2, t2).isoformat()


def event_path(e: dict) -> str:
    return f"/event/{e['slug']}/"


def _event_page(e: dict) -> str:
    sched, start, end = _schedule(e)
    path = event_path(e)
    ld = {"@context": "http://schema.org", "@type": "Event", "name": wptext(e["title"]),
          "description": f"&lt;p&gt;{wptext(e['text'])}&lt;/p&gt;", "url": f"__ORIGIN__{path}",
          "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode" if e["venue"] else "https://schema.org/OnlineEventAttendanceMode",
          "eventStatus": "https://schema.org/EventScheduled", "startDate": start, "endDate": end,
          "organizer": {"@type": "Person", "name": NAME}, "performer": "Organization"}
    venue_html = ""
    if e["venue"]:
        name, street, city, postcode = e["venue"]
        ld["location"] = {"@type": "Place", "name": name, "address": {
            "@type": "PostalAddress", "streetAddress": street, "addressLocality": city,
            "postalCode": postcode, "addressCountry": "Martinique"}}
        venue_html = f"""<div class="tribe-events-meta-group tribe-events-meta-group-venue"><h2 class="tribe-events-single-section-title">Lieu</h2>
<dl><dd class="tribe-venue"> {esc(name)} </dd><dd class="tribe-venue-location"><address class="tribe-events-address"><span class="tribe-address">
<span class="tribe-street-address">{esc(street)}</span><br><span class="tribe-locality">{esc(city)}</span><span class="tribe-delimiter">,</span>
<span class="tribe-postal-code">{postcode}</span> <span class="tribe-country-name">Martinique</span></span></address></dd></dl></div>"""
    else:
        ld["location"] = {"@type": "VirtualLocation", "url": f"__ORIGIN__{path}"}
    pub = local(e["pub"], time(10, 0)).astimezone(timezone.utc)
    head = (f'<link rel="canonical" href="__ORIGIN__{path}" />\n<meta property="og:type" content="article" />\n'
            f'<meta property="article:published_time" content="{pub.isoformat()}" />\n'
            f'<script type="application/ld+json">[{json.dumps(ld, ensure_ascii=False)}]</script>')
    main = f"""<div id="tribe-events-content" class="tribe-events-single">
<p class="tribe-events-back"><a href="__ORIGIN__/events/"> &laquo; Tous les Évènements</a></p>
<h1 class="tribe-events-single-event-title">{wptext(e['title'])}</h1>
<div class="tribe-events-schedule tribe-clearfix"><h2>{sched}</h2><span class="tribe-events-cost">Gratuit</span></div>
<div id="post-{e['id']}" class="post-{e['id']} tribe_events type-tribe_events status-publish">
<div class="tribe-events-single-event-description tribe-events-content"><p>{wptext(e['text'])}</p>
<p>Inscription : <a href="mailto:contact@ressources-villes-martinique.test">contact@ressources-villes-martinique.test</a></p></div>
<div class="tribe-events tribe-common"><div class="tribe-events-c-subscribe-dropdown__container">
<a class="tribe-events-c-subscribe-dropdown__export-url" href="__ORIGIN__/events/?ical=1" rel="noopener noreferrer nofollow">Exporter en .ics</a></div></div>
<div class="tribe-events-single-section tribe-events-event-meta primary tribe-clearfix">{venue_html}</div>
</div></div>"""
    return _layout(wptext(e["title"]), head, f"tribe_events-template-default single single-tribe_events postid-{e['id']} events-single", main)


def _first_start(e: dict) -> date:
    if "allday" in e:
        return e["allday"][0]
    if "recurring" in e:
        return e["recurring"]["first"]
    return e["start"][0]


def _occurrences(e: dict) -> list[date]:
    r = e["recurring"]
    out, d = [], r["first"]
    while d <= r["until"]:
        if d not in r["exdates"]:
            out.append(d)
        d += timedelta(days=7)
    return out


def _truth_events(e: dict) -> list[dict]:
    if "allday" in e:
        return [event(e["allday"][0].isoformat(), e["allday"][1].isoformat(), True)]
    if "recurring" in e:
        r = e["recurring"]
        return [timed(d, r["start"], r["end"], TZ) for d in _occurrences(e) if WINDOW[0] <= d <= WINDOW[1]]
    (d1, t1), (d2, t2) = e["start"], e["end"]
    return [timed(d1, t1, t2, TZ, end_day=d2)]


def _event_list_entry(e: dict) -> str:
    # TEC's list view leaves the year out for the current year.
    d = _first_start(e)
    label = f"{fr(d, year=d.year != TODAY.year)}"
    if "recurring" in e:
        label = f"Tous les mercredis, {_tec_time(e['recurring']['start'])} - {_tec_time(e['recurring']['end'])}"
    return (f'<!-- entry {event_path(e)} --><article class="tribe-events-calendar-list__event">'
            f'<time class="tribe-events-calendar-list__event-datetime" datetime="{d.isoformat()}">{label}</time>'
            f'<h3 class="tribe-events-calendar-list__event-title"><a href="__ORIGIN__{event_path(e)}" '
            f'class="tribe-events-calendar-list__event-title-link">{wptext(e["title"])}</a></h3></article><!-- /entry -->\n')


def _ics(events: list[dict]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{NAME} - ECPv6.8.1//NONSGML v1.0//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{NAME}", "X-ORIGINAL-URL:__ORIGIN__",
             f"X-WR-CALDESC:Évènements pour {NAME}", "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
             "X-Robots-Tag:noindex", "X-PUBLISHED-TTL:PT1H",
             "BEGIN:VTIMEZONE", "TZID:America/Martinique", "BEGIN:STANDARD", "TZOFFSETFROM:-0400",
             "TZOFFSETTO:-0400", "TZNAME:AST", "DTSTART:20250101T000000", "END:STANDARD", "END:VTIMEZONE"]
    for e in events:
        stamp = local(e["pub"], time(10, 0)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        lines.append("BEGIN:VEVENT")
        if "allday" in e:
            first, last = e["allday"]
            lines += [f"DTSTART;VALUE=DATE:{first:%Y%m%d}", f"DTEND;VALUE=DATE:{last + timedelta(days=1):%Y%m%d}"]
        elif "recurring" in e:
            r = e["recurring"]
            until = local(r["until"], r["end"]).astimezone(timezone.utc)
            lines += [f"DTSTART;TZID={TZ}:{r['first']:%Y%m%d}T{r['start']:%H%M%S}",
                      f"DTEND;TZID={TZ}:{r['first']:%Y%m%d}T{r['end']:%H%M%S}",
                      f"RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL={until:%Y%m%dT%H%M%SZ}",
                      f"EXDATE;TZID={TZ}:" + ",".join(f"{x:%Y%m%d}T{r['start']:%H%M%S}" for x in r["exdates"])]
        else:
            (d1, t1), (d2, t2) = e["start"], e["end"]
            lines += [f"DTSTART;TZID={TZ}:{d1:%Y%m%d}T{t1:%H%M%S}", f"DTEND;TZID={TZ}:{d2:%Y%m%d}T{t2:%H%M%S}"]
        lines += [f"DTSTAMP:{TODAY:%Y%m%d}T120000", f"CREATED:{stamp}", f"LAST-MODIFIED:{stamp}",
                  f"UID:{e['id']}-{e['slug']}@ressources-villes-martinique.test",
                  f"SUMMARY:{ics_escape(e['title'])}", f"DESCRIPTION:{ics_escape(e['text'])}",
                  f"URL:__ORIGIN__{event_path(e)}"]
        if e["venue"]:
            lines.append("LOCATION:" + ics_escape(", ".join(e["venue"]) + ", Martinique"))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ics_join(lines)


def _rss(posts: list[dict]) -> bytes:
    items = []
    for p in posts:
        path = post_path(p)
        paras = "".join(f"<p>{wptext(x)}</p>" for x in p["body"])
        items.append(f"""	<item>
		<title>{wptext(p['title'])}</title>
		<link>__ORIGIN__{path}?utm_source=newsletter&amp;utm_medium=rss&amp;utm_campaign=veille</link>
		<comments>__ORIGIN__{path}#respond</comments>
		<dc:creator><![CDATA[Rédaction]]></dc:creator>
		<pubDate>{rfc822(p['d'], p['t'], TZ)}</pubDate>
		<category><![CDATA[Actualités]]></category>
		<guid isPermaLink="false">__ORIGIN__/?p={p['id']}</guid>
		<description><![CDATA[{wptext(p['body'][0])} [&hellip;]]]></description>
		<content:encoded><![CDATA[{paras}]]></content:encoded>
	</item>
""")
    last = rfc822(posts[0]["d"], posts[0]["t"], TZ)
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>
<channel>
	<title>{esc(NAME)}</title>
	<atom:link href="__ORIGIN__/feed/" rel="self" type="application/rss+xml" />
	<link>__ORIGIN__</link>
	<description>Centre de ressources politique de la ville de Martinique</description>
	<lastBuildDate>{last}</lastBuildDate>
	<language>fr-FR</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.8.1</generator>
{"".join(items)}</channel>
</rss>
""".encode("utf-8")


def _sitemap(urls: list[tuple[str, date]]) -> bytes:
    body = "".join(f"<url><loc>__ORIGIN__{u}</loc><lastmod>{d.isoformat()}T12:00:00+00:00</lastmod></url>\n"
                   for u, d in urls)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f'{body}</urlset>\n').encode("utf-8")


def build(root: Path) -> Site:
    """Write the WordPress / The Events Calendar site under root/wp_martinique."""
    site = Site(root / "wp_martinique", {
        "id": "wp_martinique", "name": NAME, "timezone": TZ, "cms": "wordpress",
        "last_modified": http_date(TODAY), "today": TODAY.isoformat(), "charset": "utf-8",
    })
    html = "text/html; charset=UTF-8"
    for p in POSTS:
        path = post_path(p)
        site.file(path, f"posts/{p['slug']}.html", _post_page(p).encode("utf-8"), http_date(p["d"], 14), html)
        site.redirect(f"/?p={p['id']}", path)
        site.item("news", path, p["title"], p["d"].isoformat(), aliases=[f"/?p={p['id']}"], themes=p["themes"])
    per_page = 6
    for n, start in enumerate(range(0, len(POSTS), per_page), start=1):
        chunk = POSTS[start:start + per_page]
        entries = "".join(
            f'<!-- entry {post_path(p)} --><article class="post-{p["id"]} post type-post"><h2 class="entry-title">'
            f'<a href="__ORIGIN__{post_path(p)}" rel="bookmark">{wptext(p["title"])}</a></h2>'
            f'<time class="entry-date published" datetime="{local(p["d"], p["t"]).isoformat()}">{fr(p["d"])}</time>'
            f'<div class="entry-summary"><p>{wptext(p["body"][0])} [&hellip;]</p></div></article><!-- /entry -->\n'
            for p in chunk)
        nav = ""
        if start + per_page < len(POSTS):
            nav += f'<a class="next page-numbers" href="__ORIGIN__/category/actualites/page/{n + 1}/">Articles plus anciens</a>'
        if n > 1:
            prev = "/category/actualites/" if n == 2 else f"/category/actualites/page/{n - 1}/"
            nav += f'<a class="prev page-numbers" href="__ORIGIN__{prev}">Articles plus récents</a>'
        main = f'<header class="page-header"><h1 class="page-title">Catégorie : <span>Actualités</span></h1></header>\n{entries}<nav class="navigation posts-navigation">{nav}</nav>'
        target = "/category/actualites/" if n == 1 else f"/category/actualites/page/{n}/"
        site.file(target, f"category-actualites-{n}.html",
                  _layout("Actualités", "", "archive category category-actualites", main).encode("utf-8"),
                  http_date(chunk[0]["d"], 14), html)
    for e in EVENTS:
        path = event_path(e)
        site.file(path, f"events/{e['slug']}.html", _event_page(e).encode("utf-8"), http_date(e["pub"], 14), html)
        place_truth = place(e["venue"][0], e["venue"][2], e["venue"][3]) if e["venue"] else None
        site.item("event", path, e["title"], e["pub"].isoformat(), events=_truth_events(e),
                  themes=e["themes"], place=place_truth)
    upcoming = sorted((e for e in EVENTS if "recurring" in e or _first_start(e) >= TODAY), key=_first_start)
    past = sorted((e for e in EVENTS if "recurring" not in e and _first_start(e) < TODAY), key=_first_start, reverse=True)
    newest = max(e["pub"] for e in EVENTS)
    for target, name, chosen, heading, other in [
            ("/events/", "events-list.html", upcoming, "Évènements à venir",
             '<a href="__ORIGIN__/events/list/?eventDisplay=past" rel="prev">Évènements précédents</a>'),
            ("/events/list/?eventDisplay=past", "events-past.html", past, "Évènements passés",
             '<a href="__ORIGIN__/events/" rel="next">Évènements à venir</a>')]:
        main = (f'<div class="tribe-common tribe-events tribe-events-view tribe-events-view--list"><h1 class="tribe-events-header__title-text">{heading}</h1>\n'
                + "".join(_event_list_entry(e) for e in chosen)
                + f'<nav class="tribe-events-calendar-list-nav">{other}</nav>'
                '<div class="tribe-events-c-subscribe-dropdown"><a href="__ORIGIN__/events/?ical=1">Exporter les évènements (.ics)</a></div></div>')
        site.file(target, name, _layout(heading, "", "post-type-archive-tribe_events events-list", main).encode("utf-8"),
                  http_date(newest, 14), html)
    site.file("/events/?ical=1", "events.ics", _ics(EVENTS), http_date(newest, 14), "text/calendar; charset=utf-8")
    # Publications: a WordPress page linking the PDFs straight from the media library.
    blocks = []
    for dcm in DOCS:
        url = f"/wp-content/uploads/{dcm['file']}"
        paragraphs = [f"{NAME} – {fr(dcm['d'])}.", "Ce document s’adresse aux élus, aux équipes projet et aux associations des quartiers prioritaires de Martinique.",
                      "Les données proviennent de l’Insee, de l’ANCT et des partenaires du contrat de ville."]
        site.file(url, f"wp-content/uploads/{dcm['file']}",
                  make_pdf(dcm["title"], pdf_pages(dcm["title"], paragraphs, dcm["pages"]), dcm["d"], NAME),
                  http_date(dcm["d"], 15))
        blocks.append(f'<!-- entry {url} --><div class="wp-block-file"><a href="__ORIGIN__{url}">{wptext(dcm["title"])}</a>'
                      f'<a href="__ORIGIN__{url}" class="wp-block-file__button wp-element-button" download>Télécharger</a></div>'
                      f'<p class="has-small-font-size">PDF, {dcm["pages"]} pages – mis en ligne le {fr(dcm["d"])}</p><!-- /entry -->\n')
        site.item("document", url, dcm["title"], dcm["d"].isoformat(), document=doc(url, dcm["pages"], dcm["title"]),
                  themes=dcm["themes"])
    main = (f'<article id="post-12" class="post-12 page type-page status-publish"><header class="entry-header"><h1 class="entry-title">Publications</h1></header>'
            f'<div class="entry-content"><p>Études, guides et actes publiés par le centre de ressources.</p>\n{"".join(blocks)}</div></article>')
    site.file("/publications/", "publications.html",
              _layout("Publications", '<link rel="canonical" href="__ORIGIN__/publications/" />\n<link rel="shortlink" href="__ORIGIN__/?p=12" />',
                      "page-template-default page page-id-12", main).encode("utf-8"), http_date(DOCS[0]["d"], 15), html)
    site.redirect("/?p=12", "/publications/")
    site.file("/contact/", "contact.html", _layout("Contact", "", "page page-id-14",
              '<h1 class="entry-title">Contact</h1><p>Immeuble Les Cascades, Fort-de-France. Tél. 0596 00 00 00.</p>').encode("utf-8"),
              http_date(date(2025, 5, 2)), html)
    latest = "".join(f'<!-- entry {post_path(p)} --><li><a href="__ORIGIN__{post_path(p)}">{wptext(p["title"])}</a></li><!-- /entry -->\n' for p in POSTS[:4])
    soon = "".join(f'<!-- entry {event_path(e)} --><li><a href="__ORIGIN__{event_path(e)}">{wptext(e["title"])}</a></li><!-- /entry -->\n' for e in upcoming[:4])
    also = " ".join(f'<a href="__ORIGIN__/?p={p["id"]}">{wptext(p["title"])}</a>' for p in POSTS[6:8])
    home = (f'<section><h2>Dernières actualités</h2><ul>\n{latest}</ul></section>\n<section><h2>Prochains évènements</h2><ul>\n{soon}</ul></section>\n'
            f'<section class="widget"><h2>À relire</h2><p>{also}</p></section>')
    site.file("/", "index.html", _layout(esc(NAME), '<link rel="canonical" href="__ORIGIN__/" />', "home blog", home).encode("utf-8"),
              http_date(POSTS[0]["d"], 14), html)
    site.file("/feed/", "feed.xml", _rss(POSTS), http_date(POSTS[0]["d"], 14), "application/rss+xml; charset=UTF-8")
    site.file("/wp-sitemap-posts-post-1.xml", "wp-sitemap-posts-post-1.xml",
              _sitemap([(post_path(p), p["d"]) for p in POSTS]), http_date(POSTS[0]["d"], 14), "application/xml")
    site.file("/wp-sitemap-posts-tribe_events-1.xml", "wp-sitemap-posts-tribe_events-1.xml",
              _sitemap([(event_path(e), e["pub"]) for e in EVENTS]), http_date(newest, 14), "application/xml")
    site.file("/wp-sitemap-posts-page-1.xml", "wp-sitemap-posts-page-1.xml",
              _sitemap([("/publications/", DOCS[0]["d"]), ("/contact/", date(2025, 5, 2))]), http_date(DOCS[0]["d"], 15), "application/xml")
    index = "".join(f"<sitemap><loc>__ORIGIN__/wp-sitemap-posts-{k}-1.xml</loc></sitemap>" for k in ("post", "page", "tribe_events"))
    site.file("/wp-sitemap.xml", "wp-sitemap.xml",
              f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>\n'.encode(),
              http_date(POSTS[0]["d"], 14), "application/xml")
    site.file("/robots.txt", "robots.txt", b"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
              b"Sitemap: __ORIGIN__/wp-sitemap.xml\n", http_date(date(2025, 5, 2)), "text/plain")
    site.truth_extra = {
        "today": TODAY.isoformat(),
        "window": [WINDOW[0].isoformat(), WINDOW[1].isoformat()],
        "robots_excluded": ["/wp-admin/"],
        "trap_prefix": None,
        "registry": {"id": "wp_martinique", "name": NAME, "timezone": TZ, "cms": "wordpress", "url": "/",
                     "sources": [{"path": "/category/actualites/", "content": "news"},
                                 {"path": "/events/", "content": "event"},
                                 {"path": "/publications/", "content": "document"}]},
    }
    return site
