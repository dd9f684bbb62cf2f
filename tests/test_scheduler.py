"""The scheduler: plan (exact times, staggering), lock, backoff, exclusion, signals, --once.

No real crawl: every job runs `fake_crpv.py`, a tiny script written below whose behaviour
per centre comes from `control.json` (exit code, sleep, ignore SIGTERM, a harvest_runs row).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from crawlers.registry import DEFAULT_REGISTRY, load_registry, parse_registry
from pipelines.schema import open_database
from portail import schedule
from portail.schedule import (
    JobRunner, LockHeld, SchedulerLock, backoff_delay, build_plan, default_full_time, format_plan,
    lock_path, run_scheduler,
)

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = load_registry(DEFAULT_REGISTRY)
WINTER = datetime(2026, 11, 25, 18, 1, 30, tzinfo=UTC)  # 19:01:30 in Paris (CET)
SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # 14:00 in Paris (CEST)

FAKE_CRPV = r'''
import json, os, signal, sqlite3, sys, time
from datetime import datetime, timezone
here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
def arg(name):
    return args[args.index(name) + 1]
centre, mode, db = arg("--centre"), arg("--mode"), arg("--db")
try:
    control = json.load(open(os.path.join(here, "control.json")))
except FileNotFoundError:
    control = {}
todo = control.get(centre, control.get("*", {}))
def log(event):
    with open(os.path.join(here, "calls.jsonl"), "a") as f:
        f.write(json.dumps({"event": event, "centre": centre, "mode": mode, "pid": os.getpid(),
                            "t": time.time(), "args": args}) + "\n")
def on_term(signum, frame):
    log("terminated")
    sys.exit(143)
signal.signal(signal.SIGTERM, signal.SIG_IGN if todo.get("ignore_term") else on_term)
log("start")
time.sleep(todo.get("sleep", 0))
if todo.get("harvest_status"):
    conn = sqlite3.connect(db, timeout=30)
    with conn:
        conn.execute("INSERT INTO harvest_runs (run_id, centre_id, mode, status, started_at) VALUES (?, ?, ?, ?, ?)",
                     ("fake", centre, mode, todo["harvest_status"],
                      datetime.now(timezone.utc).isoformat(timespec="seconds")))
log("end")
sys.exit(todo.get("exit", 0))
'''


@pytest.fixture
def fake(tmp_path):
    """A fake `crpv` command and helpers to steer it and read what it did."""
    script = tmp_path / "fake_crpv.py"
    script.write_text(FAKE_CRPV)

    class Fake:
        command = [sys.executable, str(script)]
        db = tmp_path / "portail.db"

        def control(self, **per_centre):
            (tmp_path / "control.json").write_text(json.dumps(per_centre))

        def calls(self, event=None):
            path = tmp_path / "calls.jsonl"
            lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
            return [c for c in lines if event is None or c["event"] == event]

        def wait_for(self, event, count=1, timeout=10.0, centre=None):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                calls = [c for c in self.calls(event) if centre is None or c["centre"] == centre]
                if len(calls) >= count:
                    return calls
                time.sleep(0.02)
            raise AssertionError(f"fake crpv never logged {count} {event!r}: {self.calls()}")

        def state(self, job_id):
            with sqlite3.connect(self.db) as conn:
                conn.row_factory = sqlite3.Row
                row = conn.execute("SELECT * FROM schedule_state WHERE job_id = ?", (job_id,)).fetchone()
            return dict(row) if row else None

    open_database(Fake.db).close()
    return Fake()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): look at its state.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


# --------------------------------------------------------------------------- the plan

PLAN = {job.job_id: job for job in build_plan(REGISTRY, "Europe/Paris")}


@pytest.mark.parametrize("job_id, now, expected_utc", [
    ("irev:light", WINTER, "2026-11-25T19:00:00+00:00"),  # centre 0: on the hour
    ("oriv:light", WINTER, "2026-11-25T18:03:00+00:00"),  # centre 1: 3 minutes later
    ("reseau_crpv:light", WINTER, "2026-11-25T18:57:00+00:00"),  # centre 19: :57
    ("irev:full", WINTER, "2026-11-26T00:00:00+00:00"),  # 01:00 CET
    ("oriv:full", WINTER, "2026-11-26T00:07:00+00:00"),  # 01:07 CET
    ("reseau_crpv:full", WINTER, "2026-11-26T02:13:00+00:00"),  # 01:00 + 19 × 7 min = 03:13 CET
    ("ville_caraibe:full", WINTER, "2026-11-26T06:38:00+00:00"),  # 02:38 in Martinique (UTC-4)
    ("cr_csur:full", WINTER, "2026-11-25T22:52:00+00:00"),  # 02:52 in La Réunion (UTC+4), tonight
    ("irev:full", SUMMER, "2026-07-01T23:00:00+00:00"),  # 01:00 CEST
    ("irev:light", SUMMER, "2026-07-01T12:00:00+00:00"),  # due exactly now
])
def test_exact_next_run_times(job_id, now, expected_utc):
    assert PLAN[job_id].next_run(now).astimezone(UTC).isoformat() == expected_utc


def test_every_enabled_centre_has_one_light_and_one_full_job():
    ids = [c.id for c in REGISTRY.centres]
    assert list(PLAN) == [f"{cid}:{mode}" for cid in ids for mode in ("light", "full")]


def test_light_jobs_are_staggered_within_the_hour():
    runs = [job.next_run(WINTER) for job in PLAN.values() if job.mode == "light"]
    assert len(runs) == 20
    assert all(WINTER <= run < WINTER + timedelta(hours=1) for run in runs)
    minutes = sorted(run.minute for run in runs)
    assert minutes == list(range(0, 60, 3))  # 20 distinct slots, 3 minutes apart


def test_light_jobs_repeat_at_their_interval():
    job = PLAN["pqn_a:light"]
    first = job.next_run(WINTER)
    second = job.trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    assert second - first == timedelta(minutes=60)


def test_full_crawls_run_at_night_local_to_the_centre_and_never_together():
    runs = {}
    for job in PLAN.values():
        if job.mode != "full":
            continue
        run = job.next_run(WINTER)
        local = run.astimezone(ZoneInfo(REGISTRY.get(job.centre_id).timezone))
        assert 1 <= local.hour < 5, job.job_id
        runs[job.job_id] = run
    assert len(runs) == 20
    assert len(set(runs.values())) == 20  # no two full crawls start at the same instant


@pytest.mark.parametrize("index, expected", [(0, "01:00"), (1, "01:07"), (19, "03:13"), (34, "04:58"), (35, "01:05")])
def test_default_full_time_wraps_in_the_night_window(index, expected):
    assert default_full_time(index).strftime("%H:%M") == expected


def _registry_with(schedules: dict[str, dict]):
    data = yaml.safe_load(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    for entry in data["centres"]:
        if entry["id"] in schedules:
            entry["schedule"] = schedules[entry["id"]]
    return parse_registry(data)


def test_registry_cadence_full_at_and_enabled_are_obeyed():
    registry = _registry_with({
        "oriv": {"light_every_minutes": 30, "full_at": "23:15"},
        "irev": {"enabled": False},
    })
    plan = {job.job_id: job for job in build_plan(registry, "Europe/Paris")}
    assert "irev:light" not in plan and "irev:full" not in plan
    light = plan["oriv:light"]
    first = light.next_run(WINTER)
    assert first.isoformat() == "2026-11-25T18:03:00+00:00"  # offset 3 of a 30-minute cadence
    assert light.trigger.get_next_fire_time(first, first + timedelta(seconds=1)) - first == timedelta(minutes=30)
    assert plan["oriv:full"].next_run(WINTER).isoformat() == "2026-11-25T23:15:00+01:00"
    # Disabling irev shifts nobody else.
    assert plan["normanvilles:full"].next_run(WINTER) == PLAN["normanvilles:full"].next_run(WINTER)


def test_list_prints_every_job_with_local_and_utc_times(capsys, tmp_path):
    db = tmp_path / "portail.db"
    assert run_scheduler(None, db, list_only=True, now=WINTER) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 40
    irev = next(line for line in lines if line.startswith("irev:light "))
    assert irev.split() == ["irev:light", "2026-11-25", "20:00", "CET", "2026-11-25", "19:00",
                            "every", "60", "min", "(offset", "0", "min)"]
    caraibe = next(line for line in lines if line.startswith("ville_caraibe:full "))
    assert "2026-11-26 07:38 CET" in caraibe and "2026-11-26 06:38" in caraibe
    assert not db.exists()  # listing touches no database


def test_format_plan_mentions_disabled_centres(capsys, tmp_path):
    registry = tmp_path / "centres.yaml"
    data = yaml.safe_load(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    data["centres"][1]["schedule"] = {"enabled": False}
    registry.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run_scheduler(registry, tmp_path / "x.db", list_only=True, now=WINTER) == 0
    out = capsys.readouterr().out
    assert "oriv:light" not in out and out.rstrip().endswith("disabled: oriv")
    assert format_plan([], WINTER).startswith("job")


def test_bad_registry_exits_2_with_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("centres: []\n")
    assert run_scheduler(bad, tmp_path / "x.db", list_only=True) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'centres' must be a non-empty list" in err


# --------------------------------------------------------------------------- the lock

def test_a_second_scheduler_is_refused_with_exit_2(fake, capsys):
    with SchedulerLock(fake.db):
        assert run_scheduler(None, fake.db, once=True, crpv_command=fake.command) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"crpv schedule: error: another scheduler is already running for this database "
                   f"(pid {os.getpid()}, lock {lock_path(fake.db)})"]
    assert fake.calls() == []  # nothing ran
    with SchedulerLock(fake.db):  # released on exit: it can be taken again
        pass


def test_the_lock_is_held_across_processes(tmp_path):
    db = tmp_path / "portail.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            sys.path.insert(0, {str(ROOT)!r})
            from portail.schedule import SchedulerLock
            lock = SchedulerLock({str(db)!r}); lock.acquire(); print("held", flush=True); time.sleep(30)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld, match=f"pid {holder.pid}"):
            SchedulerLock(db).acquire()
    finally:
        holder.kill()
        holder.wait()
    with SchedulerLock(db):  # a dead holder's lock is free
        pass


# --------------------------------------------------------------------------- backoff

@pytest.mark.parametrize("streak, minutes", [
    (0, 0), (1, 15), (2, 30), (3, 60), (4, 120), (5, 240), (6, 480), (7, 960), (8, 1440), (9, 1440), (500, 1440),
])
def test_backoff_doubles_from_15_minutes_up_to_a_day(streak, minutes):
    assert backoff_delay(streak) == timedelta(minutes=minutes)


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def test_backoff_sequence_skip_and_reset(fake):
    clock = Clock(WINTER)
    runner = JobRunner(None, fake.db, fake.command, clock=clock)
    fake.control(irev={"exit": 1})
    for streak, minutes in ((1, 15), (2, 30), (3, 60)):
        result = runner.run_job("irev", "light")
        assert (result.status, result.exit_code) == ("failed", 1)
        state = fake.state("irev:light")
        assert state["backoff_until"] == schedule.iso(clock.now + timedelta(minutes=minutes))
        assert state["failure_streak"] == streak
        # Inside the backoff the job is skipped without starting anything.
        clock.now += timedelta(minutes=minutes - 1)
        starts = len(fake.calls("start"))
        skipped = runner.run_job("irev", "light")
        assert skipped.status == "skipped" and "backoff until" in skipped.reason
        assert len(fake.calls("start")) == starts
        assert fake.state("irev:light")["failure_streak"] == streak
        assert fake.state("irev:light")["last_status"] == "skipped"
        clock.now += timedelta(minutes=1)
    # The backoff is the centre's: its full crawl waits too.
    assert runner.run_job("irev", "full").status == "failed"
    assert fake.state("irev:full")["failure_streak"] == fake.state("irev:light")["failure_streak"] == 4
    clock.now += timedelta(hours=2)
    fake.control(irev={"exit": 0})
    assert runner.run_job("irev", "light").status == "completed"
    for job_id in ("irev:light", "irev:full"):
        state = fake.state(job_id)
        assert (state["failure_streak"], state["backoff_until"]) == (0, None)
    assert fake.state("irev:light")["last_exit_code"] == 0


def test_a_harvest_that_exits_0_but_records_a_failed_run_counts_as_a_failure(fake):
    fake.control(oriv={"exit": 0, "harvest_status": "failed"}, irev={"exit": 0, "harvest_status": "completed"})
    runner = JobRunner(None, fake.db, fake.command)
    failed = runner.run_job("oriv", "light")
    assert failed.status == "failed" and "recorded the run as failed" in failed.reason
    assert fake.state("oriv:light")["failure_streak"] == 1
    assert runner.run_job("irev", "light").status == "completed"


def test_the_command_line_of_a_job(fake, tmp_path):
    runner = JobRunner(tmp_path / "r.yaml", fake.db, fake.command)
    assert runner.run_job("crpve", "full").status == "completed"
    (call,) = fake.calls("start")
    assert call["args"] == ["harvest", "--registry", str(tmp_path / "r.yaml"), "--db", str(fake.db),
                            "--centre", "crpve", "--mode", "full"]
    assert (tmp_path / "logs" / "crpve-full.log").exists()
    assert JobRunner(None, fake.db).command("irev", "light")[:3] == [sys.executable, "-m", "portail.cli"]


def test_a_command_that_cannot_start_is_a_failure(fake, tmp_path):
    runner = JobRunner(None, fake.db, [str(tmp_path / "no-such-crpv")])
    result = runner.run_job("irev", "light")
    assert result.status == "failed" and "cannot start the harvest" in result.reason
    assert fake.state("irev:light")["failure_streak"] == 1


def test_a_job_over_its_timeout_is_killed_and_counts_as_a_failure(fake):
    fake.control(irev={"sleep": 30})
    runner = JobRunner(None, fake.db, fake.command, stop_grace_s=2)
    started = time.monotonic()
    result = runner.run_job("irev", "light", timeout_s=0.5)
    assert result.status == "timeout" and time.monotonic() - started < 5
    (start,) = fake.calls("start")
    assert fake.calls("terminated") and not _alive(start["pid"])
    state = fake.state("irev:light")
    assert (state["last_status"], state["failure_streak"]) == ("timeout", 1)


# --------------------------------------------------------------------------- one run per centre

def test_no_two_runs_of_a_centre_at_once(fake):
    fake.control(irev={"sleep": 1.5}, oriv={"sleep": 0})
    runner = JobRunner(None, fake.db, fake.command)
    results = {}
    light = threading.Thread(target=lambda: results.setdefault("light", runner.run_job("irev", "light")))
    light.start()
    fake.wait_for("start")
    # A second light job and a full job that will not wait: skipped and recorded.
    assert runner.run_job("irev", "light").status == "skipped"
    assert fake.state("irev:light")["last_status"] == "running"  # the running one keeps its row
    impatient = runner.run_job("irev", "full", wait_for_centre_s=0.1)
    assert impatient.status == "skipped" and "in progress" in impatient.reason
    assert fake.state("irev:full")["last_status"] == "skipped"
    # Another centre is not held up.
    assert runner.run_job("oriv", "light").status == "completed"
    # A full crawl waits for the light harvest to finish, then runs.
    assert runner.run_job("irev", "full").status == "completed"
    light.join()
    assert results["light"].status == "completed"
    irev = [c for c in fake.calls() if c["centre"] == "irev"]
    assert [(c["event"], c["mode"]) for c in irev] == [
        ("start", "light"), ("end", "light"), ("start", "full"), ("end", "full")]


# --------------------------------------------------------------------------- stopping

def test_stop_terminates_the_child_and_records_interrupted(fake):
    fake.control(irev={"sleep": 30})
    runner = JobRunner(None, fake.db, fake.command, stop_grace_s=5)
    results = []
    worker = threading.Thread(target=lambda: results.append(runner.run_job("irev", "full")))
    worker.start()
    (start,) = fake.wait_for("start")
    runner.stop()
    worker.join(timeout=10)
    assert results[0].status == "interrupted"
    assert fake.calls("terminated") and not _alive(start["pid"])
    state = fake.state("irev:full")
    assert (state["last_status"], state["failure_streak"]) == ("interrupted", None)
    assert runner.run_job("oriv", "light").status == "interrupted"  # nothing new starts
    assert len(fake.calls("start")) == 1


def test_a_child_ignoring_sigterm_is_killed_after_the_grace(fake):
    fake.control(irev={"sleep": 30, "ignore_term": True})
    runner = JobRunner(None, fake.db, fake.command, stop_grace_s=0.5)
    results = []
    worker = threading.Thread(target=lambda: results.append(runner.run_job("irev", "light")))
    worker.start()
    (start,) = fake.wait_for("start")
    began = time.monotonic()
    runner.stop()
    worker.join(timeout=10)
    assert time.monotonic() - began < 5
    assert results[0].status == "interrupted" and results[0].exit_code == -signal.SIGKILL
    assert not fake.calls("terminated") and not _alive(start["pid"])
    assert fake.state("irev:light")["last_status"] == "interrupted"


SCHEDULER_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from datetime import datetime, timedelta, UTC
from apscheduler.triggers.date import DateTrigger
from portail import schedule
mode = sys.argv[1]
command = [sys.executable, {fake!r}]
if mode == "once":
    sys.exit(schedule.run_scheduler(None, Path({db!r}), once=True, crpv_command=command, stop_grace_s=1))
job = schedule.PlannedJob("irev:light", "irev", "light", DateTrigger(datetime.now(UTC) + timedelta(seconds=0.3)),
                          60, 60.0, "test")
sys.exit(schedule.run_forever([job], None, Path({db!r}), command, stop_grace_s=5))
"""


