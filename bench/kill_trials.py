"""Kill trials: `crpv harvest` killed with SIGKILL at seeded moments of first and incremental
harvests of the three unknown sites (tests/sites), each followed by a normal harvest and
compared with an uninterrupted harvest of the same sites (tests/hostile/killing.py).

    .venv/bin/python bench/kill_trials.py [--first 12] [--incremental 12] [--seed N]
        [--results docs/reliability.md | --no-write] [--code DIR --code-label LABEL]

Checks, per series: 0 items lost (an item of the uninterrupted harvest missing or not
active after the recovery), 0 stale (title, kind, sessions or files differ), 0 SQLite
integrity errors (`PRAGMA integrity_check` after the kill and after the recovery), 0
`harvest_runs` rows left `running` after the recovery. Writes the `crawler/kill-…` rows of
docs/reliability.md. About 5 minutes for 24 kills on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from faults import RESULTS, code_label, parse_with_code, write_rows  # noqa: E402
from servers import machine, replace_section  # noqa: E402

from hostile.killing import cleanup, run_trials  # noqa: E402

PREFIX = "crawler/kill-"


def row_of(series, seconds: float) -> dict:
    trials = series.trials
    kills = [t for t in trials if t.killed]
    lost = sorted({url for t in trials for url in t.lost})
    stale = sorted({url for t in trials for url in t.stale})
    stale_fields: dict[str, int] = {}
    for t in trials:
        for entry in t.stale:
            for name in entry.rsplit("(", 1)[1].rstrip(")").split(", "):
                stale_fields[name] = stale_fields.get(name, 0) + 1
    lost_trials = sum(1 for t in trials if t.lost)
    stale_trials = sum(1 for t in trials if t.stale)
    bad_integrity = [t for t in trials if t.integrity_after_kill != "ok" or t.integrity_after_recovery != "ok"]
    running = sum(t.running for t in trials)
    running_trials = sum(1 for t in trials if t.running)
    failed_recoveries = sum(1 for t in trials if t.recovery_rc != 0)
    moments = [t.killed_at for t in kills]
    observed = (f"{len(kills)} kills of {len(trials)} trials "
                f"({min(moments, default=0):.1f}–{max(moments, default=0):.1f} s into a "
                f"{series.reference_seconds:.1f} s, {series.reference_requests}-request harvest of "
                f"{series.reference_items} items); "
                f"{sum(len(t.lost) for t in trials)} items lost in {lost_trials} trials"
                + (f" ({len(lost)} distinct, e.g. {lost[0].split('//', 1)[-1]})" if lost else "")
                + f"; {sum(len(t.stale) for t in trials)} stale in {stale_trials} trials"
                + (" (" + ", ".join(f"{k} {v}" for k, v in sorted(stale_fields.items())) + " differ)"
                   if stale_fields else "")
                + f"; integrity errors {len(bad_integrity)}"
                + f"; {running} runs left running in {running_trials} trials"
                + (f"; {failed_recoveries} recoveries exited non-zero" if failed_recoveries else ""))
    control = series.control
    if control is not None:
        observed += (f"; control without a kill: {len(control.lost)} lost, {len(control.stale)} stale"
                     + (f" ({control.stale[0].split('//', 1)[-1]})" if control.stale else ""))
    noisy = control is not None and (control.lost or control.stale or control.running)
    verdict = "pass" if (kills and not lost and not stale and not bad_integrity and not running
                         and not failed_recoveries and not noisy) else "FAIL"
    label = "first harvest" if series.name == "first" else "incremental harvest"
    return {"scenario": f"{PREFIX}{series.name} ({len(kills)} kills, unknown sites)",
            "expected": (f"SIGKILL at seeded moments of a {label}, then a normal harvest: 0 items lost or "
                         "stale vs an uninterrupted harvest, 0 integrity errors, 0 runs left `running`"),
            "observed": observed, "verdict": verdict, "time": seconds,
            "memory": max((t.peak_rss_mb for t in trials), default=0.0)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", type=int, default=12, help="kills of a first harvest")
    parser.add_argument("--incremental", type=int, default=12, help="kills of an incremental harvest")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the databases there")
    args = parse_with_code(parser, argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="crpv-kills-"))
    began = time.monotonic()
    try:
        series = run_trials(workdir, args.first, args.incremental, args.seed,
                            log=lambda line: print(line, flush=True))
    finally:
        if args.workdir is None:
            cleanup(workdir)
    total = time.monotonic() - began
    # Each series' time: its share of the whole, by number of trials (they run one after another).
    count = sum(len(s.trials) for s in series) or 1
    rows = [row_of(s, total * len(s.trials) / count) for s in series]
    for row in rows:
        print(f"{row['verdict']}: {row['scenario']}: {row['observed']}")
    if not args.no_write:
        write_rows(args.results, rows, lambda name: name.startswith(PREFIX))
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        replace_section(args.results, "crawler:kills",
                        f"- Kill trials (`make faults`, bench/kill_trials.py): last run {stamp} on "
                        f"{machine()}, harvester code {code_label(args.code, args.code_label)}, "
                        f"seed {args.seed}, {count} trials in {total / 60:.1f} min; "
                        "time is the series' share, peak memory the highest of its harvests.",
                        "Reliability")
    print(f"{count} trials in {total / 60:.1f} min")
    return 0 if all(r["verdict"] == "pass" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
