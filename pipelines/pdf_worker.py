"""PDF files read in a child process: what one file costs, the harvest does not pay.

The crawler refuses a PDF whose streams inflate past 64 MB (`crawlers.sources.document`),
but under that bound one page can still hold millions of drawing operators: a 20 KB file
whose page inflates to 12 MB costs pypdf 6 s and 250 MB, and `read_pdf`'s own time budget,
checked between pages, cannot stop a page in the middle. Read here, a file meets a hard
deadline (`CRPV_PDF_SECONDS`: the child is killed, and a fresh one reads the next file) and
an address-space cap (pypdf's allocation fails inside the child; `read_pdf` keeps what it
read). The file becomes an error row; the harvest's memory and time stay its own.

The child also reads on a core of its own while the crawl goes on reading pages: PDF text
was a twentieth of a harvest's CPU, spent in the one process that drives every crawl.

Protocol on the child's stdin/stdout: a request is a 4-byte big-endian length and the
file's bytes; the answer, a 4-byte length and the JSON of `DocumentFacts`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import resource
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from normalize.documents import DocumentFacts, read_pdf, unread

__all__ = ["PdfWorker", "read_pdf_isolated", "shutdown"]

log = logging.getLogger(__name__)

# `read_pdf` stops between pages after 10 s; a file still being read well after that is
# stuck inside one page.
HARD_TIMEOUT_S = float(os.getenv("CRPV_PDF_SECONDS", "30"))
# Address space of the child: pypdf and the largest file accepted (60 MB) read in a few
# copies fit; an inflated bomb does not.
MEMORY_BYTES = 1 << 30
_HEADER = struct.Struct(">I")
_ROOT = Path(__file__).resolve().parent.parent  # where `-m pipelines.pdf_worker` is found


class PdfWorker:
    """A child process that reads PDF files one at a time, started on first use and
    replaced when it is killed or dies. `read` blocks: call it from a thread."""

    def __init__(self, timeout_s: float = HARD_TIMEOUT_S, memory_bytes: int = MEMORY_BYTES):
        self.timeout_s = timeout_s
        self.memory_bytes = memory_bytes
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def read(self, data: bytes) -> DocumentFacts:
        """The facts of one file, as `read_pdf` gives them, or an error in French when the
        child had to be stopped (deadline) or stopped by itself."""
        with self._lock:
            try:
                process = self._started()
            except OSError as exc:  # no child can be started here: read in this process
                log.warning("PDF reader process unavailable (%s): reading in process", exc)
                return read_pdf(data)
            try:
                _write_all(process.stdin.fileno(), _HEADER.pack(len(data)) + data)
                answer = _receive(process.stdout, time.monotonic() + self.timeout_s)
                return DocumentFacts(**json.loads(answer))
            except TimeoutError:
                self._stop()
                return unread(data, "lecture du PDF abandonnée (délai dépassé)")
            except (OSError, EOFError, ValueError):  # the child died (or wrote nonsense)
                self._stop()
                return unread(data, "lecture du PDF abandonnée (le lecteur s'est arrêté)")

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _started(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "pipelines.pdf_worker", str(self.memory_bytes)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                bufsize=0, cwd=_ROOT)
        return self._process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _write_all(fd: int, data: bytes) -> None:
    """All of `data` down the pipe (a write to a pipe may take part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _receive(stream, deadline: float) -> bytes:
    """One framed answer from the child, or TimeoutError past `deadline`."""
    fd = stream.fileno()
    header = _read_exactly(fd, _HEADER.size, deadline)
    return _read_exactly(fd, _HEADER.unpack(header)[0], deadline)


def _read_exactly(fd: int, size: int, deadline: float) -> bytes:
    chunks, missing = [], size
    while missing:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


_shared: PdfWorker | None = None
_shared_lock = threading.Lock()


async def read_pdf_isolated(data: bytes) -> DocumentFacts:
    """`read_pdf` in the shared child process, awaited without holding up the crawl."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = PdfWorker()
        worker = _shared
    return await asyncio.to_thread(worker.read, data)


def shutdown() -> None:
    """Stop the shared child (the harvest calls this once its crawls are over)."""
    global _shared
    with _shared_lock:
        worker, _shared = _shared, None
    if worker is not None:
        worker.close()


def serve(memory_bytes: int) -> None:
    """The child's loop: read a file, answer its facts, until stdin closes."""
    import pypdf  # noqa: F401 - imported before the cap, which is for the files

    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers goes down the answer pipe
    while True:
        header = requests.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        data = requests.read(_HEADER.unpack(header)[0])
        answer = json.dumps(dataclasses.asdict(read_pdf(data))).encode()
        answers.write(_HEADER.pack(len(answer)) + answer)
        answers.flush()


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_BYTES)
