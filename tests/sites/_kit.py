"""Shared tools for writing the hand-made test sites: French dates, PDFs, ICS, site output.

Used only by `build.py`; the sites themselves are the committed static files.
"""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre"]


def day_fr(d: date) -> str:
    """'1er' or '14': French day-of-month."""
    return "1er" if d.day == 1 else str(d.day)


def fr(d: date, weekday: bool = False, year: bool = True) -> str:
    """A French date in words, e.g. 'mardi 14 avril 2026'."""
    text = f"{day_fr(d)} {MOIS[d.month - 1]}"
    if year:
        text += f" {d.year}"
    if weekday:
        text = f"{JOURS[d.weekday()]} {text}"
    return text


def hfr(t: time) -> str:
    """A French clock time as written in prose: '9h30', '14h'."""
    return f"{t.hour}h{t.minute:02d}" if t.minute else f"{t.hour}h"


def local_iso(d: date, t: time, tz: str) -> str:
    """ISO datetime with the zone's UTC offset on that day."""
    return datetime.combine(d, t, ZoneInfo(tz)).isoformat()


def utc_z(d: date, t: time, tz: str) -> str:
    """The same instant in UTC written with 'Z' (Drupal's datetime attribute)."""
    return datetime.combine(d, t, ZoneInfo(tz)).astimezone(timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def http_date(d: date, hour: int = 10, minute: int = 0) -> str:
    """An HTTP date (Last-Modified) for a UTC wall time on that day."""
    return format_datetime(datetime.combine(d, time(hour, minute), timezone.utc), usegmt=True)


def rfc822(d: date, t: time, tz: str) -> str:
    """RSS pubDate in UTC (+0000), as WordPress writes it."""
    value = datetime.combine(d, t, ZoneInfo(tz)).astimezone(timezone.utc)
    return value.strftime("%a, %d %b %Y %H:%M:%S +0000")


def esc(text: str) -> str:
    """HTML text escaping (quotes kept: titles are shown as written)."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """HTML attribute escaping."""
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- PDF

def _pdf_text(line: str) -> bytes:
    raw = line.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_pdf(title: str, pages: list[list[str]], created: date, author: str) -> bytes:
    """A small valid PDF: one text stream per page, WinAnsi Helvetica, UTF-16 /Title."""
    objects: list[bytes] = []
    n_pages = len(pages)
    page_ids = [5 + 2 * i for i in range(n_pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R /Lang (fr-FR) >>")
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n_pages)
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")

    def info_str(text: str) -> bytes:
        return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"

    stamp = created.strftime("D:%Y%m%d100000+01'00'").encode()
    objects.append(b"<< /Title " + info_str(title) + b" /Author " + info_str(author)
                   + b" /Producer (LibreOffice 7.6) /CreationDate (" + stamp + b") >>")
    for number, lines in enumerate(pages, start=1):
        ops = [b"BT", b"/F1 11 Tf", b"14 TL", b"56 780 Td"]
        for line in lines + ["", f"Page {number} / {n_pages}"]:
            ops.append(_pdf_text(line) + b" Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content_id = page_ids[number - 1] + 1
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % index + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref))
    return bytes(out)


def pdf_pages(title: str, paragraphs: list[str], n_pages: int, width: int = 85) -> list[list[str]]:
    """Spread a title and paragraphs over exactly n_pages pages of wrapped lines."""
    import textwrap

    pages: list[list[str]] = []
    for index in range(n_pages):
        lines = [title] if index == 0 else [f"{title} (suite)"]
        lines.append("")
        para = paragraphs[index % len(paragraphs)]
        lines += textwrap.wrap(para, width)
        pages.append(lines)
    return pages


# --------------------------------------------------------------------------- ICS

def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def ics_fold(line: str) -> str:
    """Fold at 75 octets; lines holding the origin placeholder are left whole so the
    server's byte substitution never meets a fold."""
    if "__ORIGIN" in line:
        return line
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def ics_join(lines: list[str]) -> bytes:
    """CRLF-terminated, folded calendar text."""
    return ("\r\n".join(ics_fold(line) for line in lines) + "\r\n").encode("utf-8")


# --------------------------------------------------------------------------- site

@dataclass
class Site:
    """A site under construction: files, routes, traps and ground-truth items."""

    root: Path
    meta: dict
    routes: dict = field(default_factory=dict)
    traps: list = field(default_factory=list)
    items: list = field(default_factory=list)
    truth_extra: dict = field(default_factory=dict)
    _files: dict = field(default_factory=dict)

    def file(self, target: str, rel: str, data: bytes, last_modified: str | None = None,
             type: str | None = None) -> None:
        """Serve `data` (stored at `rel`) at the request target."""
        self._files[rel] = data
        route: dict = {"file": rel}
        if type:
            route["type"] = type
        if last_modified:
            route["last_modified"] = last_modified
        self.routes[target] = route

    def same(self, target: str, other: str) -> None:
        """Serve the file of route `other` also at `target` (a 200 alias)."""
        self.routes[target] = dict(self.routes[other])

    def redirect(self, target: str, to: str, status: int = 301) -> None:
        self.routes[target] = {"redirect": to, "status": status}

    def status(self, target: str, code: int) -> None:
        self.routes[target] = {"status": code}

    def item(self, kind: str, path: str, title: str, published: str | None, *,
             aliases=(), events=(), document=None, themes=(), place=None) -> None:
        """Record one ground-truth item (CONTRACTS 'Ground truth format')."""
        self.items.append({
            "kind": kind, "path": path, "title": title, "published": published,
            "aliases": list(aliases), "events": list(events), "document": document,
            "themes": list(themes), "relay_of": None, "place": place,
        })

    def write(self) -> None:
        """Replace the site directory with the collected files and JSON descriptions."""
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        for rel, data in sorted(self._files.items()):
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        registry = self.truth_extra.get("registry")
        if registry:
            # MirrorServer.registry_yaml reads the source hints of a test site from here.
            self.meta["sources"] = registry["sources"]
        dump = lambda obj: json.dumps(obj, ensure_ascii=False, indent=1) + "\n"  # noqa: E731
        (self.root / "_site.json").write_text(dump(self.meta), encoding="utf-8")
        (self.root / "_routes.json").write_text(
            dump({"routes": self.routes, "traps": self.traps}), encoding="utf-8")
        truth = {"items": self.items, **self.truth_extra}
        (self.root / "_truth.json").write_text(dump(truth), encoding="utf-8")


def event(start: str, end: str | None, all_day: bool = False) -> dict:
    """A ground-truth event session."""
    return {"starts_at": start, "ends_at": end, "all_day": all_day}


def timed(d: date, start: time, end: time, tz: str, end_day: date | None = None) -> dict:
    """A timed session on day d (end on end_day when it spans days)."""
    return event(local_iso(d, start, tz), local_iso(end_day or d, end, tz), False)


def place(name: str | None, city: str | None, postcode: str | None) -> dict:
    return {"location_name": name, "city": city, "postcode": postcode}


def doc(path: str, pages: int, title: str) -> dict:
    return {"path": path, "pages": pages, "title": title}


def daterange(first: date, last: date, step: int = 1):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=step)
