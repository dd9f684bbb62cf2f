"""Harvest speed and memory beside `scrapy bench`, in the same run.

    .venv/bin/python bench/harvest_speed.py [--repeats 3] [--scale 5] [--no-results]

- Speed: the demo mirror (20 sites, ~2,000 requests) harvested with the politeness delays off,
  interleaved with `scrapy bench` (Scrapy's own benchmark: a local server and a spider that
  only follows links, for 10 s). Figures: responses per second of wall time and per CPU
  second of the harvest process (its own accounting, `wait4`), median (min–max).
- Memory: peak RSS of the harvest process on the mirror and on a mirror `--scale` times
  larger (its sites served again under other hosts), to see whether memory grows with the
  number of pages (it should not: items go to the database as they are read).

The figures are written between `<!-- harvest -->` markers in `bench/RESULTS.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

from crawlers.registry import DEFAULT_REGISTRY  # noqa: E402
from mirror.server import MirrorServer  # noqa: E402
from portail.demo import ensure_mirror  # noqa: E402

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


def spread(values: list[float], digits: int = 1) -> str:
    median = statistics.median(values)
    return f"{median:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=int, default=5)
    parser.add_argument("--no-results", action="store_true", help="print only, leave RESULTS.md")
    args = parser.parse_args(argv)
    mirror = ensure_mirror()
    work = Path(tempfile.mkdtemp(prefix="crpv-speed-"))
    try:
        ours, theirs = [], []
        for repeat in range(args.repeats):
            theirs.append(scrapy_bench(work))
            ours.append(harvest(mirror, work, "x1"))
            print(f"  repeat {repeat + 1}: scrapy bench {theirs[-1]['per_s']:.1f} responses/s, "
                  f"harvest {ours[-1]['per_s']:.1f} responses/s", flush=True)
        big = harvest(scaled_mirror(mirror, args.scale, work), work, f"x{args.scale}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratios = [o["per_s"] / t["per_s"] for o, t in zip(ours, theirs)]
    cpu_ratios = [o["per_cpu_s"] / t["per_cpu_s"] for o, t in zip(ours, theirs)]
    small_rss = statistics.median(o["rss_mib"] for o in ours)
    lines = [
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f} at the end (the "
        "machine is shared: ratios hold better than absolute figures).",
        "",
        f"Harvest of the demo mirror ({ours[0]['sites']} sites, {ours[0]['responses']} responses, "
        f"{ours[0]['items']} items), delays off, interleaved with `scrapy bench`; "
        f"{args.repeats} repeats, median (min–max):",
        "",
        "| figure | harvest | scrapy bench | ratio |",
        "|---|---|---|---|",
        f"| responses per second | {spread([o['per_s'] for o in ours])} | "
        f"{spread([t['per_s'] for t in theirs])} | {spread(ratios, 2)} |",
        f"| responses per CPU second | {spread([o['per_cpu_s'] for o in ours])} | "
        f"{spread([t['per_cpu_s'] for t in theirs])} | {spread(cpu_ratios, 2)} |",
        f"| peak RSS (MiB) | {spread([o['rss_mib'] for o in ours], 0)} | "
        f"{spread([t['rss_mib'] for t in theirs], 0)} | |",
        "",
        f"Memory as the sites grow: {args.scale}× the mirror ({big['sites']} sites, "
        f"{big['responses']} responses, {big['items']} items) peaked at {big['rss_mib']:.0f} MiB "
        f"against {small_rss:.0f} MiB at 1× ({big['rss_mib'] / small_rss:.2f}×), "
        f"{big['per_s']:.1f} responses per second.",
    ]
    print("\n".join(lines))
    if not args.no_results:
        write_results("\n".join(lines))
    return 0


def write_results(body: str) -> None:
    """Replace the harvest section of bench/RESULTS.md (the other sections are kept)."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    section = f"<!-- harvest -->\n## Harvest speed and memory — {stamp}\n\n{body}\n<!-- /harvest -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if "<!-- harvest -->" in text:
        text = re.sub(r"<!-- harvest -->.*?<!-- /harvest -->", lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
