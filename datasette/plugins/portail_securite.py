"""Datasette plugin: the portal under abuse.

- Arbitrary SQL (`/portail?sql=`, `_where=`) is off unless `CRPV_PUBLIC_SQL=on`; canned
  queries and the JSON/CSV API of tables and views stay open.
- Lanes, so that a visitor never waits behind an abusive client:
  * `public`: the portal's own pages and feeds, on their own pool (`crpv_portal.pool`);
  * `donnees`: Datasette's light pages (tables, rows, views, canned queries, JSON, CSV by
    index), on Datasette's own threads, `CRPV_ANALYST_SLOTS` at a time;
  * `lourd`: what makes Datasette scan a table (column operators such as `__contains`,
    `_facet…`, `_search…`, `_stream`, a sort on a column without index), on one thread of
    its own at a lower CPU priority, `CRPV_HEAVY_SLOTS` at a time, each slot resting as long
    as its request ran (at most half a core for the lane);
  * `sql`: arbitrary SQL when on, the same way (`CRPV_SQL_SLOTS`), with a 1 s limit.
  A request that finds its lane full waits a few seconds, then gets a French 503 with
  Retry-After: abusive clients queue among themselves. The slots of `lourd` and `sql` are
  lock files, shared by every worker process of the server.
- Memory: every connection Datasette opens has SQLite limits (a value of at most 5 MB, SQL
  text of 100 kB, bounded expression depth and compound selects), a bounded page cache, and
  a row factory that stops a result past 32 MB; the SQLite heap has a hard limit.
- Every response carries security headers (CSP, nosniff, frame-ancestors/X-Frame-Options,
  Referrer-Policy), Datasette's own pages, JSON, CSV, feeds and static files included.
- Errors: French pages (JSON for .json) that never show SQL or parameters; a bad parameter is
  a 400, never a 500.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import contextvars
import fcntl
import hashlib
import json
import os
import re
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
import datasette.database as datasette_database
from datasette.database import Database, connections as database_connections
from datasette.utils.asgi import Base400, Forbidden, NotFound, Response
from datasette.views.base import DatasetteError

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from crpv_portal import DB_NAME  # noqa: E402
from crpv_portal.metadata import SORTABLE  # noqa: E402
from crpv_portal.pool import (  # noqa: E402
    PROGRESS_STEPS, NotPublished, PortalTimeout, attach_publication,
)

# --- settings -------------------------------------------------------------------------------

TRUE = {"1", "on", "oui", "true", "yes"}


def public_sql_enabled() -> bool:
    """CRPV_PUBLIC_SQL=on opens arbitrary read-only SQL to everyone (off by default)."""
    return (os.environ.get("CRPV_PUBLIC_SQL") or "off").strip().lower() in TRUE


def _int_env(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name) or default))
    except ValueError:
        return default


SQL_TIME_LIMIT_MS = 1000       # arbitrary SQL, when on
HEAVY_COOLDOWN = 1.0           # scans and arbitrary SQL: at most half a core each
ADMISSION_WAIT_SECONDS = 3.0   # a request waits this long for a slot, then gets a 503
MAX_VALUE_BYTES = 5_000_000    # SQLITE_LIMIT_LENGTH: no string or blob larger than this
MAX_RESULT_BYTES = 32_000_000  # rows fetched by one statement of Datasette's own pages
HEAP_LIMIT_BYTES = 1_000_000_000
LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 20,
    # Above max_returned_rows (1000): a CSV of 1000 rows expands its labels in one query.
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 2000,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 32,
    sqlite3.SQLITE_LIMIT_ATTACHED: 2,
}

# --- the public pages (their own pool; never admitted through the analysts' lane) -----------

PUBLIC_PATHS = re.compile(
    r"^/(?:$|recherche$|agenda$|etat-des-sources$|elements/[^/]+$|centres/[^/]+$"
    rf"|{DB_NAME}/agenda\.ics$|{DB_NAME}/actualites\.atom$|static/|-/static/|favicon\.ico$)")


HEAVY_PREFIXES = ("_facet", "_search", "_stream", "_through", "_fts")
LIGHT_OPERATORS = ("__exact", "__isnull", "__notblank", "__isblank")
_TABLE_PATH = re.compile(rf"^/{DB_NAME}/([^/]+?)(?:\.(?:json|csv))?$")


def lane_of(path: str, query: dict) -> str:
    """public, sql (arbitrary SQL), lourd (makes Datasette scan a table) or donnees."""
    if PUBLIC_PATHS.match(path):
        return "public"
    if "sql" in query or "_where" in query:
        return "sql"
    for name in query:
        if name.startswith(HEAVY_PREFIXES) or ("__" in name and not name.endswith(LIGHT_OPERATORS)):
            return "lourd"
    sort = query.get("_sort") or query.get("_sort_desc")
    if sort:
        table = _TABLE_PATH.match(path)
        if not table or sort not in SORTABLE.get(table.group(1), ()):
            return "lourd"  # only the declared sortable columns have an index
    return "donnees"


# Threads of the lanes that must never take Datasette's own (created on first use).
_LANE = contextvars.ContextVar("crpv_lane", default=None)
_EXECUTORS: dict[str, ThreadPoolExecutor] = {}


def _install_lane_executors() -> None:
    """Datasette 0.65.5 runs every query on `ds.executor`; queries made while serving a
    request of the `lourd` or `sql` lane run on that lane's own threads instead (each thread
    with its own connection, prepared as Datasette prepares its own)."""
    original = Database.execute_fn
    if getattr(original, "crpv_lanes", False):
        return

    async def execute_fn(self, fn):
        executor = _EXECUTORS.get(_LANE.get() or "")
        if executor is None or self.ds.executor is None:
            return await original(self, fn)

        def in_thread():
            conn = getattr(database_connections, self.name, None)
            if not conn:
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                setattr(database_connections, self.name, conn)
            return fn(conn)

        return await asyncio.get_running_loop().run_in_executor(executor, in_thread)

    execute_fn.crpv_lanes = True
    Database.execute_fn = execute_fn
    # Datasette checks its time limit every 1000 SQLite steps, a Python call that takes the
    # GIL each time: a query running its 3 s would take it thousands of times a second and
    # keep the event loop that renders the pages waiting. Every 25,000 steps (~2 ms) it is
    # as precise for a limit in seconds.
    datasette_database.sqlite_timelimit = sqlite_timelimit


@contextlib.contextmanager
def sqlite_timelimit(conn, ms):
    deadline = time.perf_counter() + ms / 1000
    steps = 1 if ms <= 20 else PROGRESS_STEPS
    conn.set_progress_handler(lambda: 1 if time.perf_counter() >= deadline else 0, steps)
    try:
        yield
    finally:
        conn.set_progress_handler(None, steps)


def _lower_priority() -> None:
    """Threads of the lanes that scan run at a lower CPU priority than the pages (Linux)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


