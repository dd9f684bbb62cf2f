"""Places read beside the crawl: a child process analyses each centre's items as soon as
that centre's crawl has ended, while the others are still being crawled.

Finding the communes an item is about is a twentieth of a harvest's CPU; left to the end
(`after_harvest`), it waited for the last crawl and ran on one core. The child opens the
database on its own and runs `update_places` for one centre at a time (each batch read
first, written in a short transaction); `after_harvest` still runs `update_places` over
every centre once the child is done, which finds nothing left unless the child failed.

The child dies with the harvest (Linux: PR_SET_PDEATHSIG), so a harvest that is killed
leaves no writer behind; what it had not committed is rolled back by SQLite.

Protocol: centre ids on the child's stdin, one per line; it ends when stdin closes.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["PlacesAlongside"]

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parent.parent  # where `-m pipelines.places_alongside` is found
_PR_SET_PDEATHSIG = 1


class PlacesAlongside:
    """The parent's side: `centre_done` after each crawl, `finish` before `after_harvest`
    (or `abandon` when the harvest fails)."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._process: subprocess.Popen | None = None
        self._errors = None  # the child's stderr (a file: a pipe nobody reads could fill)

    def centre_done(self, centre_id: str) -> None:
        """Queue one centre whose crawl has ended (the child is started on first use)."""
        try:
            if self._process is None:
                self._errors = tempfile.TemporaryFile(mode="w+")
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "pipelines.places_alongside", str(self.db_path)],
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._errors,
                    cwd=_ROOT, text=True)
            self._process.stdin.write(centre_id + "\n")
            self._process.stdin.flush()
        except OSError as exc:  # no child, or it died: after_harvest reads every place
            log.warning("places beside the crawl unavailable (%s): read after it", exc)
            self.abandon()

    def finish(self, timeout_s: float = 600.0) -> None:
        """Let the child read what is queued, then end; `after_harvest` reads what is left."""
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.stdin.close()
            process.wait(timeout=timeout_s)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        if process.returncode != 0:
            self._errors.seek(0)
            last = (self._errors.read().strip().splitlines() or [""])[-1]
            log.warning("places beside the crawl stopped (exit %s) %s", process.returncode, last)
        self._errors.close()

    def abandon(self) -> None:
        """Stop the child now (the harvest itself failed): what it committed stays."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()
        if self._errors is not None:
            self._errors.close()


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's stdin closing ends the loop
        pass


def main(db_path: str) -> int:
    _die_with_parent()
    from pipelines.db import shared_database
    from pipelines.places import update_places

    db = shared_database(db_path)
    for line in sys.stdin:
        if line.strip():
            update_places(db, centre_id=line.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
