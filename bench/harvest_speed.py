"""Harvest speed and memory beside `scrapy bench`, in the same run.

    .venv/bin/python bench/harvest_speed.py [--repeats 3] [--scale 5] [--no-results]

- Speed: the demo mirror (20 sites, ~2,700 requests) harvested with the politeness delays off,
  each harvest between two runs of `scrapy bench` (Scrapy's own benchmark: a local server and
  a spider that only follows links, for 10 s). Figures: responses per second of wall time and
  per CPU second of the harvest process (its own accounting, `wait4`), median (min–max).
- Memory: peak RSS of the harvest process on the mirror and on a mirror `--scale` times
  larger (its sites served again under other hosts), to see whether memory grows with the
  number of pages (it should not: items go to the database as they are read).

The figures are written between `<!-- harvest -->` markers in `bench/RESULTS.md`, again after
each measurement (a run stopped half-way keeps what it measured).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crawlers.registry import DEFAULT_REGISTRY  # noqa: E402
from mirror.server import MirrorServer  # noqa: E402
from portail.demo import ensure_mirror  # noqa: E402
from servers import machine, median_range, replace_section  # noqa: E402  (the benches' helpers)

FAST = {"CRPV_DOWNLOAD_DELAY": "0", "CRPV_MAX_CRAWL_DELAY": "0", "CRPV_LOG_LEVEL": "WARNING"}
RESULTS = ROOT / "bench" / "RESULTS.md"


def run_measured(command: list[str], env: dict, cwd: Path) -> tuple[float, float, int, str]:
    """(wall s, CPU s, peak RSS in KiB, output) of one process, from the kernel's accounting."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    return (time.monotonic() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, output)


def scrapy_bench(work: Path) -> dict:
    wall, cpu, rss, output = run_measured(
        [str(Path(sys.executable).parent / "scrapy"), "bench", "-s", "LOG_LEVEL=INFO"],
        {**os.environ}, work)
    responses = int(re.search(r"'response_received_count': (\d+)", output).group(1))
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", output).group(1))
    return {"responses": responses, "seconds": elapsed, "per_s": responses / elapsed,
            "per_cpu_s": responses / cpu, "rss_mib": rss / 1024}


def harvest(mirror: Path, work: Path, name: str) -> dict:
    server = MirrorServer(mirror)
    server.start()
    try:
        registry = work / f"{name}.yaml"
        registry.write_text(server.registry_yaml(DEFAULT_REGISTRY), encoding="utf-8")
        db = work / f"{name}.db"
        for old in work.glob(f"{name}.db*"):
            old.unlink()
        wall, cpu, rss, output = run_measured(
            [sys.executable, "-m", "portail.cli", "harvest", "--registry", str(registry),
             "--db", str(db)], {**os.environ, **FAST}, ROOT)
    finally:
        server.stop()
    with sqlite3.connect(db) as conn:
        responses, items = conn.execute(
            "select sum(requests), (select count(*) from items) from harvest_runs").fetchone()
    return {"responses": responses, "items": items, "seconds": wall, "per_s": responses / wall,
            "per_cpu_s": responses / cpu, "rss_mib": rss / 1024, "sites": len(server.sites)}


