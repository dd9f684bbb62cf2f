"""Feeds (RSS, Atom, RDF, CDF, JSON Feed) and sitemaps read from raw bytes.

`read_feed` never raises: a broken feed keeps whatever entries could be read
and says what went wrong in `Feed.problem` (feedparser's "bozo" reason). The
HTTP content-type is passed to feedparser because the charset it declares
decides how the bytes are decoded (it wins over the XML prolog, as in HTTP).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser
from lxml import etree

from normalize.dates import parse_feed_date

_MAX_GZIP = 50 * 1024 * 1024  # a sitemap may be at most 50 MB uncompressed


@dataclass
class FeedEntry:
    guid: str | None
    link: str | None
    title: str | None
    summary_html: str | None
    content_html: str | None
    published_raw: str | None
    updated_raw: str | None
    published: str | None
    categories: list[str] = field(default_factory=list)
    enclosures: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    author: str | None = None


@dataclass
class Feed:
    title: str | None
    kind: str  # rss, atom, rdf, cdf, json, sitemap, unknown
    entries: list[FeedEntry]
    problem: str | None


@dataclass
class Sitemap:
    urls: list[tuple[str, str | None]]
    sitemaps: list[str]


def _struct_to_utc(st: time.struct_time | None) -> str | None:
    if st is None:
        return None
    try:
        return datetime(*st[:6], tzinfo=timezone.utc).isoformat()
    except (TypeError, ValueError):
        return None


def _kind(version: str) -> str:
    for prefix, kind in (("rss10", "rdf"), ("rss090", "rdf"), ("rss", "rss"), ("atom", "atom"), ("cdf", "cdf")):
        if version.startswith(prefix):
            return kind
    return "unknown"


def _length(value) -> int | None:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n if n >= 0 else None


def _entry(e) -> FeedEntry:
    # dict.get: FeedParserDict maps a missing "updated" to "published" (with a warning).
    published_raw = dict.get(e, "published") or None
    updated_raw = dict.get(e, "updated") or None
    # Atom feeds often carry only <updated>: it is the best publication date they give.
    published = (
        (parse_feed_date(published_raw) if published_raw else None)
        or _struct_to_utc(dict.get(e, "published_parsed"))
        or (parse_feed_date(updated_raw) if updated_raw else None)
        or _struct_to_utc(dict.get(e, "updated_parsed"))
    )
    contents = [c.get("value") for c in e.get("content", []) if c.get("value")]
    enclosures = []
    for link in e.get("links", []):
        if link.get("rel") == "enclosure" and link.get("href"):
            enclosures.append((link["href"], link.get("type") or None, _length(link.get("length"))))
    categories = []
    for tag in e.get("tags", []):
        label = (tag.get("term") or tag.get("label") or "").strip()
        if label and label not in categories:
            categories.append(label)
    return FeedEntry(
        guid=e.get("id") or None,
        link=e.get("link") or None,
        title=e.get("title") or None,
        summary_html=e.get("summary") or None,
        content_html="\n".join(contents) or None,
        published_raw=published_raw,
        updated_raw=updated_raw,
        published=published,
        categories=categories,
        enclosures=enclosures,
        author=e.get("author") or None,
    )


def _json_feed(body: bytes) -> Feed | None:
    """A JSON Feed (jsonfeed.org), which feedparser 6.0 does not read."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        return None
    entries = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        text = item.get("content_text")
        html = item.get("content_html") or (f"<p>{_escape(text)}</p>" if text else None)
        entries.append(FeedEntry(
            guid=str(item["id"]) if item.get("id") is not None else None,
            link=item.get("url") or item.get("external_url"),
            title=item.get("title"),
            summary_html=_escape(item["summary"]) if item.get("summary") else None,
            content_html=html,
            published_raw=item.get("date_published"),
            updated_raw=item.get("date_modified"),
            published=parse_feed_date(item.get("date_published") or item.get("date_modified") or ""),
            categories=[str(t) for t in item.get("tags") or []],
            enclosures=[
                (a["url"], a.get("mime_type"), _length(a.get("size_in_bytes")))
                for a in item.get("attachments") or [] if isinstance(a, dict) and a.get("url")
            ],
            author=next((a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None),
        ))
    return Feed(title=data.get("title"), kind="json", entries=entries, problem=None)


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_PROLOG_ENCODING = re.compile(rb"^<\?xml[^>]*encoding\s*=", re.I)
# Single-byte Latin guesses are unreliable on short French texts (cp1250 for
# Latin-1 French); feedparser's windows-1252 fallback is right for those.
_LATIN_GUESSES = ("cp1250", "cp1252", "latin_1", "iso8859_", "mac_", "cp850", "ascii", "utf_8")


def _guess_charset(body: bytes, content_type: str | None) -> str | None:
    """A charset for bytes that declare none and are not UTF-8 (feeds served without chardet)."""
    if content_type and "charset" in content_type.lower():
        return None
    head = body.lstrip()[:200]
    if body[:4] in (b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") or body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    if b"\x00" in body[:200] or _PROLOG_ENCODING.match(head):
        return None
    try:
        body.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        import charset_normalizer
    except ImportError:
        return None
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is None or best.encoding.startswith(_LATIN_GUESSES):
        return None
    return best.encoding


def _looks_like_sitemap(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def read_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """Bytes of a feed (+ its HTTP content-type) → Feed; never raises, `problem` says what was wrong."""
    try:
        return _read_feed(body, url, content_type)
    except Exception as exc:  # noqa: BLE001 - harvesting must go on whatever a site serves
        return Feed(title=None, kind="unknown", entries=[], problem=f"{type(exc).__name__}: {exc}")


def _read_feed(body: bytes, url: str, content_type: str | None) -> Feed:
    if not body or not body.strip():
        return Feed(title=None, kind="unknown", entries=[], problem="empty document")
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        feed = _json_feed(body)
        if feed is not None:
            return feed
    if _looks_like_sitemap(stripped):
        sitemap = read_sitemap(body)
        entries = [
            FeedEntry(guid=loc, link=loc, title=None, summary_html=None, content_html=None,
                      published_raw=None, updated_raw=lastmod,
                      published=parse_feed_date(lastmod) if lastmod else None)
            for loc, lastmod in sitemap.urls
        ]
        return Feed(title=None, kind="sitemap", entries=entries, problem=None)
    guessed = _guess_charset(body, content_type)
    if guessed:
        content_type = f"application/xml; charset={guessed}"
    # Without a content-type feedparser must see no HTTP headers at all, else it flags
    # every feed as "NonXMLContentType"; relative links are resolved below.
    # No content-location either: feedparser would turn a bare guid into a URL.
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(body, response_headers=headers)
    entries = [_entry(e) for e in parsed.entries]
    if url:
        for entry in entries:
            if entry.link:
                entry.link = urljoin(url, entry.link)
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc else "ill-formed feed"
    elif guessed:
        problem = f"no declared encoding; guessed {guessed}"
    version = parsed.get("version") or ""
    if not version and not entries and problem is None:
        problem = "not a feed"
    return Feed(
        title=parsed.feed.get("title") or None,
        kind=_kind(version),
        entries=entries,
        problem=problem,
    )


def _local(tag) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def read_sitemap(body: bytes) -> Sitemap:
    """Sitemap or sitemap index (gzip accepted, broken XML recovered) → page URLs with lastmod, child sitemaps."""
    if body[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
                body = gz.read(_MAX_GZIP)
        except (OSError, EOFError):
            return Sitemap(urls=[], sitemaps=[])
    # A bare "&" in a URL is the commonest sitemap error; recover mode would drop the text after it.
    body = re.sub(rb"&(?!#?\w+;)", b"&amp;", body)
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return Sitemap(urls=[], sitemaps=[])
    urls: list[tuple[str, str | None]] = []
    sitemaps: list[str] = []
    for node in root.iter():
        name = _local(node.tag)
        if name not in ("url", "sitemap"):
            continue
        loc = lastmod = None
        for child in node:
            child_name = _local(child.tag)
            if child_name == "loc" and child.text and child.text.strip():
                loc = child.text.strip()
            elif child_name == "lastmod" and child.text and child.text.strip():
                lastmod = child.text.strip()
        if not loc:
            continue
        if name == "url":
            urls.append((loc, lastmod))
        else:
            sitemaps.append(loc)
    return Sitemap(urls=urls, sitemaps=sitemaps)
