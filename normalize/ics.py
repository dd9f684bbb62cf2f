"""iCalendar exports → one CalendarEvent per occurrence inside a date window.

Recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded by
recurring-ical-events; floating times follow X-WR-TIMEZONE when the calendar
has one, else `default_tz`; UTC times are shown in `default_tz` (the place of
the centre). All-day events keep plain dates and their last day *inclusive*
(iCalendar's DTEND is exclusive).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

_UTC_NAMES = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Zulu", "Universal", "Etc/Universal"}


class CalendarError(ValueError):
    """The bytes are not a readable iCalendar file."""


@dataclass
class CalendarEvent:
    uid: str | None
    summary: str | None
    description: str | None
    url: str | None
    location: str | None
    starts_at: str
    ends_at: str | None
    all_day: bool
    timezone: str | None
    categories: list[str] = field(default_factory=list)
    status: str | None = None
    recurrence_id: str | None = None


def _zone_name(dt: datetime) -> str | None:
    tz = dt.tzinfo
    if tz is None:
        return None
    name = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if name is None and dt.utcoffset() == timedelta(0) and tz in (timezone.utc,):
        name = "UTC"
    if name is None:
        name = tz.tzname(dt)
    return name


def _place_time(dt: datetime, default_tz: str) -> tuple[datetime, str]:
    """Floating → default_tz; UTC → converted to default_tz; a named zone is kept."""
    zone = ZoneInfo(default_tz)
    if dt.tzinfo is None:
        return dt.replace(tzinfo=zone), default_tz
    name = _zone_name(dt)
    if name is None or name in _UTC_NAMES or dt.utcoffset() is None:
        return dt.astimezone(zone), default_tz
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # A custom VTIMEZONE without an IANA name: keep the instant, show it in default_tz.
        return dt.astimezone(zone), default_tz
    return dt, name


def _text(component, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    text = str(value).strip()
    return text or None


def _categories(component) -> list[str]:
    raw = component.get("CATEGORIES")
    if raw is None:
        return []
    out: list[str] = []
    for item in raw if isinstance(raw, list) else [raw]:
        cats = getattr(item, "cats", None)
        values = cats if cats is not None else str(item).split(",")
        out.extend(str(c).strip() for c in values if str(c).strip())
    return out


def _iso(value) -> str:
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def _to_event(occ, default_tz: str, series_uids: set[str], endless_uids: set[str]) -> CalendarEvent | None:
    start = occ.get("DTSTART")
    if start is None:
        return None
    start = start.dt
    end_prop = occ.get("DTEND")
    end = end_prop.dt if end_prop is not None else None
    uid = _text(occ, "UID")
    if isinstance(start, datetime):
        begin, zone_name = _place_time(start, default_tz)
        finish = None
        if end is not None and isinstance(end, datetime) and uid not in endless_uids:
            finish = end.replace(tzinfo=begin.tzinfo) if end.tzinfo is None else end.astimezone(begin.tzinfo)
            if finish < begin:
                finish = None
        starts_at, ends_at, all_day = _iso(begin), _iso(finish) if finish else None, False
    else:
        last = start
        if isinstance(end, date) and not isinstance(end, datetime) and end > start:
            last = end - timedelta(days=1)
        starts_at, ends_at, all_day, zone_name = start.isoformat(), last.isoformat(), True, None
    rid = occ.get("RECURRENCE-ID")
    recurrence_id = None
    if uid not in series_uids:
        pass  # recurring-ical-events stamps every occurrence; only series need an id
    elif rid is not None and hasattr(rid, "dt"):
        rid_dt = rid.dt
        recurrence_id = _iso(_place_time(rid_dt, default_tz)[0]) if isinstance(rid_dt, datetime) else _iso(rid_dt)
    elif uid in series_uids:
        recurrence_id = starts_at
    status = _text(occ, "STATUS")
    return CalendarEvent(
        uid=uid,
        summary=_text(occ, "SUMMARY"),
        description=_text(occ, "DESCRIPTION"),
        url=_text(occ, "URL"),
        location=_text(occ, "LOCATION"),
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        timezone=zone_name,
        categories=_categories(occ),
        status=status.upper() if status else None,
        recurrence_id=recurrence_id,
    )


_BLOCK_RE = re.compile(rb"^BEGIN:(VEVENT|VTIMEZONE)\r?$.*?^END:\1\r?$", re.M | re.S | re.I)


def _read_calendars(data: bytes) -> tuple[list, str | None]:
    """Parse every VCALENDAR; a file icalendar rejects (or cut short) is salvaged component
    by component, and the second value says so."""
    if not isinstance(data, (bytes, bytearray)):
        raise CalendarError("calendar data must be bytes")
    body = bytes(data).lstrip(b"\xef\xbb\xbf").lstrip()
    head = body[:15].upper()
    if head.startswith(b"BEGIN:VEVENT"):
        # A bare event (some CMS "add to calendar" links): wrap it.
        body = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + body.rstrip() + b"\r\nEND:VCALENDAR\r\n"
    elif not head.startswith(b"BEGIN:VCALENDAR"):
        raise CalendarError("not an iCalendar file (no BEGIN:VCALENDAR)")
    truncated = not re.search(rb"END:VCALENDAR\s*$", body, re.I)
    try:
        if truncated:
            raise ValueError("no END:VCALENDAR")
        return icalendar.Calendar.from_ical(body, multiple=True), None
    except Exception as exc:  # noqa: BLE001 - icalendar raises ValueError, KeyError, IndexError...
        salvaged = _salvage(body)
        if salvaged is None:
            raise CalendarError(f"unreadable iCalendar file: {exc}") from exc
        what = "truncated calendar (no END:VCALENDAR)" if truncated else f"broken calendar ({exc})"
        return [salvaged], f"{what}: its complete events kept"[:500]


def _salvage(body: bytes):
    """Rebuild a calendar from the VEVENT/VTIMEZONE blocks that parse on their own."""
    first = re.search(rb"^BEGIN:(VEVENT|VTIMEZONE|VTODO|VJOURNAL)", body, re.M | re.I)
    header = body[: first.start()] if first else body
    header_lines = [
        line for line in header.splitlines()
        if line and not line.upper().startswith((b"BEGIN:", b"END:"))
    ]
    try:
        cal = icalendar.Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + b"\r\n".join(header_lines) + b"\r\nEND:VCALENDAR\r\n")
    except Exception:  # noqa: BLE001
        cal = icalendar.Calendar()
    kept = 0
    for match in _BLOCK_RE.finditer(body):
        try:
            component = icalendar.Component.from_ical(match.group(0))
        except Exception:  # noqa: BLE001 - skip the broken component, keep the rest
            continue
        cal.add_component(component)
        kept += component.name == "VEVENT"
    return cal if kept else None


_VEVENT_RE = re.compile(rb"^BEGIN:VEVENT\r?$.*?^END:VEVENT\r?$", re.M | re.S | re.I)
_RECURRING_RE = re.compile(rb"^(?:RRULE|RDATE|RECURRENCE-ID)[;:]", re.M | re.I)
_DAY_RE = {name: re.compile(rb"^" + name + rb"[;:][^\r\n]*?(\d{8})", re.M | re.I)
           for name in (b"DTSTART", b"DTEND")}


def _single_events_cut(body: bytes, start: date, end: date, most: int) -> tuple[bytes, str | None]:
    """A calendar of more events than the agenda may hold, cut before it is parsed: single
    events that end before the window or start after it are dropped, then any beyond the
    first `most`. Parsing costs about a millisecond an event (20,000 events: half a minute
    with the reactor stalled); what is parsed then is bounded by the occurrences kept.
    Recurring events and events whose dates cannot be read here are always kept."""
    if body.count(b"BEGIN:VEVENT") <= most:
        return body, None
    first, last = start.strftime("%Y%m%d").encode(), end.strftime("%Y%m%d").encode()
    kept = over = 0

    def keep(match: re.Match) -> bytes:
        nonlocal kept, over
        block = match.group(0)
        if _RECURRING_RE.search(block):
            return block
        begins, ends = _DAY_RE[b"DTSTART"].search(block), _DAY_RE[b"DTEND"].search(block)
        if begins is None:
            return block
        if begins.group(1) > last or (ends or begins).group(1) < first:
            return b""
        if kept >= most:
            over += 1
            return b""
        kept += 1
        return block

    body = _VEVENT_RE.sub(keep, body)
    if over:
        return body, f"more than {most} events in the agenda's window: the rest ignored"
    return body, None


@dataclass
class _Limits:
    """Bounds on the work one calendar may cost: an RRULE every second over six months is
    18 million occurrences, and one hostile file must not stall a whole harvest."""

    per_series: int
    total: int
    deadline: float  # time.monotonic() value
    problems: list = field(default_factory=list)
    produced: int = 0

    def note(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)


def _series(cal):
    """One small calendar per series (its VEVENTs sharing a UID, with the time zones), made
    as the expansion asks for it: the calendar's properties and zones are read once, not once
    per series (20,000 events took minutes), and a budget spent stops the making too."""
    groups: dict[str, list] = {}
    for component in cal.walk("VEVENT"):
        groups.setdefault(str(component.get("UID", id(component))), []).append(component)
    properties = cal.property_items(recursive=False)[1:-1]
    zones = cal.walk("VTIMEZONE")
    for components in groups.values():
        single = icalendar.Calendar()
        for key, value in properties:
            single.add(key, value)
        for tz in zones:
            single.add_component(tz)
        for component in components:
            single.add_component(component)
        yield single, components


# An agenda lists meetings, not clocks: a rule repeating every hour or faster, or a daily rule
# listing dozens of hours, is cut to its first occurrence before anything is expanded.
_FAST_FREQUENCIES = {"SECONDLY", "MINUTELY", "HOURLY"}
_MAX_TIMES_PER_DAY = 24


def _too_frequent(component) -> bool:
    rules = component.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        frequency = [str(f).upper() for f in rule.get("FREQ", [])]
        if set(frequency) & _FAST_FREQUENCIES:
            return True
        times = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            times *= max(1, len(rule.get(part, [])))
        if times > _MAX_TIMES_PER_DAY:
            return True
    return False


def _occurrences(single, components, start: date, end: date, limits: _Limits) -> list:
    """The series' occurrences in [start, end), in time order, within the limits."""
    if time.monotonic() > limits.deadline:
        limits.note("calendar too long to expand within its time budget: the rest ignored")
        return []
    for component in components:
        if _too_frequent(component):
            limits.note("a series repeats every hour or faster: its first occurrence kept")
            for name in ("RRULE", "RDATE"):
                if name in component:
                    del component[name]
    found = list(recurring_ical_events.of(single, skip_bad_series=True).between(start, end))
    if len(found) > limits.per_series:
        limits.note(f"a series repeats more than {limits.per_series} times in the agenda's "
                    "window: its first occurrences kept")
        found = found[:limits.per_series]
    room = limits.total - limits.produced
    if len(found) > room:
        limits.note(f"more than {limits.total} occurrences in the agenda's window: the rest ignored")
        found = found[:max(room, 0)]
    limits.produced += len(found)
    return found


