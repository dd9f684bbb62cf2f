"""The iCalendar agenda and the Atom feed of the latest items, built from query rows."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from normalize.event_types import label as event_type_label

from .formatting import KIND_TERMS, KINDS, event_when, parse_when, safe_body
from .reutilisation import full_text

ATOM_NS = "http://www.w3.org/2005/Atom"
UID_DOMAIN = "portail-crpv"
PARIS = ZoneInfo("Europe/Paris")


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _when(value: str | None, tz: str | None) -> datetime | None:
    """A stored timed value → aware datetime in the place's zone (so it gets that TZID)."""
    moment = parse_when(value)
    if not isinstance(moment, datetime):
        return None
    zone = _zone(tz)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone or PARIS)
    return moment.astimezone(zone) if zone else moment.astimezone(timezone.utc)


def _stamp(row: dict) -> datetime:
    """DTSTAMP: when the portal last saw the item (stable between two harvests)."""
    moment = parse_when(row.get("last_seen_at") or row.get("first_seen_at"))
    if isinstance(moment, datetime) and moment.tzinfo:
        return moment.astimezone(timezone.utc)
    return datetime(2026, 1, 1, tzinfo=timezone.utc)


# XML 1.0 allows these characters only: a harvested ESC or NUL would make the feed unreadable.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Calendar text is plain text: tags (an unclosed one too) and script-like URL schemes go.
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>|</?[A-Za-z!?][^<>]*$")
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.I | re.S)
_SCHEME = re.compile(r"(?i)\b(?:javascript|vbscript|data|file)\s*:")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def xml_text(value) -> str:
    """Text safe inside an XML 1.0 document (characters XML forbids are dropped)."""
    return _NOT_XML.sub("", str(value)) if value is not None else ""


_SUSPECT = re.compile("[<>:\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value) -> str:
    """Harvested text for an iCalendar TEXT value: no markup, no control characters, no
    javascript:/data: URL (calendar clients render DESCRIPTION and LOCATION as HTML)."""
    text = str(value or "")
    if not _SUSPECT.search(text):  # the usual case: nothing to remove
        return text.strip()
    text = _SCRIPT.sub("", _CONTROL.sub("", text))
    previous = None
    while previous != text:  # "<<b>script>" leaves a tag behind after one pass
        previous, text = text, _TAG.sub("", text)
    text = text.replace("<", "").replace(">", "")
    while _SCHEME.search(text):
        text = _SCHEME.sub("", text)
    return text.strip()


def _safe_url(url) -> str | None:
    """An http(s) URL, or None (feeds never link elsewhere)."""
    url = xml_text(url).strip()
    return url if url.lower().startswith(("http://", "https://")) and not any(
        c in url for c in ' "<>\\') else None


def _ical_escape(text: str) -> str:
    """RFC 5545 TEXT escaping."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> bytes:
    """A content line folded at 75 octets (never inside a UTF-8 sequence), CRLF-terminated."""
    if len(line) <= 75 and line.isascii():  # most lines: nothing to fold
        return line.encode("ascii") + b"\r\n"
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    out, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # do not cut a multi-byte character
        out.append(data[start:end])
        start, limit = end, 74  # continuation lines start with a space
    return b"\r\n ".join(out) + b"\r\n"


def _stamp_text(m: datetime) -> str:
    """YYYYMMDDTHHMMSS (strftime, three times slower, adds up over a thousand sessions)."""
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}"


def _ical_datetime(moment: datetime) -> tuple[str, str]:
    """(parameters, value) of a DTSTART/DTEND: local time with TZID, or UTC with Z."""
    zone = getattr(moment.tzinfo, "key", None)
    if zone and zone != "UTC":
        return f";TZID={zone}", _stamp_text(moment)
    return "", _stamp_text(moment.astimezone(timezone.utc)) + "Z"


@lru_cache(maxsize=64)
def _vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE of one zone, as icalendar writes it (cached: zones do not change)."""
    return icalendar.Timezone.from_tzid(tzid).to_ical()


def build_calendar(events: list[dict], base_url: str) -> bytes:
    """An iCalendar file with one VEVENT per upcoming session (stable UID per session).

    Written line by line (icalendar's object model costs ~0.3 ms per event: the agenda of a
    large portal would take seconds); icalendar still writes each VTIMEZONE, once per zone."""
    lines = [b"BEGIN:VCALENDAR\r\n"]
    for line in ("VERSION:2.0", "PRODID:-//Portail CRPV//Agenda des centres de ressources//FR",
                 "CALSCALE:GREGORIAN",
                 "X-WR-CALNAME:Agenda des centres de ressources politique de la ville",
                 "X-WR-TIMEZONE:Europe/Paris"):
        lines.append(_fold(line))
    zones: list[str] = []
    body: list[bytes] = []
    for row in events:
        tz = row.get("timezone") or row.get("centre_timezone")
        if row["all_day"]:
            first = parse_when(row["starts_at"])
            first = first.date() if isinstance(first, datetime) else first
            if first is None:
                continue
            last = parse_when(row["ends_at"]) or first
            last = last.date() if isinstance(last, datetime) else last
            start = ";VALUE=DATE", f"{first.year:04d}{first.month:02d}{first.day:02d}"
            after = last + timedelta(days=1)  # DTEND is exclusive for dates
            end = ";VALUE=DATE", f"{after.year:04d}{after.month:02d}{after.day:02d}"
        else:
            begin = _when(row["starts_at"], tz)
            if begin is None:
                continue
            start = _ical_datetime(begin)
            finish = _when(row["ends_at"], tz)
            end = _ical_datetime(finish) if finish is not None and finish > begin else None
            zone = getattr(begin.tzinfo, "key", None)
            if zone and zone != "UTC" and zone not in zones:
                zones.append(zone)
        place = ", ".join(p for p in (plain_text(row.get("location_name")), plain_text(row.get("address")),
                                      " ".join(x for x in (plain_text(row.get("postcode")),
                                                           plain_text(row.get("city"))) if x))
                          if p)
        item_url = _safe_url(row.get("url"))
        sources = "\n".join(
            plain_text(p["name"]) + (f" — {_safe_url(p.get('url'))}" if _safe_url(p.get("url")) else "")
            for p in row.get("publishers") or [{"name": row["centre_name"], "url": row.get("url")}])
        description = "\n\n".join(p for p in (
            plain_text(row.get("summary")),
            f"Source : {sources}",
            f"Sur le portail : {base_url}/elements/{row['id']}") if p)
        event = [
            "BEGIN:VEVENT",
            "SUMMARY:" + _ical_escape(plain_text(row["title"])),
            f"DTSTART{start[0]}:{start[1]}",
        ]
        if end is not None:
            event.append(f"DTEND{end[0]}:{end[1]}")
        event.append("DTSTAMP:" + _stamp_text(_stamp(row)) + "Z")
        event.append(f"UID:{plain_text(row['event_id'])}@{UID_DOMAIN}")
        labels = [plain_text(label) for label in _labels(row.get("themes"))]
        if event_type_label(row.get("event_type")):  # the type first: "Webinaire", "Formation"…
            labels.insert(0, event_type_label(row.get("event_type")))
        if any(labels):
            event.append("CATEGORIES:" + ",".join(_ical_escape(label) for label in labels if label))
        event.append("DESCRIPTION:" + _ical_escape(description))
        if place:
            event.append("LOCATION:" + _ical_escape(place))
        if item_url:
            event.append("URL:" + item_url)
        event.append("END:VEVENT")
        body.extend(_fold(line) for line in event)
    for zone in zones:  # a VTIMEZONE travels with every TZID used
        lines.append(_vtimezone(zone))
    lines.extend(body)
    lines.append(b"END:VCALENDAR\r\n")
    return b"".join(lines)


def _labels(themes_json: str | None) -> list[str]:
    try:
        labels = json.loads(themes_json or "[]")
    except ValueError:
        return []
    return [str(x) for x in labels if isinstance(x, str)]


def rfc3339(value: str | None, fallback: str | None = None) -> str:
    """Any stored date/datetime → RFC 3339 (a plain date is midnight in Paris)."""
    moment = parse_when(value) or parse_when(fallback)
    if moment is None:
        moment = datetime(2026, 1, 1, tzinfo=timezone.utc)
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0), tzinfo=PARIS)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.isoformat(timespec="seconds")


