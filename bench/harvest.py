"""Harvest the demo mirror again and again and print recall, speed and politeness figures.

    .venv/bin/python bench/harvest.py [--today YYYY-MM-DD] [--keep DIR] [--repeats N] [--no-results]

Run 1 is a first harvest into an empty database; run 2 repeats it with nothing changed,
so its requests and bytes measure what conditional requests save (the baseline is run 1,
measured in the same invocation); run 3 is the scheduler's hourly light job; run 4 is a full
harvest after 1 % of the item pages were edited (new text, new Last-Modified). Each repeat
starts from an empty database and a freshly served mirror. The incremental figures are
written between `<!-- incremental -->` markers in `bench/RESULTS.md`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlite_utils  # noqa: E402

from mirror.compare import (format_table, group_by_centre, score_centre, score_relay_groups,  # noqa: E402
                            summarize)
from mirror.generate import generate  # noqa: E402
from mirror.server import MirrorServer  # noqa: E402
from portail.demo import harvest_subprocess  # noqa: E402
from crawlers.registry import DEFAULT_REGISTRY  # noqa: E402
from servers import machine, median_range, replace_section  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
CHANGED_SHARE = 0.01  # of the item pages, edited before run 4
# (mode, what the run stands for); the edit comes before the last one
RUNS = (("full", "first full harvest"), ("full", "second full harvest, nothing changed"),
        ("light", "light run (the hourly job)"), ("full", "full harvest, 1 % of the item pages edited"))


def run_figures(db, run_id: str) -> dict:
    row = next(db.query(
        "select count(*) as centres, sum(requests) as requests, sum(bytes) as bytes, "
        "sum(not_modified) as not_modified, sum(new) as new, sum(updated) as updated, "
        "sum(unchanged) as unchanged, sum(failed) as failed from harvest_runs where run_id = ?",
        [run_id]))
    return dict(row)


def edited(body: bytes) -> bytes:
    """A page as its centre edits it: a sentence added to its longest paragraph (entities:
    every charset of the mirror reads them)."""
    note = b" Mise &agrave; jour : les inscriptions sont prolong&eacute;es d'une semaine."
    paragraphs = list(re.finditer(rb"<p\b[^>]*>(.*?)</p>", body, re.S))
    if not paragraphs:
        return body.replace(b"</body>", b"<p>" + note + b"</p></body>", 1)
    end = max(paragraphs, key=lambda m: len(m.group(1))).end(1)
    return body[:end] + note + body[end:]


def change_pages(server: MirrorServer, truth: dict) -> int:
    """Edit every hundredth HTML item page of the mirror (in a fixed order); how many."""
    pages = sorted((centre, item["path"]) for centre, data in truth["centres"].items()
                   for item in data["items"] if item["kind"] in ("news", "event")
                   and not item["path"].lower().endswith(".pdf"))
    step = round(1 / CHANGED_SHARE)
    now = format_datetime(datetime.now(timezone.utc), usegmt=True)
    return sum(server.change_page(centre, path, edited, now) for centre, path in pages[::step])


def harvest_series(mirror_dir: Path, db_path: Path, registry: Path, truth: dict) -> dict:
    """Runs 1 to 4 on a fresh database and a freshly served mirror: their figures, the
    pages edited before run 4, and the recall scores taken after run 3."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    server = MirrorServer(mirror_dir)
    origins = server.start()
    registry.write_text(server.registry_yaml(DEFAULT_REGISTRY), encoding="utf-8")
    runs, changed = [], 0
    try:
        for number, (mode, _label) in enumerate(RUNS, start=1):
            if number == len(RUNS):
                changed = change_pages(server, truth)
            started = time.monotonic()
            code = harvest_subprocess(registry, db_path, mode=mode)
            seconds = time.monotonic() - started
            db = sqlite_utils.Database(db_path)
            runs.append({**run_figures(db, db["meta"].get("last_run_id")["value"]), "seconds": seconds})
            if number == 3:
                items = db.execute("select count(*) from items").fetchone()[0]
                scores = [score_centre(db, cid, origins[cid], found)
                          for cid, found in sorted(group_by_centre(truth).items())]
                relays = score_relay_groups(db, truth, origins)
            db.conn.close()
            if code != 0:
                print(f"harvest (run {number}) exited with {code}")
    finally:
        server.stop()
    return {"runs": runs, "changed": changed, "items": items, "scores": scores, "relays": relays}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--keep", type=Path, help="keep the mirror and database in this directory")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-results", action="store_true", help="print only, leave bench/RESULTS.md")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="crpv-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    mirror_dir, db_path = work / "mirror", work / "bench.db"

    started = time.monotonic()
    generate(mirror_dir, args.today)
    generation = time.monotonic() - started
    truth = json.loads((mirror_dir / "ground_truth.json").read_text(encoding="utf-8"))
    pages = sum(len(json.loads((d / "_routes.json").read_text())["routes"])
                for d in mirror_dir.iterdir() if (d / "_routes.json").exists())
    series = [harvest_series(mirror_dir, db_path, work / "registry.yaml", truth)
              for _ in range(max(1, args.repeats))]

    first_series = series[0]
    scores, items = first_series["scores"], first_series["items"]
    summary = summarize(scores)
    print(format_table(scores))
    print()
    print(f"mirror: {pages} pages served by {len(truth['centres'])} sites, generated in {generation:.1f} s")
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
    relays = first_series["relays"]
    print(f"relay groups: {relays['groups']} groups, {relays['truth_pairs']} pairs; clusters put "
          f"{relays['found_pairs']} pairs together, {relays['agreed']} right (pairwise precision "
          f"{relays['precision']:.1%}, recall {relays['recall']:.1%})")
    body = incremental_report(series, items)
    print(body)
    if not args.no_results:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        replace_section(RESULTS, "incremental", f"## Incremental harvests — {stamp}\n\n"
                        f"Machine: {machine()}.\n\n{body}", "Benchmarks")
    return 0


def incremental_report(series: list[dict], items: int) -> str:
    """The four runs' requests, bytes and answers, median (min–max) over the repeats, each
    against run 1 of the same repeat (its baseline)."""
    lines = [
        f"`bench/harvest.py --repeats {len(series)}`: the demo mirror ({items} items) harvested four "
        "times in a row from an empty database, the demo's politeness delays on; run 1 is the "
        "baseline of the others, measured in the same repeat. Run 4 follows the edit of "
        f"{series[0]['changed']} item pages (every hundredth, a sentence added to its longest "
        "paragraph, a new Last-Modified). Cells: median (min–max) over the repeats.",
        "",
        "| run | requests | of run 1 | MB | of run 1 | answered 304 | new / updated | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for index, (_mode, label) in enumerate(RUNS):
        runs = [s["runs"][index] for s in series]
        firsts = [s["runs"][0] for s in series]
        lines.append(
            f"| {index + 1}. {label} | {median_range([r['requests'] for r in runs], 0)} | "
            f"{median_range([r['requests'] / max(f['requests'], 1) for r, f in zip(runs, firsts)], 2)} | "
            f"{median_range([r['bytes'] / 1e6 for r in runs], 2)} | "
            f"{median_range([r['bytes'] / max(f['bytes'], 1) for r, f in zip(runs, firsts)], 3)} | "
            f"{median_range([r['not_modified'] for r in runs], 0)} | "
            f"{median_range([r['new'] for r in runs], 0)} / {median_range([r['updated'] for r in runs], 0)} | "
            f"{median_range([r['seconds'] for r in runs], 1)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
