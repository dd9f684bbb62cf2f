"""The harvest scheduler: the plan of jobs, the lock, the backoff and the job runner.

Each centre gets two jobs: a frequent *light* harvest (feeds, calendars, sitemaps; every
`light_every_minutes`, default hourly) and a nightly *full* crawl. Light jobs are staggered
by `LIGHT_STAGGER_MINUTES` in registry order; a full crawl without `full_at` starts at
01:00 + i × 7 min (wrapping inside a 4-hour window), in the centre's own time zone, so that
every site is crawled during its own night.

Every job runs `crpv harvest` in a subprocess (the Twisted reactor cannot restart
in-process). One scheduler per database (an `fcntl.flock` lock next to the database), one
run per centre at a time (a light job that finds its centre busy is skipped and recorded; a
full job waits for a running light job), exponential backoff for a failing centre, and a
clean stop on SIGTERM/SIGINT (children terminated, then killed after a grace period, the
run recorded as `interrupted`). `schedule_state` holds the state of every job.

`--once` runs every enabled centre's *light* job once (two at a time) and exits: it is the
quick "is everything reachable and fresh" check; full crawls belong to the night. It ignores
the backoff (an operator asked for it) but records the outcomes like any run.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time as time_module
from concurrent.futures import ThreadPoolExecutor as FuturesPool
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawlers.registry import DEFAULT_REGISTRY, Registry, RegistryError, load_registry

log = logging.getLogger("crpv.schedule")

SCHEDULER_TIMEZONE = os.environ.get("CRPV_TIMEZONE", "Europe/Paris")
# Light jobs: centre i starts at minute (3 × i) mod its interval, counted from a fixed
# anchor so the plan does not depend on when the scheduler was started.
LIGHT_STAGGER_MINUTES = 3
LIGHT_ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)
# Full crawls: 01:00 + 7 min × i, wrapping inside 01:00–05:00 local to the centre.
FULL_START = time(1, 0)
FULL_STAGGER_MINUTES = 7
FULL_WINDOW_MINUTES = 240
# A job that could not start on time (machine asleep, pool busy) still runs if this late.
LIGHT_MISFIRE_GRACE_S = 30 * 60
FULL_MISFIRE_GRACE_S = 6 * 3600
LIGHT_TIMEOUT_S = 30 * 60
FULL_TIMEOUT_S = 4 * 3600
# How long a full crawl waits for a light harvest of the same centre to finish.
FULL_WAITS_FOR_LIGHT_S = 30 * 60
STOP_GRACE_S = 30.0
MAX_PARALLEL = 2  # 2-core machines: two harvests at a time at most
BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_CAP = timedelta(hours=24)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# --------------------------------------------------------------------------- the plan

@dataclass(frozen=True)
class PlannedJob:
    """One recurring job of the plan."""

    job_id: str  # "<centre>:light" or "<centre>:full"
    centre_id: str
    mode: str  # light | full
    trigger: BaseTrigger
    misfire_grace_time: int
    timeout_s: float
    description: str

    def next_run(self, now: datetime) -> datetime | None:
        """The first fire time at or after `now` (an aware datetime)."""
        return self.trigger.get_next_fire_time(None, now)


def light_offset_minutes(index: int, every: int) -> int:
    """Minutes after the anchor at which centre number `index` runs its light job."""
    return (index * LIGHT_STAGGER_MINUTES) % every


def default_full_time(index: int) -> time:
    """The default start of centre number `index`'s full crawl (local to the centre)."""
    minutes = FULL_START.hour * 60 + FULL_START.minute
    minutes += (index * FULL_STAGGER_MINUTES) % FULL_WINDOW_MINUTES
    return time((minutes // 60) % 24, minutes % 60)


def build_plan(registry: Registry, timezone: str = SCHEDULER_TIMEZONE) -> list[PlannedJob]:
    """The jobs of every enabled centre, in registry order (light then full per centre)."""
    plan: list[PlannedJob] = []
    # The index is the position in the whole registry, so disabling a centre does not
    # shift every other centre's times.
    for index, centre in enumerate(registry.centres):
        sched = centre.schedule
        if not sched.enabled:
            continue
        every = sched.light_every_minutes
        offset = light_offset_minutes(index, every)
        plan.append(PlannedJob(
            job_id=f"{centre.id}:light", centre_id=centre.id, mode="light",
            trigger=IntervalTrigger(minutes=every, start_date=LIGHT_ANCHOR + timedelta(minutes=offset),
                                    timezone=UTC),
            misfire_grace_time=min(LIGHT_MISFIRE_GRACE_S, every * 60 // 2),
            timeout_s=LIGHT_TIMEOUT_S,
            description=f"every {every} min (offset {offset} min)",
        ))
        if sched.full_at:
            hour, minute = (int(part) for part in sched.full_at.split(":"))
            zone, origin = timezone, "registry"
        else:
            at = default_full_time(index)
            hour, minute, zone, origin = at.hour, at.minute, centre.timezone, "default"
        plan.append(PlannedJob(
            job_id=f"{centre.id}:full", centre_id=centre.id, mode="full",
            trigger=CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(zone)),
            misfire_grace_time=FULL_MISFIRE_GRACE_S,
            timeout_s=FULL_TIMEOUT_S,
            description=f"daily {hour:02d}:{minute:02d} {zone} ({origin})",
        ))
    return plan


def format_plan(plan: list[PlannedJob], now: datetime, timezone: str = SCHEDULER_TIMEZONE) -> str:
    """The `--list` text: one line per job with its next run, local and UTC."""
    zone = ZoneInfo(timezone)
    width = max((len(job.job_id) for job in plan), default=10)
    lines = [f"{'job':<{width}}  {'next run (' + timezone + ')':<28}  {'next run (UTC)':<20}  cadence"]
    for job in plan:
        nxt = job.next_run(now)
        local = nxt.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if nxt else "-"
        utc = nxt.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if nxt else "-"
        lines.append(f"{job.job_id:<{width}}  {local:<28}  {utc:<20}  {job.description}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- lock

class LockHeld(RuntimeError):
    """Another scheduler holds the lock of this database."""


class SchedulerLock:
    """An exclusive `flock` on `<db>.scheduler.lock`; released when the process dies."""

    def __init__(self, db_path: Path):
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise LockHeld naming the holder's pid."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise LockHeld(
                f"another scheduler is already running for this database (pid {holder}, lock {self.path})"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Release the lock (the file stays; only the flock matters)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "SchedulerLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lock_path(db_path: Path) -> Path:
    """The lock file of the scheduler of `db_path` (next to the database)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".scheduler.lock")


# --------------------------------------------------------------------------- state

def backoff_delay(streak: int, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP) -> timedelta:
    """Wait after `streak` consecutive failures: base, 2×base, 4×base… capped."""
    if streak <= 0:
        return timedelta(0)
    # Cap the exponent first: 2**streak of a long outage would overflow timedelta.
    return min(base * (2 ** min(streak - 1, 20)), cap)


def iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 text with offset, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat() if moment else None


def _connect(db_path: Path) -> sqlite3.Connection:
    # The harvest subprocess writes the same database: wait for its locks, don't fail.
    conn = sqlite3.connect(str(db_path), timeout=60)
    conn.row_factory = sqlite3.Row
    return conn


class StateStore:
    """Reads and writes `schedule_state` (one short connection per call, thread-safe)."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)

    def update(self, job_id: str, centre_id: str, mode: str, **fields) -> None:
        """Upsert the row of `job_id` with `fields`."""
        columns = ["job_id", "centre_id", "mode", *fields]
        values = [job_id, centre_id, mode, *fields.values()]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
        sql = (f"INSERT INTO schedule_state ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
               f"ON CONFLICT(job_id) DO UPDATE SET {updates}")
        with _closing(_connect(self.db_path)) as conn, conn:
            conn.execute(sql, values)

    def centre_backoff(self, centre_id: str) -> tuple[int, datetime | None]:
        """The centre's failure streak and the end of its backoff (None when none)."""
        with _closing(_connect(self.db_path)) as conn:
            row = conn.execute(
                "SELECT max(coalesce(failure_streak, 0)) AS streak, max(backoff_until) AS until "
                "FROM schedule_state WHERE centre_id = ?", (centre_id,)).fetchone()
        until = datetime.fromisoformat(row["until"]) if row and row["until"] else None
        return (row["streak"] or 0) if row else 0, until

    def set_centre_backoff(self, centre_id: str, streak: int, until: datetime | None) -> None:
        """Write the streak and backoff on every job of the centre (backoff is per centre)."""
        with _closing(_connect(self.db_path)) as conn, conn:
            conn.execute("UPDATE schedule_state SET failure_streak = ?, backoff_until = ? WHERE centre_id = ?",
                         (streak, iso(until), centre_id))

    def harvest_status_since(self, centre_id: str, since: datetime) -> str | None:
        """Status of the centre's newest harvest_runs row started at or after `since`."""
        # Compare on the seconds prefix only: the harvest may write 'Z', an offset or microseconds.
        prefix = (since.astimezone(UTC) - timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S")
        try:
            with _closing(_connect(self.db_path)) as conn:
                row = conn.execute(
                    "SELECT status FROM harvest_runs WHERE centre_id = ? AND started_at >= ? "
                    "ORDER BY started_at DESC, id DESC LIMIT 1", (centre_id, prefix)).fetchone()
        except sqlite3.Error:
            return None
        return row["status"] if row else None


class _closing:
    """`contextlib.closing` for sqlite3 connections (whose own `with` only commits)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()


# --------------------------------------------------------------------------- the runner

@dataclass(frozen=True)
class JobResult:
    job_id: str
    status: str  # completed | failed | timeout | interrupted | skipped
    exit_code: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "completed"


def utcnow() -> datetime:
    """The current time, aware, UTC."""
    return datetime.now(UTC)


class JobRunner:
    """Runs harvest subprocesses: per-centre exclusion, backoff, timeouts, clean stop."""

    def __init__(self, registry_path: Path | None, db_path: Path, crpv_command: list[str] | None = None,
                 *, clock=utcnow, stop_grace_s: float = STOP_GRACE_S, log_dir: Path | None = None,
                 next_run=None):
        self.registry_path = Path(registry_path) if registry_path else DEFAULT_REGISTRY
        self.db_path = Path(db_path)
        self.crpv_command = list(crpv_command) if crpv_command else [sys.executable, "-m", "portail.cli"]
        self.clock = clock
        self.stop_grace_s = stop_grace_s
        self.log_dir = Path(log_dir) if log_dir else self.db_path.parent / "logs"
        self.state = StateStore(self.db_path)
        self.next_run = next_run  # job_id -> datetime | None, given by the live scheduler
        self.stopping = threading.Event()
        self._guard = threading.Lock()
        self._centre_locks: dict[str, threading.Lock] = {}
        self._children: dict[str, subprocess.Popen] = {}
        self._running: set[str] = set()
        self._terminated: set[int] = set()
        self._active = 0
        self._idle = threading.Condition(self._guard)

    def command(self, centre_id: str, mode: str) -> list[str]:
        """The harvest command line of one job."""
        return [*self.crpv_command, "harvest", "--registry", str(self.registry_path),
                "--db", str(self.db_path), "--centre", centre_id, "--mode", mode]

    def run_job(self, centre_id: str, mode: str, *, timeout_s: float | None = None,
                honour_backoff: bool = True, wait_for_centre_s: float | None = None) -> JobResult:
        """Run one harvest of `centre_id` now, record it in schedule_state and return the result."""
        job_id = f"{centre_id}:{mode}"
        if self.stopping.is_set():
            return JobResult(job_id, "interrupted", reason="scheduler stopping")
        if timeout_s is None:
            timeout_s = FULL_TIMEOUT_S if mode == "full" else LIGHT_TIMEOUT_S
        if wait_for_centre_s is None:
            wait_for_centre_s = FULL_WAITS_FOR_LIGHT_S if mode == "full" else 0
        with self._guard:
            self._active += 1
        try:
            if honour_backoff:
                streak, until = self.state.centre_backoff(centre_id)
                if until and until > self.clock():
                    return self._skip(job_id, centre_id, mode, f"backoff until {iso(until)} after {streak} failure(s)")
            lock = self._centre_lock(centre_id)
            acquired = lock.acquire(timeout=wait_for_centre_s) if wait_for_centre_s > 0 else lock.acquire(False)
            if not acquired:
                return self._skip(job_id, centre_id, mode, "another run of this centre is in progress")
            with self._guard:
                self._running.add(job_id)
            try:
                return self._run_locked(job_id, centre_id, mode, timeout_s)
            finally:
                with self._guard:
                    self._running.discard(job_id)
                lock.release()
        finally:
            with self._guard:
                self._active -= 1
                self._idle.notify_all()

    def scheduled(self, centre_id: str, mode: str, timeout_s: float) -> None:
        """The APScheduler job function: run, log; never raises (APScheduler would only log it)."""
        try:
            result = self.run_job(centre_id, mode, timeout_s=timeout_s)
        except Exception:  # noqa: BLE001 - a broken job must not stop the scheduler
            log.exception("%s:%s crashed", centre_id, mode)
            return
        log.info("%s %s%s", result.job_id, result.status, f" ({result.reason})" if result.reason else "")

    def stop(self, wait_s: float | None = None) -> None:
        """Stop: no new job, SIGTERM to every child, SIGKILL after the grace, wait for records."""
        self.request_stop()
        with self._guard:
            children = list(self._children.values())
        deadline = time_module.monotonic() + self.stop_grace_s
        for proc in children:
            try:
                proc.wait(timeout=max(0.0, deadline - time_module.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("harvest pid %s ignored SIGTERM; killing it", proc.pid)
                _signal_group(proc, signal.SIGKILL)
        # The job threads now record `interrupted`; give them a moment to do so.
        with self._guard:
            self._idle.wait_for(lambda: self._active == 0, timeout=wait_s if wait_s is not None else 10.0)

    def request_stop(self) -> None:
        """Signal-handler half of stop(): only set the flag and send SIGTERM (no waiting)."""
        self.stopping.set()
        with self._guard:
            children = [p for p in self._children.values() if p.pid not in self._terminated]
            self._terminated.update(p.pid for p in children)
        # Once only: Scrapy takes a second SIGTERM as "stop now, uncleanly".
        for proc in children:
            _signal_group(proc, signal.SIGTERM)

    # -- internals

    def _centre_lock(self, centre_id: str) -> threading.Lock:
        with self._guard:
            return self._centre_locks.setdefault(centre_id, threading.Lock())

    def _skip(self, job_id: str, centre_id: str, mode: str, reason: str) -> JobResult:
        log.info("%s skipped: %s", job_id, reason)
        with self._guard:
            running = job_id in self._running
        if running:  # the same job is running: its row must keep saying so
            return JobResult(job_id, "skipped", reason=reason)
        self.state.update(job_id, centre_id, mode, last_status="skipped",
                          next_run_at=self._next_run_at(job_id))
        return JobResult(job_id, "skipped", reason=reason)

    def _next_run_at(self, job_id: str) -> str | None:
        return iso(self.next_run(job_id)) if self.next_run else None

    def _run_locked(self, job_id: str, centre_id: str, mode: str, timeout_s: float) -> JobResult:
        started = self.clock()
        self.state.update(job_id, centre_id, mode, last_started_at=iso(started), last_status="running",
                          last_finished_at=None, last_exit_code=None, next_run_at=self._next_run_at(job_id))
        exit_code, status, reason = self._execute(job_id, centre_id, mode, timeout_s)
        if status == "exited":
            harvest = self.state.harvest_status_since(centre_id, started)
            if exit_code == 0 and harvest != "failed":
                status = "completed"
            else:
                status = "failed"
                reason = f"exit code {exit_code}" if exit_code else "the harvest recorded the run as failed"
        finished = self.clock()
        self.state.update(job_id, centre_id, mode, last_finished_at=iso(finished), last_exit_code=exit_code,
                          last_status=status, next_run_at=self._next_run_at(job_id))
        if status == "completed":
            self.state.set_centre_backoff(centre_id, 0, None)
        elif status in ("failed", "timeout"):
            streak = self.state.centre_backoff(centre_id)[0] + 1
            self.state.set_centre_backoff(centre_id, streak, finished + backoff_delay(streak))
            reason = f"{reason}; failure {streak}, next try after {iso(finished + backoff_delay(streak))}"
        # `interrupted` leaves the streak alone: stopping the scheduler says nothing of the site.
        return JobResult(job_id, status, exit_code, reason)

    def _execute(self, job_id: str, centre_id: str, mode: str, timeout_s: float) -> tuple[int | None, str, str]:
        """Start the subprocess and wait; returns (exit code, exited|timeout|interrupted|failed, reason)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_file = self.log_dir / f"{centre_id}-{mode}.log"
        with open(log_file, "wb") as out:
            try:
                # A session of its own: Ctrl-C in the terminal reaches the scheduler only,
                # which then stops its children in order.
                proc = subprocess.Popen(self.command(centre_id, mode), stdin=subprocess.DEVNULL, stdout=out,
                                        stderr=subprocess.STDOUT, start_new_session=True)
            except OSError as exc:
                return None, "failed", f"cannot start the harvest: {exc}"
            with self._guard:
                self._children[job_id] = proc
            if self.stopping.is_set():  # stop() ran between the check and the start
                self.request_stop()
            try:
                try:
                    code = proc.wait(timeout=timeout_s)
                except subprocess.TimeoutExpired:
                    log.warning("%s timed out after %.0f s; terminating it", job_id, timeout_s)
                    _signal_group(proc, signal.SIGTERM)
                    try:
                        code = proc.wait(timeout=self.stop_grace_s)
                    except subprocess.TimeoutExpired:
                        _signal_group(proc, signal.SIGKILL)
                        code = proc.wait()
                    return code, "timeout", f"no result after {timeout_s:.0f} s"
                # stop() may have killed it after a successful exit raced in: trust the code then.
                if self.stopping.is_set() and code != 0:
                    return code, "interrupted", "scheduler stopped"
                return code, "exited", ""
            finally:
                with self._guard:
                    self._children.pop(job_id, None)


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    """Send `signum` to the child's process group (the harvest and anything it started)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


# --------------------------------------------------------------------------- entry points

def run_scheduler(registry_path: Path | None, db_path: Path, list_only: bool = False, once: bool = False,
                  crpv_command: list[str] | None = None, *, timezone: str = SCHEDULER_TIMEZONE,
                  max_parallel: int = MAX_PARALLEL, now: datetime | None = None,
                  stop_grace_s: float = STOP_GRACE_S) -> int:
    """`crpv schedule`: list the plan, run every light job once, or run forever; an exit code."""
    try:
        registry = load_registry(registry_path)
    except RegistryError as exc:
        print(f"crpv schedule: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    plan = build_plan(registry, timezone)
    if list_only:
        print(format_plan(plan, now or utcnow(), timezone))
        disabled = [c.id for c in registry.centres if not c.schedule.enabled]
        if disabled:
            print(f"disabled: {', '.join(disabled)}")
        return EXIT_OK
    db_path = Path(db_path)
    lock = SchedulerLock(db_path)
    try:
        lock.acquire()
    except LockHeld as exc:
        print(f"crpv schedule: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"crpv schedule: error: cannot create the lock file {lock.path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    try:
        try:
            from pipelines.schema import open_database

            open_database(db_path).close()
            # We hold the lock, so a job still `running` belongs to a scheduler that died.
            with _closing(_connect(db_path)) as conn, conn:
                conn.execute("UPDATE schedule_state SET last_status = 'interrupted' WHERE last_status = 'running'")
        except (sqlite3.Error, OSError) as exc:
            print(f"crpv schedule: error: unusable database {db_path}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if once:
            return run_once(registry, registry_path, db_path, crpv_command, max_parallel=max_parallel,
                            stop_grace_s=stop_grace_s)
        return run_forever(plan, registry_path, db_path, crpv_command, timezone=timezone,
                           max_parallel=max_parallel, stop_grace_s=stop_grace_s)
    finally:
        lock.release()


def run_once(registry: Registry, registry_path: Path | None, db_path: Path, crpv_command: list[str] | None,
             *, max_parallel: int = MAX_PARALLEL, mode: str = "light", timeout_s: float | None = None,
             stop_grace_s: float = STOP_GRACE_S) -> int:
    """Run `mode` once for every enabled centre (bounded parallelism); 0 if all completed, else 1."""
    _configure_logging()
    runner = JobRunner(registry_path, db_path, crpv_command, stop_grace_s=stop_grace_s)
    centres = [c.id for c in registry.centres if c.schedule.enabled]
    with _stop_on_signals(runner.request_stop):
        with FuturesPool(max_workers=max(1, max_parallel)) as pool:
            futures = [pool.submit(runner.run_job, cid, mode, timeout_s=timeout_s, honour_backoff=False,
                                   wait_for_centre_s=0) for cid in centres]
            pending = set(futures)
            while pending:
                _, pending = futures_wait(pending, timeout=0.2)
                if runner.stopping.is_set():
                    runner.stop()  # the children got SIGTERM: kill those still there after the grace
                    break
            results = [f.result() for f in futures]
    for result in results:
        print(f"{result.job_id:<32} {result.status}{' — ' + result.reason if result.reason else ''}")
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)}/{len(results)} completed")
    return EXIT_OK if not failed else EXIT_FAILED


def run_forever(plan: list[PlannedJob], registry_path: Path | None, db_path: Path,
                crpv_command: list[str] | None, *, timezone: str = SCHEDULER_TIMEZONE,
                max_parallel: int = MAX_PARALLEL, stop_grace_s: float = STOP_GRACE_S) -> int:
    """Run the BlockingScheduler until SIGTERM/SIGINT; 0 after a clean stop."""
    _configure_logging()
    scheduler = BlockingScheduler(
        timezone=ZoneInfo(timezone),
        executors={"default": ThreadPoolExecutor(max_workers=max(1, max_parallel))},
        job_defaults={"coalesce": True, "max_instances": 1},
    )

    def next_run(job_id: str) -> datetime | None:
        job = scheduler.get_job(job_id)
        return getattr(job, "next_run_time", None) if job else None

    runner = JobRunner(registry_path, db_path, crpv_command, stop_grace_s=stop_grace_s, next_run=next_run)
    now = utcnow()
    for job in plan:
        scheduler.add_job(runner.scheduled, trigger=job.trigger, id=job.job_id, name=job.job_id,
                          args=(job.centre_id, job.mode, job.timeout_s),
                          misfire_grace_time=job.misfire_grace_time)
        runner.state.update(job.job_id, job.centre_id, job.mode, next_run_at=iso(job.next_run(now)))

    def on_signal() -> None:
        runner.request_stop()
        scheduler.shutdown(wait=False)

    # Handlers go in once the scheduler runs: shutdown() before start() would raise, and
    # before start() there is no child to stop anyway.
    guard = _stop_on_signals(on_signal)
    scheduler.add_listener(lambda event: guard.install(), EVENT_SCHEDULER_STARTED)
    log.info("scheduler started: %d jobs, database %s", len(plan), db_path)
    try:
        scheduler.start()  # blocks until on_signal() shuts it down
    finally:
        guard.restore()
    runner.stop()
    log.info("scheduler stopped")
    return EXIT_OK


def _configure_logging() -> None:
    """Timestamped INFO lines on stderr unless the caller configured logging already."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler logs every job start and end at INFO; ours say the same with the outcome.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


class _stop_on_signals:
    """Install SIGTERM/SIGINT handlers calling `callback` once; restore the old ones on exit."""

    def __init__(self, callback):
        self.callback = callback
        self.previous: dict[int, object] = {}
        self.fired = False

    def _handle(self, signum, frame) -> None:
        if not self.fired:
            self.fired = True
            log.info("signal %s: stopping the harvests", signal.Signals(signum).name)
            self.callback()

    def install(self) -> None:
        """Install the handlers (main thread only, as Python requires)."""
        if threading.current_thread() is threading.main_thread() and not self.previous:
            for signum in (signal.SIGTERM, signal.SIGINT):
                self.previous[signum] = signal.signal(signum, self._handle)

    def restore(self) -> None:
        """Put back the handlers found at install time."""
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        self.previous.clear()

    def __enter__(self) -> "_stop_on_signals":
        self.install()
        return self

    def __exit__(self, *exc) -> None:
        self.restore()
