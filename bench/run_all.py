"""Run every benchmark and quality script in turn (`make bench`); each prints its figures.

    .venv/bin/python bench/run_all.py [name ...]

Names: dates, html, realworld, themes, relays, places, harvest, speed. Nothing here asserts: the tests hold the floors, the
benchmarks measure (each against a baseline measured in the same run)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CORPUS = Path(os.environ.get("CRPV_CORPUS", BENCH.parent.parent / "shared" / "corpus"))
# These read the shared corpus throughout; the others measure without it (or say they did not).
NEEDS_CORPUS = {"dates", "html", "realworld", "places"}
SCRIPTS = {
    "dates": "quality_dates.py",    # French dates, feed dates, iCalendar windows, feeds
    "html": "quality_html.py",      # page dates vs htmldate, main text vs trafilatura, PDFs
    "realworld": "quality_realworld.py",  # the same on real pages nobody here tuned on
    "themes": "quality_themes.py",  # themes, near-duplicate clusters, clustering speed
    "relays": "quality_relays.py",  # relays vs the old SimHash on real pairs; speed at 20k
    "places": "quality_places.py",  # actions and communes: demo truth, labelled corpus pages
    "harvest": "harvest.py",        # recall; requests and bytes of runs 2-4 (unchanged, light, 1 % edited)
    "speed": "harvest_speed.py",    # harvest vs scrapy bench, peak memory at 1x and 5x the mirror
}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in SCRIPTS]
    if unknown:
        print(f"bench: unknown benchmark {unknown[0]!r} (choose from {', '.join(SCRIPTS)})", file=sys.stderr)
        return 2
    failed = 0
    for name in names or list(SCRIPTS):
        print(f"\n=== {name} ({SCRIPTS[name]}) ===", flush=True)
        if name in NEEDS_CORPUS and not CORPUS.is_dir():
            print(f"--- {name}: skipped, no shared corpus at {CORPUS} (set CRPV_CORPUS)", flush=True)
            continue
        started = time.monotonic()
        code = subprocess.run([sys.executable, str(BENCH / SCRIPTS[name])]).returncode
        print(f"--- {name}: exit {code}, {time.monotonic() - started:.1f} s", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
