"""normalize.template: a site's boilerplate learned from its own pages, on a site with no
semantic markup at all (a table layout, no nav/header/footer, no classes)."""

from __future__ import annotations

from normalize.html import html_to_text, parse_document
from normalize.page import PageContext, extract_page
from normalize.template import SiteTemplate, page_blocks

ORIGIN = "http://ressources.example"
MENU = ('<a href="/index.php">Accueil</a> | <a href="/actualites.php">Actualités</a> | '
        '<a href="/agenda.php">Agenda</a> | <a href="/ressources.php">Ressources</a> | '
        '<a href="/presentation.php">Mieux nous connaître</a>')
FOOTER = 'Ressources &amp; Territoires - Albi - <a href="/contact.php">Contact</a>'


def page(title: str, content: str) -> str:
    """The table chrome of a home-made PHP site: nothing but tables and links."""
    return f"""<html><head><title>R&amp;T - {title}</title></head><body>
<table width="960"><tr><td><img src="/logo.gif" alt="Ressources &amp; Territoires"></td></tr>
<tr><td>{MENU}</td></tr>
<tr><td>{content}</td></tr>
<tr><td>{FOOTER}</td></tr></table></body></html>"""


HOME = page("Accueil", "<b>Bienvenue</b><ul>"
            '<li><a href="/fiche.php?id=12">Les conseils citoyens de Tarn-et-Garonne se réunissent</a></li>'
            '<li><a href="/fiche.php?id=11">Emploi : un forum à Castres</a></li></ul>')
LISTING = page("Actualités", "<b>Actualités</b><table>"
               '<tr><td>03/11/2026</td><td><a href="/fiche.php?id=12">Les conseils citoyens de '
               'Tarn-et-Garonne se réunissent</a></td></tr>'
               '<tr><td>28/10/2026</td><td><a href="/fiche.php?id=11">Emploi : un forum à Castres'
               '</a></td></tr></table>')
ARTICLE = page("Les conseils citoyens de Tarn-et-Garonne se réunissent",
               "<font size=4><b>Les conseils citoyens de Tarn-et-Garonne se réunissent</b></font><br>"
               "Mis en ligne le 03/11/2026<br><br>"
               "Les membres des conseils citoyens de Montauban et de Castelsarrasin se sont retrouvés "
               "à Albi pour une journée d'échanges sur la participation des habitants.<br>"
               "Ils ont travaillé sur le renouvellement des instances et sur la place des jeunes.<br>"
               '<a href="/actualites.php">&lt; Retour</a>')
OTHER = page("Emploi : un forum à Castres",
             "<font size=4><b>Emploi : un forum à Castres</b></font><br>Mis en ligne le 28/10/2026<br>"
             "Trente employeurs ont rencontré les demandeurs d'emploi des quartiers prioritaires.<br>"
             '<a href="/actualites.php">&lt; Retour</a>')


def learned(*pages: tuple[str, str]) -> SiteTemplate:
    template = SiteTemplate()
    for path, html in pages:
        doc = parse_document(html)
        template.observe(ORIGIN + path, page_blocks(doc.find("body"), ORIGIN + path), home=path == "/")
    return template


def test_menu_and_footer_are_the_template_the_article_is_not():
    third = OTHER.replace("Castres", "Gaillac").replace("Trente", "Vingt")
    template = learned(("/", HOME), ("/actualites.php", LISTING), ("/fiche.php?id=11", OTHER),
                       ("/fiche.php?id=10", third), ("/fiche.php?id=12", ARTICLE))
    url = ORIGIN + "/fiche.php?id=12"
    verdicts = {b.text: template.is_boilerplate(b, url)
                for b in page_blocks(parse_document(ARTICLE).find("body"), url)}
    assert verdicts["Accueil | Actualités | Agenda | Ressources | Mieux nous connaître"] is True
    assert verdicts["Ressources & Territoires - Albi - Contact"] is True
    assert verdicts["< Retour"] is True  # on every article of the site
    # The article's title is a teaser on the home page and the listing, linking to it: never
    # boilerplate for the article itself.
    assert verdicts["Les conseils citoyens de Tarn-et-Garonne se réunissent"] is False
    assert not any(v for text, v in verdicts.items() if text.startswith("Les membres"))


def test_summary_of_a_site_without_markup_is_the_first_sentences():
    template = learned(("/", HOME), ("/actualites.php", LISTING), ("/fiche.php?id=11", OTHER))
    facts = extract_page(ARTICLE, ORIGIN + "/fiche.php?id=12",
                         PageContext(template=template, site_names=("Ressources & Territoires", "R&T")))
    assert facts.title == "Les conseils citoyens de Tarn-et-Garonne se réunissent"
    assert facts.summary == (
        "Les membres des conseils citoyens de Montauban et de Castelsarrasin se sont retrouvés "
        "à Albi pour une journée d'échanges sur la participation des habitants. Ils ont "
        "travaillé sur le renouvellement des instances et sur la place des jeunes.")
    for menu_word in ("Accueil", "Mieux nous connaître", "Contact"):
        assert menu_word not in facts.body_text, menu_word


def test_one_other_page_is_enough_at_the_start_of_a_crawl():
    template = learned(("/", HOME))
    url = ORIGIN + "/fiche.php?id=12"
    menu = next(b for b in page_blocks(parse_document(ARTICLE).find("body"), url)
                if b.text.startswith("Accueil |"))
    assert template.required(url) == 1 and template.is_boilerplate(menu, url)


def test_a_line_shared_by_a_few_pages_of_many_is_content():
    pages = [(f"/fiche.php?id={n}", page(f"Rencontre {n}", f"<b>Rencontre numéro {n}</b><br>"
                                         f"Texte propre à la rencontre {n}.<br>"
                                         + ("Lieu : Maison des associations, Albi<br>" if n < 3 else "")))
             for n in range(12)]
    template = learned(*pages)
    url = ORIGIN + "/fiche.php?id=1"
    venue = next(b for b in page_blocks(parse_document(pages[1][1]).find("body"), url)
                 if b.text.startswith("Lieu"))
    assert template.elsewhere(venue.key, url) == 2 and template.required(url) == 4
    assert not template.is_boilerplate(venue, url)


def test_template_survives_a_round_trip_through_json():
    template = learned(("/", HOME), ("/actualites.php", LISTING), ("/fiche.php?id=11", OTHER))
    again = SiteTemplate.from_json(template.to_json())
    url = ORIGIN + "/fiche.php?id=12"
    blocks = page_blocks(parse_document(ARTICLE).find("body"), url)
    assert [again.is_boilerplate(b, url) for b in blocks] == [template.is_boilerplate(b, url) for b in blocks]
    assert len(again) == 3


def test_blocks_meeting_without_space_are_kept_apart():
    assert html_to_text("<p><span>Albi</span><span>Mis en ligne le 3 mars</span></p>") == \
        "Albi Mis en ligne le 3 mars"
    assert html_to_text("<p><b>Date :</b> 12 h 30<span>Lieu : Albi</span></p>") == \
        "Date : 12 h 30 Lieu : Albi"
    # A drop cap and a word split by formatting stay whole.
    assert html_to_text("<p><span class='lettrine'>L</span>e quartier <b>Com</b>munauté</p>") == \
        "Le quartier Communauté"
