"""Canonical URLs, host checks, document links and CMS alias hints."""

from __future__ import annotations

import pytest

from normalize.urls import alias_hint, canonicalize_url, is_document_url, is_http_url, same_host


@pytest.mark.parametrize(
    "raw,canonical",
    [
        # case, default port, fragment
        ("HTTPS://WWW.IREV.FR:443/actualites-0/Slug#haut", "https://www.irev.fr/actualites-0/Slug"),
        ("http://www.oriv.org:80/agenda/", "http://www.oriv.org/agenda/"),
        ("http://127.42.0.7:8765/feed/", "http://127.42.0.7:8765/feed/"),
        # empty path, empty query
        ("https://resovilles.com", "https://resovilles.com/"),
        ("https://resovilles.com/?", "https://resovilles.com/"),
        # trailing slash kept as given; '//' collapsed; dot segments resolved
        ("https://www.irev.fr/actualites-0/slug", "https://www.irev.fr/actualites-0/slug"),
        ("https://www.oriv.org/agenda/slug/", "https://www.oriv.org/agenda/slug/"),
        ("https://www.oriv.org//agenda///slug/", "https://www.oriv.org/agenda/slug/"),
        ("https://www.oriv.org/a/./b/../c/", "https://www.oriv.org/a/c/"),
        ("https://www.oriv.org/../a", "https://www.oriv.org/a"),
        # index.php / index.html kept (documented choice)
        ("https://x.fr/index.php", "https://x.fr/index.php"),
        # percent-encoding
        ("https://www.villesaucarre.org/rncrpv-toujours-meilleur·es-a-plusieurs/",
         "https://www.villesaucarre.org/rncrpv-toujours-meilleur%C2%B7es-a-plusieurs/"),
        ("https://www.villesaucarre.org/rncrpv-toujours-meilleur%c2%b7es-a-plusieurs/",
         "https://www.villesaucarre.org/rncrpv-toujours-meilleur%C2%B7es-a-plusieurs/"),
        ("https://x.fr/%7Euser/a%2Fb/a b", "https://x.fr/~user/a%2Fb/a%20b"),
        ("https://x.fr/recherche?q=r%C3%A9novation urbaine", "https://x.fr/recherche?q=r%C3%A9novation%20urbaine"),
        # IDN
        ("https://www.Villes-Énergie.fr/x", "https://www.xn--villes-nergie-hhb.fr/x"),
        # tracking parameters dropped, others sorted
        ("https://www.irev.fr/x?utm_source=lettre&utm_medium=email&b=2&a=1",
         "https://www.irev.fr/x?a=1&b=2"),
        ("https://x.fr/y?fbclid=IwAR0&gclid=1&mc_cid=2&mc_eid=3&xtor=CS1&at_medium=4&_ga=5",
         "https://x.fr/y"),
        ("https://x.fr/y?PHPSESSID=abc&sid=1&jsessionid=2&replytocom=55&z=1", "https://x.fr/y?z=1"),
        ("https://x.fr/a;jsessionid=0A1B2C?z=1", "https://x.fr/a?z=1"),
        # meaningful parameters stay first, valueless ones stay valueless
        ("http://villesaucarre.fr/spip.php?article3&id_rubrique=7", "http://villesaucarre.fr/spip.php?article3&id_rubrique=7"),
        ("https://www.professionbanlieue.org/spip.php?page=backend&utm_source=x",
         "https://www.professionbanlieue.org/spip.php?page=backend"),
        ("https://x.fr/spip.php?page=backend&id_rubrique=3", "https://x.fr/spip.php?page=backend&id_rubrique=3"),
        ("https://resovilles.com/?utm_campaign=x&p=231830", "https://resovilles.com/?p=231830"),
        ("https://www.oriv.org/agenda/?tribe-bar-date=2026-01&ical=1", "https://www.oriv.org/agenda/?ical=1&tribe-bar-date=2026-01"),
        ("https://x.fr/liste?debut_autres_articles=10", "https://x.fr/liste?debut_autres_articles=10"),
        # non-http URLs are left alone
        ("mailto:contact@irev.fr", "mailto:contact@irev.fr"),
        ("  https://x.fr/a  ", "https://x.fr/a"),
    ],
)
def test_canonicalize_url(raw, canonical):
    assert canonicalize_url(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    ["https://www.irev.fr/x?b=2&a=1&utm_source=z#f", "http://villesaucarre.fr/spip.php?article3&id_rubrique=7",
     "https://x.fr/a%20b/c%2Fd?q=%C3%A9", "https://www.villesaucarre.org/meilleur·es/"],
)
def test_canonicalize_is_idempotent(raw):
    once = canonicalize_url(raw)
    assert canonicalize_url(once) == once