STYLESHEET = b'<?xml-stylesheet type="text/xsl" href="/flux.xsl"?>\n'


def build_atom(items: list[dict], base_url: str, self_url: str, title: str,
               alternate: str | None = None, agenda: bool = False) -> bytes:
    """An Atom feed of `items` (newest first; the agenda's sessions soonest first, their
    date in the title); HTML content is sanitised, titles are text. Every centre that
    published an item (`publishers`) is an author. A browser shows it through /flux.xsl."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}",
                           {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = xml_text(text)
        return el

    sub(feed, "title", title)
    sub(feed, "subtitle", "Actualités, événements et publications des centres de ressources "
                          "politique de la ville")
    sub(feed, "id", f"tag:{UID_DOMAIN},2026:" + ("agenda" if agenda else "actualites")
        + ("" if self_url.endswith(("/actualites.atom", "/agenda.atom")) else ":" + self_url.split("/", 3)[-1]))
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=alternate or base_url + "/", type="text/html")
    updated = max((rfc3339(i.get("updated_at") or i["sort_date"], i.get("first_seen_at"))
                   for i in items), default=rfc3339(None))
    sub(feed, "updated", updated)
    sub(feed, "generator", "Portail CRPV")
    for item in items:
        entry = sub(feed, "entry")
        sub(entry, "id", f"tag:{UID_DOMAIN},2026:item:{item['id']}")
        heading = item["title"]
        if agenda and item.get("starts_at"):
            heading = f"{event_when(item['starts_at'], item.get('ends_at'), item.get('all_day'), item.get('timezone') or item.get('centre_timezone'))} — {heading}"
        sub(entry, "title", heading, type="text")
        if _safe_url(item["url"]):
            sub(entry, "link", rel="alternate", href=_safe_url(item["url"]), type="text/html")
        sub(entry, "link", rel="related", href=f"{base_url}/elements/{item['id']}", type="text/html")
        sub(entry, "published", rfc3339(item.get("published_at"), item.get("first_seen_at")))
        sub(entry, "updated", rfc3339(item.get("updated_at") or item.get("published_at"),
                                      item.get("first_seen_at")))
        for publisher in item.get("publishers") or [{"name": item["centre_name"]}]:
            author = sub(entry, "author")
            sub(author, "name", publisher["name"])
        # The nature in French for readers that show terms, not labels ("actualite", not "news").
        sub(entry, "category", term=KIND_TERMS.get(item["kind"], item["kind"]),
            scheme=f"{base_url}/recherche", label=KINDS.get(item["kind"], item["kind"]))
        for label in _labels(item.get("themes")):
            sub(entry, "category", term=label)
        if item.get("summary"):
            sub(entry, "summary", item["summary"], type="text")
        # The full text only for a centre that allows it (registry `reuse: full`); else the
        # summary and the link to the original say it all.
        body = str(safe_body(item.get("body_html"))) if full_text(item.get("centre_id")) else ""
        if body.strip():
            sub(entry, "content", body, type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + STYLESHEET + ET.tostring(feed, encoding="utf-8")
