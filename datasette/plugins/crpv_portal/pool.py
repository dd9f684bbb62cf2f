"""Read connections of the public pages, on threads of their own.

Datasette runs every query of its own pages (tables, JSON, CSV, analysts' SQL) on one shared
pool of `num_sql_threads` threads. The public pages (home, search, agenda, feeds) get this
separate pool, so however busy the analysts' side is, a visitor's page never waits behind a
slow query. Each thread holds one read-only connection to the harvest database with the
publication's side file attached as `publication`; every query has a time limit (a progress
handler, as in Datasette) and the connection is `query_only`.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SIDE_NAME = "publication.db"
DEFAULT_THREADS = 2
DEFAULT_TIME_LIMIT_MS = 2000
# The time limit is checked every PROGRESS_STEPS SQLite instructions (~2 ms of work). Each
# check is a Python call, so it takes the GIL: at Datasette's 1000 a query's thread would take
# it hundreds of times per query and keep the event loop waiting; this keeps queries running
# beside the pages being rendered.
PROGRESS_STEPS = 25_000


class PortalTimeout(Exception):
    """A query of the public pages ran past its time limit."""


class NotPublished(Exception):
    """The side file of the publication is missing: `crpv serve` publishes it first."""


def sqlite_uri(path: Path | str, **params: str) -> str:
    """A `file:` URI for `path` (quoted), e.g. with mode=ro, for connect() and ATTACH."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(Path(path).absolute()))}" + (f"?{query}" if query else "")


def side_file(database_path: str | Path) -> Path:
    """The publication's side file beside the served database (the `publish/` directory)."""
    return Path(database_path).absolute().parent / SIDE_NAME


def attach_publication(conn: sqlite3.Connection, database_path: str | Path) -> bool:
    """ATTACH the side file read-only as `publication` (False when there is none)."""
    side = side_file(database_path)
    if not side.exists():
        return False
    conn.execute("attach database ? as publication", (sqlite_uri(side, mode="ro"),))
    return True


@dataclass
class Results:
    rows: list


class PagePool:
    """`execute(sql, params)` for the public pages, like `datasette.database.Database`."""

    def __init__(self, path: str | Path, threads: int | None = None,
                 time_limit_ms: int = DEFAULT_TIME_LIMIT_MS):
        self.path = Path(path)
        if not side_file(self.path).exists():
            raise NotPublished(str(side_file(self.path)))
        threads = threads or int(os.environ.get("CRPV_PAGE_THREADS") or DEFAULT_THREADS)
        self.executor = ThreadPoolExecutor(max_workers=max(1, threads),
                                           thread_name_prefix="portail-pages")
        self.time_limit = time_limit_ms / 1000
        self.local = threading.local()
        self.connections: list[sqlite3.Connection] = []

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(sqlite_uri(self.path, mode="ro"), uri=True,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.text_factory = lambda b: str(b, "utf-8", "replace")
            conn.execute("PRAGMA query_only=1")
            conn.execute("PRAGMA cache_size=-65536")
            attach_publication(conn, self.path)
            self.local.conn = conn
            self.connections.append(conn)
        return conn

    def _run(self, sql: str, params: dict) -> Results:
        conn = self._connection()
        deadline = time.perf_counter() + self.time_limit
        conn.set_progress_handler(lambda: 1 if time.perf_counter() > deadline else 0, PROGRESS_STEPS)
        try:
            return Results(conn.execute(sql, params).fetchall())
        except sqlite3.OperationalError as exc:
            if str(exc) == "interrupted":
                raise PortalTimeout(self.time_limit) from None
            raise
        finally:
            conn.set_progress_handler(None, PROGRESS_STEPS)

    async def execute(self, sql: str, params: dict | None = None) -> Results:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self._run, sql, params or {})

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        for conn in self.connections:
            conn.close()
