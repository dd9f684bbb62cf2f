"""One SQLite connection per database file and process, shared by the crawlers of a harvest."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from pipelines.schema import ensure_schema

_OPEN: dict[str, sqlite_utils.Database] = {}


def shared_database(path: str | Path) -> sqlite_utils.Database:
    """The process-wide Database for `path`, with the schema in place."""
    key = str(Path(path).resolve())
    if key not in _OPEN:
        db = sqlite_utils.Database(key)
        ensure_schema(db)
        # Durable at each commit boundary of WAL, without an fsync per row.
        db.execute("PRAGMA synchronous=NORMAL")
        db.conn.execute("PRAGMA busy_timeout=30000")
        _OPEN[key] = db
    return _OPEN[key]
