"""The portal under abuse, measured: the normal mix beside abusive clients, a fuzz of every
parameter over HTTP, a memory bomb, a publication under load.

    .venv/bin/python bench/abuse.py --db /tmp/crpv-bench/20k/scale.db [--seconds 30]
        [--fuzz 2000] [--results docs/reliability.md]

Each scenario starts its own `crpv serve` on the database (a generated one: bench/scale.py)
and writes one row of the reliability table — scenario, expected, observed, verdict, time,
peak memory (the highest resident memory of the serving process, sampled every 0.2 s). Rows
whose scenario starts with `portail/` are this script's; the other rows of the table (the
crawler's scenarios) are kept as they are.

- `portail/charge-normale`: wrk runs the normal mix (8 connections) alone: the baseline.
- `portail/abus-sans-sql`: the same, with three abusive clients at once on what stays open
  when arbitrary SQL is off (the default): full-scan filters, facets on text columns, the
  CSV stream of a whole table, `?sql=` (refused).
- `portail/abus-sql`: the same with `CRPV_PUBLIC_SQL=on`, the abusers running slow and
  memory-hungry SQL (recursive CTE, cross join, 200 MB blobs, group_concat of every body).
- `portail/publication-en-charge`: a publication while the normal mix runs (in place: no
  connection dropped).
- `portail/fuzz`: random values in every parameter of every portal and Datasette page.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from servers import (  # noqa: E402
    Timer, WRK, fmt_ms, free_port, machine, replace_section, start_ours, stop_on_sigterm,
    tree_rss_mb, wait_published, wrk,
)

RESULTS = ROOT / "docs" / "reliability.md"
P99_TARGET = 0.5
HEADER = ("| scenario | expected | observed | verdict | time | peak memory |",
          "|---|---|---|---|---|---|")


def normal_mix(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n = conn.execute("select max(rowid) from items").fetchone()[0]
    item = conn.execute("select id from items where status = 'active' and rowid >= ? "
                        "order by rowid limit 1", (n // 3,)).fetchone()[0]
    conn.close()
    return ["/", "/recherche?q=emploi", "/recherche?q=emploi+jeunes",
            "/recherche?q=emploi&centre=irev", "/recherche?type=document&centre=oriv",
            "/recherche?theme=sante&annee=2024", "/agenda", f"/elements/{item}",
            "/portail/actualites.atom", "/portail/agenda.ics",
            "/portail/items?_sort_desc=published_at", "/etat-des-sources"]


def _sql(statement: str) -> str:
    return "/portail.json?" + urlencode({"sql": statement})


ABUSERS_NO_SQL = [
    ["/portail/items?title__contains=zzqqzz", "/portail/items?body_text__glob=*a*b*c*d*e*",
     "/portail/events?location_name__like=%25zz%25"],
    ["/portail/items?_facet=title&_facet=url&_facet=summary",
     "/portail/items?_facet_array=themes&_facet=body_text", "/portail/items?_sort=body_text"],
    ["/portail/items.csv?_stream=on&_size=max", _sql("select 1"), "/portail/fetch_state?url__contains=x"],
]
ABUSERS_SQL = [
    [_sql("with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r"),
     _sql("select count(*) from items a, items b")],
    [_sql("select randomblob(200000000)"), _sql("select length(zeroblob(500000000))"),
     _sql("select randomblob(4000000), randomblob(4000000) from items")],
    [_sql("select group_concat(body_html) from items"),
     _sql("select * from items order by random() limit 1000")],
]


class MemorySampler(threading.Thread):
    """The highest resident memory of a process and its workers, sampled every 0.2 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0.0, threading.Event()

    def run(self):
        while not self.stopped.wait(0.2):
            self.peak = max(self.peak, tree_rss_mb(self.pid))

    def stop(self) -> float:
        self.stopped.set()
        self.join()
        return self.peak


def _load_line(load: dict) -> str:
    lat = load["latency"]
    return (f"{load['rps']:.1f} req/s, p50 {fmt_ms(lat.get(50, float('nan')))} ms, "
            f"p99 {fmt_ms(lat.get(99, float('nan')))} ms, "
            f"{load['non_2xx'] + load['socket_errors']} errors in {load['requests']}")


def _ok(load: dict) -> bool:
    return (load["non_2xx"] + load["socket_errors"] == 0 and load["requests"] > 0
            and load["latency"].get(99, 99) < P99_TARGET)


