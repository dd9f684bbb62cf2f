"""iCalendar export of a centre's events, as The Events Calendar writes `?ical=1`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from mirror.cms import base
from mirror.cms.base import Item, SiteContext

# VTIMEZONE blocks for the zones the exporting centres use.
VTIMEZONES = {
    "Europe/Paris": [
        "BEGIN:VTIMEZONE", "TZID:Europe/Paris",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
        "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
        "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ],
}


def _fixed_zone(tzid: str, offset: str, name: str) -> list[str]:
    return ["BEGIN:VTIMEZONE", f"TZID:{tzid}", "BEGIN:STANDARD", f"TZOFFSETFROM:{offset}",
            f"TZOFFSETTO:{offset}", f"TZNAME:{name}", "DTSTART:19700101T000000",
            "END:STANDARD", "END:VTIMEZONE"]


VTIMEZONES["America/Martinique"] = _fixed_zone("America/Martinique", "-0400", "AST")
VTIMEZONES["America/Guadeloupe"] = _fixed_zone("America/Guadeloupe", "-0400", "AST")
VTIMEZONES["America/Cayenne"] = _fixed_zone("America/Cayenne", "-0300", "-03")
VTIMEZONES["Indian/Reunion"] = _fixed_zone("Indian/Reunion", "+0400", "+04")
VTIMEZONES["Indian/Mayotte"] = _fixed_zone("Indian/Mayotte", "+0300", "EAT")


def _zone_of_today(tz: str, today: date) -> list[str]:
    """A fixed-offset VTIMEZONE for a zone without a hand-written block."""
    offset = datetime.combine(today, time(12), ZoneInfo(tz)).strftime("%z")
    return _fixed_zone(tz, offset, offset)


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1) without splitting a character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(d: date) -> str:
    return datetime.combine(d, time(8, 0), timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def calendar(ctx: SiteContext, events: list[Item], origin_path: str) -> str:
    """A VCALENDAR with one VEVENT per event (RRULE for the weekly one)."""
    tz = ctx.tz
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             f"PRODID:-//{ctx.short} - ECPv6.6.4//NONSGML v1.0//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(ctx.short)}",
             f"X-ORIGINAL-URL:__ORIGIN__{origin_path}",
             f"X-WR-CALDESC:Évènements pour {_escape(ctx.short)}",
             f"X-WR-TIMEZONE:{tz}"]
    lines += VTIMEZONES.get(tz) or _zone_of_today(tz, ctx.today)
    for item in events:
        first = item.sessions[0]
        lines += ["BEGIN:VEVENT"]
        if item.recurring:
            start_day = item.recurring["first"]
            lines.append(f"DTSTART;TZID={tz}:{start_day:%Y%m%d}T{first.t_start:%H%M%S}")
            lines.append(f"DTEND;TZID={tz}:{start_day:%Y%m%d}T{first.t_end:%H%M%S}")
            until = datetime.combine(item.recurring["until"], first.t_end, ZoneInfo(tz))
            lines.append("RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL="
                         + until.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
        elif first.all_day:
            lines.append(f"DTSTART;VALUE=DATE:{first.start:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{first.end + timedelta(days=1):%Y%m%d}")
        else:
            lines.append(f"DTSTART;TZID={tz}:{first.start:%Y%m%d}T{first.t_start:%H%M%S}")
            end_t = first.t_end or first.t_start
            lines.append(f"DTEND;TZID={tz}:{first.end:%Y%m%d}T{end_t:%H%M%S}")
        lines += [
            f"DTSTAMP:{_stamp(ctx.today)}",
            f"CREATED:{_utc(base.published_dt(item, tz))}",
            f"LAST-MODIFIED:{_utc(base.published_dt(item, tz))}",
            f"UID:{item.number}-{first.start:%Y%m%d}-{ctx.id}@mirror.invalid",
            f"SUMMARY:{_escape(item.title)}",
            f"DESCRIPTION:{_escape(item.summary)}",
            f"URL:__ORIGIN__{item.path}",
        ]
        if item.place:
            where = base.place_text(item)
            lines.append(f"LOCATION:{_escape(where)}")
        lines.append(f"CATEGORIES:{_escape(item.event_type.capitalize() or 'Agenda')}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
