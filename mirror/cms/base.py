"""Shared pieces of every CMS imitation: the item model, the site builder, formatting.

A CMS module receives a `SiteContext` (centre facts + planned items), gives each item
its canonical path and aliases (`assign`), then writes pages, feeds and files through
the `Site` builder (`render`). The builder records routes in the on-disk format of
docs/CONTRACTS.md and the ground truth of every item.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from mirror.places import named_communes

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


# --- the planned content -------------------------------------------------------------

@dataclass
class Session:
    """One occurrence of an event: dates plus optional local start/end times."""

    start: date
    end: date
    t_start: time | None = None
    t_end: time | None = None

    @property
    def all_day(self) -> bool:
        """True when the session has no time of day."""
        return self.t_start is None


@dataclass
class Document:
    pdf_path: str = ""
    title: str = ""
    pages: list[list[str]] = field(default_factory=list)
    size_label: str = ""
    data: bytes = b""


@dataclass
class Item:
    kind: str  # news | event | document
    title: str  # displayed plain text
    slug: str
    published: date  # the local day of publication (in the centre's time zone)
    themes: list[str]
    paragraphs: list[str]
    summary: str
    city: str = ""
    qpv: str = ""
    category: str = ""
    sessions: list[Session] = field(default_factory=list)
    date_style: str = ""
    yearless: bool = False
    recurring: dict | None = None  # {"until": date, "weekday": int} for the weekly event
    place: dict | None = None
    address: str = ""  # street address of the venue, printed but not part of the truth
    place_label: str = ""  # the place as a site prints it when it differs ("Saintes (17)")
    document: Document | None = None
    direct_pdf: bool = False  # a PDF linked from a listing with no landing page
    relay_of: "tuple[str, Item] | None" = None
    number: int = 0  # CMS id (?p=, node, article…)
    path: str = ""
    aliases: list[str] = field(default_factory=list)
    nasty: str = ""  # "script", "smart_quotes"… a real-world oddity on this page
    event_type: str = ""
    deadline: date | None = None  # "Inscription jusqu'au …": a date that is not the event's
    published_time: time = time(10, 15)  # local wall-clock time of publication
    subject: str = ""  # the subject phrase drawn from the content banks (not in the truth)
    relay_group: str | None = None  # the truth's name for a relayed story (original + copies)
    relay_edits: list[str] = field(default_factory=list)  # "intro", "short", "title", "wording"…
    share: str = ""  # the share bar a site prints around this page's body (set by the CMS)
    action: bool = False  # a fiche expérience or the story of a quartier's project


@dataclass
class SiteContext:
    centre: dict  # the registry entry (yaml mapping)
    items: list[Item]
    today: date
    rng: "object"
    cms: str

    @property
    def id(self) -> str:
        """The centre id."""
        return self.centre["id"]

    @property
    def tz(self) -> str:
        """The centre's IANA time zone."""
        return self.centre.get("timezone") or "Europe/Paris"

    @property
    def name(self) -> str:
        """The centre's full name."""
        return self.centre["name"]

    @property
    def short(self) -> str:
        """The centre's short name."""
        return self.centre.get("short_name") or self.centre["name"]


# --- formatting helpers --------------------------------------------------------------

def esc(text: str) -> str:
    """HTML-escape text for element content and attributes."""
    return html.escape(text, quote=True)


def wp_esc(text: str) -> str:
    """Escape the way WordPress prints titles: `&amp;` and `&#8217;` entities."""
    return esc(text).replace("’", "&#8217;").replace("&#x27;", "&#8217;").replace("–", "&#8211;")


