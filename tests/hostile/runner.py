"""Run a harvest of the healthy site beside a hostile one and measure it.

Each run is `crpv harvest` in a subprocess (the Twisted reactor cannot restart in one
process), with `FAULT_ENV`, watched every 0.05 s: it is killed when it outgrows a memory cap
or a time cap (the bench must end, whatever the harvester does). Its peak resident memory
is the kernel's high-water mark (`VmHWM` of /proc/PID/status, polled), its requests are what the hostile
server logged, its statuses and error rows are read from the database afterwards.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from hostile.scenarios import FAULT_ENV, HEALTHY, HEALTHY_ITEMS, Outcome, Scenario, healthy_site
from hostile.server import HostileServer, SiteSpec

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP_MB = 1500  # a harvest above this is killed (the machine is shared)


def code_root() -> Path:
    """The code the harvests run: this checkout, or CRPV_FAULTS_CODE (another checkout or a
    `git archive` of a commit), whose packages `python -m portail.cli` imports first."""
    return Path(os.environ.get("CRPV_FAULTS_CODE") or ROOT)


def server_for(scenarios: list[Scenario]) -> HostileServer:
    """One server for the healthy site and every scenario's sites."""
    specs = [SiteSpec(HEALTHY, healthy_site)]
    for s in scenarios:
        specs.append(SiteSpec(s.name, s.site))
        specs.extend(s.aux)
    return HostileServer(specs)


@dataclass
class Measured:
    returncode: int | None
    killed: str | None
    seconds: float
    peak_rss_mb: float
    stderr: str


