"""normalize.dates: French date prose from the centres, feed dates, JSON-LD, time zones."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

try:
    from conftest import corpus_path
except ImportError:  # loaded by bench/quality_dates.py outside pytest
    corpus_path = None

from normalize.dates import (
    EventTime,
    parse_event_dates,
    parse_feed_date,
    parse_jsonld_datetime,
    parse_published,
    to_utc,
)

P = "Europe/Paris"
R = date(2025, 9, 1)  # reference for year-less strings unless said otherwise

# (text as written by a centre, tz of the place, reference, [(starts_at, ends_at, all_day)])
# bench/quality_dates.py reads this table too.
CENTRE_CASES = [
    ("Jeudi 22 mai 2025 – 13h-14h", P, R, [("2025-05-22T13:00:00+02:00", "2025-05-22T14:00:00+02:00", False)]),
    ("vendredi 22 novembre 2024 de 14h à 16h", P, R, [("2024-11-22T14:00:00+01:00", "2024-11-22T16:00:00+01:00", False)]),
    ("Mardi 3 février 2026 14h - 15h30", P, R, [("2026-02-03T14:00:00+01:00", "2026-02-03T15:30:00+01:00", False)]),
    ("Mardi 24 novembre 2020, 14h-16h", P, R, [("2020-11-24T14:00:00+01:00", "2020-11-24T16:00:00+01:00", False)]),
    ("– mardi 13 octobre 2015 - 20h00", P, R, [("2015-10-13T20:00:00+02:00", None, False)]),
    ("12 décembre 2024\n9h30 - 16h", P, R, [("2024-12-12T09:30:00+01:00", "2024-12-12T16:00:00+01:00", False)]),
    ("12 décembre 2024 de 9h30 à 12h30", P, R, [("2024-12-12T09:30:00+01:00", "2024-12-12T12:30:00+01:00", False)]),
    ("Du 3 au 5 mars 2027", P, R, [("2027-03-03", "2027-03-05", True)]),
    ("du 30 mars au 2 avril", P, R, [("2026-03-30", "2026-04-02", True)]),
    ("du 2 novembre 2012 au 31 mars 2013", P, R, [("2012-11-02", "2013-03-31", True)]),
    ("du 14 au 16 octobre 2024", P, R, [("2024-10-14", "2024-10-16", True)]),
    ("les 14 et 15 juin", P, R, [("2026-06-14", "2026-06-15", True)]),
    # Listed days with hours: one session a day, not one span across the night.
    ("Les 28 et 29 mai 2026, de 9h à 17h", P, R, [("2026-05-28T09:00:00+02:00", "2026-05-28T17:00:00+02:00", False),
                                                  ("2026-05-29T09:00:00+02:00", "2026-05-29T17:00:00+02:00", False)]),
    ("les 28-29 janvier et 22-23 février à Roubaix", P, R,
     [("2026-01-28", "2026-01-29", True), ("2026-02-22", "2026-02-23", True)]),
    ("Mardi 14/01 de 12h à 13h30", P, date(2024, 12, 10),
     [("2025-01-14T12:00:00+01:00", "2025-01-14T13:30:00+01:00", False)]),
    ("le 17 octobre dernier", P, date(2025, 11, 20), [("2025-10-17", "2025-10-17", True)]),
    ("Les 21 et 22 octobre derniers", P, date(2025, 11, 20), [("2025-10-21", "2025-10-22", True)]),
    ("Lundi 17 novembre – 14h à 16h", P, date(2025, 10, 1),
     [("2025-11-17T14:00:00+01:00", "2025-11-17T16:00:00+01:00", False)]),
    ("le jeudi 27 novembre de 14h à 16h30", P, date(2025, 10, 1),
     [("2025-11-27T14:00:00+01:00", "2025-11-27T16:30:00+01:00", False)]),
    ("– Jeudi 29 octobre 2015\nSélestat – Dans les locaux de l'AREAL (2 rue Saint Léonard) – De 14h à 17h", P, R,
     [("2015-10-29T14:00:00+01:00", "2015-10-29T17:00:00+01:00", False)]),
    ("– 24 septembre 2015 - 09h00 à 17h00", P, R, [("2015-09-24T09:00:00+02:00", "2015-09-24T17:00:00+02:00", False)]),
    ("le 31 mars 2025, de 14h à 15h", P, R, [("2025-03-31T14:00:00+02:00", "2025-03-31T15:00:00+02:00", False)]),
    ("jeudi 22 janvier 2026 – 12h-13h30", P, R, [("2026-01-22T12:00:00+01:00", "2026-01-22T13:30:00+01:00", False)]),
    # Overseas centres: the offset of the place, never Paris's.
    ("Mardi 10 février 2027, 9h-12h", "America/Martinique", R,
     [("2027-02-10T09:00:00-04:00", "2027-02-10T12:00:00-04:00", False)]),
    ("jeudi 4 mars 2027 de 8h30 à 11h", "America/Cayenne", R,
     [("2027-03-04T08:30:00-03:00", "2027-03-04T11:00:00-03:00", False)]),
    ("vendredi 5 mars 2027 – 14h-16h", "Indian/Reunion", R,
     [("2027-03-05T14:00:00+04:00", "2027-03-05T16:00:00+04:00", False)]),
    ("lundi 8 mars 2027 de 9h à 11h", "Indian/Mayotte", R,
     [("2027-03-08T09:00:00+03:00", "2027-03-08T11:00:00+03:00", False)]),
    ("le 12 avril 2027 à 18h", "America/Guadeloupe", R, [("2027-04-12T18:00:00-04:00", None, False)]),
    ("vendredi 22 novembre 2024 de 14h à 16h", "America/Martinique", R,
     [("2024-11-22T14:00:00-04:00", "2024-11-22T16:00:00-04:00", False)]),
    ("Du 2 au 4 juillet 2026, Saint-Denis", "Indian/Reunion", R, [("2026-07-02", "2026-07-04", True)]),
    # Daylight saving time edges in Paris (29 March and 25 October 2026).
    ("samedi 28 mars 2026 de 20h à 23h", P, R, [("2026-03-28T20:00:00+01:00", "2026-03-28T23:00:00+01:00", False)]),
    ("dimanche 29 mars 2026 de 10h à 12h", P, R, [("2026-03-29T10:00:00+02:00", "2026-03-29T12:00:00+02:00", False)]),
    ("samedi 24 octobre 2026, 20h-22h", P, R, [("2026-10-24T20:00:00+02:00", "2026-10-24T22:00:00+02:00", False)]),
    ("dimanche 25 octobre 2026 de 10h à 12h", P, R, [("2026-10-25T10:00:00+01:00", "2026-10-25T12:00:00+01:00", False)]),
    ("vendredi 3 juillet 2026 de 20h à 1h", P, R, [("2026-07-03T20:00:00+02:00", "2026-07-04T01:00:00+02:00", False)]),
    ("1er juin", P, R, [("2026-06-01", "2026-06-01", True)]),
    ("le 1er février 2027", P, R, [("2027-02-01", "2027-02-01", True)]),
    ("14/10/2026", P, R, [("2026-10-14", "2026-10-14", True)]),
    ("Mardi 14/01/2025 de 12h à 13h30", P, R, [("2025-01-14T12:00:00+01:00", "2025-01-14T13:30:00+01:00", False)]),
    ("le 26 juin 2019", P, R, [("2019-06-26", "2019-06-26", True)]),
    ("12 janv. 2026", P, R, [("2026-01-12", "2026-01-12", True)]),
    ("3 févr. 2026", P, R, [("2026-02-03", "2026-02-03", True)]),
    ("9 sept. 2026", P, R, [("2026-09-09", "2026-09-09", True)]),
    ("5 fevrier 2026", P, R, [("2026-02-05", "2026-02-05", True)]),
    ("15 aout 2026", P, R, [("2026-08-15", "2026-08-15", True)]),
    ("3 decembre 2026", P, R, [("2026-12-03", "2026-12-03", True)]),
    ("JEUDI 22 MAI 2025 – 13H-14H", P, R, [("2025-05-22T13:00:00+02:00", "2025-05-22T14:00:00+02:00", False)]),
    ("mer. 14 janv. 2026 – 10h-12h", P, R, [("2026-01-14T10:00:00+01:00", "2026-01-14T12:00:00+01:00", False)]),
    ("Le 5 mai 2026 à midi", P, R, [("2026-05-05T12:00:00+02:00", None, False)]),
    ("mercredi 8 octobre 2025 de 9h30 à 12h30 à Saintes (17)", P, R,
     [("2025-10-08T09:30:00+02:00", "2025-10-08T12:30:00+02:00", False)]),
    # Ranges, lists, several sessions.
    ("du 30 décembre au 2 janvier", P, R, [("2025-12-30", "2026-01-02", True)]),
    ("Du 3 au 5 mars 2027 de 9h à 17h", P, R, [("2027-03-03T09:00:00+01:00", "2027-03-05T17:00:00+01:00", False)]),
    ("les 3 et 10 juin 2026", P, R, [("2026-06-03", "2026-06-03", True), ("2026-06-10", "2026-06-10", True)]),
    ("les 14, 15 et 16 octobre 2026", P, R, [("2026-10-14", "2026-10-16", True)]),
    ("du lundi 2 au vendredi 6 mars 2026", P, R, [("2026-03-02", "2026-03-06", True)]),
    ("Jeudi 22 mai 2025 – 9h-12h et 14h-17h", P, R,
     [("2025-05-22T09:00:00+02:00", "2025-05-22T12:00:00+02:00", False),
      ("2025-05-22T14:00:00+02:00", "2025-05-22T17:00:00+02:00", False)]),
    ("Lundi 17 novembre 2025 – 14h à 16h ; Mardi 18 novembre 2025 – 9h à 12h", P, R,
     [("2025-11-17T14:00:00+01:00", "2025-11-17T16:00:00+01:00", False),
      ("2025-11-18T09:00:00+01:00", "2025-11-18T12:00:00+01:00", False)]),
    ("14 h 30 - 16 h, jeudi 9 avril 2026", P, R, [("2026-04-09T14:30:00+02:00", "2026-04-09T16:00:00+02:00", False)]),
    # Things that are not event dates.
    ("Publié le 14 octobre 2026", P, R, []),
    (">> INSCRIPTION jusqu'au 18 novembre 2024 << Jeudi 28 novembre 2024 de 9h à 12h", P, R,
     [("2024-11-28T09:00:00+01:00", "2024-11-28T12:00:00+01:00", False)]),
    ("Webinaire le 31 mars 2025 de 14h à 15h (inscription avant le 25 mars 2025)", P, R,
     [("2025-03-31T14:00:00+02:00", "2025-03-31T15:00:00+02:00", False)]),
    ("Renseignements : 03 88 14 35 89", P, R, []),
    ("Tél. 06.12.34.56.78", P, R, []),
    ("Location : De 0€ à 15€", P, R, []),
    ("Rencontre au 12 rue du 8 mai 1945, le 6 mai 2026 à 18h30", P, R, [("2026-05-06T18:30:00+02:00", None, False)]),
    ("Mardi 24 novembre 2020, 14h-16h. Tél. 01 23 45 67 89", P, R,
     [("2020-11-24T14:00:00+01:00", "2020-11-24T16:00:00+01:00", False)]),
    ("", P, R, []),
]


@pytest.mark.parametrize(("text", "tz", "reference", "expected"), CENTRE_CASES)
def test_event_dates_as_written_by_centres(text, tz, reference, expected):
    got = [(e.starts_at, e.ends_at, e.all_day) for e in parse_event_dates(text, tz, reference)]
    assert got == expected


@pytest.mark.parametrize(("text", "tz", "reference", "expected"), CENTRE_CASES)
def test_event_time_invariants(text, tz, reference, expected):
    for ev in parse_event_dates(text, tz, reference):
        assert isinstance(ev, EventTime)
        if ev.all_day:
            assert len(ev.starts_at) == 10 and ev.ends_at is not None and ev.ends_at >= ev.starts_at
        else:
            start = datetime.fromisoformat(ev.starts_at)
            assert start.utcoffset() is not None
            assert start.utcoffset() == datetime.fromisoformat(ev.starts_at).astimezone(
                __import__("zoneinfo").ZoneInfo(tz)).utcoffset()
            if ev.ends_at:
                assert datetime.fromisoformat(ev.ends_at) > start


def test_year_inference_rule_is_on_or_after_reference():
    # Reference day itself counts; the day before goes to next year.
    assert parse_event_dates("le 1er septembre", P, date(2025, 9, 1))[0].starts_at == "2025-09-01"
    assert parse_event_dates("le 31 août", P, date(2025, 9, 1))[0].starts_at == "2026-08-31"
    assert parse_event_dates("le 31 août dernier", P, date(2025, 9, 1))[0].starts_at == "2025-08-31"


def test_default_reference_is_today():
    today = date.today()
    got = parse_event_dates(f"le {today.day} {['janvier','février','mars','avril','mai','juin','juillet','août','septembre','octobre','novembre','décembre'][today.month - 1]}", P)
    assert got[0].starts_at == today.isoformat()


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("Publié le 14 octobre 2026", None, "2026-10-14"),
        ("Publié le 9 août 2022", None, "2022-08-09"),
        ("Publié le 18/09/2024", None, "2024-09-18"),
        ("23 novembre 2021", None, "2021-11-23"),
        ("14/10/2026", None, "2026-10-14"),
        ("2026-10-14T09:30:00+02:00", None, "2026-10-14T09:30:00+02:00"),
        ("2026-10-14T07:30:00Z", None, "2026-10-14T09:30:00+02:00"),
        ("2026-10-14", None, "2026-10-14"),
        ("Wed, 14 Oct 2026 07:30:00 GMT", None, "2026-10-14T09:30:00+02:00"),
        ("Wed, 14 Oct 2026 23:30:00 +0000", None, "2026-10-15T01:30:00+02:00"),
        ("22 janvier 2015 à 14h40", None, "2015-01-22T14:40:00+01:00"),
        ("Le 11 Décembre 2014 à 09:00", None, "2014-12-11T09:00:00+01:00"),
        ("Mis à jour le 3 mars 2024", None, "2024-03-03"),
        ("27 mars", date(2025, 4, 2), "2025-03-27"),  # a publication is in the past
        ("27 mars", date(2025, 3, 20), "2024-03-27"),
        ("Dimanche 1er Février à 21:24", date(2012, 11, 13), "2012-02-01T21:24:00+01:00"),
        ("pas de date ici", None, None),
        ("", None, None),
        ("08 11 58 54 41", None, None),
    ],
)
def test_parse_published(text, reference, expected):
    assert parse_published(text, P, reference=reference) == expected


def test_parse_published_in_overseas_zone():
    assert parse_published("2026-10-14T12:00:00Z", "Indian/Reunion") == "2026-10-14T16:00:00+04:00"
    assert parse_published("14 octobre 2026 à 9h", "America/Cayenne") == "2026-10-14T09:00:00-03:00"


@pytest.mark.parametrize(
    ("value", "tz", "expected"),
    [
        ("2027-02-10", "America/Martinique", ("2027-02-10", True)),
        ("2027-02-10T09:00", "America/Martinique", ("2027-02-10T09:00:00-04:00", False)),
        ("2027-02-10T09:00:00", P, ("2027-02-10T09:00:00+01:00", False)),
        ("2027-02-10T09:00:00+01:00", P, ("2027-02-10T09:00:00+01:00", False)),
        ("2027-02-10T08:00:00Z", P, ("2027-02-10T09:00:00+01:00", False)),
        ("2027-07-10T09:00:00+0200", P, ("2027-07-10T09:00:00+02:00", False)),
        ("2027-07-10T13:00:00+02:00", "Indian/Reunion", ("2027-07-10T15:00:00+04:00", False)),
        ("2027-07-10T09:00:00.000Z", "Indian/Mayotte", ("2027-07-10T12:00:00+03:00", False)),
        ("demain", P, None),
        ("2027-13-10", P, None),
        ("", P, None),
    ],
)
def test_parse_jsonld_datetime(value, tz, expected):
    assert parse_jsonld_datetime(value, tz) == expected


def test_to_utc():
    assert to_utc("2027-02-10T09:00:00-04:00") == "2027-02-10T13:00:00+00:00"
    assert to_utc("2026-03-29T10:00:00+02:00") == "2026-03-29T08:00:00+00:00"
    assert to_utc("2027-02-10") == "2027-02-10"
    with pytest.raises(ValueError):
        to_utc("2027-02-10T09:00:00")


def test_fr_dates_corpus_absolute_strings():
    data = json.loads(corpus_path("dates", "fr_dates.json").read_text())
    for case in data["parse"]:
        ref = date.fromisoformat(case.get("relative_base", "2012-11-13"))
        got = parse_published(case["input"], P, reference=ref)
        assert got is not None, case["input"]
        want = datetime.fromisoformat(case["expected"])
        if "T" not in got:
            assert (got, want.time().isoformat()) == (want.date().isoformat(), "00:00:00"), case["input"]
        elif want.tzinfo is None:
            assert datetime.fromisoformat(got).replace(tzinfo=None) == want, case["input"]
        else:
            assert datetime.fromisoformat(got) == want, case["input"]


def test_fr_dates_corpus_search_finds_dates_and_ignores_phone_numbers():
    data = json.loads(corpus_path("dates", "fr_dates.json").read_text())
    for case in data["search"]:
        if isinstance(case["expected"], str):
            assert parse_published(case["input"], P) == case["expected"]
            continue
        assert _found_days(case["input"]) == sorted(d for _, d in case["expected"] or []), case["input"]


def _found_days(text: str) -> list[str]:
    """Days an event parser finds, else the publication date (a stamp is not an event)."""
    sessions = parse_event_dates(text, P, date(2012, 11, 13))
    days = sorted({d for s in sessions for d in (s.starts_at[:10], s.ends_at[:10])})
    if not days:
        published = parse_published(text, P)
        days = [published[:10]] if published else []
    return days


# feedparser's W3C-DTF parser must reject "22013" while its ISO 8601 parser must read
# "03335" (YYDDD, 2003-12-01): one function cannot do both; we keep the ordinal reading.
ORDINAL_CONFLICT = {"22013": "2022-01-13T00:00:00+00:00"}


def test_feed_dates_corpus_all_cases():
    data = json.loads(corpus_path("dates", "feed_dates_feedparser.json").read_text())
    for case in data["cases"]:
        if case["input"] in ORDINAL_CONFLICT:
            assert parse_feed_date(case["input"]) == ORDINAL_CONFLICT[case["input"]]
            continue
        expected = case["expected_utc"] and case["expected_utc"].replace("Z", "+00:00")
        assert parse_feed_date(case["input"]) == expected, case["input"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21+00:00"),
        ("Wed, 14 Oct 2026 09:30:00 +0200", "2026-10-14T07:30:00+00:00"),
        ("2026-10-14T09:30:00+02:00", "2026-10-14T07:30:00+00:00"),
        ("14 octobre 2026 à 9h30", "2026-10-14T07:30:00+00:00"),
        ("Mercredi 14 octobre 2026", "2026-10-14T00:00:00+00:00"),
        ("Sun, 99 Jun 2009 12:00:00 GMT", None),
        ("", None),
    ],
)
def test_parse_feed_date(text, expected):
    assert parse_feed_date(text) == expected
