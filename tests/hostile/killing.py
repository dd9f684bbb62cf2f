"""Kill trials: `crpv harvest` killed with SIGKILL at seeded moments, then a normal harvest,
compared with an uninterrupted harvest of the same sites.

The sites are the three hand-made unknown sites (`tests/sites`), copied and served on
loopback (`tests/harvesting.py`). Two series:

- **first**: an empty database; the killed harvest is the site's first;
- **incremental**: the database of a complete first harvest, the sites changed meanwhile
  (an article retitled, one removed, two published); the killed harvest is the next one.

A moment is either "after the server answered its k-th request (+ d ms)" — spread over the
whole crawl — or "t seconds after the start" — which also reaches the start-up and the
cross-centre steps after the crawl. After the kill, `PRAGMA integrity_check`; then a normal
harvest, and its items are compared with the reference: an item the reference holds that
is missing or not active is *lost*; one whose title, kind, sessions or files differ is
*stale*. Finally, the `harvest_runs` rows still `running`.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from harvesting import FAST_ENV, SITES_TODAY, UNKNOWN_SITES, load_mutate, serve_unknown_sites
from hostile.runner import code_root, hwm_mb

mutate = load_mutate()


def snapshot(db: Path) -> dict[str, tuple]:
    """url → (status, kind, title, sessions, files) of every item."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        events: dict[str, list] = {}
        for item_id, starts in conn.execute("select item_id, starts_at from events order by starts_at"):
            events.setdefault(item_id, []).append(starts)
        files: dict[str, list] = {}
        for item_id, url in conn.execute("select item_id, file_url from documents order by file_url"):
            files.setdefault(item_id, []).append(url)
        return {url: (status, kind, title, tuple(events.get(ident, ())), tuple(files.get(ident, ())))
                for ident, url, status, kind, title in conn.execute(
                    "select id, url, status, kind, title from items")}
    finally:
        conn.close()


def integrity(db: Path) -> str:
    if not db.exists():
        return "ok"
    conn = sqlite3.connect(str(db), timeout=30)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    return "ok" if rows == ["ok"] else "; ".join(rows[:3])


