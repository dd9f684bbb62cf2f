"""The quick quality benchmarks still run (they read test tables by path: a moved test file
must not silently break `make bench`). The figures themselves are held by the tests."""

from __future__ import annotations

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
