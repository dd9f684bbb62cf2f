"""The harvester against a hostile web: one harvest of a healthy site beside each hostile
site (tests/hostile), measured and judged, written as the `crawler/…` rows of
docs/reliability.md (regenerated at each run; the portal's rows and the kill trials' rows
are kept).

    .venv/bin/python bench/faults.py [--only NAME ... | --skip-fast] [--no-together] [--results FILE]
        [--no-write] [--code DIR --code-label LABEL] [--list]

Each scenario is one `crpv harvest` subprocess over a registry of two centres (the healthy
site and the hostile one), with lowered settings (`FAULT_ENV`: 3 s timeout, 500 pages,
200 links per page, 20 sitemaps, 1000 occurrences, 5 MB pages, give up after 3 timeouts)
and killed past its time cap or 1.5 GB of memory, so the whole bench stays bounded
(about 10 minutes against today's harvester; ~5 once it holds). Two-phase scenarios
harvest a good site first, then the same site turned hostile. The last row harvests the
healthy site beside every hostile site at once, as a real night would.

For each: the healthy centre's completion, the hostile centre's run status, its
`harvest_errors` rows (kind, first message), the requests its server received, wall time
and peak RSS of the harvest process (kernel `ru_maxrss`). Exit code 1 when a scenario fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
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

from servers import machine, replace_section  # noqa: E402

from hostile.runner import (  # noqa: E402
    MEMORY_CAP_MB, describe, measured_harvest, read_outcome, run_scenario, server_for, write_registry,
)
from hostile.scenarios import FAST, FAULT_ENV, HEALTHY, HEALTHY_ITEMS, SCENARIOS, by_name  # noqa: E402

RESULTS = ROOT / "docs" / "reliability.md"
HEADER = ("| scenario | expected | observed | verdict | time | peak memory |",
          "|---|---|---|---|---|---|")
PREFIX = "crawler/"
TOGETHER = "all-at-once"
TOGETHER_CAP = 150.0
TOGETHER_SECONDS = 120.0
TOGETHER_RSS = 1000.0


def code_label(code: Path | None, label: str | None) -> str:
    """What code the harvests ran, for the results file."""
    if label:
        return label
    if code is not None and code.resolve() != ROOT:
        return str(code)
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "crawlers", "normalize", "pipelines",
                                "portail"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "this checkout"
    return f"{head}" + (" with uncommitted changes to the harvester" if dirty else "")


def parse_with_code(parser: argparse.ArgumentParser, argv) -> argparse.Namespace:
    """The arguments, with --code/--code-label (the harvests run that code tree)."""
    parser.add_argument("--code", type=Path, default=None,
                        help="run the harvests from this code tree (e.g. a `git archive` of a commit)")
    parser.add_argument("--code-label", default=None, help="how the results file names that code")
    args = parser.parse_args(argv)
    if args.code is not None:
        os.environ["CRPV_FAULTS_CODE"] = str(args.code.resolve())
    return args


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "/")


def write_rows(results: Path, rows: list[dict], owns) -> None:
    """Replace the rows whose scenario `owns(name)` says are ours, keep everybody else's."""
    text = results.read_text(encoding="utf-8") if results.exists() else "# Reliability\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == HEADER[0]), None)
    if start is None:
        lines += ["", HEADER[0], HEADER[1]]
        start = len(lines) - 2
    end = start + 2
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    kept = [line for line in lines[start + 2:end] if not owns(line.split("|")[1].strip())]
    mine = [f"| {cell(r['scenario'])} | {cell(r['expected'])} | {cell(r['observed'])} | {r['verdict']} | "
            f"{r['time']:.0f} s | {r['memory']:.0f} MB |" for r in rows]
    lines[start + 2:end] = kept + mine
    results.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def owns_fault_row(name: str) -> bool:
    return name.startswith(PREFIX) and not name.startswith(PREFIX + "kill-")


def run_together(server, scenarios, workdir: Path) -> dict:
    """The healthy site beside every hostile site in one harvest."""
    workdir.mkdir(parents=True, exist_ok=True)
    names = [s.name for s in scenarios]
    for s in scenarios:
        server.phase[s.name] = 1
    registry = write_registry(workdir / "registry.yaml", server.origins, names)
    db = workdir / "portail.db"
    mark = server.mark()
    measured = measured_harvest(registry, db, FAULT_ENV, TOGETHER_CAP)
    requests = sum(len(server.hits_since(mark, n)) for n in names)
    out = read_outcome(HEALTHY, db, measured, [], {})
    statuses: dict[str, int] = {}
    for name in names:
        row = out.query("select status from harvest_runs where centre_id = ? order by id desc limit 1", (name,))
        status = row[0][0] if row else "missing"
        statuses[status] = statuses.get(status, 0) + 1
    healthy_ok = out.healthy_status == "completed" and out.healthy_items == HEALTHY_ITEMS
    failures = []
    if not healthy_ok:
        failures.append("healthy centre did not complete")
    if measured.killed:
        failures.append(f"killed ({measured.killed})")
    if measured.seconds > TOGETHER_SECONDS:
        failures.append(f"{measured.seconds:.0f} s > {TOGETHER_SECONDS:.0f} s")
    if measured.peak_rss_mb > TOGETHER_RSS:
        failures.append(f"peak {measured.peak_rss_mb:.0f} MB > {TOGETHER_RSS:.0f} MB")
    observed = (f"healthy {out.healthy_status or 'never started'} ({out.healthy_items}/{HEALTHY_ITEMS} items); "
                f"hostile runs: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
                + f"; {requests} requests to the hostile sites; db {out.db_bytes / 1e6:.1f} MB")
    if measured.killed:
        observed += f"; KILLED at {measured.killed}"
    if out.running_rows:
        observed += f"; {out.running_rows} runs left running"
    return {"scenario": f"{PREFIX}{TOGETHER} (healthy + {len(names)} hostile sites)",
            "expected": (f"the healthy centre completes beside all {len(names)} hostile sites in one harvest, "
                         f"within {TOGETHER_SECONDS:.0f} s, peak < {TOGETHER_RSS:.0f} MB"),
            "observed": observed, "verdict": "pass" if not failures else "FAIL",
            "failures": failures, "time": measured.seconds, "memory": measured.peak_rss_mb}