def hwm_mb(pid: int) -> float:
    """The process's resident-memory high-water mark (VmHWM), in MB; 0 once it has exited.

    Polled, not taken from `wait4`: a child's `ru_maxrss` counts the parent's resident size
    at fork time, which would charge the server's generated bodies to the harvest."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def measured_harvest(registry: Path, db: Path, env: dict[str, str], cap_seconds: float,
                     memory_cap_mb: float = MEMORY_CAP_MB, mode: str = "full",
                     log_dir: Path | None = None) -> Measured:
    """`crpv harvest` in a subprocess, killed past `cap_seconds` or `memory_cap_mb`."""
    log_dir = log_dir or db.parent
    command = [sys.executable, "-m", "portail.cli", "harvest", "--registry", str(registry),
               "--db", str(db), "--mode", mode]
    stderr_path = log_dir / f"{db.stem}.{int(time.time() * 1000)}.stderr"
    with open(stderr_path, "wb") as err, open(os.devnull, "wb") as out:
        started = time.monotonic()
        child = subprocess.Popen(command, cwd=code_root(), env={**os.environ, **env}, stdout=out, stderr=err,
                                 start_new_session=True)
        killed, peak, status = None, 0.0, None
        while True:
            pid, status = os.waitpid(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, hwm_mb(child.pid))
            elapsed = time.monotonic() - started
            if killed is None and peak > memory_cap_mb:
                killed = f"memory cap {memory_cap_mb:.0f} MB at {elapsed:.0f} s"
            elif killed is None and elapsed > cap_seconds:
                killed = f"time cap {cap_seconds:.0f} s"
            if killed:
                os.kill(child.pid, signal.SIGKILL)
                _pid, status = os.waitpid(child.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = stderr_path.read_text(encoding="utf-8", errors="replace")
    return Measured(None if killed else child.returncode, killed, seconds, peak, stderr)


def write_registry(path: Path, origins: dict[str, str], centres: list[str]) -> Path:
    entries = [{"id": HEALTHY, "name": "Centre en bonne santé", "url": origins[HEALTHY] + "/"}]
    entries += [{"id": name, "name": f"Centre hostile {name}", "url": origins[name] + "/"} for name in centres]
    path.write_text(yaml.safe_dump({"centres": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def read_outcome(name: str, db: Path, measured: Measured, requests: list, aux: dict[str, int]) -> Outcome:
    try:
        return _read_outcome(name, db, measured, requests, aux)
    except sqlite3.Error as exc:  # killed before the database had its tables
        return Outcome(
            scenario=name, db_path=str(db), centre=name, returncode=measured.returncode,
            killed=measured.killed, seconds=measured.seconds, peak_rss_mb=measured.peak_rss_mb,
            healthy_status=None, healthy_items=0, status=None, errors=[("bench", None, str(exc))],
            requests=len(requests), targets=[h.target for h in requests], aux_requests=aux,
            items=0, gone=0, db_bytes=0, running_rows=0, traceback="Traceback" in measured.stderr,
            stderr_tail=measured.stderr[-2000:])


def _read_outcome(name: str, db: Path, measured: Measured, requests: list, aux: dict[str, int]) -> Outcome:
    if not db.exists():
        raise sqlite3.OperationalError("no database written")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        def last_run(centre):
            return conn.execute("select run_id, status from harvest_runs where centre_id = ? "
                                "order by id desc limit 1", (centre,)).fetchone()

        def count(sql, *params):
            return conn.execute(sql, params).fetchone()[0]

        healthy = last_run(HEALTHY)
        hostile = last_run(name)
        errors = []
        if hostile:
            errors = conn.execute("select kind, url, message from harvest_errors where run_id = ? "
                                  "and centre_id = ? order by id", (hostile[0], name)).fetchall()
        outcome = Outcome(
            scenario=name, db_path=str(db), centre=name, returncode=measured.returncode,
            killed=measured.killed, seconds=measured.seconds, peak_rss_mb=measured.peak_rss_mb,
            healthy_status=healthy[1] if healthy else None,
            healthy_items=count("select count(*) from items where centre_id = ? and status = 'active'", HEALTHY),
            status=hostile[1] if hostile else None,
            errors=[tuple(e) for e in errors],
            requests=len(requests), targets=[h.target for h in requests], aux_requests=aux,
            items=count("select count(*) from items where centre_id = ? and status = 'active'", name),
            gone=count("select count(*) from items where centre_id = ? and status = 'gone'", name),
            db_bytes=sum(p.stat().st_size for p in db.parent.glob(db.name + "*")),
            running_rows=count("select count(*) from harvest_runs where status = 'running'"),
            traceback="Traceback" in measured.stderr,
            stderr_tail=measured.stderr[-2000:],
        )
    finally:
        conn.close()
    return outcome


def run_scenario(server: HostileServer, scenario: Scenario, workdir: Path,
                 memory_cap_mb: float = MEMORY_CAP_MB, cap_seconds: float | None = None) -> Outcome:
    """Harvest the healthy site beside `scenario`'s site (twice for a two-phase scenario),
    each harvest killed past `cap_seconds` (the scenario's own cap by default)."""
    cap = cap_seconds or scenario.cap_seconds
    for make in scenario.warm:  # generated before the clock starts, not during the harvest
        make()
    workdir.mkdir(parents=True, exist_ok=True)
    registry = write_registry(workdir / "registry.yaml", server.origins, [scenario.name])
    db = workdir / "portail.db"
    env = {**FAULT_ENV, **scenario.env}
    first = None
    if scenario.phases == 2:
        server.phase[scenario.name] = 1
        mark = server.mark()
        measured = measured_harvest(registry, db, env, cap, memory_cap_mb)
        first = read_outcome(scenario.name, db, measured, server.hits_since(mark, scenario.name), {})
        server.phase[scenario.name] = 2
    mark = server.mark()
    measured = measured_harvest(registry, db, env, cap, memory_cap_mb)
    aux = {spec.name: len(server.hits_since(mark, spec.name)) for spec in scenario.aux}
    outcome = read_outcome(scenario.name, db, measured, server.hits_since(mark, scenario.name), aux)
    outcome.first_run = first
    return outcome


def describe(scenario: Scenario, out: Outcome) -> str:
    """The observed figures, in one line."""
    parts = [f"run {out.status or 'missing'}"]
    kinds = out.kinds()
    if kinds:
        shown = []
        for kind, number in sorted(kinds.items()):
            message = next(m for k, _u, m in out.errors if k == kind)
            shown.append(f"{kind}×{number} ({_short(message)})")
        parts.append("errors " + ", ".join(shown))
    else:
        parts.append("0 error rows")
    parts.append(f"{out.requests} requests")
    parts.append(f"{out.items} items")
    if out.gone:
        parts.append(f"{out.gone} gone")
    for name, number in out.aux_requests.items():
        parts.append(f"{number} requests to {name.split('~')[-1]}")
    healthy = ("healthy completed" if out.healthy_status == "completed" and out.healthy_items == HEALTHY_ITEMS
               else f"healthy {out.healthy_status or 'never started'} ({out.healthy_items}/{HEALTHY_ITEMS} items)")
    parts.append(healthy)
    if out.killed:
        parts.append(f"KILLED at {out.killed}")
    if out.running_rows:
        parts.append(f"{out.running_rows} runs left running")
    if out.first_run is not None:
        parts.append(f"after a first harvest of {out.first_run.items} items ({out.first_run.status})")
    parts.append(f"db {out.db_bytes / 1e6:.1f} MB")
    if out.traceback:
        parts.append("traceback on stderr")
    return "; ".join(parts)


def _short(message: str, limit: int = 70) -> str:
    message = " ".join(message.split()).replace("|", "/")
    return message if len(message) <= limit else message[: limit - 1] + "…"


__all__ = ["code_root", "hwm_mb", "server_for", "run_scenario", "measured_harvest", "write_registry", "read_outcome",
           "describe", "MEMORY_CAP_MB", "HEALTHY_ITEMS"]