def running_rows(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("select count(*) from harvest_runs where status = 'running'").fetchone()[0]
    finally:
        conn.close()


FIELDS = ("status", "kind", "title", "sessions", "files")


def compare(reference: dict[str, tuple], got: dict[str, tuple]) -> tuple[list[str], list[str]]:
    """(lost, stale) of `got` against `reference` (active items of the reference only): lost
    URLs, and stale ones as "URL (fields that differ)"."""
    lost, stale = [], []
    for url, row in sorted(reference.items()):
        if row[0] != "active":
            continue
        mine = got.get(url)
        if mine is None or mine[0] != "active":
            lost.append(url)
        elif mine != row:
            fields = [name for name, a, b in zip(FIELDS, row, mine) if a != b]
            stale.append(f"{url} ({', '.join(fields)})")
    return lost, stale


@dataclass
class Moment:
    after_requests: int | None = None  # kill once the server answered this many requests…
    delay: float = 0.0  # …plus this many seconds
    at_seconds: float | None = None  # or this long after the start

    def __str__(self) -> str:
        if self.at_seconds is not None:
            return f"{self.at_seconds:.2f} s"
        return f"request {self.after_requests} + {self.delay * 1000:.0f} ms"


@dataclass
class Trial:
    series: str
    moment: Moment
    killed: bool  # False: the harvest ended before the moment came
    killed_at: float  # seconds after the start
    integrity_after_kill: str
    integrity_after_recovery: str
    lost: list[str]
    stale: list[str]
    running: int
    recovery_rc: int
    peak_rss_mb: float


@dataclass
class Series:
    name: str
    reference_seconds: float
    reference_requests: int
    reference_items: int
    trials: list[Trial] = field(default_factory=list)
    control: Trial | None = None  # the same two harvests without a kill: must match the reference


def _harvest_command(registry: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "portail.cli", "harvest", "--registry", str(registry), "--db", str(db),
            "--mode", "full"]


ENV = {**FAST_ENV, "CRPV_TODAY": SITES_TODAY}


def _run(registry: Path, db: Path, timeout: float = 600) -> tuple[int, float, float]:
    """A normal harvest: (exit code, seconds, peak RSS MB)."""
    started = time.monotonic()
    child = subprocess.Popen(_harvest_command(registry, db), cwd=code_root(), env={**os.environ, **ENV},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline, peak = started + timeout, 0.0
    while True:
        pid, status = os.waitpid(child.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, hwm_mb(child.pid))
        if time.monotonic() > deadline:
            os.kill(child.pid, signal.SIGKILL)
            pid, status = os.waitpid(child.pid, 0)
            break
        time.sleep(0.05)
    return os.waitstatus_to_exitcode(status), time.monotonic() - started, peak


def _killed_run(registry: Path, db: Path, served, moment: Moment) -> tuple[bool, float, float]:
    """A harvest killed with SIGKILL at `moment`: (killed, seconds, peak RSS MB)."""
    start = len(served.requests)
    started = time.monotonic()
    child = subprocess.Popen(_harvest_command(registry, db), cwd=code_root(), env={**os.environ, **ENV},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    fire_at = started + moment.at_seconds if moment.at_seconds is not None else None
    peak, polled = 0.0, 0.0
    while True:
        pid, _status = os.waitpid(child.pid, os.WNOHANG)
        if pid:
            return False, time.monotonic() - started, peak
        now = time.monotonic()
        if now - polled > 0.05:
            peak, polled = max(peak, hwm_mb(child.pid)), now
        if fire_at is None and len(served.requests) - start >= moment.after_requests:
            fire_at = now + moment.delay
        if fire_at is not None and now >= fire_at:
            peak = max(peak, hwm_mb(child.pid))
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
            return True, time.monotonic() - started, peak
        if now - started > 600:
            fire_at = now
        time.sleep(0.002)


def change_sites(root: Path) -> None:
    """What changes between the first harvest and the incremental one."""
    wp = mutate._load(root / "wp_martinique" / "_truth.json")
    original = next(i for i in wp["items"] if i["kind"] == "news" and not i["document"])
    mutate.publish_copy(root / "wp_martinique", original["path"], "/2026/11/apres-la-coupure/",
                        "Après la coupure : les habitants de Volga Plage reprennent la parole")
    mutate.publish_copy(root / "spip_latin1", "/spip.php?article39", "/spip.php?article98",
                        "Cité de l'emploi : un second programme présenté à Saint-Malo")
    drupal = mutate._load(root / "drupal_nofeed" / "_truth.json")
    news = [i for i in drupal["items"] if i["kind"] == "news"]
    mutate.retitle(root / "drupal_nofeed", news[0]["path"],
                   "La Métropole adopte son contrat de ville, version définitive")
    mutate.remove(root / "drupal_nofeed", news[1]["path"])


def moments(rng: random.Random, count: int, requests: int, seconds: float) -> list[Moment]:
    """Seeded kill moments: three in four by request count over the whole crawl, one in four
    by time over the whole run (start-up and the steps after the crawl included)."""
    out = []
    for n in range(count):
        if n % 4 == 3:
            out.append(Moment(at_seconds=round(rng.uniform(0.3, seconds * 0.98), 2)))
        else:
            out.append(Moment(after_requests=rng.randint(1, max(1, requests - 1)),
                              delay=round(rng.uniform(0, 0.05), 3)))
    return out


NO_KILL = Moment(at_seconds=1e9)  # the control: two harvests, no kill between


def run_trials(workdir: Path, first: int = 12, incremental: int = 12, seed: int = 20261125,
               log=print, control: bool = True) -> list[Series]:
    """Both series on fresh copies of the unknown sites under `workdir`; with `control`, each
    series also runs its two harvests without a kill, which must match the reference (else
    the comparison itself is noisy)."""
    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    sites = serve_unknown_sites(workdir / "sites")
    served, registry = sites.served, sites.registry
    out: list[Series] = []
    try:
        # Reference first harvest.
        base = workdir / "first-reference.db"
        start = len(served.requests)
        rc, seconds, _peak = _run(registry, base)
        assert rc == 0, f"reference harvest failed ({rc})"
        series = Series("first", seconds, len(served.requests) - start, 0)
        reference = snapshot(base)
        series.reference_items = sum(1 for r in reference.values() if r[0] == "active")
        log(f"first harvest: {series.reference_items} items, {series.reference_requests} requests, {seconds:.1f} s")
        for number, moment in enumerate(moments(rng, first, series.reference_requests, seconds), start=1):
            db = workdir / f"first-{number}.db"
            series.trials.append(_trial("first", registry, db, served, moment, reference))
            log(_line(number, series.trials[-1]))
        if control:
            series.control = _trial("first", registry, workdir / "first-control.db", served, NO_KILL, reference)
            log(_line(0, series.control))
        out.append(series)

        # Reference incremental harvest, from the first reference, over the changed sites.
        change_sites(sites.root)
        served.restart()
        incremental_ref = workdir / "incremental-reference.db"
        _copy_db(base, incremental_ref)
        start = len(served.requests)
        rc, seconds, _peak = _run(registry, incremental_ref)
        assert rc == 0, f"reference incremental harvest failed ({rc})"
        series = Series("incremental", seconds, len(served.requests) - start, 0)
        reference = snapshot(incremental_ref)
        series.reference_items = sum(1 for r in reference.values() if r[0] == "active")
        log(f"incremental harvest: {series.reference_items} items, {series.reference_requests} requests, "
            f"{seconds:.1f} s")
        for number, moment in enumerate(moments(rng, incremental, series.reference_requests, seconds), start=1):
            db = workdir / f"incremental-{number}.db"
            _copy_db(base, db)
            series.trials.append(_trial("incremental", registry, db, served, moment, reference))
            log(_line(number, series.trials[-1]))
        if control:
            db = workdir / "incremental-control.db"
            _copy_db(base, db)
            series.control = _trial("incremental", registry, db, served, NO_KILL, reference)
            log(_line(0, series.control))
        out.append(series)
    finally:
        served.stop()
    return out


def _copy_db(source: Path, dest: Path) -> None:
    """A consistent copy of a database (WAL included) through SQLite's backup API."""
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(dest))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _trial(series: str, registry: Path, db: Path, served, moment: Moment, reference) -> Trial:
    killed, killed_at, peak = _killed_run(registry, db, served, moment)
    after_kill = integrity(db)
    rc, _seconds, peak_recovery = _run(registry, db)
    got = snapshot(db)
    lost, stale = compare(reference, got)
    return Trial(series, moment, killed, killed_at, after_kill, integrity(db), lost, stale,
                 running_rows(db), rc, max(peak, peak_recovery))


def _line(number: int, trial: Trial) -> str:
    state = f"killed at {trial.killed_at:.2f} s" if trial.killed else "ended before the kill"
    if trial.moment is NO_KILL:
        return (f"  {trial.series} control (no kill): {len(trial.lost)} lost, {len(trial.stale)} stale, "
                f"{trial.running} running; recovery exit {trial.recovery_rc}")
    return (f"  {trial.series} #{number} ({trial.moment}): {state}; integrity {trial.integrity_after_kill}/"
            f"{trial.integrity_after_recovery}; {len(trial.lost)} lost, {len(trial.stale)} stale, "
            f"{trial.running} running; recovery exit {trial.recovery_rc}")


def cleanup(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)


__all__ = ["run_trials", "Series", "Trial", "Moment", "snapshot", "compare", "integrity", "running_rows",
           "UNKNOWN_SITES"]
