"""normalize.feeds: RSS/Atom/JSON Feed reading, encodings, bozo feeds, sitemaps."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import pytest
from conftest import corpus_path

from normalize.feeds import Feed, read_feed, read_sitemap

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality_dates.py"
_spec = importlib.util.spec_from_file_location("quality_dates", _BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

RSS_LATIN1 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0"><channel><title>Centre de ressources</title>
<item><title>Journée régionale des délégués du préfet</title>
<link>/actualites/journee-regionale</link><guid>crpv-12</guid>
<pubDate>Wed, 14 Oct 2026 09:30:00 +0200</pubDate>
<category>Cohésion sociale</category><category>Emploi</category>
<enclosure url="https://crpv.example/programme.pdf" type="application/pdf" length="363960"/>
<description>&lt;p&gt;Le programme&lt;/p&gt;</description>
<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">Équipe</dc:creator>
</item></channel></rss>""".encode("latin-1")


def test_rss_entry_fields():
    feed = read_feed(RSS_LATIN1, "https://crpv.example/feed/", "application/rss+xml")
    assert (feed.kind, feed.title, feed.problem, len(feed.entries)) == ("rss", "Centre de ressources", None, 1)
    e = feed.entries[0]
    assert e.title == "Journée régionale des délégués du préfet"
    assert e.link == "https://crpv.example/actualites/journee-regionale"
    assert e.guid == "crpv-12"
    assert e.published_raw == "Wed, 14 Oct 2026 09:30:00 +0200"
    assert e.published == "2026-10-14T07:30:00+00:00"
    assert e.categories == ["Cohésion sociale", "Emploi"]
    assert e.enclosures == [("https://crpv.example/programme.pdf", "application/pdf", 363960)]
    assert e.summary_html == "<p>Le programme</p>"
    assert e.author == "Équipe"


def test_http_charset_wins_like_a_browser():
    body = RSS_LATIN1.replace(b'encoding="ISO-8859-1"', b'encoding="UTF-8"')
    feed = read_feed(body, "https://crpv.example/feed/", "text/xml; charset=iso-8859-1")
    assert feed.entries[0].title == "Journée régionale des délégués du préfet"


def test_atom_updated_only_gives_published():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><id>urn:1</id><title>T</title><updated>2026-10-14T09:30:00+02:00</updated>
<link href="https://x.example/a"/><content type="html">&lt;b&gt;x&lt;/b&gt;</content></entry></feed>"""
    feed = read_feed(body, "https://x.example/atom")
    e = feed.entries[0]
    assert (feed.kind, e.published_raw, e.updated_raw, e.published) == (
        "atom", None, "2026-10-14T09:30:00+02:00", "2026-10-14T07:30:00+00:00")
    assert e.content_html == "<b>x</b>"


@pytest.mark.parametrize("body", [b"", b"   ", b"<html><body>404</body></html>", b"\x00\xff\xfe garbage",
                                  b'{"not": "a feed"}', b"<rss><channel><item><title>x</rss>"])
def test_never_raises_and_reports_problem(body):
    feed = read_feed(body, "https://x.example/feed")
    assert isinstance(feed, Feed) and feed.problem is not None


def test_bozo_feed_keeps_entries():
    body = b"<rss version='2.0'><channel><item><title>Un &amp; deux</title><link>https://x.example/1</link></item>" \
           b"<item><title>Trois &nbsp;</title></item></channel></rss>"
    feed = read_feed(body, "https://x.example/feed")
    assert feed.problem is not None
    assert [e.title for e in feed.entries][:1] == ["Un & deux"]


def test_json_feed_corpus():
    feed = read_feed(corpus_path("feeds", "feedparser", "json", "example.json").read_bytes(), "https://example.org/")
    assert (feed.kind, feed.title, len(feed.entries), feed.problem) == ("json", "My Example Feed", 2, None)
    assert feed.entries[0].link == "https://example.org/second-item"


def test_french_latin1_feed_without_declaration():
    path = corpus_path("feeds", "miniflux", "parser__no_encoding_ISO-8859-1.xml")
    feed = read_feed(path.read_bytes(), "https://le-cercle-psy.scienceshumaines.com/rss")
    assert feed.kind == "rss" and len(feed.entries) == 10
    assert all("\ufffd" not in (e.title or "") and "Ã" not in (e.title or "") for e in feed.entries)


def test_corpus_every_feed_file_reads_and_encoding_cases_decode():
    corpus_path("feeds", "feedparser", "_expectations.json")  # skips with a reason when absent
    failures: list = []
    figures = bench.check_feeds(failures)
    assert not failures, failures[:5]
    right, total = figures["feeds encoding cases (_expectations.json)"]
    assert right == total and total >= 40


def test_sitemap_urlset_and_index():
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc> https://crpv.example/a </loc><lastmod>2026-10-14</lastmod></url><url><loc>https://crpv.example/b</loc></url>
<url><lastmod>2026-01-01</lastmod></url></urlset>"""
    assert read_sitemap(urlset).urls == [("https://crpv.example/a", "2026-10-14"), ("https://crpv.example/b", None)]
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://crpv.example/post-sitemap.xml</loc></sitemap></sitemapindex>"""
    got = read_sitemap(gzip.compress(index))
    assert (got.urls, got.sitemaps) == ([], ["https://crpv.example/post-sitemap.xml"])


def test_sitemap_broken_xml_is_recovered():
    body = b"<urlset><url><loc>https://x.example/a?x=1&y=2</loc></url><url><loc>https://x.example/b</loc>"
    assert [u for u, _ in read_sitemap(body).urls] == ["https://x.example/a?x=1&y=2", "https://x.example/b"]
    assert read_sitemap(b"not xml at all").urls == []


def test_sitemap_corpus_and_read_feed_kind():
    body = corpus_path("feeds", "trafilatura", "sitemap.xml").read_bytes()
    sitemap = read_sitemap(body)
    assert sitemap.urls[0] == ("https://www.sitemaps.org/", "2016-11-21")
    feed = read_feed(body, "https://www.sitemaps.org/sitemap.xml")
    assert feed.kind == "sitemap" and len(feed.entries) == len(sitemap.urls)