def _expand(cal, start: date, end: date, limits: _Limits) -> list:
    """Occurrences in [start, end), series by series within the limits; a series that breaks
    the expansion is repaired once, else dropped alone."""
    occurrences = []
    for single, components in _series(cal):
        if limits.produced >= limits.total:
            limits.note(f"more than {limits.total} occurrences in the agenda's window: the rest ignored")
            break
        try:
            occurrences.extend(_occurrences(single, components, start, end, limits))
            continue
        except Exception:  # noqa: BLE001 - retry once with the broken parts removed
            pass
        for component in components:
            _repair(component)
        try:
            occurrences.extend(_occurrences(single, components, start, end, limits))
        except Exception:  # noqa: BLE001 - this series is broken, the others are kept
            continue
    return occurrences


def _repair(component) -> None:
    """Keep what is certain in a broken event: its first DTSTART/DTEND, no recurrence rules."""
    for name in ("DTSTART", "DTEND"):
        value = component.get(name)
        if isinstance(value, list) and value:
            del component[name]
            component[name] = value[0]
    for name in ("RRULE", "RDATE", "EXDATE"):
        if name in component:
            del component[name]


@dataclass
class CalendarReading:
    """The occurrences of a calendar and what went wrong reading it (None when nothing)."""

    events: list[CalendarEvent]
    problem: str | None = None