@pytest.mark.parametrize("mode, signum, exit_code, stubborn", [
    ("forever", signal.SIGTERM, 0, False),
    ("forever", signal.SIGINT, 0, False),
    ("once", signal.SIGTERM, 1, False),
    ("once", signal.SIGINT, 1, True),  # a child ignoring SIGTERM is killed after the grace
])
def test_a_signal_stops_the_scheduler_and_its_children_cleanly(fake, tmp_path, mode, signum, exit_code, stubborn):
    fake.control(irev={"sleep": 30, "ignore_term": stubborn}, **{"*": {"sleep": 0}})
    script = tmp_path / "run_scheduler.py"
    script.write_text(SCHEDULER_SCRIPT.format(root=str(ROOT), fake=fake.command[1], db=str(fake.db)))
    proc = subprocess.Popen([sys.executable, str(script), mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        (child,) = fake.wait_for("start", timeout=20, centre="irev")
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == exit_code, err
    assert not _alive(child["pid"])
    # irev's own ending: another centre's quick run may still be in flight beside it when the
    # signal comes (on a loaded machine it is), and is stopped as well
    assert [c["centre"] for c in fake.calls("terminated") if c["centre"] == "irev"] == \
        ([] if stubborn else ["irev"])
    state = fake.state("irev:light")
    assert state["last_status"] == "interrupted" and state["last_finished_at"]
    if mode == "once":
        assert "irev:light" in out and "interrupted" in out
    else:
        assert "scheduler stopped" in err


# --------------------------------------------------------------------------- --once

def test_once_runs_every_light_job_with_two_at_a_time(fake, capsys):
    fake.control(**{"*": {"sleep": 0.05}})
    assert run_scheduler(None, fake.db, once=True, crpv_command=fake.command) == 0
    starts = fake.calls("start")
    assert sorted(c["centre"] for c in starts) == sorted(c.id for c in REGISTRY.centres)
    assert {c["mode"] for c in starts} == {"light"}
    assert all(c["args"][c["args"].index("--db") + 1] == str(fake.db) for c in starts)
    # Bounded parallelism: never more than two harvests at once.
    events = sorted(fake.calls(), key=lambda c: (c["t"], c["event"] == "start"))
    running = peak = 0
    for call in events:
        running += 1 if call["event"] == "start" else -1
        peak = max(peak, running)
    assert peak <= 2
    assert capsys.readouterr().out.splitlines()[-1] == "20/20 completed"
    assert fake.state("reseau_crpv:light")["last_status"] == "completed"


def test_once_exits_1_when_a_centre_fails_and_ignores_backoff(fake, capsys):
    fake.control(oriv={"exit": 3}, **{"*": {"exit": 0}})
    assert run_scheduler(None, fake.db, once=True, crpv_command=fake.command) == 1
    state = fake.state("oriv:light")
    assert (state["last_status"], state["last_exit_code"], state["failure_streak"]) == ("failed", 3, 1)
    assert fake.state("irev:light")["last_status"] == "completed"
    assert "19/20 completed" in capsys.readouterr().out
    # oriv is in backoff now, yet a manual --once tries it again (and records a second failure).
    assert run_scheduler(None, fake.db, once=True, crpv_command=fake.command) == 1
    assert fake.state("oriv:light")["failure_streak"] == 2


def test_a_dead_schedulers_running_rows_become_interrupted(fake):
    with sqlite3.connect(fake.db) as conn:
        conn.execute("INSERT INTO schedule_state (job_id, centre_id, mode, last_status) "
                     "VALUES ('irev:full', 'irev', 'full', 'running')")
    assert run_scheduler(None, fake.db, once=True, crpv_command=fake.command) == 0
    assert fake.state("irev:full")["last_status"] == "interrupted"