def slugify(text: str, max_len: int = 70) -> str:
    """A URL slug without accents, like WordPress/Drupal/pathauto make them."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    text = text.encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > max_len:
        text = text[:max_len].rsplit("-", 1)[0]
    return text


def fr_date(d: date, weekday: bool = False, year: bool = True, cap: bool = False) -> str:
    """'jeudi 22 mai 2025' (options for the weekday, the year, a capital)."""
    day = "1er" if d.day == 1 else str(d.day)
    text = f"{day} {MONTHS[d.month - 1]}"
    if year:
        text += f" {d.year}"
    if weekday:
        text = f"{DAYS[d.weekday()]} {text}"
    return text[0].upper() + text[1:] if cap else text


def fr_time(t: time, zero: bool = False) -> str:
    """'9h30', '14h' (or '14h00' with zero=True)."""
    if t.minute or zero:
        return f"{t.hour}h{t.minute:02d}"
    return f"{t.hour}h"


def spaced_time(t: time) -> str:
    """'14 h', '16 h 30'."""
    return f"{t.hour} h {t.minute:02d}" if t.minute else f"{t.hour} h"


def iso_local(d: date, t: time, tz: str) -> str:
    """An ISO datetime with the UTC offset of `tz` on that day."""
    return datetime.combine(d, t, ZoneInfo(tz)).isoformat()


def published_dt(item: "Item", tz: str) -> datetime:
    """The aware local datetime of an item's publication."""
    return datetime.combine(item.published, item.published_time, ZoneInfo(tz))


