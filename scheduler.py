"""`python scheduler.py [--registry R] [--db D] [--list] [--once]`: the harvest scheduler.

The same as `crpv schedule`; the logic lives in `portail/schedule.py`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from portail.schedule import run_scheduler


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the scheduler; returns the exit code."""
    parser = argparse.ArgumentParser(prog="scheduler.py", description="The harvest scheduler of Portail CRPV (the same as `crpv schedule`).")
    parser.add_argument("--registry", type=Path, default=None, help="centre registry (default data/centres.yaml)")
    parser.add_argument("--db", type=Path, default=Path("data/portail.db"), help="SQLite database")
    parser.add_argument("--list", dest="list_only", action="store_true", help="print every job and its next run")
    parser.add_argument("--once", action="store_true", help="run every enabled centre's light job once")
    args = parser.parse_args(argv)
    return run_scheduler(args.registry, args.db, list_only=args.list_only, once=args.once)


if __name__ == "__main__":
    sys.exit(main())
