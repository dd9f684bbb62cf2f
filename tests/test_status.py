"""`crpv status`: per-centre health rows and table, fill-rate drop alarm, missing databases."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from crawlers.registry import DEFAULT_REGISTRY, load_registry
from pipelines.schema import open_database
from portail.status import (
    database_problem, fill_rate_drops, parse_fill_rates, status_rows, status_table,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
REGISTRY = load_registry(DEFAULT_REGISTRY)
GOOD = {"published_at": 0.95, "summary": 0.9, "place": 0.6}


def _run(db, centre, started, status="completed", mode="full", rates=GOOD, run_id=None, **more):
    row = {"run_id": run_id or f"run-{started}", "centre_id": centre, "mode": mode, "status": status,
           "started_at": started, "finished_at": started.replace("T02", "T03"),
           "fill_rates": json.dumps(rates) if rates is not None else None, "items_seen": 40, **more}
    db["harvest_runs"].insert(row)
    return row["run_id"]


def _item(db, centre, number, kind, first_seen, status="active"):
    db["items"].insert({
        "id": f"{centre}-{number}", "centre_id": centre, "kind": kind, "url": f"https://{centre}.example/{number}",
        "title": f"Titre {number}", "first_seen_at": first_seen, "last_seen_at": first_seen, "status": status,
    })


@pytest.fixture
def db_path(tmp_path):
    """A database with irev (healthy, then a redesign), oriv (failing) and normanvilles (never run)."""
    path = tmp_path / "portail.db"
    db = open_database(path)
    for centre in REGISTRY.centres[:3]:
        db["centres"].insert(centre.as_row())
    # irev: four good full runs, then a completed run where summaries and places vanished.
    for day in ("2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"):
        _run(db, "irev", f"{day}T02:00:00+00:00")
    _run(db, "irev", "2026-11-24T10:00:00+00:00", mode="light", rates={"published_at": 1.0, "summary": 0.1})
    last = _run(db, "irev", "2026-11-25T02:00:00+00:00", rates={"published_at": 0.93, "summary": 0.05, "place": 0.55},
                requests=212, bytes=3_456_789, failed=2)
    db["harvest_errors"].insert_all([
        {"run_id": last, "centre_id": "irev", "url": "https://irev.example/a", "kind": "http", "message": "404",
         "occurred_at": "2026-11-25T02:10:00+00:00"},
        {"run_id": last, "centre_id": "irev", "url": "https://irev.example/b", "kind": "pdf", "message": "chiffré",
         "occurred_at": "2026-11-25T02:11:00+00:00"},
        {"run_id": "run-2026-11-23T02:00:00+00:00", "centre_id": "irev", "url": "x", "kind": "http",
         "message": "old", "occurred_at": "2026-11-23T02:11:00+00:00"},
    ])
    for number, kind in enumerate(["news"] * 5 + ["event"] * 3 + ["document"] * 2):
        _item(db, "irev", number, kind, f"2026-11-{10 + number:02d}T08:00:00+00:00")
    _item(db, "irev", 99, "news", "2026-11-01T08:00:00+00:00", status="gone")
    # oriv: one success long ago, then three failures (one interrupted run in between says nothing).
    _run(db, "oriv", "2026-11-01T02:00:00+00:00", run_id="o1")
    _run(db, "oriv", "2026-11-23T02:00:00+00:00", status="failed", rates=None, run_id="o2")
    _run(db, "oriv", "2026-11-24T02:00:00+00:00", status="interrupted", rates=None, run_id="o3")
    _run(db, "oriv", "2026-11-25T02:00:00+00:00", status="failed", rates=None, run_id="o4", requests=3, bytes=0,
         failed=1)
    _item(db, "oriv", 1, "event", "2026-10-05T09:00:00+00:00")
    db["schedule_state"].insert_all([
        {"job_id": "oriv:light", "centre_id": "oriv", "mode": "light", "failure_streak": 3,
         "backoff_until": "2026-11-25T13:00:00+00:00", "next_run_at": "2026-11-25T12:03:00+00:00"},
        {"job_id": "oriv:full", "centre_id": "oriv", "mode": "full", "failure_streak": 3,
         "backoff_until": "2026-11-25T13:00:00+00:00", "next_run_at": "2026-11-26T00:07:00+00:00",
         "last_status": "failed", "last_exit_code": 1, "last_finished_at": "2026-11-25T02:20:00+00:00"},
        {"job_id": "irev:light", "centre_id": "irev", "mode": "light", "failure_streak": 0,
         "next_run_at": "2026-11-25T13:00:00+00:00"},
        {"job_id": "irev:full", "centre_id": "irev", "mode": "full", "failure_streak": 0,
         "next_run_at": "2026-11-26T00:00:00+00:00"},
    ])
    db.close()
    return path


def test_rows_of_a_healthy_centre_after_a_redesign(db_path):
    rows = {row["centre_id"]: row for row in status_rows(db_path, now=NOW)}
    irev = rows["irev"]
    assert irev["last_success_at"] == "2026-11-25T03:00:00+00:00"
    assert irev["items"] == {"news": 5, "event": 3, "document": 2}
    assert irev["items_gone"] == 1
    assert (irev["last_run_status"], irev["last_run_mode"], irev["last_run_errors"]) == ("completed", "full", 2)
    assert (irev["last_run_requests"], irev["last_run_bytes"]) == (212, 3_456_789)
    assert irev["error_streak"] == 0
    assert (irev["next_run_at"], irev["next_run_mode"]) == ("2026-11-25T13:00:00+00:00", "light")
    assert irev["last_new_item_at"] == "2026-11-19T08:00:00+00:00"
    assert irev["days_since_new_item"] == 6
    # Summaries fell from 90 % to 5 %: flagged; dates (95 → 93 %) and places (60 → 55 %) did not.
    assert irev["fill_drops"] == [{"field": "summary", "previous": 0.9, "current": 0.05}]
    assert irev["alerts"] == [
        "fill rate of summary fell from 90% to 5% (last full run vs the previous ones): site redesign?"]


def test_rows_of_a_failing_centre(db_path):
    oriv = {row["centre_id"]: row for row in status_rows(db_path, now=NOW)}["oriv"]
    assert oriv["last_success_at"] == "2026-11-01T03:00:00+00:00"
    assert (oriv["last_run_status"], oriv["last_run_errors"], oriv["last_run_requests"]) == ("failed", 1, 3)
    assert oriv["error_streak"] == 3
    assert oriv["backoff_until"] == "2026-11-25T13:00:00+00:00"
    assert oriv["items"] == {"news": 0, "event": 1, "document": 0}
    assert oriv["days_since_new_item"] == 51
    assert oriv["fill_drops"] == []
    assert (oriv["last_job_id"], oriv["last_job_status"], oriv["last_job_exit_code"]) == ("oriv:full", "failed", 1)
    assert oriv["alerts"] == [
        "3 failed run(s) in a row, retried after 2026-11-25T13:00:00+00:00; last job oriv:full failed (exit 1)"]


def test_a_centre_never_harvested(db_path):
    rows = status_rows(db_path, now=NOW)
    assert [row["centre_id"] for row in rows] == ["irev", "oriv", "normanvilles"]
    never = rows[2]
    assert never["alerts"] == ["never harvested"]
    assert (never["last_success_at"], never["last_run_status"], never["days_since_new_item"]) == (None, None, None)
    assert never["items"] == {"news": 0, "event": 0, "document": 0}


def test_with_a_registry_every_centre_is_listed_in_registry_order(db_path):
    rows = status_rows(db_path, registry=REGISTRY, now=NOW)
    assert [row["centre_id"] for row in rows] == [c.id for c in REGISTRY.centres]
    assert sum(row["alerts"] == ["never harvested"] for row in rows) == 18


def test_the_table(db_path):
    text = status_table(db_path, now=NOW)
    lines = text.splitlines()
    assert lines[0] == f"Harvest status at 2026-11-25 13:00 (Europe/Paris), database {db_path}"
    assert lines[2].split() == ["centre", "last", "success", "news", "events", "docs", "last", "run", "errors",
                                "streak", "next", "run", "requests", "bytes", "new", "item", "!"]
    irev = next(line for line in lines if line.startswith("irev "))
    assert irev.split() == ["irev", "2026-11-25", "04:00", "5", "3", "2", "completed", "(full)", "2", "0",
                            "2026-11-25", "14:00", "light", "212", "3.5", "MB", "6", "d", "!"]
    oriv = next(line for line in lines if line.startswith("oriv "))
    assert oriv.split() == ["oriv", "2026-11-01", "04:00", "0", "1", "0", "failed", "(full)", "1", "3",
                            "2026-11-25", "14:00", "backoff", "3", "0", "B", "51", "d", "!"]
    never = next(line for line in lines if line.startswith("normanvilles "))
    assert never.split()[:2] == ["normanvilles", "never"]
    alerts = lines[lines.index("Alerts:") + 1:]
    assert alerts == [
        "  irev: fill rate of summary fell from 90% to 5% (last full run vs the previous ones): site redesign?",
        "  oriv: 3 failed run(s) in a row, retried after 2026-11-25T13:00:00+00:00; last job oriv:full failed (exit 1)",
        "  normanvilles: never harvested",
    ]
    # Every row of the table has the same columns as the header rule.
    rule = lines[3]
    assert set(rule.replace(" ", "")) == {"-"}
    assert all(len(line) <= len(rule) for line in lines[2:7])


def test_no_database(tmp_path):
    path = tmp_path / "absent.db"
    assert status_table(path) == f"no database at {path}: run `crpv harvest` first"
    assert status_rows(path) == []
    assert not path.exists()  # status never creates a database


def test_not_a_portail_database(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE x (a)").connection.close()
    assert "is not a Portail CRPV database (missing table harvest_runs)" in status_table(path)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    assert database_problem(garbage).startswith(f"cannot read the database {garbage}")


def test_empty_database(tmp_path):
    path = tmp_path / "empty.db"
    open_database(path).close()
    assert status_table(path) == f"{path}: no centre yet: run `crpv harvest` first"
    text = status_table(path, registry=REGISTRY, now=NOW)
    assert len([line for line in text.splitlines() if line.endswith("never harvested")]) == 20


@pytest.mark.parametrize("current, previous, expected", [
    # A sharp fall from a steady history: flagged.
    ({"summary": 0.1}, [{"summary": 0.9}, {"summary": 0.85}, {"summary": 0.95}], ["summary"]),
    # A field that disappeared altogether counts as 0.
    ({"published_at": 0.9}, [{"published_at": 0.9, "place": 0.7}], ["place"]),
    # Mild changes: not flagged.
    ({"summary": 0.7}, [{"summary": 0.9}], []),
    ({"summary": 0.5}, [{"summary": 0.8}], []),  # 30 points lower but not halved
    # A rarely filled field cannot drop: 20 % → 0 %.
    ({"place": 0.0}, [{"place": 0.2}], []),
    # Halved but only 20 points lower.
    ({"place": 0.2}, [{"place": 0.4}], []),
    # The median resists one odd previous run.
    ({"summary": 0.8}, [{"summary": 0.9}, {"summary": 0.1}, {"summary": 0.85}], []),
    ({"summary": 0.1}, [{"summary": 0.9}, {"summary": 0.1}, {"summary": 0.85}], ["summary"]),
    # No history: nothing to compare with.
    ({"summary": 0.0}, [], []),
])
def test_fill_rate_drops(current, previous, expected):
    assert [d["field"] for d in fill_rate_drops(current, previous)] == expected


def test_light_and_full_runs_are_not_compared_and_small_runs_are_not_judged(tmp_path):
    path = tmp_path / "p.db"
    db = open_database(path)
    db["centres"].insert(REGISTRY.centres[0].as_row())
    for day in ("20", "21", "22"):
        _run(db, "irev", f"2026-11-{day}T02:00:00+00:00", mode="full")
    # A light run reads feeds, whose items have no place: no alarm against full runs.
    _run(db, "irev", "2026-11-23T10:00:00+00:00", mode="light", rates={"published_at": 1.0, "summary": 0.9})
    assert status_rows(path, now=NOW)[0]["fill_drops"] == []
    # A full run that saw 3 items is too small to judge.
    _run(db, "irev", "2026-11-24T02:00:00+00:00", mode="full", rates={"summary": 0.0}, items_seen=3)
    assert status_rows(path, now=NOW)[0]["fill_drops"] == []


@pytest.mark.parametrize("text, expected", [
    ('{"published_at": 0.9, "summary": 1}', {"published_at": 0.9, "summary": 1.0}),
    ('{"summary": 85, "place": 0}', {"summary": 0.85, "place": 0.0}),  # percentages
    ('{"place": {"rate": 0.5, "count": 10}}', {"place": 0.5}),
    ('{"flag": true, "name": "x", "place": null}', {}),
    ("[0.5]", {}),
    ("not json", {}),
    (None, {}),
])
def test_parse_fill_rates(text, expected):
    assert parse_fill_rates(text) == expected
