"""Crawler conventions without Scrapy: sniffing responses, section words, trap guards."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import corpus_path
from crawlers.discovery import CrawlGuard, is_ical_url, section_kind, sniff


@pytest.mark.parametrize("body,ctype,kind", [
    (b"<?xml version='1.0'?><rss version='2.0'><channel>", "text/xml", "feed"),
    (b"\xef\xbb\xbf<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>", None, "feed"),
    (b"<rdf:RDF xmlns:rdf='x'>", "application/xml", "feed"),
    (b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>", "text/xml", "sitemap"),
    (b"<sitemapindex>", None, "sitemap"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0", "text/calendar; charset=utf-8", "ical"),
    (b"%PDF-1.4\n", "application/octet-stream", "pdf"),
    (b"<!DOCTYPE html><html lang='fr'>", "text/html; charset=iso-8859-1", "html"),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "office"),
    (b"\x89PNG", "image/png", "other"),
])
def test_sniff(body, ctype, kind):
    assert sniff(body, ctype) == kind


def test_sniff_every_corpus_feed_as_feed_or_sitemap():
    root = corpus_path("feeds", "miniflux")
    for path in sorted(root.glob("parser__*")):
        assert sniff(path.read_bytes(), "text/xml") in ("feed", "sitemap"), path.name


@pytest.mark.parametrize("url,kind", [
    ("https://www.oriv.org/category/agenda/page/4/", "event"),
    ("https://www.reseau-crpv.fr/evenement/rencontre_inter-regionale-des-cites-educatives/", "event"),
    ("https://pqn-a.fr/fr/ressources/analyses/la-sante-mentale", "document"),
    ("https://www.oriv.org/type_de_doc/autres-publications/", "document"),
    ("https://www.irev.fr/actualites-0/lirev-et-ses-membres", "news"),
    ("https://www.professionbanlieue.org/spip.php?article12", None),
    ("https://www.villecaraibe.com/ville-caraibe/presentation-de-ville-caraibe/", None),
])
def test_section_kind(url, kind):
    assert section_kind(url) == kind


@pytest.mark.parametrize("url,expected", [
    ("https://x.fr/agenda/?ical=1", True),
    ("https://x.fr/events/liste/?ical=1&tribe_display=list", True),
    ("https://x.fr/agenda/export.ics", True),
    ("https://x.fr/agenda/", False),
])
def test_ical_urls(url, expected):
    assert is_ical_url(url) is expected


def test_guard_stops_an_endless_calendar_within_a_year():
    guard = CrawlGuard(today=date(2026, 11, 25))
    allowed = 0
    year, month = 2026, 11
    for _ in range(240):  # twenty years of "next month" links
        ok, _reason = guard.allows(f"https://x.fr/agenda/calendrier/{year}-{month:02d}")
        allowed += ok
        month += 1
        if month == 13:
            year, month = year + 1, 1
    assert allowed == 13  # this month and the twelve ahead


def test_guard_rejects_facets_and_keeps_pagination():
    guard = CrawlGuard(today=date(2026, 11, 25))
    assert guard.allows("https://x.fr/actualites?page=3")[0]
    assert guard.allows("https://x.fr/spip.php?rubrique4&debut_articles=10")[0]
    assert guard.allows("https://x.fr/publications?theme=2")[0]
    assert guard.allows("https://x.fr/publications?theme=1&annee=2025") == (False, "facet combination")
    assert guard.allows("https://x.fr/" + "a/" * 12) == (False, "path too deep")


def test_guard_budget_per_shape():
    guard = CrawlGuard(today=date(2026, 11, 25), shape_budget=5)
    results = [guard.allows(f"https://x.fr/publications?theme={n}")[0] for n in range(10)]
    assert results == [True] * 5 + [False] * 5
