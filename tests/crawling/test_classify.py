"""crawlers.classify: the one decision of what a page is, on real CMS page shapes; and the
light-mode check of a feed entry against the item held."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crawlers.classify import classify, is_archive_url
from crawlers.registry import Centre
from crawlers.spiders.centre import CentreSpider, same_moment
from normalize.feeds import FeedEntry
from normalize.page import extract_page
from normalize.template import SiteTemplate

WP_HEAD = ('<meta property="og:type" content="article">'
           '<meta property="article:published_time" content="2026-10-14T21:30:00-04:00">')
LOREM = "<p>Les habitants des quartiers prioritaires ont participé à cette rencontre régionale.</p>" * 6


def wp(body_class: str, title: str, content: str, head: str = WP_HEAD) -> str:
    return (f"<html lang='fr-FR'><head><title>{title} – CRPV</title>{head}</head>"
            f"<body class='{body_class}'><main><article><h1 class='entry-title'>{title}</h1>"
            f"<div class='entry-content'>{content}</div></article></main></body></html>")


PROTECTED = wp("post-template-default single single-post postid-31 post-password-required",
               "Protégé&nbsp;: Compte rendu du comité de pilotage",
               "<form action='/wp-login.php?action=postpass' class='post-password-form' method='post'>"
               "<p>Cette publication est protégée par un mot de passe.</p>"
               "<p><label>Mot de passe : <input name='post_password' type='password'></label></p></form>")
ATTACHMENT = wp("attachment attachment-template-default single single-attachment postid-40",
                "Synthèse du rapport d'activité 2025",
                "<p><a href='/wp-content/uploads/2026/10/synthese.pdf'>synthese</a></p>")
SECTION = ("<html><head><title>Publications – CRPV</title></head><body><main><h1>Publications</h1>"
           "<p>Les publications du centre de ressources.</p>"
           "<p><a href='/docs/rapport-2025.pdf'>Rapport d'activité 2025</a></p>"
           "<p><a href='/docs/guide.pdf'>Guide des conseils citoyens</a></p></main></body></html>")
FILE_LIST = ("<html><body class='page_article'><div class='content'><h1>La Lettre</h1><ul>"
             + "".join(f"<li><a href='/IMG/pdf/lettre_{n}.pdf'>La Lettre n°{n}</a> "
                       f"<small>(PDF, mis en ligne le 0{n}/10/2026)</small></li>" for n in range(1, 5))
             + "</ul><p class='pagination'><strong>1</strong></p></div></body></html>")
SPIP_ARTICLE = ("<html><head><title>Emploi des jeunes</title></head><body class='page_article'>"
                "<div class='content'><h1 class='titre'>Emploi des jeunes : la Cité de l'emploi s'étend</h1>"
                "<p class='info-publi'>Le 26 mai 2026</p><div class='chapo'><p>Le label Cité de l'emploi "
                "est attribué au quartier de La Découverte.</p></div><div class='texte'><p>Le dispositif "
                "coordonne France Travail, la mission locale et les associations d'insertion autour "
                "d'une file active de jeunes sans emploi ni formation.</p><p>Le programme des premiers "
                "mois est disponible en téléchargement.</p></div><div class='documents'>"
                "<ul><li><a href='/IMG/pdf/programme.pdf'>Programme (PDF)</a></li></ul></div>"
                "</div></body></html>")


@pytest.mark.parametrize(("html", "url", "expected"), [
    (PROTECTED, "https://crpv.example/2026/10/compte-rendu-copil/", None),
    (ATTACHMENT, "https://crpv.example/2026/10/rapport/synthese/", None),
    (SECTION, "https://crpv.example/publications/", None),
    (FILE_LIST, "https://crpv.example/spip.php?rubrique4", None),
    (SPIP_ARTICLE, "https://crpv.example/spip.php?article39", "news"),
    (wp("single single-post", "Rencontre régionale des conseils citoyens", LOREM),
     "https://crpv.example/2026/10/rencontre/", "news"),
    (wp("single single-post", "Rencontre régionale des conseils citoyens", LOREM),
     "https://crpv.example/tag/participation/", None),
])
def test_what_a_page_is(html, url, expected):
    assert classify(extract_page(html, url), url, None, "page") == expected


def test_archive_addresses():
    for url in ("https://a.fr/category/actualites/", "https://a.fr/tag/emploi/",
                "https://a.fr/author/anne/", "https://a.fr/?s=emploi", "https://a.fr/taxonomy/term/4"):
        assert is_archive_url(url), url
    for url in ("https://a.fr/archives/123", "https://a.fr/2026/10/emploi/", "https://a.fr/spip.php?article3"):
        assert not is_archive_url(url), url


def test_a_date_only_htmldate_finds_does_not_make_a_contact_page_news():
    html = ("<html><body><main><h1>Contact</h1><p>Écrivez-nous : contact@crpv.example</p>"
            "<p>© 2026 CRPV</p></main><footer>Mis à jour le 3 janvier 2026</footer></body></html>")
    facts = extract_page(html, "https://crpv.example/contact/")
    assert classify(facts, "https://crpv.example/contact/", None, "page") is None


@pytest.mark.parametrize(("announced", "stored", "same"), [
    ("2026-11-11T01:30:00+00:00", "2026-11-10T21:30:00-04:00", True),   # one instant, two zones
    ("2026-11-11T01:30:00+00:00", "2026-11-10", True),                  # the local day of a dated page
    ("2026-11-11T01:30:00+00:00", "2026-11-11", False),                 # the UTC day is not it
    ("2026-11-11T02:30:00+00:00", "2026-11-10T21:30:00-04:00", False),  # redated by an hour
    (None, "2026-11-10", False),
])
def test_same_moment_in_the_centres_zone(announced, stored, same):
    assert same_moment(announced, stored, "America/Martinique") is same


def light_spider(title: str, published: str) -> CentreSpider:
    url = "http://127.0.0.1:9/2026/11/conseil/"
    state = SimpleNamespace(template=SiteTemplate(), item_signature={url: (title, published)},
                            known_item=lambda u: "item-1" if u == url else None)
    centre = Centre(id="wp", name="CRPV", url="http://127.0.0.1:9/", timezone="America/Martinique")
    return CentreSpider(centre=centre, state=state, mode="light")


def entry(title: str, published: str) -> FeedEntry:
    return FeedEntry(guid=None, link="http://127.0.0.1:9/2026/11/conseil/", title=title,
                     summary_html=None, content_html=None, published_raw=None, updated_raw=None,
                     published=published, categories=[], enclosures=[], author=None)


def test_a_feed_entry_is_unchanged_only_with_the_same_title_and_instant():
    spider = light_spider("Un conseil citoyen à Sainte-Thérèse", "2026-11-10T21:30:00-04:00")
    url = "http://127.0.0.1:9/2026/11/conseil/"
    # A post published after midnight UTC but on the evening before, locally: unchanged.
    assert spider._feed_entry_unchanged(url, entry("Un conseil citoyen à Sainte-Thérèse",
                                                   "2026-11-11T01:30:00+00:00"))
    # Retitled, same date: read again.
    assert not spider._feed_entry_unchanged(url, entry("Un nouveau conseil citoyen à Sainte-Thérèse",
                                                       "2026-11-11T01:30:00+00:00"))
    # Typography is not a retitle.
    assert spider._feed_entry_unchanged(url, entry("Un conseil citoyen à Sainte-Thérèse ",
                                                   "2026-11-11T01:30:00+00:00"))
