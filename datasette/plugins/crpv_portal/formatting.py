"""French formatting of dates, event times, sizes and highlighted snippets for the templates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nh3
from markupsafe import Markup, escape

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
KINDS = {"news": "Actualité", "event": "Événement", "document": "Publication"}
KINDS_PLURAL = {"news": "Actualités", "event": "Événements", "document": "Publications"}
ZONE_LABELS = {
    "Europe/Paris": "heure de Paris",
    "America/Martinique": "heure de la Martinique",
    "America/Guadeloupe": "heure de la Guadeloupe",
    "America/Cayenne": "heure de la Guyane",
    "Indian/Reunion": "heure de La Réunion",
    "Indian/Mayotte": "heure de Mayotte",
    "Pacific/Noumea": "heure de Nouméa",
}
# Snippet markers: control characters that never survive into harvested plain text
# (and if one did, the worst outcome is a stray <mark>, never markup from the source).
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x01\x04-\x08\x0b\x0c\x0e-\x1f]")


def parse_when(value: str | None) -> date | datetime | None:
    """An ISO date or datetime string → date or aware/naive datetime (None if unreadable)."""
    if not value:
        return None
    value = str(value).strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _day(day: date) -> str:
    return "1er" if day.day == 1 else str(day.day)


def date_fr(value: str | None, with_weekday: bool = False) -> str:
    """'2026-10-14' or '2026-10-14T09:30:00+02:00' → '14 octobre 2026' (1er for the first)."""
    when = parse_when(value)
    if when is None:
        return value or ""
    day = when.date() if isinstance(when, datetime) else when
    text = f"{_day(day)} {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]} {text}" if with_weekday else text


def hour_fr(moment: datetime) -> str:
    """9 h 30, 14 h."""
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def _local(moment: datetime, tz: str | None) -> datetime:
    if tz and moment.tzinfo is not None:
        try:
            return moment.astimezone(ZoneInfo(tz))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return moment


def event_when(starts_at: str | None, ends_at: str | None, all_day, tz: str | None) -> str:
    """Human French wording of an event session, in the local time of its place."""
    start = parse_when(starts_at)
    if start is None:
        return starts_at or ""
    end = parse_when(ends_at)
    if all_day or not isinstance(start, datetime):
        first = start.date() if isinstance(start, datetime) else start
        last = end.date() if isinstance(end, datetime) else end
        if last is None or last == first:
            return f"{date_fr(first.isoformat(), True)} (toute la journée)"
        if (first.year, first.month) == (last.year, last.month):
            return f"du {DAYS[first.weekday()]} {_day(first)} au {date_fr(last.isoformat(), True)}"
        return f"du {date_fr(first.isoformat(), True)} au {date_fr(last.isoformat(), True)}"
    start = _local(start, tz)
    zone = ZONE_LABELS.get(tz or "", f"heure locale ({tz})" if tz else "heure locale")
    text = f"{date_fr(start.isoformat(), True)}, {hour_fr(start)}"
    if isinstance(end, datetime):
        end = _local(end, tz)
        if end.date() == start.date():
            text += f" – {hour_fr(end)}"
        else:
            text += f" – {date_fr(end.isoformat(), True)}, {hour_fr(end)}"
    return f"{text} ({zone})"


def size_fr(size: int | None) -> str:
    """A file size in French units: 2,3 Mo, 812 ko."""
    if not size:
        return ""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} Mo".replace(".", ",")
    if size >= 1000:
        return f"{round(size / 1000)} ko"
    return f"{size} octets"


def pages_fr(pages: int | None) -> str:
    """12 pages, 1 page."""
    if not pages:
        return ""
    return f"{pages} page" + ("s" if pages > 1 else "")


def days_since(value: str | None, today: date) -> int | None:
    """Whole days from the date of `value` to `today`."""
    when = parse_when(value)
    if when is None:
        return None
    day = when.date() if isinstance(when, datetime) else when
    return (today - day).days


def highlight(snippet: str | None) -> Markup:
    """Escape an FTS snippet, then turn its private markers into <mark> elements."""
    text = _CONTROL.sub("", snippet or "")
    escaped = str(escape(text))
    return Markup(escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))


def has_mark(snippet: str | None) -> bool:
    """True when an FTS snippet holds at least one highlighted term."""
    return bool(snippet) and MARK_OPEN in snippet


def safe_body(fragment: str | None) -> Markup:
    """Harvested body HTML, sanitised again here (defence in depth) before it is shown."""
    if not fragment:
        return Markup("")
    cleaned = nh3.clean(
        fragment,
        tags={"p", "br", "a", "strong", "b", "em", "i", "ul", "ol", "li", "h2", "h3", "h4",
              "blockquote", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td"},
        attributes={"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan", "scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
    )
    return Markup(cleaned)


def iso_day(moment: datetime) -> str:
    """YYYY-MM-DD of a datetime."""
    return moment.date().isoformat()


def add_days(day: date, n: int) -> date:
    """`day` + n days."""
    return day + timedelta(days=n)
