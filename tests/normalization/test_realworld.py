"""Page dates and main text on `corpus/realworld/`: real pages this project was never tuned
on, measured beside htmldate and trafilatura in the same run (`bench/quality_realworld.py`
prints the same figures with timings). The floors are the baselines themselves: we must be
at least as right as the library a reader would otherwise use."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import CORPUS, corpus_path

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality_realworld.py"
_spec = importlib.util.spec_from_file_location("quality_realworld", _BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def date_pages() -> list[dict]:
    corpus_path("realworld", "dates.json")
    return bench.realworld_pages(CORPUS, "dates")


@pytest.fixture(scope="module")
def text_pages() -> list[dict]:
    corpus_path("realworld", "text.json")
    return bench.realworld_pages(CORPUS, "text")


def test_publication_days_at_least_as_right_as_htmldate(date_pages):
    ours, _ = bench.date_scores(date_pages, [bench.ours_date(p) for p in date_pages])
    theirs, _ = bench.date_scores(date_pages, [bench.htmldate_original(p) for p in date_pages])
    assert len(date_pages) == 469
    assert ours >= theirs, (ours, theirs)
    assert ours / len(date_pages) >= 0.90


def test_main_text_keeps_as_much_and_leaks_less_than_trafilatura(text_pages):
    ours = bench.text_scores(text_pages, [bench.ours_text(p) for p in text_pages])
    theirs = bench.text_scores(text_pages, [bench.trafilatura_text(p) for p in text_pages])
    assert ours["kept_total"] == 1429 and ours["leaked_total"] == 1448
    assert ours["kept"] >= theirs["kept"], (ours["kept"], theirs["kept"])
    assert ours["leaked"] <= theirs["leaked"], (ours["leaked"], theirs["leaked"])
