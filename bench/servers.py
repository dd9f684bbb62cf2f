"""Helpers of the portal benchmarks: start `crpv serve` and plain `datasette` on one file,
time requests, run wrk, read memory, describe the machine, rewrite a section of a results file.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CRPV = str(Path(PYTHON).with_name("crpv"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port: int, path: str = "/", timeout: float = 600.0, proc=None) -> float:
    """Seconds until GET `path` answers (any status below 500)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server stopped with exit code {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status < 500:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"port {port}: no answer within {timeout} s")


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    db_name: str
    startup_seconds: float = 0.0
    log: Path | None = None
    extra: dict = field(default_factory=dict)

    def datasette_pid(self) -> int:
        """The process that answers HTTP (serve's child for ours)."""
        if self.name != "ours":
            return self.proc.pid
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        found = children.read_text().split() if children.exists() else []
        return int(found[0]) if found else self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def start_ours(db: Path, port: int, env: dict | None = None, logdir: Path | None = None) -> Server:
    """`crpv serve --db DB` (it publishes first, then serves); start-up timed to the first page."""
    logdir = logdir or Path(tempfile.mkdtemp(prefix="crpv-bench-"))
    log = logdir / f"ours-{port}.log"
    proc = subprocess.Popen([CRPV, "serve", "--db", str(db), "--port", str(port)],
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})}, start_new_session=True, cwd=ROOT)
    server = Server("ours", port, proc, "portail", log=log)
    server.startup_seconds = wait_http(port, "/", proc=proc)
    return server


def start_plain(db: Path, port: int, logdir: Path | None = None) -> Server:
    """Plain `datasette serve DB` (its defaults, with the portal's 3 s SQL limit)."""
    logdir = logdir or Path(tempfile.mkdtemp(prefix="crpv-bench-"))
    log = logdir / f"plain-{port}.log"
    proc = subprocess.Popen([PYTHON, "-m", "datasette", "serve", str(db), "--port", str(port),
                             "--setting", "sql_time_limit_ms", "3000"],
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True, cwd=tempfile.gettempdir())
    server = Server("plain", port, proc, Path(db).stem, log=log)
    server.startup_seconds = wait_http(port, "/-/versions.json", proc=proc)
    return server


def publication_lines(server: Server) -> list[str]:
    text = server.log.read_text(errors="replace") if server.log else ""
    return [line for line in text.splitlines() if line.startswith("Publication :")]


def wait_published(server: Server, timeout: float = 900) -> None:
    """Until `crpv serve` has published (or found its publication up to date)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = server.log.read_text(errors="replace") if server.log else ""
        if "Publication :" in text or "Publication en place, à jour." in text:
            return
        time.sleep(0.5)


def stop_on_sigterm() -> None:
    """A SIGTERM ends the benchmark through its `finally` blocks (servers stopped)."""
    def handler(signum, frame):
        raise SystemExit(f"signal {signum}")
    signal.signal(signal.SIGTERM, handler)


class Timer:
    """Sequential GETs over one keep-alive connection; (seconds, status) per request."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port, self.timeout = port, timeout
        self.conn = None

    def get(self, path: str) -> tuple[float, int]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.conn.request("GET", path)
                response = self.conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return time.perf_counter() - started, status
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    return time.perf_counter() - started, 0
        return 0.0, 0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident memory) of a process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def descendants(pid: int) -> list[int]:
    """`pid` and every process under it (uvicorn's workers under its supervisor)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return out


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    return sum(rss_mb(p) or 0.0 for p in descendants(pid))


def tree_peak_mb(pid: int) -> float:
    """Sum of the peaks (VmHWM) of a process and its descendants: an upper bound of the peak."""
    return sum(peak_rss_mb(p) or 0.0 for p in descendants(pid))


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --- wrk -------------------------------------------------------------------------------------

WRK = shutil.which("wrk")
_WRK_LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def _unit(value: str) -> float:
    """wrk's '12.34ms' / '1.2s' / '850us' → seconds."""
    match = re.match(r"([\d.]+)(us|ms|s|m)?", value)
    number, unit = float(match.group(1)), match.group(2) or "s"
    return number * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def wrk(port: int, paths: list[str], seconds: int, connections: int = 8, threads: int = 2,
        timeout: int = 10) -> dict:
    """Run wrk over `paths` in turn; requests/s, latency percentiles, errors."""
    if not WRK:
        raise FileNotFoundError("wrk is not installed (apt-get install -y wrk)")
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua.write(_WRK_LUA % ", ".join(json.dumps(p) for p in paths))
    lua.close()
    out = subprocess.run([WRK, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                          "--timeout", f"{timeout}s", "--latency", "-s", lua.name,
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                         timeout=seconds + 120).stdout
    os.unlink(lua.name)
    result = {"raw": out, "requests": 0, "rps": 0.0, "non_2xx": 0, "socket_errors": 0,
              "latency": {}}
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result["non_2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["socket_errors"] = sum(int(x) for x in m.groups())
    for q, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M):
        result["latency"][int(q)] = _unit(value)
    return result


# --- the machine and the results file ---------------------------------------------------------

def machine() -> str:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in
                   Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    import datasette.version

    wrk_version = "absent"
    if WRK:
        first = subprocess.run([WRK, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        wrk_version = first.split(" [")[0]
    return (f"{cpu}, {os.cpu_count()} cores, {mem} RAM, Linux {platform.release()}; "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"Datasette {datasette.version.__version__}, {wrk_version}")


def replace_section(path: Path, key: str, body: str, title: str) -> None:
    """Write `body` between the markers of `key` in `path` (other sections are kept)."""
    start, end = f"<!-- {key} -->", f"<!-- /{key} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# {title}\n\n"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.0f}" if ms >= 10 else f"{ms:.1f}"


def median_range(values: list[float], digits: int = 1) -> str:
    """median (min–max) of repeated figures, `digits` after the point."""
    return (f"{statistics.median(values):.{digits}f} "
            f"({min(values):.{digits}f}–{max(values):.{digits}f})")


def spread(values: list[float]) -> str:
    """median (min–max) in ms."""
    ordered = sorted(values)
    mid = ordered[len(ordered) // 2]
    if len(ordered) == 1:
        return fmt_ms(mid)
    return f"{fmt_ms(mid)} ({fmt_ms(ordered[0])}–{fmt_ms(ordered[-1])})"
