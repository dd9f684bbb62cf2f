"""`crpv status`: the per-centre health report, as rows (dicts) and as a text table.

It reads `harvest_runs`, `harvest_errors`, `items` and `schedule_state`, never writes, and
never creates a missing database. Besides the counts it raises two alarms that a green
"completed" hides: a failure streak, and a sharp fall of a field's fill rate (share of
items with a date, a summary, a place…) versus the centre's previous runs of the same
mode — the usual sign that the site was redesigned and the extraction silently broke.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

DISPLAY_TIMEZONE = "Europe/Paris"
KINDS = ("news", "event", "document")
# Fill-rate alarm: compare the newest completed run with the median of up to this many
# previous completed runs of the same mode.
FILL_HISTORY = 5
FILL_MIN_PREVIOUS = 0.3  # a field rarely filled before cannot "drop"
FILL_DROP_RATIO = 0.5  # now at most half of what it was…
FILL_DROP_ABSOLUTE = 0.25  # …and at least 25 points lower
FILL_MIN_ITEMS = 5  # a run that saw fewer items is too small to judge
REQUIRED_TABLES = ("harvest_runs", "harvest_errors", "items", "schedule_state")


def database_problem(db_path: Path) -> str | None:
    """One line saying why `db_path` cannot give a status, or None when it can."""
    db_path = Path(db_path)
    if not db_path.exists():
        return f"no database at {db_path}: run `crpv harvest` first"
    try:
        with _open(db_path) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        return f"cannot read the database {db_path}: {exc}"
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        return f"{db_path} is not a Portail CRPV database (missing table {missing[0]}): run `crpv harvest` first"
    return None


def status_rows(db_path: Path, registry=None, now: datetime | None = None) -> list[dict]:
    """One dict per centre (registry order when a registry is given); [] when no usable database."""
    if database_problem(db_path):
        return []
    now = (now or datetime.now(UTC)).astimezone(UTC)
    with _open(Path(db_path)) as conn:
        centres = _centres(conn, registry)
        return [_centre_row(conn, centre_id, name, now) for centre_id, name in centres]


def status_table(db_path: Path, registry=None, now: datetime | None = None,
                 timezone: str = DISPLAY_TIMEZONE) -> str:
    """The `crpv status` text: a table of every centre, then the alerts in full."""
    problem = database_problem(db_path)
    if problem:
        return problem
    now = (now or datetime.now(UTC)).astimezone(UTC)
    rows = status_rows(db_path, registry, now)
    if not rows:
        return f"{db_path}: no centre yet: run `crpv harvest` first"
    zone = ZoneInfo(timezone)
    headers = ["centre", "last success", "news", "events", "docs", "last run", "errors", "streak",
               "next run", "requests", "bytes", "new item", "!"]
    table = [headers]
    for row in rows:
        table.append([
            row["centre_id"],
            _when(row["last_success_at"], zone) or "never",
            str(row["items"]["news"]), str(row["items"]["event"]), str(row["items"]["document"]),
            f"{row['last_run_status']} ({row['last_run_mode']})" if row["last_run_status"] else "-",
            _count(row["last_run_errors"]),
            str(row["error_streak"]),
            _next_run(row, zone, now),
            _count(row["last_run_requests"]),
            _bytes(row["last_run_bytes"]),
            f"{row['days_since_new_item']} d" if row["days_since_new_item"] is not None else "-",
            "!" if row["alerts"] else "",
        ])
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    numeric = {2, 3, 4, 6, 7, 9, 10, 11}
    lines = [f"Harvest status at {now.astimezone(zone):%Y-%m-%d %H:%M} ({timezone}), database {db_path}", ""]
    for number, line in enumerate(table):
        cells = [cell.rjust(w) if i in numeric and number else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(line, widths))]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    alerts = [(row["centre_id"], alert) for row in rows for alert in row["alerts"]]
    lines.append("")
    if alerts:
        lines.append("Alerts:")
        lines.extend(f"  {centre_id}: {alert}" for centre_id, alert in alerts)
    else:
        lines.append("No alert.")
    return "\n".join(lines)


def fill_rate_drops(current: dict, previous: list[dict]) -> list[dict]:
    """Fields whose fill rate fell sharply in `current` versus the median of `previous`."""
    if not previous:
        return []
    drops = []
    fields = sorted({name for rates in previous for name in rates})
    for name in fields:
        history = [rates[name] for rates in previous if name in rates]
        before = median(history)
        now = current.get(name, 0.0)
        if (before >= FILL_MIN_PREVIOUS and now <= before * FILL_DROP_RATIO
                and before - now >= FILL_DROP_ABSOLUTE):
            drops.append({"field": name, "previous": round(before, 3), "current": round(now, 3)})
    return drops


def parse_fill_rates(text: str | None) -> dict[str, float]:
    """The `harvest_runs.fill_rates` JSON as {field: share 0..1}; {} when absent or unreadable."""
    if not text:
        return {}
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    rates = {}
    for name, value in data.items():
        if isinstance(value, dict):  # tolerate {"rate": 0.8, "count": …}
            value = value.get("rate")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        rates[name] = value / 100 if value > 1 else float(value)  # percentages too
    return rates


# --------------------------------------------------------------------------- queries

class _open:
    """A read-only connection (never creates the file), closed on exit."""

    def __init__(self, db_path: Path):
        self.db_path = db_path

    def __enter__(self) -> sqlite3.Connection:
        self.conn = sqlite3.connect(f"{self.db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        self.conn.row_factory = sqlite3.Row
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()


def _centres(conn: sqlite3.Connection, registry) -> list[tuple[str, str]]:
    if registry is not None:
        return [(c.id, c.name) for c in registry.centres]
    listed = [(r["id"], r["name"]) for r in conn.execute("SELECT id, name FROM centres ORDER BY rowid")]
    known = {cid for cid, _ in listed}
    # A centre with runs but no `centres` row (foreign keys off) still deserves a line.
    for r in conn.execute("SELECT DISTINCT centre_id FROM harvest_runs ORDER BY centre_id"):
        if r["centre_id"] not in known:
            listed.append((r["centre_id"], r["centre_id"]))
    return listed


def _centre_row(conn: sqlite3.Connection, centre_id: str, name: str, now: datetime) -> dict:
    runs = conn.execute(
        "SELECT * FROM harvest_runs WHERE centre_id = ? ORDER BY started_at DESC, id DESC",
        (centre_id,)).fetchall()
    last = runs[0] if runs else None
    success = next((r for r in runs if r["status"] == "completed"), None)
    items = {kind: 0 for kind in KINDS}
    for r in conn.execute("SELECT kind, count(*) AS n FROM items WHERE centre_id = ? AND status = 'active' "
                          "GROUP BY kind", (centre_id,)):
        if r["kind"] in items:
            items[r["kind"]] = r["n"]
    gone = conn.execute("SELECT count(*) FROM items WHERE centre_id = ? AND status = 'gone'",
                        (centre_id,)).fetchone()[0]
    newest = conn.execute("SELECT max(first_seen_at) FROM items WHERE centre_id = ?", (centre_id,)).fetchone()[0]
    errors = None
    if last is not None:
        errors = conn.execute("SELECT count(*) FROM harvest_errors WHERE run_id = ? AND centre_id = ?",
                              (last["run_id"], centre_id)).fetchone()[0] or (last["failed"] or 0)
    jobs = conn.execute("SELECT * FROM schedule_state WHERE centre_id = ?", (centre_id,)).fetchall()
    streak = max([_run_streak(runs)] + [j["failure_streak"] or 0 for j in jobs])
    backoff = max((j["backoff_until"] for j in jobs if j["backoff_until"]), default=None)
    upcoming = sorted((j["next_run_at"], j["mode"]) for j in jobs if j["next_run_at"])
    drops, drop_mode = _fill_drops(runs)
    finished = [j for j in jobs if j["last_finished_at"]]
    last_job = max(finished, key=lambda j: j["last_finished_at"]) if finished else None
    row = {
        "centre_id": centre_id,
        "name": name,
        "last_success_at": success["finished_at"] or success["started_at"] if success else None,
        "items": items,
        "items_gone": gone,
        "last_run_id": last["run_id"] if last else None,
        "last_run_mode": last["mode"] if last else None,
        "last_run_status": last["status"] if last else None,
        "last_run_started_at": last["started_at"] if last else None,
        "last_run_errors": errors,
        "last_run_requests": last["requests"] if last else None,
        "last_run_bytes": last["bytes"] if last else None,
        "last_run_not_modified": last["not_modified"] if last else None,
        "error_streak": streak,
        "backoff_until": backoff,
        "next_run_at": upcoming[0][0] if upcoming else None,
        "next_run_mode": upcoming[0][1] if upcoming else None,
        "last_new_item_at": newest,
        "days_since_new_item": _days_since(newest, now),
        "fill_drops": drops,
        # The scheduler's view: a harvest that crashed before writing its run shows only here.
        "last_job_id": last_job["job_id"] if last_job else None,
        "last_job_status": last_job["last_status"] if last_job else None,
        "last_job_exit_code": last_job["last_exit_code"] if last_job else None,
    }
    row["alerts"] = _alerts(row, drop_mode, now)
    return row


def _run_streak(runs: list[sqlite3.Row]) -> int:
    """Consecutive failed runs, newest first; running and interrupted runs say nothing."""
    streak = 0
    for run in runs:
        if run["status"] == "failed":
            streak += 1
        elif run["status"] == "completed":
            break
    return streak


def _fill_drops(runs: list[sqlite3.Row]) -> tuple[list[dict], str | None]:
    completed = [r for r in runs if r["status"] == "completed" and parse_fill_rates(r["fill_rates"])]
    if not completed:
        return [], None
    current = completed[0]
    if current["items_seen"] is not None and current["items_seen"] < FILL_MIN_ITEMS:
        return [], None
    # Light and full runs see different pages (feeds vs. detail pages): compare like with like.
    previous = [parse_fill_rates(r["fill_rates"]) for r in completed[1:] if r["mode"] == current["mode"]]
    return fill_rate_drops(parse_fill_rates(current["fill_rates"]), previous[:FILL_HISTORY]), current["mode"]


def _alerts(row: dict, drop_mode: str | None, now: datetime) -> list[str]:
    alerts = []
    if row["last_run_status"] is None:
        alerts.append("never harvested")
    elif row["last_success_at"] is None:
        alerts.append("no successful harvest yet")
    if row["error_streak"]:
        text = f"{row['error_streak']} failed run(s) in a row"
        if row["backoff_until"] and _parse(row["backoff_until"]) > now:
            text += f", retried after {row['backoff_until']}"
        if row["last_job_status"] in ("failed", "timeout"):
            code = row["last_job_exit_code"]
            text += f"; last job {row['last_job_id']} {row['last_job_status']}"
            text += f" (exit {code})" if code is not None else ""
        alerts.append(text)
    for drop in row["fill_drops"]:
        alerts.append(
            f"fill rate of {drop['field']} fell from {drop['previous']:.0%} to {drop['current']:.0%} "
            f"(last {drop_mode} run vs the previous ones): site redesign?")
    return alerts


# --------------------------------------------------------------------------- formatting

def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _days_since(text: str | None, now: datetime) -> int | None:
    moment = _parse(text)
    return max(0, (now - moment).days) if moment else None


def _when(text: str | None, zone: ZoneInfo) -> str | None:
    moment = _parse(text)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else None


def _next_run(row: dict, zone: ZoneInfo, now: datetime) -> str:
    nxt, backoff = _parse(row["next_run_at"]), _parse(row["backoff_until"])
    if backoff and backoff > now and (not nxt or backoff > nxt):
        return f"{_when(row['backoff_until'], zone)} backoff"
    if not nxt:
        return "-"
    suffix = " (past)" if nxt < now else f" {row['next_run_mode']}"
    return f"{_when(row['next_run_at'], zone)}{suffix}"


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def _bytes(value: int | None) -> str:
    if value is None:
        return "-"
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value} B"