_install_lane_executors()


class Admission:
    """At most `slots` requests of a lane at once in this process; the others wait up to
    `wait` seconds for a slot, then get a 503 (Retry-After). With a `cooldown`, a slot stays
    taken that many times as long as its request took after it answered: a lane of scans
    then uses at most 1 / (1 + cooldown) of a core, however many clients push at it."""

    def __init__(self, slots: int, wait: float = ADMISSION_WAIT_SECONDS, cooldown: float = 0.0):
        self.slots = slots
        self.wait = wait
        self.cooldown = cooldown
        self.semaphore: asyncio.Semaphore | None = None
        self.refused = 0

    async def acquire(self):
        """A token for release(), or None when no slot came free in time."""
        if self.semaphore is None:  # created in the server's event loop
            self.semaphore = asyncio.Semaphore(self.slots)
        try:
            await asyncio.wait_for(self.semaphore.acquire(), self.wait)
            return True
        except asyncio.TimeoutError:
            self.refused += 1
            return None

    def release(self, token, took: float = 0.0) -> None:
        if self.cooldown and took > 0:
            asyncio.get_running_loop().call_later(took * self.cooldown, self.semaphore.release)
        else:
            self.semaphore.release()


class SharedAdmission(Admission):
    """The same, with slots that are lock files (flock): one budget for every worker process
    of the server, so two workers never run two scans at once."""

    def __init__(self, slots: int, directory: Path, name: str,
                 wait: float = ADMISSION_WAIT_SECONDS, cooldown: float = 0.0):
        super().__init__(slots, wait, cooldown)
        directory.mkdir(parents=True, exist_ok=True)
        self.files = [open(directory / f"{name}-{n}.lock", "a+b") for n in range(slots)]
        self.held: set[int] = set()  # flock does not exclude this process from itself

    async def acquire(self):
        deadline = time.monotonic() + self.wait
        while True:
            for n, handle in enumerate(self.files):
                if n in self.held:
                    continue
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                self.held.add(n)
                return n
            if time.monotonic() >= deadline:
                self.refused += 1
                return None
            await asyncio.sleep(0.02)

    def release(self, token, took: float = 0.0) -> None:
        def free():
            fcntl.flock(self.files[token].fileno(), fcntl.LOCK_UN)
            self.held.discard(token)

        if self.cooldown and took > 0:
            asyncio.get_running_loop().call_later(took * self.cooldown, free)
        else:
            free()


