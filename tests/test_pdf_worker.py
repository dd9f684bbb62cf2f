"""pipelines.pdf_worker: PDF files read in a child process, with a hard deadline and a memory
cap, answering exactly what `read_pdf` answers in process."""

from __future__ import annotations

import asyncio
import functools
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from crawlers.items import DocumentItem
from hostile.server import pdf, simple_pdf, stream
from normalize.documents import read_pdf
from normalize.themes import load_vocabulary
from pipelines.normalize import NormalizePipeline, normalize_document
from pipelines import pdf_worker
from pipelines.pdf_worker import PdfWorker

MIRROR_PDFS = sorted((Path(__file__).resolve().parent.parent / "data" / "mirror").rglob("*.pdf"))


@functools.cache
def slow_pdf(inflated_mb: int = 12) -> bytes:
    """A 20 KB file whose one page inflates to `inflated_mb` MB of drawing operators: under
    the crawler's inflation bound (64 MB), yet 6 s of pypdf and 250 MB in process."""
    operators = b"BT /F1 12 Tf 72 720 Td (Quartiers) Tj ET\n" + b" 0 0 m" * ((inflated_mb << 20) // 6)
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                stream(zlib.compress(operators, 9), "/Filter /FlateDecode "),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.fixture
def worker():
    made: list[PdfWorker] = []

    def make(**kwargs) -> PdfWorker:
        made.append(PdfWorker(**kwargs))
        return made[-1]

    yield make
    for w in made:
        w.close()


def test_the_child_answers_what_read_pdf_answers(worker):
    assert len(MIRROR_PDFS) == 226  # the demo mirror's files: a count that fails loudly
    child = worker()
    for path in MIRROR_PDFS[::15]:
        data = path.read_bytes()
        assert child.read(data) == read_pdf(data), path.name
    broken = b"%PDF-1.4\n%garbage only"
    assert child.read(broken) == read_pdf(broken)
    assert child.read(broken).error.startswith("PDF illisible")


def test_a_file_stuck_in_one_page_is_stopped_and_the_next_one_is_read(worker):
    child = worker(timeout_s=1.0)
    started = time.monotonic()
    stuck = child.read(slow_pdf())
    assert time.monotonic() - started < 5
    assert stuck.error == "lecture du PDF abandonnée (délai dépassé)"
    assert (stuck.pages, stuck.text, stuck.size_bytes) == (None, "", len(slow_pdf()))
    after = child.read(simple_pdf("Note de synthese"))  # a fresh child
    assert (after.error, after.pages, after.text) == (None, 1, "Note de synthese")


def test_a_file_that_needs_more_memory_than_the_cap_costs_the_child_only(worker):
    cap_mb = 200
    child = worker(memory_bytes=cap_mb << 20)
    facts = child.read(slow_pdf())
    # pypdf's allocation failed inside the page: the page gives no text, the file its facts.
    assert (facts.pages, facts.text) == (1, "")
    assert peak_mb(child._process.pid) < cap_mb
    assert child.read(simple_pdf()).text == "Rapport annuel"  # the same child goes on


def test_a_child_that_dies_gives_an_error_then_is_replaced(worker):
    child = worker()
    assert child.read(simple_pdf()).pages == 1
    child._process.kill()
    child._process.wait()
    assert child.read(simple_pdf()).pages == 1  # restarted before the request
    threading.Timer(0.5, child._process.kill).start()  # dies in the middle of a file
    assert child.read(slow_pdf()).error == "lecture du PDF abandonnée (le lecteur s'est arrêté)"
    assert child.read(simple_pdf()).pages == 1


def test_the_pipeline_awaits_the_child_for_a_pdf():
    data = MIRROR_PDFS[0].read_bytes()
    raw = DocumentItem(centre_id="labo_cites", file_url="https://example.org/docs/a.pdf",
                       parent_url=None, link_text="Repères n°32", content_type="application/pdf",
                       body=data, source_url="https://example.org/", fetched_at="2026-12-05T00:00:00+00:00")
    pipeline = NormalizePipeline.__new__(NormalizePipeline)
    pipeline.vocabulary = load_vocabulary()
    pipeline.crawler = type("Crawler", (), {"spider": type("Spider", (), {"context": None})()})()
    pending = pipeline.process_item(raw)
    assert asyncio.iscoroutine(pending)
    try:
        # A loop of its own, in a thread: another test may have left this thread's loop running.
        with ThreadPoolExecutor(1) as thread:
            record = thread.submit(asyncio.run, pending).result()
    finally:
        pdf_worker.shutdown()
    assert record == normalize_document(raw, pipeline.vocabulary)
    assert record.documents[0]["pages"] == read_pdf(data).pages > 0
