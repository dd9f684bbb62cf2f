"""The iCalendar agenda and the Atom feed of the latest items, built from query rows."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from .formatting import KINDS, parse_when, safe_body

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


def build_calendar(events: list[dict], base_url: str) -> bytes:
    """An iCalendar file with one VEVENT per upcoming session (stable UID per session)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Portail CRPV//Agenda des centres de ressources//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Agenda des centres de ressources politique de la ville")
    cal.add("x-wr-timezone", "Europe/Paris")
    for row in events:
        ev = icalendar.Event()
        ev.add("uid", f"{row['event_id']}@{UID_DOMAIN}")
        ev.add("dtstamp", _stamp(row))
        ev.add("summary", row["title"])
        tz = row.get("timezone") or row.get("centre_timezone")
        if row["all_day"]:
            first = parse_when(row["starts_at"])
            first = first.date() if isinstance(first, datetime) else first
            last = parse_when(row["ends_at"]) or first
            last = last.date() if isinstance(last, datetime) else last
            ev.add("dtstart", first)
            ev.add("dtend", last + timedelta(days=1))  # DTEND is exclusive for dates
        else:
            start = _when(row["starts_at"], tz)
            if start is None:
                continue
            ev.add("dtstart", start)
            end = _when(row["ends_at"], tz)
            if end is not None and end > start:
                ev.add("dtend", end)
        place = ", ".join(p for p in (row.get("location_name"), row.get("address"),
                                      " ".join(x for x in (row.get("postcode"), row.get("city")) if x))
                          if p)
        if place:
            ev.add("location", place)
        description = "\n\n".join(p for p in (
            row.get("summary"),
            f"Source : {row['centre_name']} — {row['url']}",
            f"Sur le portail : {base_url}/elements/{row['id']}") if p)
        ev.add("description", description)
        ev.add("url", row["url"])
        labels = _labels(row.get("themes"))
        if labels:
            ev.add("categories", labels)
        cal.add_component(ev)
    if hasattr(cal, "add_missing_timezones"):
        cal.add_missing_timezones()  # VTIMEZONE for every TZID used
    return cal.to_ical()


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


def build_atom(items: list[dict], base_url: str, self_url: str, title: str) -> bytes:
    """An Atom feed of `items` (newest first); HTML content is sanitised, titles are text."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "title", title)
    sub(feed, "subtitle", "Actualités, événements et publications des centres de ressources "
                          "politique de la ville")
    sub(feed, "id", f"tag:{UID_DOMAIN},2026:actualites")
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=base_url + "/", type="text/html")
    updated = max((rfc3339(i.get("updated_at") or i["sort_date"], i.get("first_seen_at"))
                   for i in items), default=rfc3339(None))
    sub(feed, "updated", updated)
    sub(feed, "generator", "Portail CRPV")
    for item in items:
        entry = sub(feed, "entry")
        sub(entry, "id", f"tag:{UID_DOMAIN},2026:item:{item['id']}")
        sub(entry, "title", item["title"], type="text")
        sub(entry, "link", rel="alternate", href=item["url"], type="text/html")
        sub(entry, "link", rel="related", href=f"{base_url}/elements/{item['id']}", type="text/html")
        sub(entry, "published", rfc3339(item.get("published_at"), item.get("first_seen_at")))
        sub(entry, "updated", rfc3339(item.get("updated_at") or item.get("published_at"),
                                      item.get("first_seen_at")))
        author = sub(entry, "author")
        sub(author, "name", item["centre_name"])
        sub(entry, "category", term=item["kind"], label=KINDS.get(item["kind"], item["kind"]))
        for label in _labels(item.get("themes")):
            sub(entry, "category", term=label)
        if item.get("summary"):
            sub(entry, "summary", item["summary"], type="text")
        body = str(safe_body(item.get("body_html")))
        if body.strip():
            sub(entry, "content", body, type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