def scenario_load(db, seconds, abusers, env, name, expected) -> dict:
    server = start_ours(db, free_port(), env=env)
    wait_published(server)
    sampler = MemorySampler(server.datasette_pid())
    sampler.start()
    started = time.monotonic()
    try:
        abuse_results: list[dict] = []
        threads = [threading.Thread(target=lambda paths=paths: abuse_results.append(
            wrk(server.port, paths, seconds + 4, connections=1, threads=1, timeout=30)))
            for paths in abusers]
        for t in threads:
            t.start()
        if abusers:
            time.sleep(2)  # the abusers are at it before the visitors come
        load = wrk(server.port, normal_mix(db), seconds)
        for t in threads:
            t.join()
    finally:
        peak = sampler.stop()
        server.stop()
    observed = "normal mix: " + _load_line(load)
    if abusers:
        statuses = sum(a["requests"] for a in abuse_results)
        refused = sum(a["non_2xx"] for a in abuse_results)
        observed += (f"; abusive clients: {statuses} requests, {refused} refused "
                     "(400/403/503)")
    return {"scenario": name, "expected": expected, "observed": observed,
            "verdict": "pass" if _ok(load) else "FAIL",
            "time": time.monotonic() - started, "memory": peak}


def scenario_publication(db, seconds) -> dict:
    """A publication in place while the normal mix runs."""
    from portail.publish import default_publish_dir, publish

    server = start_ours(db, free_port())
    wait_published(server)
    time.sleep(2)
    sampler = MemorySampler(server.datasette_pid())
    sampler.start()
    started = time.monotonic()
    outcome: dict = {}

    def republish():
        time.sleep(seconds / 4)
        began = time.monotonic()
        publish(db, default_publish_dir(db))
        outcome["seconds"] = time.monotonic() - began

    thread = threading.Thread(target=republish)
    thread.start()
    try:
        load = wrk(server.port, normal_mix(db), seconds)
        thread.join()
    finally:
        peak = sampler.stop()
        server.stop()
    return {"scenario": "portail/publication-en-charge",
            "expected": "0 errors, p99 < 500 ms, no connection dropped",
            "observed": f"published in {outcome.get('seconds', float('nan')):.1f} s under load; "
                        + _load_line(load),
            "verdict": "pass" if _ok(load) else "FAIL",
            "time": time.monotonic() - started, "memory": peak}


FUZZ_SPECIALS = ["", " ", "\x00", "\x1b", "%", "'", '"', "--", ";", "*", "\\", "1e999", "-1",
                 "0", "99999999999999999999", "NaN", "../../etc/passwd", "<script>x</script>",
                 "' or 1=1 --", "rowid", "😀", "é" * 300, "a" * 3000, "[]", "2024", "irev",
                 "news", "sante", "Martinique", "max", "emploi", "title", "published_at"]
FUZZ_PAGES = {
    "/recherche": ["q", "centre", "territoire", "theme", "type", "annee", "page"],
    "/agenda": ["centre", "territoire", "theme", "type", "annee"],
    "/portail/agenda.ics": ["centre", "territoire", "theme", "type", "annee"],
    "/portail/actualites.atom": ["centre", "territoire", "theme", "type", "annee"],
    "/": ["q"],
    "/etat-des-sources": ["x"],
}
FUZZ_TABLE_PARAMS = ["_sort", "_sort_desc", "_facet", "_facet_array", "_facet_date", "_next",
                     "_size", "_search", "_searchmode", "_col", "_nocol", "_labels", "_shape",
                     "_json", "_timelimit", "_nofacet", "_nocount", "_through", "_stream",
                     "_where", "centre_id", "kind__contains", "published_at__gt", "title__in",
                     "themes__arraycontains", "status__isnull", "id__exact", "nope__notin"]
FUZZ_TABLES = ["items", "events", "centres", "documents", "vue_agenda", "vue_sources",
               "dernieres_actualites", "documents_par_theme"]


def _value(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(FUZZ_SPECIALS)
    alphabet = "abcdefghijklmnopqrstuvwxyzéàç0123456789 _-%'\"<>&;:/\\\x00\x01\x1f\x7f€😀"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))


def fuzz_paths(rng: random.Random, n: int) -> list[str]:
    paths = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.45:
            page = rng.choice(sorted(FUZZ_PAGES))
            params = {rng.choice(FUZZ_PAGES[page]): _value(rng) for _ in range(rng.randint(1, 4))}
        elif roll < 0.55:
            page = rng.choice(["/elements/", "/centres/", "/portail/items/", "/portail/centres/"])
            page += quote(_value(rng) or "x", safe="")
            params = {}
        else:
            page = f"/portail/{rng.choice(FUZZ_TABLES)}{rng.choice(['', '.json', '.csv'])}"
            params = {rng.choice(FUZZ_TABLE_PARAMS): _value(rng) for _ in range(rng.randint(1, 4))}
        paths.append(page + ("?" + urlencode(params) if params else ""))
    return paths


