"""French dates and time zones: publication dates, feed dates, event dates.

Every timed value is ISO 8601 with the UTC offset of the event's place (the
`tz` argument: Europe/Paris, America/Martinique, Indian/Reunion...); an
all-day value is a plain `YYYY-MM-DD`.

Year inference (docs/CONTRACTS.md): a date written without a year ("jeudi 27
novembre", "Mardi 14/01") takes the year that puts it on or after the
reference date, i.e. the nearest such day on or after the reference, within 12
months. The reference is the page's publication date when known, otherwise the
harvest date (today when the caller gives none). "dernier/dernière" ("le 17
octobre dernier") looks backwards: the nearest such day on or before the
reference. Later days of a same phrase follow the first one ("du 30 décembre
au 2 janvier" ends in the next year). A *publication* date without a year is in
the past by nature, so `parse_published` also looks backwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from normalize.dates_events import find_runs, find_slots, is_excluded, on_or_before, run_sessions
from normalize.dates_lex import fold, tokenize


@dataclass(frozen=True)
class EventTime:
    starts_at: str
    ends_at: str | None
    all_day: bool


_ISO_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$",
    re.IGNORECASE,
)


def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def _iso(dt: datetime) -> str:
    return dt.replace(microsecond=0).isoformat()


def _parse_offset(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text.upper() == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _parse_iso(value: str) -> tuple[datetime | date, bool] | None:
    """ISO date or datetime → (value, has_offset); None when it is not ISO."""
    m = _ISO_RE.match(value)
    if not m:
        return None
    y, mo, d, hh, mi, ss, off = m.groups()
    try:
        if hh is None:
            return date(int(y), int(mo), int(d)), False
        offset = _parse_offset(off)
        dt = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0), tzinfo=offset)
    except ValueError:
        return None
    return dt, offset is not None


def _localize(dt: datetime, tz: str) -> datetime:
    """A naive wall-clock time in tz, or an aware time converted to tz."""
    zone = _zone(tz)
    if dt.tzinfo is None:
        return dt.replace(tzinfo=zone)
    return dt.astimezone(zone)


def to_utc(iso: str) -> str:
    """An ISO datetime with offset → the same instant in UTC; a plain date is returned as is."""
    parsed = _parse_iso(iso)
    if parsed is None:
        raise ValueError(f"not an ISO 8601 value: {iso!r}")
    value, has_offset = parsed
    if not isinstance(value, datetime):
        return value.isoformat()
    if not has_offset:
        raise ValueError(f"datetime without UTC offset: {iso!r}")
    return _iso(value.astimezone(timezone.utc))


def parse_jsonld_datetime(value: str, tz: str) -> tuple[str, bool] | None:
    """schema.org startDate/endDate → (ISO in the place's zone, all_day); a date alone is all-day."""
    if not isinstance(value, str):
        return None
    parsed = _parse_iso(value.strip())
    if parsed is None:
        return None
    dt, _ = parsed
    if not isinstance(dt, datetime):
        return dt.isoformat(), True
    return _iso(_localize(dt, tz)), False


def _feedparser_utc(text: str) -> datetime | None:
    """feedparser's own tolerant date parsers (RFC 822, W3C-DTF, asctime, Greek...) → UTC datetime."""
    import feedparser.datetimes as fpd

    # "Fri,24 Nov 2023": newer feedparser accepts the missing space, 6.0 does not.
    text = re.sub(r"^([A-Za-z]{3}),(?=\S)", r"\1, ", text)
    # The language-specific parsers (Hungarian, Greek, Korean) first: only their own
    # words match them, while the loose ISO 8601 parser reads "2004-július-13" as November.
    special = [fpd._parse_date_hungarian, fpd._parse_date_greek, fpd._parse_date_nate, fpd._parse_date_onblog]
    st = None
    for handler in special:
        try:
            st = handler(text)
        except Exception:  # noqa: BLE001 - a third-party parser must not break harvesting
            st = None
        if st and len(st) == 9:
            break
        st = None
    if st is None and not _plausible_w3c(text):
        return None
    if st is None:
        try:
            st = fpd._parse_date(text)
        except Exception:  # noqa: BLE001
            st = None
    if st is None:
        return None
    try:
        return datetime(*st[:6], tzinfo=timezone.utc)
    except ValueError:
        return None


_W3C_RE = re.compile(
    r"^(\d{4})-(\d{2,3})(?:-(\d{2}))?"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)


def _plausible_w3c(text: str) -> bool:
    """False for a "YYYY-..." stamp with garbage or out-of-range fields, which feedparser's
    loose ISO 8601 parser would otherwise wrap around (25:14 → next day, "2013-xx-27" → November)."""
    if not re.match(r"^\d{4}-", text):
        return True
    m = _W3C_RE.match(text)
    if not m:
        return False
    _, month, day, hour, minute, second, offset = m.groups()
    checks = [1 <= int(month) <= 12, day is None or 1 <= int(day) <= 31]
    if hour is not None:
        checks += [int(hour) <= 23, int(minute) <= 59, int(second or 0) <= 59]
    if offset and offset.upper() != "Z":
        digits = offset[1:].replace(":", "")
        checks += [int(digits[:2]) <= 23, int(digits[2:4] or 0) <= 59]
    return all(checks)


_RFC822_RE = re.compile(r"^\s*[A-Za-z]{3},|^\s*\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d")


def parse_feed_date(text: str) -> str | None:
    """Feed date (RFC 822, W3C-DTF, ISO 8601, asctime...) → UTC `YYYY-MM-DDTHH:MM:SS+00:00`, or None."""
    if not text or not text.strip():
        return None
    text = text.strip()
    utc = _feedparser_utc(text)
    if utc is not None:
        return _iso(utc)
    if _RFC822_RE.match(text) or re.match(r"^\s*\d{4}-", text):
        return None  # an RFC 822 or ISO stamp feedparser rejected is broken, not French
    # French dates in feeds ("14 octobre 2026 09:30"): read them in Paris time.
    published = _parse_french(text, "Europe/Paris", date.today())
    if published is None:
        return None
    if "T" not in published:
        return published + "T00:00:00+00:00"
    return to_utc(published)


def _published_time(tokens, run, slots) -> tuple[tuple[int, int], timezone | None] | None:
    """The hour written right after a publication date ("à 14h40", "15:11", "3:00 pm") and
    the zone written after it ("11:45 PM EST"), if any."""
    for slot in slots:
        if run.last < slot.index <= run.last + 3:
            hour, minute = slot.start
            following = [t.value for t in tokens[slot.index + 1:slot.index + 3] if t.kind == "word"]
            if following and following[0] in ("pm", "p.m") and hour < 12:
                hour += 12
            elif following and following[0] in ("am", "a.m") and hour == 12:
                hour = 0
            zone = next((_zone_of(w) for w in following if w in _NAMED_ZONES), None)
            return (hour, minute), zone
    return None


def in_zone(value: datetime, tz: str) -> datetime:
    """A publication instant as the publisher dated it: a naive time is wall-clock time of
    the centre's zone `tz`; an explicit offset other than UTC is the publisher's own and is
    kept (a "+09:00" page stays on its day); a UTC stamp is a server's normalisation and is
    read in `tz`, where the centre's readers live."""
    if value.tzinfo is None:
        return value.replace(tzinfo=_zone(tz))
    if value.utcoffset() == timedelta(0):
        return value.astimezone(_zone(tz))
    return value


# Zone abbreviations written after a time ("15:28:56 CET 2020"); ambiguous ones (IST…) left out.
_NAMED_ZONES = {
    "gmt": 0, "ut": 0, "utc": 0, "z": 0, "wet": 0, "west": 60, "bst": 60, "cet": 60,
    "met": 60, "cest": 120, "mest": 120, "eet": 120, "eest": 180, "msk": 180,
    "ast": -240, "adt": -180, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "jst": 540, "kst": 540,
    "aest": 600, "aedt": 660,
}
_EN_DE_MONTHS = {
    "january": 1, "jan": 1, "januar": 1, "jänner": 1, "february": 2, "feb": 2, "februar": 2,
    "march": 3, "mar": 3, "märz": 3, "maerz": 3, "mrz": 3, "april": 4, "apr": 4, "may": 5,
    "mai": 5, "june": 6, "jun": 6, "juni": 6, "july": 7, "jul": 7, "juli": 7, "august": 8,
    "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12, "dezember": 12, "dez": 12,
}
_MONTH_WORD = "|".join(sorted(map(re.escape, _EN_DE_MONTHS), key=len, reverse=True))
_CLOCK = r"(?:\s*(?:,|at|um|-|–)?\s*(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?)?"
_ZONE = r"(?:\s*([A-Za-z]{1,4}|[+-]\d{2}:?\d{2}))?"
# "Tue Jan 28 15:28:56 CET 2020" (asctime, as `date` prints it): the year comes last.
_ASCTIME = re.compile(
    r"^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"(?:\s+([A-Za-z]{1,4}|[+-]\d{4}))?\s+(\d{4})\s*$")
_COMPACT = re.compile(r"^(\d{4})(?:(\d{2})(\d{2})|[/.](\d{1,2})[/.](\d{1,2}))(?:[T ](\d{2}):?(\d{2}))?$")
# "March 5, 2020", "Mar. 5th 2020 3:00 pm"
_MDY = re.compile(rf"(?<![\w])({_MONTH_WORD})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_CLOCK}{_ZONE}",
                  re.IGNORECASE)
# "5 March 2020", "5. März 2020, 14:30 Uhr"
_DMY = re.compile(rf"(?<![\w.])(\d{{1,2}})\.?\s+({_MONTH_WORD})\.?,?\s+(\d{{4}}){_CLOCK}{_ZONE}",
                  re.IGNORECASE)


def _zone_of(text: str | None) -> timezone | None:
    """A written zone: an offset ("+0100", "-05:00") or a known abbreviation ("CET")."""
    if not text:
        return None
    if text[0] in "+-":
        try:
            return _parse_offset(text)
        except ValueError:
            return None
    minutes = _NAMED_ZONES.get(text.lower())
    return None if minutes is None else timezone(timedelta(minutes=minutes))


def _stamp(y: int, mo: int, d: int, hh=None, mi=None, ss=None, zone: str | None = None,
           meridiem: str | None = None, tz: str = "Europe/Paris") -> str | None:
    """A date, or a datetime in the publisher's offset (see `in_zone`), as ISO text."""
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:
        return None
    if hh is None:
        return day.isoformat()
    hour, minute = int(hh), int(mi or 0)
    meridiem = (meridiem or "").replace(".", "").lower()
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    try:
        value = datetime(day.year, day.month, day.day, hour, minute, int(ss or 0))
    except ValueError:
        return day.isoformat()
    offset = _zone_of(zone)
    if zone and offset is None and zone.lower() not in ("uhr", "h"):
        return day.isoformat()  # an unknown zone: the day is what we know
    return _iso(in_zone(value.replace(tzinfo=offset) if offset else value, tz))


def _parse_other_languages(text: str, tz: str) -> str | None:
    """English and German dates ("March 5, 2020 3:00 pm", "5. März 2020"), the first one found."""
    found = [m for m in (_MDY.search(text), _DMY.search(text)) if m]
    if not found:
        return None
    m = min(found, key=lambda match: match.start())
    if m.re is _MDY:
        month, day, year = m.group(1), m.group(2), m.group(3)
    else:
        day, month, year = m.group(1), m.group(2), m.group(3)
    return _stamp(year, _EN_DE_MONTHS[month.lower()], day, m.group(4), m.group(5), m.group(6),
                  m.group(8), m.group(7), tz)


def parse_published(text: str, tz: str = "Europe/Paris", reference: date | None = None) -> str | None:
    """Publication date as written ("Publié le 14 octobre 2026", "14/10/2026", ISO, RFC 822,
    "March 5, 2020", "Tue Jan 28 15:28:56 CET 2020") → ISO text, or None.

    A date alone gives `YYYY-MM-DD`; with an hour, a datetime in the publisher's offset
    (`in_zone`: an explicit offset is kept, UTC and naive times are read in `tz`, the
    centre's zone). A missing year is taken backwards from `reference` (default: today),
    but never when the string carries one further on.
    """
    if not text or not text.strip():
        return None
    text = " ".join(text.split())[:200]
    parsed = _parse_iso(text) or _parse_iso(_ISO_PREFIX.match(text).group(0)
                                            if _ISO_PREFIX.match(text) else "")
    if parsed is not None:
        value, _ = parsed
        if isinstance(value, datetime):
            return _iso(in_zone(value, tz))
        return value.isoformat()
    m = _ASCTIME.match(text)
    if m:
        month = _EN_DE_MONTHS.get(m.group(1).lower())
        if month:
            return _stamp(m.group(7), month, m.group(2), m.group(3), m.group(4), m.group(5),
                          m.group(6), None, tz)
    m = _COMPACT.match(text)
    if m:
        y, mo, d = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
        return _stamp(y, mo, d, m.group(6), m.group(7), tz=tz) if m.group(6) else _stamp(y, mo, d)
    if _RFC822_RE.match(text):
        utc = _feedparser_utc(text)
        if utc is not None:
            return _iso(in_zone(utc, tz))
    return _parse_french(text, tz, reference or date.today()) or _parse_other_languages(text, tz)


# An ISO stamp followed by words ("2020-03-05T10:00:00+01:00 (mis à jour)").
_ISO_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
                         r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?(?=\s|$)", re.IGNORECASE)


def _written_year(tokens, run) -> int | None:
    """A year written a little after a year-less run ("Jan 28 15:28:56 CET 2020")."""
    for tok in tokens[run.last + 1:run.last + 7]:
        if tok.kind == "num" and 1995 <= tok.value <= 2100:
            return tok.value
    return None


def _parse_french(text: str, tz: str, reference: date) -> str | None:
    """The first French date in text, with its hour when one follows; a missing year looks
    backwards, unless the year is written further on."""
    tokens = tokenize(fold(text))
    runs = [r for r in find_runs(tokens) if not is_excluded(tokens, r, for_events=False)]
    slots = find_slots(tokens, runs)
    for run in runs:
        point = run.points[0]
        year = point.year or _written_year(tokens, run)
        if year is not None:
            try:
                day = date(year, point.month, point.day)
            except (ValueError, TypeError):
                continue
        else:
            day = on_or_before(point.month, point.day, reference)
            if day is None:
                continue
        timed = _published_time(tokens, run, slots)
        if timed is None:
            return day.isoformat()
        (hour, minute), zone = timed
        return _iso(in_zone(datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone), tz))
    # "Jeu 15:12": a weekday and an hour, the last such day on or before the reference.
    for i, tok in enumerate(tokens):
        if tok.kind == "wd" and i + 1 < len(tokens) and tokens[i + 1].kind == "time":
            day = reference - timedelta(days=(reference.weekday() - tok.value) % 7)
            return _iso(datetime(day.year, day.month, day.day, *tokens[i + 1].value, tzinfo=_zone(tz)))
    return None


def _at(day: date, hm: tuple[int, int], tz: str) -> datetime:
    return datetime(day.year, day.month, day.day, hm[0], hm[1], tzinfo=_zone(tz))


def parse_event_dates(text: str, tz: str, reference: date | None = None) -> list[EventTime]:
    """Event date prose ("Jeudi 22 mai 2025 – 13h-14h", "Du 3 au 5 mars 2027") → one EventTime per session."""
    if not text or not text.strip():
        return []
    reference = reference or date.today()
    parsed = _parse_iso(text.strip())
    if parsed is not None:
        iso, all_day = parse_jsonld_datetime(text, tz) or (None, True)
        return [EventTime(iso, iso if all_day else None, all_day)] if iso else []
    tokens = tokenize(fold(text))
    runs = [r for r in find_runs(tokens) if not is_excluded(tokens, r, for_events=True)]
    slots = find_slots(tokens, runs)
    by_run: dict[int, list] = {i: [] for i in range(len(runs))}
    for slot in slots:
        owner = None
        for i, run in enumerate(runs):
            if run.last < slot.index:
                owner = i
        if owner is None and runs:
            owner = 0
        if owner is not None:
            by_run[owner].append(slot)
    out: list[EventTime] = []
    for i, run in enumerate(runs):
        run_slots = by_run[i]
        spans = run_sessions(run, reference, merge=not run_slots)
        if not run_slots:
            out.extend(EventTime(s.isoformat(), e.isoformat(), True) for s, e in spans)
            continue
        pairs = (
            list(zip(spans, run_slots)) if len(spans) == len(run_slots) and len(spans) > 1
            else [(span, slot) for span in spans for slot in run_slots]
        )
        for (start, end), slot in pairs:
            begin = _at(start, slot.start, tz)
            finish = None
            if slot.end is not None:
                finish = _at(end, slot.end, tz)
                if finish <= begin:  # "20h - 1h": ends after midnight
                    finish = _at(end + timedelta(days=1), slot.end, tz)
            out.append(EventTime(_iso(begin), _iso(finish) if finish else None, False))
    seen = set()
    unique = []
    for ev in out:
        if ev not in seen:
            seen.add(ev)
            unique.append(ev)
    return unique


__all__ = [
    "EventTime", "parse_published", "parse_feed_date", "parse_event_dates",
    "parse_jsonld_datetime", "to_utc",
]
