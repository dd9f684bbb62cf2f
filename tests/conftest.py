"""Shared test fixtures: the corpus location, an in-memory database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("CRPV_CORPUS", ROOT.parent / "shared" / "corpus"))


def corpus_path(*parts: str) -> Path:
    """A path inside the shared corpus; skips the test when the corpus is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (set CRPV_CORPUS)")
    return path


@pytest.fixture
def memory_db() -> sqlite_utils.Database:
    from pipelines.schema import ensure_schema

    db = sqlite_utils.Database(memory=True)
    ensure_schema(db)
    return db