def scenario_fuzz(db, n: int, env: dict, name: str) -> dict:
    server = start_ours(db, free_port(), env=env)
    wait_published(server)
    sampler = MemorySampler(server.datasette_pid())
    sampler.start()
    started = time.monotonic()
    statuses: dict[int, int] = {}
    failures: list[str] = []
    try:
        timer = Timer(server.port, timeout=30)
        for path in fuzz_paths(random.Random(20261204), n):
            _s, status = timer.get(path)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 0 or status >= 500 and status != 503:
                failures.append(f"{status} {path[:80]}")
    finally:
        peak = sampler.stop()
        server.stop()
    spread = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    observed = f"{n} requests ({spread}); {len(failures)} answered 500"
    if failures:
        observed += ": " + "; ".join(failures[:3])
    return {"scenario": name, "expected": "no 500 (a French 400 page instead)",
            "observed": observed, "verdict": "pass" if not failures else "FAIL",
            "time": time.monotonic() - started, "memory": peak}


def write_rows(results: Path, rows: list[dict], label: str) -> None:
    """Replace this script's rows of the reliability table, keep everybody else's."""
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    lines = text.splitlines()
    table_start = next((i for i, line in enumerate(lines) if line.strip() == HEADER[0]), None)
    if table_start is None:
        lines += ["", HEADER[0], HEADER[1]]
        table_start = len(lines) - 2
    end = table_start + 2
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    kept = [line for line in lines[table_start + 2:end]
            if not line.split("|")[1].strip().startswith("portail/") or
            not line.split("|")[1].strip().endswith(f"({label})")]
    mine = [f"| {r['scenario']} ({label}) | {r['expected']} | {r['observed']} | {r['verdict']} | "
            f"{r['time']:.0f} s | {r['memory']:.0f} MB |" for r in rows]
    lines[table_start + 2:end] = kept + mine
    results.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def run(db: Path, seconds: int, fuzz: int, results: Path, label: str, only: list[str]) -> list[dict]:
    db = Path(db).resolve()
    expected_load = "normal mix: 0 errors, p99 < 500 ms"
    scenarios = {
        "charge": lambda: scenario_load(db, seconds, [], {}, "portail/charge-normale",
                                        expected_load),
        "abus": lambda: scenario_load(db, seconds, ABUSERS_NO_SQL, {"CRPV_PUBLIC_SQL": "off"},
                                      "portail/abus-sans-sql",
                                      expected_load + ", beside 3 abusive clients (public SQL off)"),
        "abus-sql": lambda: scenario_load(db, seconds, ABUSERS_SQL, {"CRPV_PUBLIC_SQL": "on"},
                                          "portail/abus-sql",
                                          expected_load + ", beside 3 abusive clients (public SQL on)"),
        "publication": lambda: scenario_publication(db, seconds),
        "fuzz": lambda: scenario_fuzz(db, fuzz, {"CRPV_PUBLIC_SQL": "off"}, "portail/fuzz"),
    }
    rows = []
    for key, make in scenarios.items():
        if only and key not in only:
            continue
        print(f"{label}: {key}…", flush=True)
        row = make()
        print(f"  {row['verdict']}: {row['observed']} ({row['time']:.0f} s, {row['memory']:.0f} MB)",
              flush=True)
        rows.append(row)
    write_rows(results, rows, label)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--label", default=None, help="written beside each scenario (e.g. 20k)")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--fuzz", type=int, default=2000)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--only", nargs="*", default=[],
                        help="charge, abus, abus-sql, publication, fuzz")
    args = parser.parse_args(argv)
    stop_on_sigterm()
    if not WRK:
        print("abuse bench: wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 2
    if not args.db.is_file():
        print(f"abuse bench: {args.db}: no such database (make one with bench/scale.py)",
              file=sys.stderr)
        return 2
    label = args.label or args.db.parent.name
    load_before = os.getloadavg()[0]
    rows = run(args.db, args.seconds, args.fuzz, args.results, label, args.only)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    replace_section(args.results, f"portail:{label}",
                    f"- Portal scenarios ({label}, `{args.db.name}`): last run {stamp} on {machine()}; "
                    f"wrk 8 connections for {args.seconds} s per load scenario; load average "
                    f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (the 2 cores are "
                    "shared with other work).",
                    "Reliability")
    print(f"{stamp} — {machine()}")
    return 0 if all(r["verdict"] == "pass" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
