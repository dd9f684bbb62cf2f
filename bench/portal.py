"""The portal at scale: `crpv serve` against plain `datasette` on the same file.

    .venv/bin/python bench/portal.py --db /tmp/crpv-bench/1m/scale.db --label 1M
        [--requests 20] [--warmup 2] [--repeats 3] [--wrk-seconds 30] [--results bench/RESULTS.md]

The database is one made by `bench/scale.py` (its build figures are read from
`<db>.build.json`). Both servers run at once on the same file: ours through `crpv serve`
(publication included: its start-up time and publication time are measured), plain
Datasette with its defaults and the same 3 s SQL limit. For each query of a fixed mix, each
server gets 2 warm-up requests, then 20 requests interleaved one-for-one with the other
server's equivalent page; p50 and p95 are taken per query and per repeat, and reported as
median (min–max) over the repeats. Then wrk (8 connections, 2 threads) runs the whole mix in
turn against each server. The section of the results file for this label is rewritten with
the machine, the date and every figure beside its baseline of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from servers import (  # noqa: E402
    Timer, fmt_ms, free_port, machine, percentile, publication_lines, tree_peak_mb,
    replace_section, spread, start_ours, start_plain, stop_on_sigterm, wait_published, wrk,
    WRK,
)

RESULTS = HERE / "RESULTS.md"
TARGET_P95 = 0.150  # seconds, every query of the mix at 1M on this machine
TARGET_RATIO = 10.0


def mix(db: Path, plain_name: str) -> list[tuple[str, str, str]]:
    """(query, our page, plain Datasette's nearest page) for the fixed mix."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n = conn.execute("select max(rowid) from items").fetchone()[0]
    item = conn.execute("select id from items where status = 'active' and kind = 'event' "
                        "and rowid >= ? order by rowid limit 1", (n // 2,)).fetchone()[0]
    conn.close()
    today = datetime.now(timezone.utc).date().isoformat()
    d = f"/{plain_name}"
    return [
        ("home", "/", "/"),
        ("search, 1 word", "/recherche?q=emploi", f"{d}/items?_search=emploi"),
        ("search, 2 words", "/recherche?q=emploi+jeunes", f"{d}/items?_search=emploi+jeunes"),
        ("search + filter", "/recherche?q=emploi&centre=irev",
         f"{d}/items?_search=emploi&centre_id=irev"),
        ("filters (kind + centre)", "/recherche?type=document&centre=oriv",
         f"{d}/items?kind=document&centre_id=oriv&_sort_desc=published_at"),
        ("facets (theme + year)", "/recherche?theme=sante&annee=2024",
         f"{d}/items?_facet=centre_id&_facet=kind&published_at__startswith=2024"),
        ("agenda", "/agenda", f"{d}/events?_sort=starts_at_utc&starts_at_utc__gte={today}"),
        ("item page", f"/elements/{item}", f"{d}/items/{item}"),
        ("atom", "/portail/actualites.atom",
         f"{d}/items.json?_sort_desc=published_at&status=active&_size=50"),
        ("ics", "/portail/agenda.ics",
         f"{d}/events.json?_sort=starts_at_utc&starts_at_utc__gte={today}&_size=1000"),
        ("table sorted by date", "/portail/items?_sort_desc=published_at",
         f"{d}/items?_sort_desc=published_at"),
        ("state of sources", "/etat-des-sources", f"{d}/harvest_runs?_sort_desc=started_at"),
    ]


def measure(ours, plain, queries, requests: int, warmup: int) -> dict:
    """{query: {"ours": [(s, status)...], "plain": [...]}} for one repeat, interleaved."""
    t_ours, t_plain = Timer(ours.port), Timer(plain.port)
    out = {}
    for name, ours_path, plain_path in queries:
        for _ in range(warmup):
            t_ours.get(ours_path)
            t_plain.get(plain_path)
        samples = {"ours": [], "plain": []}
        for _ in range(requests):
            samples["ours"].append(t_ours.get(ours_path))
            samples["plain"].append(t_plain.get(plain_path))
        out[name] = samples
        print(f"  {name:26s} ours p50 {fmt_ms(percentile([s for s, _ in samples['ours']], 50)):>6} ms"
              f"  plain p50 {fmt_ms(percentile([s for s, _ in samples['plain']], 50)):>6} ms",
              flush=True)
    return out


def errors(samples) -> int:
    return sum(1 for _s, status in samples if status == 0 or status >= 500)


def run(db: Path, label: str, requests: int, warmup: int, repeats: int, wrk_seconds: int,
        results: Path) -> dict:
    db = Path(db).resolve()
    build = {}
    build_file = Path(str(db) + ".build.json")
    if build_file.exists():
        build = json.loads(build_file.read_text())
    load_before = os.getloadavg()[0]
    print(f"{label}: starting crpv serve (publication included) and plain datasette…", flush=True)
    ours = start_ours(db, free_port())
    # The first publication is done before serving; with an earlier one there, serve starts
    # at once and refreshes it beside if the harvest changed: wait for that before measuring.
    wait_published(ours)
    time.sleep(2)
    try:
        plain = start_plain(db, free_port())
    except BaseException:
        ours.stop()
        raise
    try:
        queries = mix(db, plain.db_name)
        runs = []
        for r in range(repeats):
            print(f" repeat {r + 1}/{repeats}", flush=True)
            runs.append(measure(ours, plain, queries, requests, warmup))
        loads = {}
        if WRK and wrk_seconds:
            for server in (ours, plain):
                paths = [q[1] if server is ours else q[2] for q in queries]
                print(f" wrk {server.name}…", flush=True)
                loads[server.name] = wrk(server.port, paths, wrk_seconds)
        memory = {s.name: tree_peak_mb(s.datasette_pid()) for s in (ours, plain)}
        publication = publication_lines(ours)
    finally:
        ours.stop()
        plain.stop()
    # A restart finds the publication there: Datasette starts at once.
    again = start_ours(db, free_port())
    restart = again.startup_seconds
    time.sleep(1)
    again.stop()
    figures = summarize(queries, runs)
    figures["load"] = (load_before, os.getloadavg()[0])
    body = report(label, db, build, figures, loads, memory, ours.startup_seconds, restart,
                  plain.startup_seconds, publication, requests, warmup, repeats, wrk_seconds)
    replace_section(results, f"scale:{label}", body, "Portal benchmarks (bench/portal.py)")
    print(body)
    return figures


def summarize(queries, runs) -> dict:
    figures = {"queries": [], "pooled": {"ours": [], "plain": []}}
    for name, _o, _p in queries:
        row = {"name": name}
        for side in ("ours", "plain"):
            samples = [run[name][side] for run in runs]
            row[f"{side}_p50"] = [percentile([s for s, _ in x], 50) for x in samples]
            row[f"{side}_p95"] = [percentile([s for s, _ in x], 95) for x in samples]
            row[f"{side}_errors"] = sum(errors(x) for x in samples)
            row[f"{side}_requests"] = sum(len(x) for x in samples)
        figures["queries"].append(row)
    for run in runs:
        for side in ("ours", "plain"):
            pooled = [s for name in run for s, _ in run[name][side]]
            figures["pooled"][side].append(percentile(pooled, 95))
    return figures


def _n(value) -> str:
    return f"{value or 0:,}".replace(",", " ")


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def report(label, db, build, figures, loads, memory, ours_start, restart, plain_start,
           publication, requests, warmup, repeats, wrk_seconds) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"## {label} — {now}", "",
             f"Machine: {machine()}; load average {figures['load'][0]:.1f} before the run, "
             f"{figures['load'][1]:.1f} after (other work shares these 2 cores).", ""]
    if build:
        lines.append(f"Database: `bench/scale.py`, {_n(build.get('items'))} items "
                     f"({_n(build.get('events'))} event sessions, {_n(build.get('documents'))} "
                     f"documents), {build.get('bytes', 0) / 1e9:.2f} GB, built in "
                     f"{build.get('seconds', 0):.0f} s.")
    lines.append(f"Start-up: `crpv serve` answered its home page {ours_start:.1f} s after launch "
                 f"(publication included when none was there), {restart:.1f} s on a restart "
                 f"(publication there); plain `datasette` {plain_start:.1f} s.")
    for line in publication:
        lines.append(f"`crpv serve`: « {line} »")
    lines += ["", f"Method: both servers on the same file, at once; per query {warmup} warm-ups "
                  f"then {requests} requests interleaved one-for-one with the other server; "
                  f"{repeats} repeats; cells are median (min–max) over the repeats, in ms. "
                  "Plain Datasette gets its nearest page (table search, filters, facets, JSON).",
              "",
              "| query | ours p50 | ours p95 | plain p50 | plain p95 | p95 ratio | errors ours / plain |",
              "|---|---|---|---|---|---|---|"]
    worst = 0.0
    ratios = []
    for row in figures["queries"]:
        ratio = _median(row["plain_p95"]) / max(_median(row["ours_p95"]), 1e-9)
        ratios.append(ratio)
        worst = max(worst, max(row["ours_p95"]))
        lines.append(f"| {row['name']} | {spread(row['ours_p50'])} | {spread(row['ours_p95'])} | "
                     f"{spread(row['plain_p50'])} | {spread(row['plain_p95'])} | {ratio:.1f}× | "
                     f"{row['ours_errors']}/{row['ours_requests']} / "
                     f"{row['plain_errors']}/{row['plain_requests']} |")
    pooled_ratio = _median(figures["pooled"]["plain"]) / max(_median(figures["pooled"]["ours"]), 1e-9)
    geo = 1.0
    for r in ratios:
        geo *= r
    geo **= 1 / len(ratios)
    lines += ["", f"Whole mix, p95 of all its requests: ours {spread(figures['pooled']['ours'])} ms, "
                  f"plain {spread(figures['pooled']['plain'])} ms: **{pooled_ratio:.1f}× faster** "
                  f"(geometric mean of the per-query p95 ratios: {geo:.1f}×). "
                  f"Slowest query p95 of ours over all repeats: {fmt_ms(worst)} ms "
                  f"(target ≤ {TARGET_P95 * 1000:.0f} ms at 1M)."]
    if loads:
        lines += ["", f"wrk, 8 connections, 2 threads, {wrk_seconds} s, the mix in turn:", "",
                  "| server | requests/s | p50 | p99 | non-2xx/3xx | socket errors |",
                  "|---|---|---|---|---|---|"]
        for name, load in loads.items():
            lat = load["latency"]
            lines.append(f"| {name} | {load['rps']:.1f} | {fmt_ms(lat.get(50, float('nan')))} ms | "
                         f"{fmt_ms(lat.get(99, float('nan')))} ms | {load['non_2xx']} | "
                         f"{load['socket_errors']} |")
    lines += ["", "Peak memory (VmHWM, summed over the serving processes: ours runs one uvicorn "
                  "worker per core): " + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items() if v)
              + "."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--wrk-seconds", type=int, default=30)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    stop_on_sigterm()
    if not args.db.is_file():
        print(f"portal bench: {args.db}: no such database (make one with bench/scale.py)",
              file=sys.stderr)
        return 2
    run(args.db, args.label, args.requests, args.warmup, args.repeats, args.wrk_seconds,
        args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
