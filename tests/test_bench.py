"""The quick quality benchmarks still run (they read test tables by path: a moved test file
must not silently break `make bench`). The figures themselves are held by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus_path

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize("script, line", [
    ("quality_dates.py", "own table of centre strings (tests/normalization/test_dates.py)"),
    ("quality_themes.py", "themes: 42 labelled items, precision 1.00, recall 1.00"),
])
def test_quality_benchmark_runs(script, line):
    corpus_path()  # both read the shared corpus
    result = subprocess.run([sys.executable, str(BENCH / script)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert line in result.stdout


def test_make_bench_without_the_corpus_says_what_it_skipped(tmp_path):
    result = subprocess.run([sys.executable, str(BENCH / "run_all.py"), "dates", "places"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "CRPV_CORPUS": str(tmp_path / "none")})
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"--- dates: skipped, no shared corpus at {tmp_path / 'none'} (set CRPV_CORPUS)" in result.stdout
    assert "--- places: skipped" in result.stdout and "Traceback" not in result.stderr
