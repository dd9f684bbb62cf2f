"""One SQLite connection per database file and process, shared by the crawlers of a harvest."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from pipelines.schema import ensure_schema

_OPEN: dict[str, sqlite_utils.Database] = {}
# How long a writer waits for another process's transaction (the places read beside the
# crawl, another centre's harvest started by the scheduler) before giving up.
BUSY_TIMEOUT_MS = 30_000


def shared_database(path: str | Path) -> sqlite_utils.Database:
    """The process-wide Database for `path`, with the schema in place."""
    key = str(Path(path).resolve())
    if key not in _OPEN:
        db = sqlite_utils.Database(key)
        db.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # before the schema's writes
        ensure_schema(db)
        # Durable at each commit boundary of WAL, without an fsync per row.
        db.execute("PRAGMA synchronous=NORMAL")
        _OPEN[key] = db
    return _OPEN[key]


# The harvest's hot paths write one row at a time, thousands of times: sqlite-utils asks the
# schema of the table on every call (PRAGMA table_info), which costs more than the write.
# These write with plain statements; column names come from the code, never from a page.

def _columns(row: dict) -> str:
    return ", ".join(f'"{name}"' for name in row)


def insert_row(db, table: str, row: dict, conflict: str | None = None) -> int:
    """INSERT (OR REPLACE / OR IGNORE with `conflict`) one row; the new rowid."""
    verb = f"insert or {conflict}" if conflict else "insert"
    cursor = db.conn.execute(f'{verb} into "{table}" ({_columns(row)}) values '
                             f'({", ".join("?" * len(row))})', list(row.values()))
    return cursor.lastrowid


def insert_rows(db, table: str, rows: list[dict], conflict: str | None = None) -> None:
    """The same for rows sharing one set of columns."""
    if not rows:
        return
    verb = f"insert or {conflict}" if conflict else "insert"
    db.conn.executemany(f'{verb} into "{table}" ({_columns(rows[0])}) values '
                        f'({", ".join("?" * len(rows[0]))})', [list(r.values()) for r in rows])


def upsert_row(db, table: str, row: dict, key: str) -> None:
    """Insert `row`, or update the columns it names where `key` matches (other columns kept)."""
    others = [name for name in row if name != key]
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in others) or f'"{key}" = "{key}"'
    db.conn.execute(f'insert into "{table}" ({_columns(row)}) values ({", ".join("?" * len(row))}) '
                    f'on conflict("{key}") do update set {updates}', list(row.values()))


def update_row(db, table: str, key: str, value, changes: dict) -> None:
    """UPDATE the row whose `key` is `value` with `changes`."""
    assignments = ", ".join(f'"{name}" = ?' for name in changes)
    db.conn.execute(f'update "{table}" set {assignments} where "{key}" = ?',
                    [*changes.values(), value])