def test_parameter_order_does_not_matter():
    assert canonicalize_url("https://x.fr/l?b=2&a=1&c") == canonicalize_url("https://x.fr/l?c&a=1&b=2")


@pytest.mark.parametrize(
    "href,base,expected",
    [
        ("../docs/guide.pdf", "https://www.oriv.org/agenda/slug/", "https://www.oriv.org/agenda/docs/guide.pdf"),
        ("/spip.php?article12", "http://127.42.0.7:8765/rubrique/", "http://127.42.0.7:8765/spip.php?article12"),
        ("?p=12", "https://resovilles.com/blog/", "https://resovilles.com/blog/?p=12"),
        ("//www.irev.fr/x", "https://www.oriv.org/", "https://www.irev.fr/x"),
    ],
)
def test_relative_urls_resolved_against_base(href, base, expected):
    assert canonicalize_url(href, base) == expected


@pytest.mark.parametrize(
    "url,ok",
    [("https://x.fr/", True), ("http://127.0.0.1:8001/a", True), ("HTTPS://X.FR", True),
     ("ftp://x.fr/", False), ("mailto:a@b.fr", False), ("/relative", False), ("", False),
     ("javascript:void(0)", False), ("https://", False)],
)
def test_is_http_url(url, ok):
    assert is_http_url(url) is ok


@pytest.mark.parametrize(
    "url,host,ok",
    [
        ("https://www.irev.fr/x", "www.irev.fr", True),
        ("https://WWW.IREV.FR/x", "www.irev.fr", True),
        ("https://irev.fr/x", "www.irev.fr", False),
        ("https://www.irev.fr.evil.com/x", "www.irev.fr", False),
        ("http://127.42.0.7:8765/x", "127.42.0.7:8765", True),
        ("http://127.42.0.7:8766/x", "127.42.0.7:8765", False),
        ("http://127.42.0.7:8766/x", "127.42.0.7", True),
        ("https://www.irev.fr:443/x", "www.irev.fr:443", True),
        ("https://www.irev.fr/x", "www.irev.fr:443", True),
        ("https://www.irev.fr/x", "https://www.irev.fr/", True),
        ("mailto:x@www.irev.fr", "www.irev.fr", False),
    ],
)
def test_same_host(url, host, ok):
    assert same_host(url, host) is ok


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://www.oriv.org/wp-content/uploads/2017/06/Bilan.pdf", True),
        ("https://x.fr/IMG/pdf/lettre_140.PDF", True),
        ("https://x.fr/files/tableau.xlsx?v=2", True),
        ("https://x.fr/files/compte-rendu.odt", True),
        ("https://x.fr/files/presentation.ppt#page=2", True),
        ("https://x.fr/files/statuts.docx", True),
        ("https://x.fr/actualites/pdf-du-mois", False),
        ("https://x.fr/page.html", False),
        ("https://x.fr/telecharger?file=a.pdf", False),
        ("https://x.fr/", False),
    ],
)
def test_is_document_url(url, ok):
    assert is_document_url(url) is ok


@pytest.mark.parametrize(
    "url,hint",
    [
        ("https://irev.fr/node/233401", "drupal:node:233401"),
        ("https://cite-ressources.org/node/408/", "drupal:node:408"),
        ("https://cite-ressources.org/node/408/edit", None),
        ("https://resovilles.com/?p=231830", "wordpress:post:231830"),
        ("https://villes-et-territoires.fr/index.php?p=16954958", "wordpress:post:16954958"),
        ("https://x.fr/?page_id=45", "wordpress:page:45"),
        ("http://villesaucarre.fr/spip.php?article3&id_rubrique=7", "spip:article:3"),
        ("https://x.fr/?rubrique7", "spip:rubrique:7"),
        ("https://x.fr/spip.php?page=article&id_article=12", "spip:article:12"),
        ("https://x.fr/spip.php?page=backend&id_rubrique=3", None),
        ("http://www.irev.fr/print/actualites-0/slug", "drupal:print:/actualites-0/slug"),
        ("https://www.irev.fr/actualites-0/slug", None),
        ("https://resovilles.com/blog/?p=abc", None),
    ],
)
def test_alias_hint(url, hint):
    assert alias_hint(url) == hint