def _lock_directory(datasette) -> Path:
    """Where the shared slots of one served database live (same for all its workers)."""
    try:
        path = str(Path(datasette.get_database(DB_NAME).path).absolute())
    except (KeyError, TypeError):
        path = "memory"
    return Path(tempfile.gettempdir()) / ("crpv-lanes-" + hashlib.sha1(path.encode()).hexdigest()[:12])


# --- security headers -----------------------------------------------------------------------

def _script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


# Datasette's table page declares one inline script; its hash lets it run, nothing else.
INLINE_HASHES = " ".join(_script_hash(f"DATASETTE_ALLOW_FACET = {v};") for v in ("true", "false"))
HTML_CSP = ("default-src 'self'; script-src 'self' " + INLINE_HASHES + "; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
OTHER_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
BASE_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"strict-origin-when-cross-origin",
    b"cross-origin-opener-policy": b"same-origin",
}


def _with_security_headers(headers: list) -> list:
    present = {name.lower() for name, _ in headers}
    out = list(headers)
    for name, value in BASE_HEADERS.items():
        if name not in present:
            out.append((name, value))
    if b"content-security-policy" not in present:
        content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
        csp = HTML_CSP if content_type.startswith(b"text/html") else OTHER_CSP
        out.append((b"content-security-policy", csp.encode()))
    return out


# --- request checks -------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_QUERY_STRING = 8000
MAX_PARAMS = 60
INTEGER_PARAMS = ("_size", "_timelimit", "_facet_size", "page")


