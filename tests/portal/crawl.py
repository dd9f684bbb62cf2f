"""Crawl of every page reachable from the portal's home page, and the English UI strings of
Datasette that must never show on them.

`crawl(get)` follows the links of each HTML page (same origin only), bounded: every link of
the home page (the navigation), then one page per *path pattern* (ids replaced by `*`, the
set of query keys kept), at most a few query variants per path. `english_hits(html)` lists
Datasette's English strings found in a page's visible text and labels: the strings are
extracted from Datasette's own templates and static script (plus those its Python code
writes), so a new Datasette string is caught without editing a list.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import datasette

DATASETTE = Path(datasette.__file__).resolve().parent
# Templates that no page of the portal reaches (debug tools, the pattern portfolio).
UNREACHED_TEMPLATES = {"patterns.html", "allow_debug.html", "messages_debug.html",
                       "permissions_debug.html", "logout.html"}
# Words Datasette writes that are also French, technical or proper names.
NOT_ENGLISH = {
    "Menu", "Tables", "CSV", "JSON", "Datasette", "Datasette v", "ms", "date", "glob", "like",
    "index", "db", "gt", "gte", "lt", "lte", "not", "in", "exact", "Type", "&gt;", "&lt;",
    "&nbsp;", "&nbsp;▲", "&nbsp;▼", "select * from", "select sqlite_version", "show-json",
    "json", "max", "SQL", "SQLite",
}
# Strings Datasette writes from Python (views, filters, errors) rather than templates.
PYTHON_STRINGS = {
    "rows", "sorted by", "search matches", "descending", "hide", "show", "Error",
    "Not Found", "Not found", "Forbidden", "Bad Request", "Internal Server Error",
    "Table not found", "Database not found", "Row not found", "Query not found",
    "no such column", "no such table", "syntax error", "SQL Interrupted",
    "Permission denied", "Invalid SQL", "Statement must be a SELECT",
    "is null", "is not null", "is blank", "is not blank", "starts with", "ends with",
    "contains", "not like", "array contains", "array does not contain", "not in",
    "where", "Home", "home",
}
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_VISIBLE_ATTRS = ("value", "title", "placeholder", "aria-label", "alt")


def datasette_strings() -> set[str]:
    """Datasette's English UI strings: text and labels of its templates, its table script's
    menu, and what its Python code writes into pages."""
    found: set[str] = set()
    for template in sorted((DATASETTE / "templates").glob("*.html")):
        if template.name in UNREACHED_TEMPLATES:
            continue
        text = _JINJA.sub("\x00", template.read_text(encoding="utf-8"))
        text = re.sub(r"<(script|style)\b.*?</\1>", "\x00", text, flags=re.S)
        for match in re.finditer(r'\b(?:%s)="([^"\x00]*)"' % "|".join(_VISIBLE_ATTRS), text):
            found.add(match.group(1))
        text = re.sub(r"<[^>]*>", "\x00", text)
        found.update(re.split(r"[\x00\n]|&middot;|&#x[0-9a-fA-F]+;", text))
    script = (DATASETTE / "static" / "table.js").read_text(encoding="utf-8")
    found.update(re.findall(r'<a class="dropdown-[^"]+" href="#">([^<]+)</a>', script))
    found.update(re.findall(r'aria-label", "([^"]+)"', script))
    found.update(PYTHON_STRINGS)
    strings = set()
    for raw in found:
        phrase = " ".join(raw.split()).strip(" :,.()[]-…")
        if re.search(r"[A-Za-z]{2}", phrase) and phrase not in NOT_ENGLISH:
            strings.add(phrase)
    return strings


class _Chunks(HTMLParser):
    """The visible text chunks of a page (outside scripts, styles, code and data cells) and
    the labels a reader hears (value, title, aria-label, placeholder, alt)."""

    SKIP = {"script", "style", "pre", "code", "textarea", "td"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self.depth += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in _VISIBLE_ATTRS:
            if attrs.get(name) and not (tag == "input" and attrs.get("type") == "hidden") \
                    and not (tag == "option" and name == "value"):
                self.chunks.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.chunks.append(" ".join(data.split()))


def parse(html: str) -> _Chunks:
    parser = _Chunks()
    parser.feed(html)
    return parser


def english_hits(html: str, strings: set[str]) -> list[str]:
    """Datasette's English strings present in the page: a phrase of several words anywhere
    in a chunk of text; a single word only as a whole chunk (a button, a label, a link), so
    that French content quoting an English word is not taken for English chrome."""
    hits = []
    chunks = parse(html).chunks
    phrases = [s for s in strings if " " in s]
    words = {s for s in strings if " " not in s}
    for chunk in chunks:
        bare = chunk.strip(" :,.()[]-…\u00a0")
        if bare in words:
            hits.append(bare)
            continue
        for phrase in phrases:
            if re.search(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", chunk):
                hits.append(phrase)
    return sorted(set(hits))


_ID_FIRST = {"elements", "centres", "themes", "lieux", "evenements", "seances"}


def pattern(url: str) -> str:
    """A URL's path pattern: ids replaced by '*', the query's keys kept (not their values)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    keep = 2 if segments[:1] == ["portail"] else 1
    shape = "/" + "/".join(segments[:keep] + ["*"] * (len(segments) - keep))
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return shape + ("?" + "&".join(keys) if keys else "")


def crawl(get, start: str = "/", limit: int = 400, per_path: int = 4):
    """Visit the pages reachable from `start`. `get(path)` returns (status, content_type,
    text). Yields (path, status, content_type, text) once per page visited."""
    seen_patterns: set[str] = set()
    per_path_count: dict[str, int] = {}
    queue = [start]
    queued = {start}
    visited = 0
    home_links: set[str] = set()
    while queue and visited < limit:
        path = queue.pop(0)
        status, content_type, text = get(path)
        visited += 1
        yield path, status, content_type, text
        if status != 200 or "text/html" not in content_type:
            continue
        for href in parse(text).links:
            target = _same_origin(path, href)
            if target is None or target in queued:
                continue
            if path == start:
                home_links.add(target)
            key = pattern(target)
            bare = urlsplit(target).path
            if target not in home_links:
                if key in seen_patterns or per_path_count.get(bare, 0) >= per_path:
                    continue
            seen_patterns.add(key)
            per_path_count[bare] = per_path_count.get(bare, 0) + 1
            queued.add(target)
            queue.append(target)


def _same_origin(current: str, href: str) -> str | None:
    href = href.split("#", 1)[0]
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin("http://portail.invalid" + current, href)
    parts = urlsplit(absolute)
    if parts.netloc != "portail.invalid":
        return None
    if parts.path.startswith(("/static/", "/-/static")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
