"""Harvest the demo mirror twice and print recall, speed and politeness figures.

    .venv/bin/python bench/harvest.py [--today YYYY-MM-DD] [--keep DIR]

Run 1 is a first harvest into an empty database; run 2 repeats it with nothing changed,
so its requests and bytes measure what conditional requests save (the baseline is run 1,
measured in the same invocation); run 3 is the scheduler's hourly light job.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from mirror.compare import (format_table, group_by_centre, score_centre, score_relay_groups,  # noqa: E402
                            summarize)
from mirror.generate import generate  # noqa: E402
from mirror.server import MirrorServer  # noqa: E402
from portail.demo import harvest_subprocess  # noqa: E402
from crawlers.registry import DEFAULT_REGISTRY  # noqa: E402


def run_figures(db, run_id: str) -> dict:
    row = next(db.query(
        "select count(*) as centres, sum(requests) as requests, sum(bytes) as bytes, "
        "sum(not_modified) as not_modified, sum(new) as new, sum(updated) as updated, "
        "sum(unchanged) as unchanged, sum(failed) as failed from harvest_runs where run_id = ?",
        [run_id]))
    return dict(row)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--keep", type=Path, help="keep the mirror and database in this directory")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="crpv-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    mirror_dir, db_path = work / "mirror", work / "bench.db"
    if db_path.exists():
        db_path.unlink()

    started = time.monotonic()
    generate(mirror_dir, args.today)
    generation = time.monotonic() - started
    truth = json.loads((mirror_dir / "ground_truth.json").read_text(encoding="utf-8"))
    pages = sum(len(json.loads((d / "_routes.json").read_text())["routes"])
                for d in mirror_dir.iterdir() if (d / "_routes.json").exists())

    server = MirrorServer(mirror_dir)
    origins = server.start()
    registry = work / "registry.yaml"
    registry.write_text(server.registry_yaml(DEFAULT_REGISTRY), encoding="utf-8")
    try:
        timings, runs = [], []
        for mode in ("full", "full", "light"):
            started = time.monotonic()
            code = harvest_subprocess(registry, db_path, mode=mode)
            timings.append(time.monotonic() - started)
            db = sqlite_utils.Database(db_path)
            runs.append(run_figures(db, db["meta"].get("last_run_id")["value"]))
            if code != 0:
                print(f"harvest exited with {code}")
    finally:
        server.stop()

    db = sqlite_utils.Database(db_path)
    scores = [score_centre(db, cid, origins[cid], items) for cid, items in sorted(group_by_centre(truth).items())]
    summary = summarize(scores)
    items = db.execute("select count(*) from items").fetchone()[0]
    print(format_table(scores))
    print()
    print(f"mirror: {pages} pages served by {len(origins)} sites, generated in {generation:.1f} s")
    for kind in ("news", "event", "document"):
        print(f"recall {kind:9}: {summary['found'].get(kind, 0)}/{summary['expected'].get(kind, 0)} "
              f"= {summary['recall_' + kind]:.2%}")
    themes = summary["themes"]
    print(f"themes   : {themes.get('agreed', 0)} of the {themes.get('expected', 0)} a reader gave "
          f"(recall {summary['themes_recall']:.1%}), {themes.get('given', 0)} given "
          f"(precision {summary['themes_precision']:.1%})")
    print("mistakes: " + ", ".join(f"{k} {summary[k]}" for k in
                                   ("missing", "wrong_kind", "duplicates", "wrong_title", "wrong_published",
                                    "wrong_events", "wrong_pages", "extra")))
    relays = score_relay_groups(db, truth, origins)
    print(f"relay groups: {relays['groups']} groups, {relays['truth_pairs']} pairs; clusters put "
          f"{relays['found_pairs']} pairs together, {relays['agreed']} right (pairwise precision "
          f"{relays['precision']:.1%}, recall {relays['recall']:.1%})")
    first, second, light = runs
    print(f"run 1: {timings[0]:.1f} s, {first['requests']} requests, {first['bytes'] / 1e6:.2f} MB, "
          f"{items} items, {first['requests'] / max(items, 1):.2f} requests per item")
    print(f"run 2: {timings[1]:.1f} s, {second['requests']} requests, {second['bytes'] / 1e6:.2f} MB, "
          f"{second['not_modified']} answered 304, {second['new']} new, {second['updated']} updated")
    print(f"ratio run 2 / run 1: requests {second['requests'] / max(first['requests'], 1):.2f}, "
          f"bytes {second['bytes'] / max(first['bytes'], 1):.3f}")
    print(f"run 3 (light, the hourly job): {timings[2]:.1f} s, {light['requests']} requests, "
          f"{light['bytes'] / 1e6:.2f} MB, {light['not_modified']} answered 304; "
          f"requests {light['requests'] / max(first['requests'], 1):.2f} of run 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
