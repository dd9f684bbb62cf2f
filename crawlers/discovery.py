"""What the crawler knows about CMS conventions, without Scrapy: probes, section words,
response sniffing and crawl-trap guards. Pure functions, unit-tested on strings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlsplit

# Paths probed on every site when the home page does not announce them. Each CMS
# publishes its feed and sitemap at a conventional address; a 404 is remembered in
# fetch_state so a missing probe costs one request per full crawl at most.
PROBES = {
    "wordpress": ("/feed/", "/wp-sitemap.xml", "/sitemap_index.xml"),
    "drupal": ("/rss.xml", "/sitemap.xml"),
    "spip": ("/spip.php?page=backend", "/spip.php?page=sitemap.xml"),
    "generic": ("/feed/", "/rss.xml", "/sitemap.xml", "/spip.php?page=backend"),
}

# Words of a URL path that say what a section holds (French CMS vocabularies).
SECTION_WORDS = {
    "event": {
        "agenda", "agendas", "evenement", "evenements", "evenement-s", "events", "event",
        "manifestations", "manifestation", "rendez-vous", "calendrier", "rencontres",
        "webinaires", "formations", "type-evenement",
    },
    "document": {
        "publication", "publications", "ressources", "ressource", "documents", "document",
        "docs", "telechargements", "telechargement", "analyses", "rapports", "etudes",
        "centre-de-ressources", "type_de_doc", "bibliotheque", "mediatheque", "outils",
        "fiches-experience", "les-fiches-experience", "kit", "guides",
    },
    "news": {"actualites", "actualite", "actualites-0", "actus", "actu", "news", "blog",
             "breves", "breve", "category", "a-la-une", "infos"},
}

SKIP_EXTENSIONS = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff",
    ".css", ".js", ".mp3", ".mp4", ".avi", ".mov", ".wav", ".ogg", ".webm", ".zip",
    ".rar", ".gz", ".tgz", ".7z", ".exe", ".dmg", ".woff", ".woff2", ".ttf", ".eot",
)

# Query keys that paginate or identify a page; any other key is a filter or a facet.
PAGE_KEYS = {"page", "paged", "p", "pg", "start", "offset", "id", "page_id", "cat", "lang",
             "ical", "article", "rubrique", "breve", "id_article", "id_rubrique", "nid"}
PAGE_KEY_PREFIXES = ("debut_", "article", "rubrique", "breve")


def section_kind(url: str) -> str | None:
    """The kind of content a URL's path words point to (event, document, news), if any."""
    parts = urlsplit(url)
    words = [w for w in re.split(r"[/?&=.]+", parts.path.lower() + "/" + parts.query.lower()) if w]
    for kind in ("event", "document", "news"):
        if any(w in SECTION_WORDS[kind] for w in words):
            return kind
    return None


def is_skipped_asset(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(SKIP_EXTENSIONS)


def is_ical_url(url: str) -> bool:
    """iCalendar exports: `.ics` files, The Events Calendar `?ical=1`, `outlook-ical`."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    return (
        parts.path.lower().endswith((".ics", ".ical", ".ifb"))
        or query.get("ical") == "1"
        or "outlook-ical" in query
        or "export-ical" in parts.path.lower()
    )


def sniff(body: bytes, content_type: str | None) -> str:
    """Recognise a response from its bytes: feed, sitemap, ical, pdf, html or other."""
    ctype = (content_type or "").lower()
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf") or "application/pdf" in ctype:
        return "pdf"
    if head.startswith(b"begin:vcalendar") or "text/calendar" in ctype:
        return "ical"
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<rdf:rdf" in head or (b"<feed" in head and b"<html" not in head):
        return "feed"
    if "json" in ctype and b'"version"' in head and b"jsonfeed" in head:
        return "feed"
    if "html" in ctype or b"<html" in head or b"<!doctype html" in head:
        return "html"
    if "xml" in ctype and (b"<channel" in head or b"<entry" in head):
        return "feed"
    if any(t in ctype for t in ("msword", "officedocument", "opendocument", "ms-excel", "powerpoint")):
        return "office"
    return "other"


# A year-month (optionally day) that ends the path or sits in the query: the address of a
# calendar *page*. A date followed by a slug (/2025/11/10/retour-sur-…) is a permalink.
_MONTH_IN_URL = re.compile(
    r"(?:^|[/=_-])(?P<y>(?:19|20)\d\d)[-/_]?(?P<m>0[1-9]|1[0-2])(?:[-/_](?P<d>[0-3]\d))?/?(?=$|&)"
)
CALENDAR_WORDS = {"calendrier", "calendar", "agenda", "mois", "month", "semaine", "week", "jour",
                  "day", "date", "tribe-bar-date", "evenements", "evenement", "events", "event"}


@dataclass
class CrawlGuard:
    """Rejects URLs that lead into crawl traps: endless calendars, facet combinations,
    session ids, deep or overlong URLs. Keeps per-shape budgets so a trap costs a
    bounded number of requests even when its URLs look innocent."""

    today: date
    months_back: int = 2
    months_ahead: int = 12
    max_depth_segments: int = 10
    max_url_length: int = 400
    max_filters: int = 1
    shape_budget: int = 60
    _shapes: dict[str, int] = field(default_factory=dict)

    def allows(self, url: str) -> tuple[bool, str]:
        """(True, "") when the URL may be requested, else (False, reason)."""
        if len(url) > self.max_url_length:
            return False, "url too long"
        parts = urlsplit(url)
        if parts.path.count("/") > self.max_depth_segments:
            return False, "path too deep"
        keys = [k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)]
        filters = [k for k in keys if k not in PAGE_KEYS and not k.startswith(PAGE_KEY_PREFIXES)]
        if len(filters) > self.max_filters:
            return False, "facet combination"
        if len(keys) != len(set(keys)):
            return False, "repeated query key"
        match = _MONTH_IN_URL.search(parts.path) or _MONTH_IN_URL.search(parts.query)
        if match and _looks_like_calendar(parts.path, parts.query):
            months = (int(match["y"]) - self.today.year) * 12 + int(match["m"]) - self.today.month
            if months < -self.months_back or months > self.months_ahead:
                return False, "calendar page outside the window"
        shape = re.sub(r"\d+", "#", parts.path) + ("?" + "&".join(sorted(set(keys))) if keys else "")
        if filters or _looks_like_calendar(parts.path, parts.query):
            count = self._shapes.get(shape, 0)
            if count >= self.shape_budget:
                return False, "shape budget exhausted"
            self._shapes[shape] = count + 1
        return True, ""


def is_calendar_page(url: str) -> bool:
    """A calendar page's address (a month or a day of an agenda), which `CrawlGuard` bounds by
    the agenda's window rather than by depth."""
    parts = urlsplit(url)
    dated = _MONTH_IN_URL.search(parts.path) or _MONTH_IN_URL.search(parts.query)
    return bool(dated) and _looks_like_calendar(parts.path, parts.query)


def _looks_like_calendar(path: str, query: str) -> bool:
    """A calendar word as a whole path segment or query key ("journee" is not "jour")."""
    tokens = set(re.split(r"[/?&=._]+", (path + "?" + query).lower()))
    return bool(tokens & CALENDAR_WORDS)
