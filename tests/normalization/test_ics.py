"""normalize.ics: recurrence expansion, time zones, all-day events, broken files."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import CORPUS, corpus_path

from normalize.ics import CalendarError, CalendarEvent, parse_calendar

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality_dates.py"
_spec = importlib.util.spec_from_file_location("quality_dates", _BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _cal(*events: str, extra: str = "") -> bytes:
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//FR", *([extra] if extra else [])])
    for ev in events:
        body += "\r\nBEGIN:VEVENT\r\n" + ev.strip().replace("\n", "\r\n") + "\r\nEND:VEVENT"
    return (body + "\r\nEND:VCALENDAR\r\n").encode()


def _queries():
    path = CORPUS / "ics" / "expected.json"
    if not path.exists():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"corpus missing: {path}"))]
    data = json.loads(path.read_text())
    return [pytest.param(name, q, id=f"{name.split('/')[-1]}-{i}")
            for name, qs in data["files"].items() for i, q in enumerate(qs)]


@pytest.mark.parametrize(("name", "query"), _queries())
def test_corpus_expected_counts_and_times(name, query):
    ok, got = bench.check_ics_query(corpus_path("ics", name).read_bytes(), query)
    assert ok in (True, None), (query, got)


def test_every_corpus_calendar_parses_or_raises_calendar_error():
    for path in sorted(corpus_path("ics").rglob("*.ics")):
        try:
            events = parse_calendar(path.read_bytes(), "Europe/Paris", date(2018, 1, 1), date(2021, 1, 1))
        except CalendarError:
            continue
        for ev in events:
            assert isinstance(ev, CalendarEvent)
            if ev.all_day:
                assert len(ev.starts_at) == 10 and ev.ends_at >= ev.starts_at
            else:
                assert ev.starts_at[19:] and (ev.ends_at is None or ev.ends_at[19:])


def test_rrule_with_tzid_keeps_offset_across_dst():
    data = _cal("""
UID:atelier@crpv
SUMMARY:Atelier mensuel
DTSTART;TZID=Europe/Paris:20260310T140000
DTEND;TZID=Europe/Paris:20260310T160000
RRULE:FREQ=MONTHLY;COUNT=3
EXDATE;TZID=Europe/Paris:20260410T140000
""")
    events = parse_calendar(data, "Europe/Paris", date(2026, 1, 1), date(2027, 1, 1))
    assert [(e.starts_at, e.ends_at) for e in events] == [
        ("2026-03-10T14:00:00+01:00", "2026-03-10T16:00:00+01:00"),
        ("2026-05-10T14:00:00+02:00", "2026-05-10T16:00:00+02:00"),
    ]
    assert [e.recurrence_id for e in events] == ["2026-03-10T14:00:00+01:00", "2026-05-10T14:00:00+02:00"]
    assert events[0].timezone == "Europe/Paris"


def test_all_day_dtend_exclusive_becomes_inclusive_last_day():
    data = _cal("""
UID:seminaire@crpv
SUMMARY:Séminaire régional
DTSTART;VALUE=DATE:20270303
DTEND;VALUE=DATE:20270306
CATEGORIES:Séminaire,Politique de la ville
STATUS:confirmed
""", """
UID:journee@crpv
SUMMARY:Journée
DTSTART;VALUE=DATE:20270310
""")
    events = parse_calendar(data, "Europe/Paris", date(2027, 1, 1), date(2028, 1, 1))
    assert [(e.starts_at, e.ends_at, e.all_day, e.timezone) for e in events] == [
        ("2027-03-03", "2027-03-05", True, None),
        ("2027-03-10", "2027-03-10", True, None),
    ]
    assert events[0].categories == ["Séminaire", "Politique de la ville"]
    assert events[0].status == "CONFIRMED"
    assert events[0].recurrence_id is None


def test_utc_and_floating_times_go_to_the_place_zone():
    data = _cal("""
UID:webinaire@crpv
DTSTART:20270210T130000Z
DTEND:20270210T150000Z
SUMMARY:Webinaire
""", """
UID:local@crpv
DTSTART:20270211T090000
SUMMARY:Sans fuseau
""")
    events = parse_calendar(data, "America/Martinique", date(2027, 2, 1), date(2027, 3, 1))
    assert [(e.starts_at, e.ends_at, e.timezone) for e in events] == [
        ("2027-02-10T09:00:00-04:00", "2027-02-10T11:00:00-04:00", "America/Martinique"),
        ("2027-02-11T09:00:00-04:00", None, "America/Martinique"),
    ]


def test_x_wr_timezone_wins_over_default_for_floating_times():
    data = _cal("""
UID:reunion@crpv
DTSTART:20270211T090000
DTEND:20270211T100000
""", extra="X-WR-TIMEZONE:Indian/Reunion")
    events = parse_calendar(data, "Europe/Paris", date(2027, 2, 1), date(2027, 3, 1))
    assert events[0].starts_at == "2027-02-11T09:00:00+04:00"


def test_window_is_half_open():
    data = _cal("UID:a\nDTSTART;VALUE=DATE:20270301\nSUMMARY:a", "UID:b\nDTSTART;VALUE=DATE:20270331\nSUMMARY:b")
    events = parse_calendar(data, "Europe/Paris", date(2027, 3, 1), date(2027, 3, 31))
    assert [e.uid for e in events] == ["a"]


def test_broken_event_is_skipped_and_the_rest_kept():
    data = _cal("UID:ok\nDTSTART;VALUE=DATE:20270301\nSUMMARY:bon", "UID:bad\nSUMMARY:sans date")
    events = parse_calendar(data, "Europe/Paris", date(2027, 1, 1), date(2028, 1, 1))
    assert [e.uid for e in events] == ["ok"]


@pytest.mark.parametrize("data", [b"", b"<html><body>Agenda</body></html>", b"BEGIN:VCALENDAR\r\nX\r\n"])
def test_unreadable_file_raises_calendar_error(data):
    with pytest.raises(CalendarError):
        parse_calendar(data, "Europe/Paris", date(2027, 1, 1), date(2028, 1, 1))