def utc_z(moment: datetime) -> str:
    """'2026-11-04T01:30:00Z' (Drupal's and SPIP's machine-readable dates)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fr_clock(t: time) -> str:
    """'21h30', '9h05', '0h40' (a publication time as French prose prints it)."""
    return f"{t.hour}h{t.minute:02d}"


def http_date(d: date | datetime) -> str:
    """An RFC 7231 date for Last-Modified."""
    if not isinstance(d, datetime):
        d = datetime.combine(d, time(8, 0), timezone.utc)
    return format_datetime(d.astimezone(timezone.utc), usegmt=True)


def rfc822_gmt(moment: datetime) -> str:
    """An RSS pubDate in GMT with a numeric zone, as WordPress and Drupal print it
    ('Wed, 04 Nov 2026 01:30:00 +0000': the UTC day, not the local one)."""
    return format_datetime(moment.astimezone(timezone.utc)).replace("-0000", "+0000")


def event_truth(item: Item, tz: str) -> list[dict]:
    """The ground-truth events of an item (occurrences of a weekly event included)."""
    result = []
    for s in item.sessions:
        if s.all_day:
            result.append({"starts_at": s.start.isoformat(), "ends_at": s.end.isoformat(),
                           "all_day": True})
        else:
            result.append({
                "starts_at": iso_local(s.start, s.t_start, tz),
                "ends_at": iso_local(s.end, s.t_end, tz) if s.t_end else None,
                "all_day": False,
            })
    return result


def yearless_resolves(reference: date, target: date) -> bool:
    """True when the CONTRACTS year-inference rule maps a year-less day to `target`."""
    try:
        candidate = target.replace(year=reference.year)
    except ValueError:
        return False
    if candidate < reference:
        try:
            candidate = candidate.replace(year=reference.year + 1)
        except ValueError:
            return False
    return candidate == target


def range_prose(sessions: list[Session], year: bool = True) -> str:
    """French prose for one or more all-day sessions ('Du 3 au 5 avril 2025', …)."""
    if len(sessions) > 1:
        parts = []
        for s in sessions:
            if s.start == s.end:
                parts.append(f"{s.start.day} {MONTHS[s.start.month - 1]}")
            else:
                parts.append(f"{s.start.day}-{s.end.day} {MONTHS[s.start.month - 1]}")
        text = "Les " + ", ".join(parts[:-1]) + " et " + parts[-1]
        return text + (f" {sessions[-1].end.year}" if year else "")
    s = sessions[0]
    if s.start == s.end:
        return fr_date(s.start, weekday=True, year=year, cap=True)
    if s.start.year != s.end.year:
        return f"Du {fr_date(s.start)} au {fr_date(s.end)}"
    if s.start.month != s.end.month:
        return f"Du {fr_date(s.start, year=False)} au {fr_date(s.end, year=year)}"
    first = "1er" if s.start.day == 1 else str(s.start.day)
    return f"Du {first} au {fr_date(s.end, year=year)}"


def event_prose(item: Item) -> str:
    """The date line of an event as centres write it, following `item.date_style`."""
    s = item.sessions[0]
    year = not item.yearless
    if item.recurring:
        until = item.recurring["until"]
        first = item.recurring["first"]
        return (f"Tous les {DAYS[first.weekday()]}s de {fr_time(s.t_start)} à "
                f"{fr_time(s.t_end)}, du {fr_date(first)} au {fr_date(until)}")
    style = item.date_style
    if s.all_day:
        if style == "et" and len(item.sessions) == 1 and (s.end - s.start).days == 1:
            if s.start.month != s.end.month:  # "Les 31 mars et 1er avril"
                two_years = s.start.year != s.end.year
                return f"Les {fr_date(s.start, year=two_years)} et {fr_date(s.end, year=year or two_years)}"
            first = "1er" if s.start.day == 1 else str(s.start.day)
            return f"Les {first} et {fr_date(s.end, year=year)}"  # "Les 14 et 15 juin"
        return range_prose(item.sessions, year=year)
    day = fr_date(s.start, weekday=True, year=year, cap=True)
    if style == "dash":
        return f"{day} – {fr_time(s.t_start)}-{fr_time(s.t_end)}"
    if style == "le_de":
        return f"Le {fr_date(s.start, year=year)}, de {fr_time(s.t_start)} à {fr_time(s.t_end)}"
    if style == "start_only":
        return f"{day} - {fr_time(s.t_start, zero=True)}"
    if style == "comma":
        return f"{day}, {fr_time(s.t_start)}-{fr_time(s.t_end)}"
    if style == "spaced":  # typographers' French: "de 14 h à 16 h 30"
        return f"{day}, de {spaced_time(s.t_start)} à {spaced_time(s.t_end)}"
    if style == "numeric":  # "Mardi 14/01 de 12h à 13h30"
        numeric = f"{s.start:%d/%m}" + ("" if item.yearless else f"/{s.start.year}")
        return (f"{DAYS[s.start.weekday()].capitalize()} {numeric} de {fr_time(s.t_start)} "
                f"à {fr_time(s.t_end)}")
    if style == "a_start":
        return f"{day} à {fr_time(s.t_start)}"
    return f"{day} de {fr_time(s.t_start)} à {fr_time(s.t_end)}"


# --- the site builder ----------------------------------------------------------------

CTYPE_EXT = [("html", ".html"), ("xml", ".xml"), ("calendar", ".ics"), ("text/plain", ".txt"),
             ("json", ".json"), ("pdf", ".pdf"), ("css", ".css")]


def file_for_target(target: str, ext: str = ".html") -> str:
    """A readable, collision-free relative file name for a request target."""
    name = target.strip("/") or "index"
    name = name.replace("?", "__q__").replace("&", "__and__").replace("=", "-")
    name = re.sub(r"[^A-Za-z0-9._/-]", "_", name)
    if not name.endswith(ext):
        name += ext
    return "files/" + name


class Site:
    """Collects the files, routes and truth of one served site, then writes them."""

    def __init__(self, ctx: SiteContext, last_modified: date, encoding: str = "utf-8"):
        self.ctx = ctx
        self.encoding = encoding
        self.files: dict[str, bytes] = {}
        self.routes: dict[str, dict] = {}
        self.traps: list[dict] = []
        self.sources: list[dict] = []
        self.last_modified = last_modified

    def add(self, target: str, body: str | bytes, ctype: str = "text/html; charset=utf-8",
            modified: date | None = None, file: str | None = None) -> str:
        """Serve `body` (str is encoded in the site's charset) at `target`; returns the file."""
        if target in self.routes:
            raise ValueError(f"{self.ctx.id}: duplicate route {target}")
        if file is None:
            ext = next((e for key, e in CTYPE_EXT if key in ctype), ".bin")
            file = file_for_target(target, ext)
        if file in self.files:
            raise ValueError(f"{self.ctx.id}: duplicate file {file}")
        if isinstance(body, str):
            body = body.encode(self.encoding, errors="xmlcharrefreplace")
        self.files[file] = body
        route: dict = {"file": file, "type": ctype}
        if modified:
            route["last_modified"] = http_date(modified)
        self.routes[target] = route
        return file

    def alias(self, target: str, existing: str) -> None:
        """Serve the same file as `existing` at `target` (200, same bytes)."""
        self.routes[target] = dict(self.routes[existing])

    def redirect(self, target: str, to: str, status: int = 301) -> None:
        """Answer `target` with a redirect to `to`."""
        self.routes[target] = {"redirect": to, "status": status}

    def status(self, target: str, code: int) -> None:
        """Answer `target` with a bare error status (404, 410, 500)."""
        self.routes[target] = {"status": code}

    def page_count(self) -> int:
        """Served 200 routes (HTML, feeds, sitemaps, PDFs…)."""
        return sum(1 for r in self.routes.values() if "file" in r)

    def write(self, out_dir: Path) -> None:
        """Write the site directory in the on-disk format of docs/CONTRACTS.md."""
        site_dir = out_dir / self.ctx.id
        for rel, data in sorted(self.files.items()):
            path = site_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        meta = {"id": self.ctx.id, "name": self.ctx.name, "timezone": self.ctx.tz,
                "cms": self.ctx.cms, "last_modified": http_date(self.last_modified),
                "sources": self.sources}
        _write_json(site_dir / "_site.json", meta)
        _write_json(site_dir / "_routes.json",
                    {"routes": dict(sorted(self.routes.items())), "traps": self.traps})


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                    encoding="utf-8")