# Defaults of the limits (settings of the harvest override them).
MAX_PER_SERIES = 400  # a daily event over the agenda's seven months is about 210
MAX_OCCURRENCES = 5000
TIME_BUDGET_S = 10.0


def read_calendar(data: bytes, default_tz: str, start: date, end: date,
                  max_per_series: int = MAX_PER_SERIES, max_occurrences: int = MAX_OCCURRENCES,
                  time_budget_s: float = TIME_BUDGET_S) -> CalendarReading:
    """Occurrences of the calendar's events overlapping [start, end), in time order, within
    bounds of count and time; a truncated or partly broken file keeps its readable events and
    says so. Raises CalendarError when nothing at all can be read."""
    if isinstance(data, (bytes, bytearray)):
        data, skipped = _single_events_cut(bytes(data), start, end, max_occurrences)
    else:
        skipped = None
    calendars, salvaged = _read_calendars(data)
    limits = _Limits(max_per_series, max_occurrences, time.monotonic() + time_budget_s)
    if skipped:
        limits.note(skipped)
    if salvaged:
        limits.note(salvaged)
    events: list[CalendarEvent] = []
    for cal in calendars:
        series_uids = {
            str(c.get("UID")) for c in cal.walk("VEVENT")
            if any(k in c for k in ("RRULE", "RDATE", "RECURRENCE-ID"))
        }
        # recurring-ical-events invents a DTEND; a timed event that had none keeps ends_at None.
        endless_uids = {
            str(c.get("UID")) for c in cal.walk("VEVENT")
            if "DTEND" not in c and "DURATION" not in c
        }
        for occ in _expand(cal, start, end, limits):
            try:
                event = _to_event(occ, default_tz, series_uids, endless_uids)
            except Exception:  # noqa: BLE001 - one broken event must not lose the others
                continue
            if event is not None:
                events.append(event)
    events.sort(key=lambda e: (_sort_key(e.starts_at), e.uid or ""))
    return CalendarReading(events, "; ".join(limits.problems) or None)


def parse_calendar(data: bytes, default_tz: str, start: date, end: date) -> list[CalendarEvent]:
    """Occurrences of the calendar's events overlapping [start, end), in time order."""
    return read_calendar(data, default_tz, start, end).events


def _sort_key(iso: str) -> datetime:
    if "T" in iso:
        return datetime.fromisoformat(iso).astimezone(timezone.utc).replace(tzinfo=None)
    return datetime.fromisoformat(iso)