def scaled_mirror(mirror: Path, factor: int, work: Path) -> Path:
    """The mirror's sites served `factor` times, each copy a site of its own."""
    root = work / f"mirror-x{factor}"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    for site in sorted(p for p in mirror.iterdir() if (p / "_routes.json").exists()):
        for copy in range(1, factor + 1):
            target = root / (site.name if copy == 1 else f"{site.name}_{copy}")
            target.mkdir()
            meta = json.loads((site / "_site.json").read_text(encoding="utf-8"))
            meta["id"] = target.name
            (target / "_site.json").write_text(json.dumps(meta), encoding="utf-8")
            for entry in site.iterdir():
                if entry.name != "_site.json":
                    (target / entry.name).symlink_to(entry.resolve())
    return root


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=int, default=5)
    parser.add_argument("--no-results", action="store_true", help="print only, leave RESULTS.md")
    args = parser.parse_args(argv)
    mirror = ensure_mirror()
    work = Path(tempfile.mkdtemp(prefix="crpv-speed-"))
    ours: list[dict] = []
    theirs: list[dict] = [scrapy_bench(work)]
    big = None
    try:
        # Each harvest between two runs of scrapy bench, its baseline the mean of the two:
        # a harvest lasts minutes, scrapy bench ten seconds, and the machine's speed drifts.
        for repeat in range(args.repeats):
            ours.append(harvest(mirror, work, "x1"))
            theirs.append(scrapy_bench(work))
            print(f"  repeat {repeat + 1}: scrapy bench {theirs[-2]['per_s']:.1f} then "
                  f"{theirs[-1]['per_s']:.1f} responses/s, harvest {ours[-1]['per_s']:.1f} "
                  f"responses/s ({1000 / ours[-1]['per_cpu_s']:.1f} ms CPU per response, "
                  f"peak RSS {ours[-1]['rss_mib']:.0f} MiB)", flush=True)
            report(ours, theirs, big, args)  # what is measured is kept, should a run stop
        big = harvest(scaled_mirror(mirror, args.scale, work), work, f"x{args.scale}")
        print(f"  {args.scale}x: {big['responses']} responses, {big['per_s']:.1f} responses/s, "
              f"peak RSS {big['rss_mib']:.0f} MiB", flush=True)
        report(ours, theirs, big, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(ours: list[dict], theirs: list[dict], big: dict | None, args) -> None:
    """Print the figures so far and, unless --no-results, write them to RESULTS.md."""
    baseline = [{key: (a[key] + b[key]) / 2 for key in ("per_s", "per_cpu_s", "rss_mib")}
                for a, b in zip(theirs, theirs[1:])]
    ratios = [o["per_s"] / t["per_s"] for o, t in zip(ours, baseline)]
    cpu_ratios = [o["per_cpu_s"] / t["per_cpu_s"] for o, t in zip(ours, baseline)]
    small_rss = statistics.median(o["rss_mib"] for o in ours)

    lines = [
        f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end (the machine "
        "is shared: ratios hold better than absolute figures).",
        "",
        f"Harvest of the demo mirror ({ours[0]['sites']} sites, {ours[0]['responses']} responses, "
        f"{ours[0]['items']} items; `crpv harvest`, after-harvest steps included), delays off, "
        f"each harvest between two runs of `scrapy bench` (its baseline: their mean); "
        f"{len(ours)} repeats, median (min–max). Per second: the harvest over its whole "
        "process (start-up and after-harvest steps included), `scrapy bench` over its crawl "
        "(Scrapy's `elapsed_time_seconds`); per CPU second: both over their whole process.",
        "",
        "| figure | harvest | scrapy bench | ratio |",
        "|---|---|---|---|",
        f"| responses per second | {median_range([o['per_s'] for o in ours])} | "
        f"{median_range([t['per_s'] for t in baseline])} | {median_range(ratios, 2)} |",
        f"| responses per CPU second | {median_range([o['per_cpu_s'] for o in ours])} | "
        f"{median_range([t['per_cpu_s'] for t in baseline])} | {median_range(cpu_ratios, 2)} |",
        f"| CPU ms per response | {median_range([1000 / o['per_cpu_s'] for o in ours])} | "
        f"{median_range([1000 / t['per_cpu_s'] for t in baseline])} | |",
        f"| peak RSS (MiB) | {median_range([o['rss_mib'] for o in ours], 0)} | "
        f"{median_range([t['rss_mib'] for t in baseline], 0)} | |",
        "",
    ]
    if big is None:
        lines.append(f"Memory at {args.scale}× the mirror: not measured in this run.")
    else:
        lines.append(
            f"Memory as the sites grow: {args.scale}× the mirror ({big['sites']} sites, "
            f"{big['responses']} responses, {big['items']} items) peaked at "
            f"{big['rss_mib']:.0f} MiB against {small_rss:.0f} MiB at 1× "
            f"({big['rss_mib'] / small_rss:.2f}×), {big['per_s']:.1f} responses per second.")
    print("\n".join(lines), flush=True)
    if not args.no_results:
        write_results("\n".join(lines))


def write_results(body: str) -> None:
    """Replace the harvest section of bench/RESULTS.md (the other sections are kept)."""

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    replace_section(RESULTS, "harvest", f"## Harvest speed and memory — {stamp}\n\n{body}",
                    "Benchmarks")


if __name__ == "__main__":
    sys.exit(main())