def run(only: list[str], together: bool, results: Path | None, workdir: Path,
        memory_cap: float, code: str = "this checkout") -> list[dict]:
    scenarios = [by_name(n) for n in only] if only else list(SCENARIOS)
    server = server_for(scenarios)
    server.start()
    rows = []
    began = time.monotonic()
    try:
        for number, scenario in enumerate(scenarios, start=1):
            print(f"[{number}/{len(scenarios)}] {scenario.name}…", flush=True)
            out = run_scenario(server, scenario, workdir / scenario.name, memory_cap)
            failures = scenario.judge(out)
            row = {"scenario": f"{PREFIX}{scenario.name}", "expected": scenario.expected,
                   "observed": describe(scenario, out) + (f" — {'; '.join(failures)}" if failures else ""),
                   "verdict": "pass" if not failures else "FAIL", "failures": failures,
                   "time": out.seconds, "memory": out.peak_rss_mb}
            print(f"    {row['verdict']} {out.seconds:.0f} s {out.peak_rss_mb:.0f} MB: {describe(scenario, out)}",
                  flush=True)
            if failures:
                print(f"    failures: {'; '.join(failures)}", flush=True)
                if out.traceback:  # the harvest's own words, for whoever reads the log
                    print("    stderr: " + out.stderr_tail.strip().replace("\n", "\n    "), flush=True)
            rows.append(row)
        if together and not only:
            print(f"[all] {TOGETHER}…", flush=True)
            row = run_together(server, [s for s in scenarios], workdir / TOGETHER)
            print(f"    {row['verdict']} {row['time']:.0f} s {row['memory']:.0f} MB: {row['observed']}", flush=True)
            rows.append(row)
    finally:
        server.stop()
    total = time.monotonic() - began
    if results is not None:
        if only:  # a partial run replaces its own rows only
            chosen = {PREFIX + n for n in only}
            write_rows(results, rows, lambda name: name in chosen)
        else:
            write_rows(results, rows, owns_fault_row)
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        settings = ", ".join(f"`{k}={v}`" for k, v in FAULT_ENV.items() if k not in ("CRPV_LOG_LEVEL",))
        replace_section(results, "crawler:faults",
                        f"- Crawler fault scenarios (`make faults`, bench/faults.py, sites in "
                        f"tests/hostile): last run {stamp} on {machine()}, harvester code {code}, "
                        f"load average {os.getloadavg()[0]:.1f} at the end, {len(rows)} rows in "
                        f"{total / 60:.1f} min; each is one `crpv harvest` of a healthy site beside "
                        f"the hostile one, killed past its time cap or {memory_cap:.0f} MB; settings "
                        f"{settings}; time and peak memory are the harvest process's.",
                        "Reliability")
    print()
    print(f"{'scenario':<28} verdict  time   peak    failures")
    for row in rows:
        name = row["scenario"][len(PREFIX):].split(" ")[0]
        print(f"{name:<28} {row['verdict']:<7} {row['time']:>4.0f} s {row['memory']:>5.0f} MB  "
              f"{'; '.join(row['failures'])[:110]}")
    passed = sum(r["verdict"] == "pass" for r in rows)
    print(f"{passed}/{len(rows)} pass in {total / 60:.1f} min")
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=[], help="scenario names (default: all)")
    parser.add_argument("--no-together", action="store_true", help="skip the all-at-once harvest")
    parser.add_argument("--skip-fast", action="store_true",
                        help="only the scenarios tests/test_faults.py does not run (CI's share)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true", help="print only, leave the results file alone")
    parser.add_argument("--workdir", type=Path, default=None, help="keep databases and logs there")
    parser.add_argument("--memory-cap", type=float, default=MEMORY_CAP_MB, help="MB; the harvest is killed above")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parse_with_code(parser, argv)
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name:<24} {s.expected}")
        return 0
    if args.skip_fast:
        args.only = [s.name for s in SCENARIOS if s.name not in FAST and s.name not in args.only]
    unknown = [n for n in args.only if n not in {s.name for s in SCENARIOS}]
    if unknown:
        print(f"faults: unknown scenario(s): {', '.join(unknown)} (see --list)", file=sys.stderr)
        return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="crpv-faults-"))
    try:
        rows = run(args.only, not args.no_together, None if args.no_write else args.results,
                   workdir, args.memory_cap, code_label(args.code, args.code_label))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all(r["verdict"] == "pass" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