def bad_request_reason(path: str, query_string: bytes) -> str | None:
    """Why a request cannot be answered (French), before any SQL runs; None if it can."""
    if len(query_string) > MAX_QUERY_STRING:
        return "L'adresse demandée est trop longue."
    try:
        raw = query_string.decode("ascii")
        pairs = parse_qsl(raw, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return "L'adresse contient des caractères mal encodés."
    if len(pairs) > MAX_PARAMS:
        return "L'adresse contient trop de paramètres."
    if _CONTROL.search(path) or any(_CONTROL.search(k) or _CONTROL.search(v) for k, v in pairs):
        return "L'adresse contient des caractères de contrôle."
    for name, value in pairs:
        if name in INTEGER_PARAMS and value not in ("", "max") and not (
                value.isascii() and value.isdigit() and len(value) < 10):
            return f"Le paramètre « {name} » doit être un nombre entier."
    return None


def _with_sql_time_limit(query_string: bytes) -> bytes:
    """Arbitrary SQL gets SQL_TIME_LIMIT_MS (Datasette honours a lower _timelimit only)."""
    pairs = [(k, v) for k, v in parse_qsl(query_string.decode("ascii"), keep_blank_values=True)
             if k != "_timelimit"]
    pairs.append(("_timelimit", str(SQL_TIME_LIMIT_MS)))
    return urlencode(pairs).encode("ascii")


# --- French error pages ---------------------------------------------------------------------

TITLES = {400: "Requête invalide", 403: "Accès refusé", 404: "Page introuvable",
          405: "Méthode non autorisée", 500: "Erreur interne du portail",
          503: "Portail momentanément très sollicité"}
MESSAGES = {
    400: "Un paramètre de l'adresse n'est pas valide pour cette page. Vérifiez l'adresse ou "
         "repartez de la page précédente.",
    403: "Cette page n'est pas ouverte au public.",
    404: "Cette adresse ne correspond à aucune page du portail.",
    405: "Cette adresse ne s'utilise qu'en lecture.",
    500: "Une erreur est survenue de notre côté. Elle est enregistrée ; réessayez plus tard.",
    503: "Trop de demandes arrivent en même temps. Réessayez dans quelques secondes.",
}
SQL_OFF = ("Les requêtes SQL libres sont désactivées sur ce portail. Les tables, les vues et les "
           "requêtes prédéfinies restent consultables, avec leurs exports JSON et CSV.")
TIMEOUT = ("La requête a dépassé le temps autorisé. Ajoutez un filtre ou une limite, ou utilisez "
           "une requête prédéfinie.")
TOO_BIG = "Le résultat demandé est trop volumineux. Ajoutez une limite ou choisissez moins de colonnes."
# Our own French messages (raised by the portal's pages) are shown as they are.
OWN_MESSAGES = re.compile(r"^(Élément|Centre) introuvable$")


def _french_error(exception, request) -> tuple[int, str, str]:
    """(status, title, message) for any exception; never SQL, parameters or a traceback."""
    public = PUBLIC_PATHS.match(request.path or "/") is not None
    if isinstance(exception, PortalTimeout):
        return 503, TITLES[503], MESSAGES[503]
    if isinstance(exception, NotPublished):
        return 503, TITLES[503], "Le portail est en cours de publication. Réessayez dans un instant."
    if isinstance(exception, Forbidden):
        if not public_sql_enabled() and ("sql" in request.args or "_where" in request.args
                                         or "sql" in str(exception).lower()):
            return 403, TITLES[403], SQL_OFF
        return 403, TITLES[403], MESSAGES[403]
    if isinstance(exception, NotFound):
        message = str(exception.args[0]) if exception.args else ""
        return 404, TITLES[404], message if OWN_MESSAGES.match(message) else MESSAGES[404]
    if isinstance(exception, Base400):
        status = exception.status if exception.status in TITLES else 400
        return status, TITLES[status], MESSAGES[status]
    title = getattr(exception, "title", None)
    status = getattr(exception, "status", None)
    message = str(getattr(exception, "message", "") or exception)
    if title == "SQL Interrupted" or "interrupted" in message.lower():
        return 400, TITLES[400], TIMEOUT
    if "too big" in message.lower() or "trop volumineux" in message.lower():
        return 400, TITLES[400], TOO_BIG
    if status == 403:
        return 403, TITLES[403], MESSAGES[403]
    if status == 404:
        return 404, TITLES[404], MESSAGES[404]
    if not public and (status == 400 or isinstance(exception, (
            DatasetteError, sqlite3.Error, ValueError, TypeError, KeyError, IndexError,
            OverflowError, UnicodeError, json.JSONDecodeError))):
        # Datasette's own pages: a parameter (column, sort, facet, cursor…) they could not use.
        return 400, TITLES[400], MESSAGES[400]
    return 500, TITLES[500], MESSAGES[500]


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    async def inner():
        status, title, message = _french_error(exception, request)
        if status == 500:
            traceback.print_exception(exception)
        headers = {"Retry-After": "5"} if status == 503 else {}
        if request.path.split("?")[0].endswith(".json"):
            return Response.json({"ok": False, "status": status, "title": title, "error": message},
                                 status=status, headers=headers)
        html = await datasette.render_template(
            "error.html", {"status": status, "title": title, "error": message}, request=request)
        return Response.html(html, status=status, headers=headers)

    return inner


# --- permissions ------------------------------------------------------------------------------

@hookimpl
def permission_allowed(datasette, actor, action, resource):
    if action == "execute-sql" and not public_sql_enabled():
        return False
    return None


# --- connections ------------------------------------------------------------------------------

def _budgeted_row_factory(limit: int):
    """sqlite3.Row rows, but a statement whose rows pass `limit` bytes stops with an error."""
    state = {"cursor": None, "used": 0}

    def factory(cursor, row):
        current = state["cursor"]() if state["cursor"] is not None else None
        if current is not cursor:
            state["cursor"], state["used"] = weakref.ref(cursor), 0
        state["used"] += sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in row) + 16
        if state["used"] > limit:
            raise sqlite3.OperationalError("résultat trop volumineux")
        return sqlite3.Row(cursor, row)

    return factory