def truth_entry(item: Item, ctx: SiteContext) -> dict:
    """The ground-truth record of one item (format of docs/CONTRACTS.md)."""
    doc = None
    if item.document:
        doc = {"path": item.document.pdf_path, "pages": len(item.document.pages),
               "title": item.document.title}
    relay = None
    if item.relay_of:
        relay = f"{item.relay_of[0]}:{item.relay_of[1].path}"
    return {
        "kind": item.kind, "path": item.path, "title": item.title,
        # The local day, and the local datetime with the centre's UTC offset on that day.
        "published": item.published.isoformat() if item.published else None,
        "published_at": published_dt(item, ctx.tz).isoformat() if item.published else None,
        "aliases": list(item.aliases), "events": event_truth(item, ctx.tz),
        "document": doc, "themes": list(item.themes), "relay_of": relay,
        "relay_group": item.relay_group, "relay_edits": list(item.relay_edits),
        "place": item.place,
        # An action (fiche expérience, experience of a quartier), and the communes (INSEE
        # codes) the item names: its title, its text, its venue (mirror/places.py).
        "action": item.action, "communes": named_communes(item),
    }


def window_occurrences(first: date, until: date, lo: date, hi: date) -> list[date]:
    """Weekly dates from `first` to `until` that fall in [lo, hi]."""
    out, d = [], first
    while d <= until:
        if lo <= d <= hi:
            out.append(d)
        d += timedelta(days=7)
    return out


def paginate(seq: list, per_page: int) -> list[list]:
    """Split a listing into pages (at least one, possibly empty)."""
    return [seq[i:i + per_page] for i in range(0, len(seq), per_page)] or [[]]


def newest_first(items: list[Item]) -> list[Item]:
    """Items sorted newest first (ties broken by CMS id)."""
    return sorted(items, key=lambda i: (i.published, i.published_time, i.number), reverse=True)


def latest(items: list[Item]) -> date:
    """The newest publication date of a listing (for Last-Modified)."""
    return max((i.published for i in items), default=date(2020, 1, 1))


