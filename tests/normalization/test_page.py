"""normalize.page (extract_page): CMS pages of the centres, main text on the real corpus."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import corpus_path

from crawlers.classify import page_type
from normalize.html import sanitize_html
from normalize.page import PageContext, PageFacts, extract_page

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality_html.py"
_spec = importlib.util.spec_from_file_location("quality_html", _BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

LOREM = ("Les habitants des quartiers prioritaires ont participé à cette rencontre régionale "
         "consacrée au contrat de ville et à la participation citoyenne. ") * 4

COOKIE = ('<div id="tarteaucitronRoot"><p>Ce site utilise des cookies. Accepter</p></div>'
          '<div class="cookie-banner">Nous utilisons des cookies pour mesurer l’audience.</div>')
MENU = ('<header id="masthead" class="site-header"><a href="/">Accueil</a><nav class="main-navigation">'
        '<ul><li><a href="/agenda/">Agenda</a></li><li><a href="/ressources/">Ressources</a>'
        '</li></ul></nav></header>')
FOOTER = ('<footer class="site-footer"><p>Mentions légales – Centre de ressources</p></footer>'
          '<aside class="widget-area"><h2>Articles récents</h2><ul><li><a href="/a/">Autre '
          'article</a></li></ul></aside>')

WORDPRESS_POST = f"""<!DOCTYPE html><html lang="fr-FR"><head><meta charset="utf-8">
<title>Retour sur la journée Cités éducatives &#8211; ORIV</title>
<meta property="og:site_name" content="ORIV">
<meta property="og:title" content="Retour sur la journée Cités éducatives">
<meta property="og:type" content="article">
<meta property="og:image" content="/wp-content/uploads/2024/10/photo.jpg">
<meta property="article:published_time" content="2024-10-18T09:30:00+02:00">
<meta property="article:modified_time" content="2024-11-02T10:00:00+01:00">
<meta property="article:section" content="Actualités">
<link rel="canonical" href="https://www.oriv.org/retour-cites-educatives/">
<script>var tracker = "ne-doit-pas-apparaitre";</script></head>
<body class="post-template-default single single-post postid-42">{COOKIE}{MENU}
<main id="main"><article class="post-42 post type-post category-actualites">
<header class="entry-header"><h1 class="entry-title">Retour sur la journée Cités éducatives</h1>
<div class="entry-meta">Publié le <time class="entry-date published" datetime="2024-10-18T09:30:00+02:00">18 octobre 2024</time>
<a href="/category/actualites/" rel="category tag">Actualités</a></div></header>
<div class="entry-content"><p>{LOREM}</p><p>Le <strong>bilan</strong> est disponible :
<a href="/wp-content/uploads/2024/10/bilan-cites.pdf">Télécharger le bilan (PDF)</a>.</p>
<div class="sharedaddy sd-sharing-enabled"><h3>Partager :</h3><a href="https://twitter.com/share">Twitter</a></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3>Articles similaires</h3><p>Un autre article lié</p></div>
</div><footer class="entry-footer"><a href="/tag/education/" rel="tag">Éducation</a></footer></article>
<div id="comments" class="comments-area"><h2>Un commentaire</h2><p>Bravo pour cette journée !</p></div>
</main>{FOOTER}<script>document.write("script-dans-le-corps")</script></body></html>"""


TEC_EVENT = f"""<!DOCTYPE html><html lang="fr-FR"><head><meta charset="utf-8">
<title>Atelier des professionnels de la ville &#8211; ORIV</title>
<meta property="og:site_name" content="ORIV">
<script type="application/ld+json">[{{"@context":"http://schema.org","@type":"Event",
"name":"Atelier des professionnels de la ville","startDate":"2025-05-22T13:00:00+02:00",
"endDate":"2025-05-22T14:00:00+02:00","location":{{"@type":"Place","name":"AREAL",
"address":{{"@type":"PostalAddress","streetAddress":"2 rue Saint Léonard",
"addressLocality":"Sélestat","postalCode":"67600"}}}}}}]</script></head>
<body class="tribe_events-template-default single single-tribe_events postid-7 tribe-events-page-template">
{MENU}<div id="tribe-events-content" class="tribe-events-single">
<h1 class="tribe-events-single-event-title">Atelier des professionnels de la ville</h1>
<div class="tribe-events-schedule tribe-clearfix"><h2><span class="tribe-event-date-start">jeudi 22 mai 2025 | 13h00</span> - <span class="tribe-event-time">14h00</span></h2></div>
<div class="tribe-events-single-event-description tribe-events-content"><p>{LOREM}</p>
<p>Programme : <a href="/wp-content/uploads/2025/04/programme.pdf">Programme détaillé</a></p></div>
<div class="tribe-events-single-section tribe-events-event-meta"><dl><dt>Lieu</dt>
<dd class="tribe-venue">AREAL</dd><dd class="tribe-venue-location"><address class="tribe-events-address">2 rue Saint Léonard, Sélestat</address></dd></dl></div>
</div>{FOOTER}</body></html>"""


DRUPAL_EVENT = f"""<!DOCTYPE html><html lang="fr" dir="ltr"><head>
<title>Journée régionale « Participation des habitants » | IREV</title>
<link rel="shortlink" href="https://irev.fr/node/238338">
<link rel="canonical" href="https://irev.fr/agenda/journee-regionale-participation">
<meta name="description" content="L’IREV organise une journée régionale sur la participation des habitants dans les quartiers prioritaires de la région Hauts-de-France, avec des ateliers."></head>
<body class="path-node page-node-type-evenement">{MENU}
<main role="main"><article class="node node--type-evenement node--view-mode-full">
<h1 class="page-title"><span class="field field--name-title">Journée régionale « Participation des habitants »</span></h1>
<div class="node__meta">Publié le <time datetime="2025-01-10T12:00:00Z">10/01/2025</time></div>
<div class="node__content"><div class="field field--name-field-date field--type-daterange">Du 3 au 5 mars 2025</div>
<div class="field field--name-body field--type-text-with-summary"><p>{LOREM}</p>
<p><strong>Lieu :</strong> Maison de la vie associative, Roubaix</p></div>
<div class="field field--name-field-tags"><a href="/taxonomy/term/3">Participation</a></div>
</div></article></main>{FOOTER}</body></html>"""


SPIP_ARTICLE = f"""<!DOCTYPE html><html dir="ltr" lang="fr"><head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>La Lettre n°140 - Profession Banlieue</title></head>
<body class="page_article">{MENU}<div id="contenu">
<h1 class="crayon article-titre-12 titre">La Lettre n°140</h1>
<p class="info-publi"><abbr class="published" title="2020-02-04T10:00:00Z">Publié le 4 février 2020</abbr></p>
<div class="crayon article-chapo-12 chapo"><p>Ce numéro est consacré aux cités éducatives en Seine-Saint-Denis.</p></div>
<div class="crayon article-texte-12 texte surlignable"><p>{LOREM}</p>
<p><span class="spip_doc_titre"><a href="IMG/pdf/lettre_140.pdf" type="application/pdf">La Lettre n°140 (PDF - 1.2 Mo)</a></span></p></div>
<a href="spip.php?page=backend" rel="alternate">RSS</a>
<div class="forum"><p>Commentaire d’un lecteur : très utile.</p></div>
<p><a href="mot/education" rel="tag">Éducation</a></p></div>{FOOTER}</body></html>"""


LISTING = f"""<!DOCTYPE html><html lang="fr"><head><title>Actualités &#8211; RésO Villes</title>
<link rel="next" href="/category/actualites/page/2/"></head>
<body class="archive category category-actualites">{MENU}<main>
{''.join(f'<article class="post type-post"><h2><a href="/actu-{i}/">Actualité {i}</a></h2><p>Résumé de l’actualité {i}.</p></article>' for i in range(8))}
<nav class="pagination"><a href="/category/actualites/page/2/">2</a></nav></main>{FOOTER}</body></html>"""


DOCUMENT = f"""<!DOCTYPE html><html lang="fr"><head><title>Rapport d'activité 2023 – CRPV</title></head>
<body class="single single-publication">{MENU}<article><h1>Rapport d'activité 2023</h1>
<div class="entry-content"><p>Le rapport d’activité 2023 du centre de ressources est en ligne. Bonne lecture à toutes et à tous, et merci aux partenaires.</p>
<p><a href="https://www.crpv.example/wp-content/uploads/2024/06/rapport-2023.pdf?ver=2">Télécharger</a>
<a href="/docs/annexes.odt" title="Annexes"></a></p></div></article>{FOOTER}</body></html>"""


def test_wordpress_post() -> None:
    facts = extract_page(WORDPRESS_POST, "https://www.oriv.org/?p=42")
    assert isinstance(facts, PageFacts)
    assert facts.title == "Retour sur la journée Cités éducatives"
    assert facts.canonical_url == "https://www.oriv.org/retour-cites-educatives/"
    assert facts.published == "2024-10-18T09:30:00+02:00"
    assert facts.published_raw == "2024-10-18T09:30:00+02:00"
    assert facts.modified[:10] == "2024-11-02"
    assert facts.language == "fr"
    assert facts.image_url == "https://www.oriv.org/wp-content/uploads/2024/10/photo.jpg"
    assert facts.categories == ["Actualités", "Éducation"]
    assert page_type(facts) == "article"
    assert facts.document_links == [
        ("https://www.oriv.org/wp-content/uploads/2024/10/bilan-cites.pdf",
         "Télécharger le bilan (PDF)")]
    assert facts.body_text.startswith("Les habitants des quartiers prioritaires")
    assert "Le bilan est disponible" in facts.body_text
    for junk in ("cookies", "Agenda", "Partager", "Articles similaires", "Bravo",
                 "Mentions légales", "Articles récents", "ne-doit-pas-apparaitre",
                 "script-dans-le-corps", "Retour sur la journée"):
        assert junk not in facts.body_text, junk
    # The body is kept as found; the pipeline sanitises it (absolute links, no scripts).
    safe = sanitize_html(facts.body_html, facts.canonical_url)
    assert 'href="https://www.oriv.org/wp-content/uploads/2024/10/bilan-cites.pdf"' in safe
    assert "<script" not in safe and "sharedaddy" not in safe
    assert facts.summary.startswith("Les habitants des quartiers prioritaires")
    assert len(facts.summary) <= 400 and facts.summary.endswith("…")


def test_events_calendar_event() -> None:
    facts = extract_page(TEC_EVENT, "https://www.oriv.org/agenda/atelier-apv/")
    assert facts.title == "Atelier des professionnels de la ville"
    assert page_type(facts) == "event"
    assert facts.date_text == "jeudi 22 mai 2025 | 13h00 - 14h00"
    assert facts.place_text == "AREAL"
    assert facts.jsonld[0]["@type"] == "Event"
    assert facts.canonical_url == "https://www.oriv.org/agenda/atelier-apv/"
    assert facts.document_links == [
        ("https://www.oriv.org/wp-content/uploads/2025/04/programme.pdf", "Programme détaillé")]
    assert "Lieu" not in facts.body_text and "Agenda" not in facts.body_text


def test_jsonld_location_becomes_place_text() -> None:
    html = TEC_EVENT.replace('class="tribe-venue"', 'class="x"').replace(
        'class="tribe-venue-location"', 'class="y"')
    facts = extract_page(html, "https://www.oriv.org/agenda/atelier-apv/")
    assert facts.place_text == "AREAL, 2 rue Saint Léonard, 67600 Sélestat"


def test_drupal_event_node() -> None:
    facts = extract_page(DRUPAL_EVENT, "https://irev.fr/node/238338")
    assert facts.title == "Journée régionale « Participation des habitants »"
    assert facts.canonical_url == "https://irev.fr/agenda/journee-regionale-participation"
    assert page_type(facts) == "event"
    assert facts.date_text == "Du 3 au 5 mars 2025"
    assert facts.place_text == "Maison de la vie associative, Roubaix"
    assert facts.published[:10] == "2025-01-10"
    assert facts.categories == ["Participation"]
    assert facts.summary.startswith("L’IREV organise une journée régionale")
    assert facts.body_text.startswith("Les habitants des quartiers")


def test_spip_article_latin1() -> None:
    from normalize.html import decode_html

    # Declared ISO-8859-1, really windows-1252 (the apostrophe is byte 0x92).
    html = decode_html(SPIP_ARTICLE.encode("cp1252"))
    facts = extract_page(html, "https://www.professionbanlieue.org/spip.php?article12")
    assert facts.title == "La Lettre n°140"
    assert facts.published[:10] == "2020-02-04"
    assert facts.summary == "Ce numéro est consacré aux cités éducatives en Seine-Saint-Denis."
    assert facts.body_text.startswith("Ce numéro est consacré aux cités éducatives")
    assert "Commentaire d’un lecteur" not in facts.body_text
    assert facts.document_links == [
        ("https://www.professionbanlieue.org/IMG/pdf/lettre_140.pdf",
         "La Lettre n°140 (PDF - 1.2 Mo)")]
    assert page_type(facts) == "article"
    assert facts.categories == ["Éducation"]


def test_listing_page() -> None:
    facts = extract_page(LISTING, "https://www.resovilles.com/category/actualites/")
    assert page_type(facts) == "listing"
    assert facts.title == "Actualités"


def test_document_page() -> None:
    facts = extract_page(DOCUMENT, "https://www.crpv.example/publication/rapport-2023/")
    assert page_type(facts) == "document"
    assert facts.title == "Rapport d'activité 2023"
    assert facts.document_links == [
        ("https://www.crpv.example/wp-content/uploads/2024/06/rapport-2023.pdf?ver=2",
         "Télécharger"),
        ("https://www.crpv.example/docs/annexes.odt", "Annexes")]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<html><head><title>Agenda | Ville &amp; Territoires</title>"
         "<meta property='og:site_name' content='Ville &amp; Territoires'></head>"
         "<body><h1>Logo</h1></body></html>", "Agenda"),
        ("<html><head><title>Villes au Carré - Webinaire « La participation sur le grill »"
         "</title><meta property='og:site_name' content='Villes au Carré'></head>"
         "<body></body></html>", "Webinaire « La participation sur le grill »"),
        ("<html><head><meta property='og:title' content='Covid-19 : ce qui change | Site'>"
         "</head><body></body></html>", "Covid-19 : ce qui change"),
        # After a dash an unknown trailer may be the title's own end: it stays.
        ("<html><head><meta property='og:title' content='Le Moule s’engage dans le quartier "
         "Sergent – Bonan – CRPV Guadeloupe'><meta property='og:site_name' content='CRPV "
         "Guadeloupe'></head><body><h1>Le Moule s’engage dans le quartier Sergent – Bonan</h1>"
         "</body></html>", "Le Moule s’engage dans le quartier Sergent – Bonan"),
        ("<html><body><h1>Titre  <em>seul</em> &amp; net</h1></body></html>",
         "Titre seul & net"),
        ("<html><body><p>rien</p></body></html>", None),
    ],
)
def test_title(html: str, expected: str | None) -> None:
    assert extract_page(html, "https://a.example/x").title == expected


def test_bad_input_never_raises() -> None:
    for html in ("", "   ", "<<<>>>", "\x00\x01", "<html><body><p>un seul mot</p>"):
        facts = extract_page(html, "https://a.example/")
        assert facts.canonical_url == "https://a.example/"
        assert facts.document_links == []


@pytest.fixture(scope="module")
def ours() -> dict:
    return bench.measure_ours(bench.load_pages(corpus_path()))


def test_corpus_main_text_floors(ours: dict) -> None:
    # trafilatura alone keeps 88/93 (94.6 %) and lets 11/91 (12.1 %) through.
    assert ours["kept_total"] == 93 and ours["leaked_total"] == 91
    assert ours["kept"] / ours["kept_total"] >= 0.95
    assert ours["leaked"] / ours["leaked_total"] <= 0.08


def test_corpus_invariants(ours: dict) -> None:
    for name, facts in ours["facts"].items():
        assert facts.canonical_url.startswith("http"), name
        assert facts.summary is None or len(facts.summary) <= 400, name
        assert page_type(facts) in (None, "article", "event", "listing", "document"), name
        assert "\u00ad" not in facts.body_text, name
        for url, _label in facts.document_links:
            assert url.startswith("http"), name


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("bondyblog.fr.paris-8.html", "A Paris-8, un peu de tension, beaucoup d'actions"),
        ("regards.fr.enquetes.html", "Deux ans et demi en Macronie : une condamnation, dix "
                                     "mises en examen et six enquêtes en cours"),
        ("dw.com-elephants.html", "La perte des terres fertiles et les éléphants en "
                                  "Guinée-Conakry"),
        ("la-bas.org.porte.html", "Didier Porte souhaite la Santé à Balkany"),
        ("sciencesetavenir.fr.rumeur.html", "Covid-19 et infox : comment une rumeur devient "
                                            "réalité"),
    ],
)
def test_corpus_titles(ours: dict, name: str, title: str) -> None:
    assert ours["facts"][name].title == title


def test_drupal_field_labels_are_not_glued_to_their_values():
    html = ("<html lang='fr'><body><main><article class='node node--type-event'><h1>Soirée-débat</h1>"
            "<div class='field field--name-field-date'><div class='field__label'>Date</div>"
            "<div class='field__item'><time datetime='2026-12-09T17:30:00Z'>mercredi 9 décembre 2026 - 18:30</time>"
            " - <time datetime='2026-12-09T19:30:00Z'>20:30</time></div></div>"
            "<div class='field field--name-field-lieu'><div class='field__label'>Lieu</div>"
            "<div class='field__item'>Maison de quartier des Moulins, 59000 Lille</div></div>"
            "</article></main></body></html>")
    facts = extract_page(html, "https://www.irev.fr/agenda/soiree-debat")
    assert facts.date_text == "mercredi 9 décembre 2026 - 18:30 - 20:30"
    assert facts.place_text == "Maison de quartier des Moulins, 59000 Lille"


DRUPAL_ARTICLE = """<!DOCTYPE html><html lang="fr" dir="ltr"><head><title>Le conseil citoyen de Roubaix | IREV</title>
<meta property="og:site_name" content="IREV"></head>
<body class="path-node page-node-type-article"><div class="dialog-off-canvas-main-canvas">
<header role="banner"><nav><a href="/">Accueil</a> <a href="/actualites">Actualités</a></nav></header>
<main role="main"><div class="layout-content">
<article class="node node--type-article node--view-mode-full">
<h1 class="page-title"><span class="field field--name-title">Le conseil citoyen de Roubaix fête ses dix ans</span></h1>
<footer class="node__meta"><div class="node__submitted">Publié par IREV le <span class="field field--name-created"><time datetime="2026-11-03T20:30:00Z">mar 03/11/2026 - 21:30</time></span></div></footer>
<div class="node__content">
<div class="sharingContainer"><div class="addtoany_list"><a href="https://www.addtoany.com/share">Partager</a></div>
<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">
<p>Créé en 2016, le conseil citoyen de Roubaix réunit des habitants tirés au sort et des représentants d'associations des quartiers prioritaires.</p>
<p>Pour ses dix ans, il a présenté le bilan de ses avis sur le contrat de ville et sur le projet de renouvellement urbain de l'Alma.</p>
<p>Les membres ont aussi rencontré les élus pour préparer la prochaine programmation.</p>
</div></div></div></article></div></main>
<footer role="contentinfo"><p>IREV – Institut régional de la ville, Lille</p></footer></div></body></html>"""


def test_drupal_body_field_with_label_hidden_inside_a_share_wrapper():
    facts = extract_page(DRUPAL_ARTICLE, "https://irev.fr/actualites/conseil-citoyen-roubaix",
                         PageContext(timezone="Europe/Paris"))
    assert facts.body_text.startswith("Créé en 2016, le conseil citoyen de Roubaix")
    assert "prochaine programmation" in facts.body_text
    assert "Partager" not in facts.body_text and "Accueil" not in facts.body_text
    # Bartik puts the date in the article's own <footer>: it is the page's date.
    assert facts.published == "2026-11-03T21:30:00+01:00"
    assert facts.summary.startswith("Créé en 2016, le conseil citoyen de Roubaix")