_HEAP_LIMIT_SET = False


@hookimpl
def prepare_connection(conn, database, datasette):
    global _HEAP_LIMIT_SET
    if database.startswith("_"):
        return
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    conn.execute("PRAGMA cache_size=-32000")
    if not _HEAP_LIMIT_SET:  # process-wide backstop
        conn.execute(f"PRAGMA hard_heap_limit={HEAP_LIMIT_BYTES}")
        _HEAP_LIMIT_SET = True
    conn.row_factory = _budgeted_row_factory(MAX_RESULT_BYTES)
    path = datasette.databases[database].path if database in datasette.databases else None
    if database == DB_NAME and path:
        attach_publication(conn, path)


# --- the ASGI wrapper -------------------------------------------------------------------------

@hookimpl
def asgi_wrapper(datasette):
    threads = datasette.setting("num_sql_threads") or 3
    locks = _lock_directory(datasette)
    lanes = {"donnees": Admission(_int_env("CRPV_ANALYST_SLOTS", threads)),
             "lourd": SharedAdmission(_int_env("CRPV_HEAVY_SLOTS", 1), locks, "lourd",
                                      cooldown=HEAVY_COOLDOWN),
             "sql": SharedAdmission(_int_env("CRPV_SQL_SLOTS", 1), locks, "sql",
                                    cooldown=HEAVY_COOLDOWN)}
    for lane in ("lourd", "sql"):
        if lane not in _EXECUTORS:
            _EXECUTORS[lane] = ThreadPoolExecutor(max_workers=lanes[lane].slots,
                                                  thread_name_prefix=f"portail-{lane}",
                                                  initializer=_lower_priority)
    datasette._crpv_lanes = lanes  # for the tests and the load benchmark

    def wrap(app):
        async def guarded(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    message = dict(message, headers=_with_security_headers(message.get("headers", [])))
                await send(message)

            path = scope.get("path", "/")
            if PUBLIC_PATHS.match(path):  # the portal's own pages check their own input
                return await app(scope, receive, send_with_headers)
            query_string = scope.get("query_string", b"")
            reason = bad_request_reason(path, query_string)
            if reason is not None:
                return await _send_error(datasette, scope, send_with_headers, 400, TITLES[400], reason)
            query = dict(parse_qsl(query_string.decode("ascii"), keep_blank_values=True))
            lane = lane_of(path, query)
            if lane == "sql" and not public_sql_enabled():
                return await _send_error(datasette, scope, send_with_headers, 403, TITLES[403], SQL_OFF)
            if lane == "sql":
                scope = dict(scope, query_string=_with_sql_time_limit(query_string))
            admission = lanes[lane]
            slot = await admission.acquire()
            if slot is None:
                return await _send_error(datasette, scope, send_with_headers, 503, TITLES[503],
                                         MESSAGES[503], {"retry-after": "5"})
            token = _LANE.set(lane)
            started = time.monotonic()
            try:
                return await app(scope, receive, send_with_headers)
            finally:
                _LANE.reset(token)
                admission.release(slot, time.monotonic() - started)

        return guarded

    return wrap


async def _send_error(datasette, scope, send, status: int, title: str, message: str,
                      extra: dict | None = None) -> None:
    path = scope.get("path", "/")
    headers = [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    if path.endswith(".json"):
        body = json.dumps({"ok": False, "status": status, "title": title, "error": message},
                          ensure_ascii=False).encode()
        content_type = b"application/json; charset=utf-8"
    else:
        body = (await datasette.render_template(
            "error.html", {"status": status, "title": title, "error": message})).encode()
        content_type = b"text/html; charset=utf-8"
    headers = _with_security_headers([(b"content-type", content_type)] + headers)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