def deadline_html(item: Item) -> str:
    """The registration deadline line some centres print above the programme."""
    if not item.deadline:
        return ""
    return f'<p class="inscription"><strong>&gt;&gt; INSCRIPTION jusqu’au {fr_date(item.deadline)} &lt;&lt;</strong></p>'


def place_text(item: Item) -> str:
    """'Locaux de l'AREAL, 2 rue Saint Léonard, 67600 Sélestat' (or 'En ligne')."""
    place = item.place
    town = " ".join(x for x in (place.get("postcode"), place.get("city")) if x)
    return ", ".join(x for x in (place.get("location_name"), item.address, town) if x)


def paras_html(paragraphs: list[str]) -> str:
    """Paragraphs as escaped <p> elements."""
    return "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def robots(disallow: list[str], sitemaps: list[str] = (), crawl_delay: int | None = None,
           extra: str = "") -> str:
    """A robots.txt body."""
    lines = ["User-agent: *"] + [f"Disallow: {d}" for d in disallow]
    if crawl_delay:
        lines.append(f"Crawl-delay: {crawl_delay}")
    lines.append("")
    lines += [f"Sitemap: __ORIGIN__{s}" for s in sitemaps]
    return "\n".join(lines) + extra + "\n"


def urlset(entries: list[tuple[str, date | None]]) -> str:
    """A sitemap <urlset> of (path, lastmod)."""
    rows = []
    for path, lastmod in entries:
        mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        rows.append(f"<url><loc>__ORIGIN__{esc(path)}</loc>{mod}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows) + "\n</urlset>\n")


def sitemap_index(paths: list[str]) -> str:
    """A sitemap index pointing at sub-sitemaps."""
    rows = "\n".join(f"<sitemap><loc>__ORIGIN__{p}</loc></sitemap>" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + rows + "\n</sitemapindex>\n")


def size_label(n: int, style: str = "ko") -> str:
    """'363.96 Ko' (Drupal) or '245 Ko'."""
    if style == "drupal":
        return f"{n / 1024:.2f} Ko"
    return f"{max(1, round(n / 1024))} Ko"


def make_document_pdf(item: Item, ctx: SiteContext) -> bytes:
    """The PDF bytes of a publication (cached on the item)."""
    from mirror.pdf import make_pdf

    doc = item.document
    if not doc.data:
        doc.data = make_pdf(doc.title, doc.pages, author=ctx.short, created=item.published,
                            subject=item.summary[:120])
    return doc.data


def jsonld(data: object) -> str:
    """A JSON-LD script element (with '</' escaped so it cannot end the script)."""
    text = json.dumps(data, ensure_ascii=False, indent=None).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


COOKIE_BANNER = (
    '<div id="cookie-notice" class="cookie-banner" role="dialog" aria-label="Cookies">'
    "<p>Ce site utilise des cookies pour mesurer l’audience. "
    '<a href="#" class="cn-accept">J’accepte</a> <a href="#" class="cn-refuse">Refuser</a></p>'
    "</div>"
)

INLINE_SCRIPT = (
    "<script>\n  var _paq = window._paq = window._paq || [];\n"
    "  _paq.push(['trackPageView']); document.write('<div class=\"partage\">Partager</div>');\n"
    "</script>"
)


# --- share bars, as the real plugins print them ----------------------------------------

SHARE_NETWORKS = [("facebook", "Facebook"), ("twitter", "X"), ("linkedin", "LinkedIn")]


def _quoted(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def addtoany(path: str, title: str, position: str = "bottom") -> str:
    """The AddToAny plugin's bar (WordPress "Share Buttons by AddToAny")."""
    link = f"__ORIGIN__{esc(path)}"
    name = _quoted(title)
    buttons = "".join(
        f'<a class="a2a_button_{net}" href="https://www.addtoany.com/add_to/{net}?linkurl={link}'
        f'&amp;linkname={name}" title="{label}" rel="nofollow noopener" target="_blank"></a>'
        for net, label in SHARE_NETWORKS + [("email", "Email")])
    return (f'<div class="addtoany_share_save_container addtoany_content addtoany_content_{position}">'
            f'<div class="a2a_kit a2a_kit_size_32 addtoany_list" data-a2a-url="{link}" '
            f'data-a2a-title="{esc(title)}">{buttons}<a class="a2a_dd addtoany_share_save addtoany_share" '
            'href="https://www.addtoany.com/share"></a></div></div>')


def drupal_addtoany(path: str, title: str) -> str:
    """The Drupal AddToAny module's pseudo-field inside `node__content`."""
    link = f"__ORIGIN__{esc(path)}"
    buttons = "".join(
        f'<a class="a2a_button_{net}" href="https://www.addtoany.com/add_to/{net}?linkurl={link}'
        f'&amp;linkname={_quoted(title)}" title="{label}" rel="nofollow noopener" target="_blank"></a>'
        for net, label in SHARE_NETWORKS)
    return (f'<span class="a2a_kit a2a_kit_size_32 addtoany_list" data-a2a-url="{link}" '
            f'data-a2a-title="{esc(title)}">{buttons}'
            f'<a class="a2a_dd addtoany_share" href="https://www.addtoany.com/share#url={link}'
            f'&amp;title={_quoted(title)}"></a></span>')


def sharedaddy(path: str, number: int) -> str:
    """Jetpack's sharing block ("sharedaddy"), appended inside `.entry-content`."""
    items = "".join(
        f'<li class="share-{net}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{net}-{number}" '
        f'class="share-{net} sd-button share-icon" href="__ORIGIN__{esc(path)}?share={net}&amp;nb=1" '
        f'target="_blank" title="Cliquez pour partager sur {label}"><span>{label}</span></a></li>'
        for net, label in SHARE_NETWORKS)
    items += (f'<li class="share-print"><a rel="nofollow noopener noreferrer" data-shared="" '
              f'class="share-print sd-button share-icon" href="__ORIGIN__{esc(path)}#print" target="_blank" '
              'title="Cliquer pour imprimer"><span>Imprimer</span></a></li><li class="share-end"></li>')
    return ('<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            'sd-social-icon-text sd-sharing"><h3 class="sd-title">Partager&nbsp;:</h3>'
            f'<div class="sd-content"><ul>{items}</ul></div></div></div>')


def share_redirects(site: "Site", path: str) -> None:
    """Jetpack answers `?share=x` with a redirect to the network (off site)."""
    for net, _ in SHARE_NETWORKS:
        target = {"facebook": "https://www.facebook.com/sharer.php?u=",
                  "twitter": "https://twitter.com/intent/tweet?url=",
                  "linkedin": "https://www.linkedin.com/shareArticle?mini=true&url="}[net]
        site.redirect(f"{path}?share={net}&nb=1", target + _quoted(path), 302)


def share_words(path: str, title: str, sep: str = " | ", tag: str = "") -> str:
    """Plain "Partager sur Facebook | Twitter | LinkedIn | Imprimer" links (home-made
    sites, SPIP squelettes)."""
    link = _quoted("__ORIGIN__" + path)  # "_" is unreserved: the marker survives quoting
    attrs = f" {tag}" if tag else ""
    parts = [f'<a href="https://www.facebook.com/sharer/sharer.php?u={link}" target="_blank"{attrs}>Partager sur Facebook</a>',
             f'<a href="https://twitter.com/intent/tweet?url={link}&amp;text={_quoted(title)}" target="_blank"{attrs}>Twitter</a>',
             f'<a href="https://www.linkedin.com/shareArticle?mini=true&amp;url={link}" target="_blank"{attrs}>LinkedIn</a>',
             f'<a href="javascript:window.print()"{attrs}>Imprimer</a>']
    return sep.join(parts)
