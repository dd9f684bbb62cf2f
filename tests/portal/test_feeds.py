"""The iCalendar agenda and the Atom feed: parse with the real libraries, check instants."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest


def _upcoming_sessions(db_path, now: datetime) -> dict[str, dict]:
    """Upcoming sessions computed in Python from the raw rows (independent of the SQL)."""
    today = now.astimezone(ZoneInfo("Europe/Paris")).date()
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("""select e.*, i.status, i.centre_id, i.cluster_id from events e
                           join items i on i.id = e.item_id""").fetchall()
    conn.close()
    out = {}
    for r in rows:
        if r["status"] != "active":
            continue
        if r["all_day"]:
            if date.fromisoformat(r["ends_at"] or r["starts_at"]) >= today:
                out[r["id"]] = dict(r)
        elif datetime.fromisoformat(r["ends_at"] or r["starts_at"]) >= now:
            out[r["id"]] = dict(r)
    return out


def _calendar(client, query=""):
    response = client.get("/portail/agenda.ics" + query)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_ics_holds_every_upcoming_event_at_the_right_instant(client, published):
    now = datetime.now(timezone.utc)
    expected = _upcoming_sessions(published, now)
    cal = _calendar(client)
    events = {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}
    # A relayed event once: one session per relay group (else item) and start instant.
    def key(row):
        return row["cluster_id"] or row["item_id"], row["starts_at"]
    wanted = {key(row) for row in expected.values()}
    listed = [key(expected[uid.removesuffix("@portail-crpv")]) for uid in events]
    assert len(listed) == len(set(listed)) == len(wanted) and set(listed) == wanted
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    for uid, ev in events.items():
        row = expected[uid.removesuffix("@portail-crpv")]
        start = ev["DTSTART"].dt
        if row["all_day"]:
            assert start == date.fromisoformat(row["starts_at"])
            last = date.fromisoformat(row["ends_at"] or row["starts_at"])
            assert ev["DTEND"].dt == last + timedelta(days=1)  # exclusive end
        else:
            assert start == datetime.fromisoformat(row["starts_at"])  # same instant
            if row["timezone"]:
                assert ev["DTSTART"].params["TZID"] == row["timezone"]
                assert row["timezone"] in tzids  # a VTIMEZONE travels with every TZID
            if row["ends_at"]:
                assert ev["DTEND"].dt == datetime.fromisoformat(row["ends_at"])
        assert str(ev["URL"]).startswith("http")


def test_ics_exact_fixture_sessions(client, fixture_only):
    events = {str(ev["SUMMARY"]): ev for ev in _calendar(client).walk("VEVENT")}
    martinique = events["Rencontre jeunesse et insertion à Fort-de-France"]
    start = martinique["DTSTART"].dt
    assert (start.hour, start.minute, martinique["DTSTART"].params["TZID"]) == (14, 0, "America/Martinique")
    assert start.utcoffset() == timedelta(hours=-4)
    assert "Atrium, 97200 Fort-de-France" == str(martinique["LOCATION"])
    seminar = events["Séminaire régional rénovation urbaine et habitat"]
    assert (seminar["DTEND"].dt - seminar["DTSTART"].dt).days == 3  # 3 days, DTEND exclusive
    assert "Atelier passé sur la participation" not in events
    # The two-session cycle: the past session is gone, the future one remains.
    cycle = [e for e in _calendar(client).walk("VEVENT")
             if str(e["SUMMARY"]).startswith("Cycle de qualification")]
    assert len(cycle) == 1 and cycle[0]["DTSTART"].dt > datetime.now(timezone.utc)


def test_ics_uids_are_stable(client):
    first = [str(e["UID"]) for e in _calendar(client).walk("VEVENT")]
    second = [str(e["UID"]) for e in _calendar(client).walk("VEVENT")]
    assert first == second and len(set(first)) == len(first)


@pytest.mark.parametrize("query, titles", [
    ("?centre=labo_cites", {"Cycle de qualification santé et territoires"}),
    ("?theme=emploi_economie", {"Webinaire : l'emploi des femmes dans les QPV",
                       "Rencontre jeunesse et insertion à Fort-de-France"}),
    ("?territoire=Guyane", {"Forum des associations des quartiers de Cayenne"}),
    ("?centre=inconnu", set()),
])
def test_ics_filters(client, fixture_only, query, titles):
    assert {str(e["SUMMARY"]) for e in _calendar(client, query).walk("VEVENT")} == titles


def _feed(client, query=""):
    response = client.get("/portail/actualites.atom" + query)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_atom_parses_and_is_safe(client, published):
    feed = _feed(client)
    conn = sqlite3.connect(published)
    # News only, a relayed item once.
    active = conn.execute("select count(distinct coalesce(cluster_id, id)) from items "
                          "where status = 'active' and kind = 'news'").fetchone()[0]
    conn.close()
    assert len(feed.entries) == min(active, 50)
    natures = {t.term: t.label for e in feed.entries for t in e.tags
               if t.term in ("news", "event", "document", "actualite", "evenement", "publication")}
    assert natures == {"actualite": "Actualité"}  # French terms, news only
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids)
    for entry in feed.entries:
        assert entry.link.startswith("http")
        for content in entry.get("content", []):
            lowered = content.value.lower()
            assert "<script" not in lowered and "onerror" not in lowered
            assert "javascript:" not in lowered


def test_atom_exact_fixture_entries(client, fixture_only):
    feed = _feed(client)
    titles = [e.title for e in feed.entries]
    assert '<script>alert("x")</script>' in titles  # the hostile title is plain text
    assert "Actualité retirée par le centre" not in titles  # gone items are not published
    hostile = next(e for e in feed.entries if e.title.startswith("<script>"))
    assert "<b>gras</b>" in hostile.content[0].value
    assert feed.feed.language == "fr"


@pytest.mark.parametrize("query, count", [
    ("", 7), ("?type=document", 3), ("?type=event", 6), ("?centre=irev", 2), ("?theme=sante", 1),
    ("?territoire=Martinique", 1), ("?type=news&type=document", 10),
])
def test_atom_filters(client, fixture_only, query, count):
    assert len(_feed(client, query).entries) == count
