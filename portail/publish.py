"""Publish the harvested database for the portal: a consistent, immutable copy.

The harvest keeps writing to its own database; the portal serves a copy taken with the
SQLite backup API (consistent even while a harvest writes), with the analyst views added
and an inspect file (table counts and hash) so Datasette can open it immutable. The copy is
built in a temporary directory beside the target and moved into place with os.replace, so a
reader sees the old file or the new one, never a half-written database.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL_DIR = ROOT / "datasette"
PUBLISHED_NAME = "portail.db"
INSPECT_NAME = "inspect-data.json"
METADATA_NAME = "metadata.json"


def portal_package():
    """Import the portal helper package that lives beside the Datasette plugin files."""
    plugins = str(PORTAL_DIR / "plugins")
    if plugins not in sys.path:
        # Datasette loads plugin files by path; the helpers beside them are a plain package.
        sys.path.insert(0, plugins)
    import crpv_portal.metadata

    return crpv_portal


def default_publish_dir(db_path: Path) -> Path:
    """Where `crpv serve` publishes by default: `publish/` beside the database."""
    return Path(db_path).resolve().parent / "publish"


def publish(db_path: Path, publish_dir: Path) -> Path:
    """Copy `db_path` atomically to `publish_dir/portail.db` (+ inspect and metadata files)."""
    db_path, publish_dir = Path(db_path), Path(publish_dir)
    if not db_path.is_file():
        raise FileNotFoundError(f"{db_path}: database not found")
    publish_dir.mkdir(parents=True, exist_ok=True)
    package = portal_package()
    target = publish_dir / PUBLISHED_NAME
    staging = Path(tempfile.mkdtemp(prefix=".publish-", dir=publish_dir))
    try:
        staged = staging / PUBLISHED_NAME
        _backup(db_path, staged)
        _prepare_copy(staged, package.metadata.view_statements())
        inspect = inspect_data(staged, final_path=target)
        (staging / INSPECT_NAME).write_text(json.dumps(inspect, indent=2), encoding="utf-8")
        (staging / METADATA_NAME).write_text(
            json.dumps(package.metadata.build_metadata(), indent=2, ensure_ascii=False),
            encoding="utf-8")
        # Side files first: whoever notices the new database finds matching counts.
        os.replace(staging / METADATA_NAME, publish_dir / METADATA_NAME)
        os.replace(staging / INSPECT_NAME, publish_dir / INSPECT_NAME)
        os.replace(staged, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _backup(source: Path, dest: Path) -> None:
    """A consistent snapshot with the SQLite online backup API (safe during a harvest)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _prepare_copy(path: Path, statements: list[str]) -> None:
    """Views for analysts, then a single rollback-journal file (immutable readers need no WAL)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        for statement in statements:
            conn.executescript(statement)
        conn.execute("PRAGMA optimize")
        conn.commit()
    finally:
        conn.close()


def inspect_data(path: Path, final_path: Path | None = None, name: str = "portail") -> dict:
    """The `datasette inspect` JSON for one file: hash, size and a row count per table."""
    from datasette.inspect import inspect_hash

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "select name from sqlite_master where type = 'table' order by name")]
        counts = {}
        for table in tables:
            try:
                counts[table] = {"count": conn.execute(
                    f'select count(*) from "{table}"').fetchone()[0]}
            except sqlite3.DatabaseError:
                counts[table] = {"count": 0}  # e.g. an FTS shadow table without its module
    finally:
        conn.close()
    return {name: {"hash": inspect_hash(Path(path)), "size": Path(path).stat().st_size,
                   "file": str(final_path or path), "tables": counts}}
