"""Where the database lives, and a check that a path is usable before any work starts."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

DEFAULT_DB = Path("data/portail.db")


class DatabasePathError(ValueError):
    """A database path that cannot be used; the message is one line for the user."""


def check_database_path(path: Path, must_exist: bool = False) -> None:
    """Raise DatabasePathError unless `path` is (or can become) a SQLite database."""
    path = Path(path)
    if path.is_dir():
        raise DatabasePathError(f"{path}: is a directory, not a database file")
    if not path.exists():
        if must_exist:
            raise DatabasePathError(f"{path}: database not found (run 'crpv harvest' first)")
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise DatabasePathError(f"{path}: directory {parent} does not exist")
        if not os.access(parent, os.W_OK):
            raise DatabasePathError(f"{path}: directory {parent} is not writable")
        return
    if not os.access(path, os.R_OK):
        raise DatabasePathError(f"{path}: database file is not readable")
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise DatabasePathError(f"{path}: cannot read ({exc.strerror})") from None
    if header and header != b"SQLite format 3\x00":
        raise DatabasePathError(f"{path}: not a SQLite database")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        connection.execute("PRAGMA schema_version").fetchone()
        connection.close()
    except sqlite3.DatabaseError as exc:
        raise DatabasePathError(f"{path}: unusable SQLite database ({exc})") from None
