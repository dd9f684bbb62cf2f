"""Serve mirror sites (and test sites) on loopback, one HTTP server per site.

Each site directory (see docs/CONTRACTS.md "On-disk format of a served site") gets its
own `ThreadingHTTPServer` on `127.42.0.N`, all sharing one port, so every centre has a
distinct origin like the real network. Where those addresses cannot be bound, sites fall
back to 127.0.0.1 with one port each.
"""

from __future__ import annotations

import calendar as _calendar
import gzip
import hashlib
import json
import re
import socket
import threading
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

TEXT_MARKERS = ("text/", "xml", "json", "calendar", "javascript")
EXT_TYPES = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
             ".xml": "application/xml; charset=utf-8", ".rss": "application/rss+xml; charset=utf-8",
             ".atom": "application/atom+xml; charset=utf-8", ".ics": "text/calendar; charset=utf-8",
             ".json": "application/json", ".txt": "text/plain; charset=utf-8",
             ".pdf": "application/pdf", ".css": "text/css; charset=utf-8",
             ".js": "application/javascript", ".png": "image/png", ".jpg": "image/jpeg",
             ".doc": "application/msword",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
OTHER_ORIGIN = re.compile(rb"__ORIGIN:([a-z0-9][a-z0-9_-]*)__")
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
MONTH_PATH = re.compile(r"^(\d{4})-(\d{2})/?$")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:
        """Stay quiet when a client hangs up mid-answer (crawlers cancel requests)."""


class SiteData:
    """One site's routes and files, loaded from its directory."""

    def __init__(self, site_dir: Path):
        self.dir = site_dir
        self.meta = json.loads((site_dir / "_site.json").read_text(encoding="utf-8"))
        routes = json.loads((site_dir / "_routes.json").read_text(encoding="utf-8"))
        self.routes: dict[str, dict] = routes.get("routes", {})
        self.traps: list[dict] = routes.get("traps", [])
        self.id: str = self.meta.get("id") or site_dir.name
        self.last_modified: str = self.meta.get("last_modified") or format_datetime(
            parsedate_to_datetime("Mon, 01 Jan 2024 00:00:00 GMT"), usegmt=True)
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def read(self, rel: str) -> bytes:
        """The bytes of a site file (cached)."""
        with self._lock:
            if rel not in self._cache:
                self._cache[rel] = (self.dir / rel).read_bytes()
            return self._cache[rel]

    def rewrite(self, rel: str, body: bytes) -> None:
        """Serve `body` for the site file `rel` from now on (the file on disk is kept)."""
        with self._lock:
            self._cache[rel] = body


class MirrorServer:
    """Serve every site directory under `root` on its own loopback origin."""

    def __init__(self, root: Path, sites: list[str] | None = None,
                 host_base: str = "127.42.0.", port: int = 0):
        self.root = Path(root)
        self.host_base = host_base
        self.port = port
        names = sites if sites is not None else self._site_order()
        self.sites = [SiteData(self.root / name) for name in names]
        self.origins: dict[str, str] = {}
        self.requests: list[tuple[str, str, str, int, int]] = []
        self._log_lock = threading.Lock()
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    def _site_order(self) -> list[str]:
        """Site directories, in ground-truth (registry) order when known, else by name."""
        dirs = sorted(p.name for p in self.root.iterdir() if (p / "_routes.json").exists())
        truth = self.root / "ground_truth.json"
        if truth.exists():
            order = list(json.loads(truth.read_text(encoding="utf-8"))["centres"])
            return [d for d in order if d in dirs] + [d for d in dirs if d not in order]
        return dirs

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> dict[str, str]:
        """Bind and serve every site; returns {site_id: origin}."""
        servers = self._bind_shared_port() or self._bind_fallback()
        self._servers = servers
        for site, server in zip(self.sites, servers):
            host, port = server.server_address[:2]
            self.origins[site.id] = f"http://{host}:{port}"
        for site, server in zip(self.sites, servers):
            server.RequestHandlerClass = _handler_for(self, site)
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                      name=f"mirror-{site.id}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return dict(self.origins)

    def _bind_shared_port(self) -> list[_Server] | None:
        hosts = [f"{self.host_base}{n}" for n in range(1, len(self.sites) + 1)]
        for _attempt in range(20):
            servers: list[_Server] = []
            try:
                first = _Server((hosts[0], self.port), BaseHTTPRequestHandler)
                servers.append(first)
                port = first.server_address[1]
                for host in hosts[1:]:
                    servers.append(_Server((host, port), BaseHTTPRequestHandler))
                return servers
            except OSError:
                for server in servers:
                    server.server_close()
                if self.port:  # a fixed port that is taken: try the fallback
                    return None
        return None

    def _bind_fallback(self) -> list[_Server]:
        return [_Server(("127.0.0.1", 0), BaseHTTPRequestHandler) for _ in self.sites]

    def stop(self) -> None:
        """Stop every server and release the ports."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> "MirrorServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def change_page(self, site_id: str, path: str, edit, last_modified: str) -> bool:
        """Serve `edit(bytes)` at `path` from now on, with a new Last-Modified (a centre
        editing a page between two harvests); the files on disk are left as generated.
        False when the site has no file at that path."""
        site = next((s for s in self.sites if s.id == site_id), None)
        route = site.routes.get(path) if site is not None else None
        if route is None or "file" not in route:
            return False
        site.rewrite(route["file"], edit(site.read(route["file"])))
        route["last_modified"] = last_modified
        return True

    def log(self, entry: tuple[str, str, str, int, int]) -> None:
        """Append one entry to the request log (thread-safe)."""
        with self._log_lock:
            self.requests.append(entry)

    # -- registry ---------------------------------------------------------------------
    def registry_yaml(self, base_registry: str | Path) -> str:
        """A registry YAML for the served sites, their URLs pointing at the loopback origins."""
        data = yaml.safe_load(Path(base_registry).read_text(encoding="utf-8"))
        by_id = {c["id"]: c for c in data.get("centres", [])}
        centres = []
        for site in self.sites:
            origin = self.origins.get(site.id)
            if origin is None:
                raise RuntimeError("registry_yaml() needs a started server")
            entry = dict(by_id.get(site.id) or {"id": site.id, "name": site.meta.get("name", site.id)})
            entry["url"] = origin + "/"
            entry.setdefault("timezone", site.meta.get("timezone", "Europe/Paris"))
            hints = site.meta.get("sources")
            if hints is None:  # a test site: keep the base hints whose path it serves
                hints = []
                for src in entry.get("sources") or []:
                    parts = urlsplit(src["url"])
                    target = parts.path + (f"?{parts.query}" if parts.query else "")
                    if target in site.routes:
                        hints.append({"path": target, "content": src.get("content")})
            entry["sources"] = [{"url": origin + h["path"], **({"content": h["content"]} if h.get("content") else {})}
                                for h in hints]
            if not entry["sources"]:
                del entry["sources"]
            centres.append(entry)
        return yaml.safe_dump({"centres": centres}, allow_unicode=True, sort_keys=False)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _content_type(route: dict, rel: str) -> str:
    if route.get("type"):
        return route["type"]
    return EXT_TYPES.get(Path(rel).suffix.lower(), "application/octet-stream")


def _month_page(site: SiteData, trap: dict, year: int, month: int) -> bytes:
    """An endless month view: every month links to the previous and the next one."""
    prefix = trap["prefix"]
    prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
    next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
    label = f"{MONTHS[month - 1]} {year}"
    title = trap.get("title", "Évènements pour {month}").replace("{month}", label)
    days = _calendar.monthrange(year, month)[1]
    cells = "".join(f'<td class="day"><span>{d}</span></td>' + ("</tr><tr>" if d % 7 == 0 else "")
                    for d in range(1, days + 1))
    name = site.meta.get("name", site.id)
    html = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title} – {name}</title>
<meta name="robots" content="noindex, follow"></head>
<body class="tribe-events-view--month"><h1>{title}</h1>
<nav class="tribe-events-c-nav"><a rel="prev" href="__ORIGIN__{prefix}{prev_y:04d}-{prev_m:02d}/">« Mois précédent</a>
<a rel="next" href="__ORIGIN__{prefix}{next_y:04d}-{next_m:02d}/">Mois suivant »</a></nav>
<table class="tribe-events-calendar-month"><tr>{cells}</tr></table>
<p><a href="__ORIGIN__/">{name}</a></p></body></html>
"""
    return html.encode("utf-8")


def _handler_for(server: MirrorServer, site: SiteData):
    """A request handler class bound to one site."""
    substitutions = sorted(
        ((f"__ORIGIN:{sid}__".encode(), origin.encode()) for sid, origin in server.origins.items()),
        key=lambda pair: pair[0])
    own_origin = server.origins[site.id].encode()

    def substitute(body: bytes) -> bytes:
        for marker, origin in substitutions:
            body = body.replace(marker, origin)
        body = OTHER_ORIGIN.sub(lambda m: b"http://" + m.group(1).replace(b"_", b"-") + b".invalid", body)
        return body.replace(b"__ORIGIN__", own_origin)

    class Handler(BaseHTTPRequestHandler):
        server_version = "Apache"
        sys_version = ""
        protocol_version = "HTTP/1.1"
        # Headers and body go out in one write and without Nagle's delay, else every
        # keep-alive request waits ~40 ms for a delayed ACK.
        disable_nagle_algorithm = True

        def log_message(self, *args) -> None:  # quiet: the request log is `requests`
            pass

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _resolve(self) -> tuple[int, bytes, str, str, dict]:
            target = self.path
            if target.startswith("http://") or target.startswith("https://"):
                parts = urlsplit(target)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
            route = site.routes.get(target)
            if route is None and "?" in target:
                route = site.routes.get(target.split("?", 1)[0])
            if route is None:
                path = target.split("?", 1)[0]
                for trap in site.traps:
                    if trap.get("kind") == "month_calendar" and path.startswith(trap["prefix"]):
                        match = MONTH_PATH.match(path[len(trap["prefix"]):])
                        if match and 1 <= int(match.group(2)) <= 12:
                            body = substitute(_month_page(site, trap, int(match.group(1)),
                                                          int(match.group(2))))
                            return 200, body, "text/html; charset=utf-8", site.last_modified, {}
                return 404, _error_page(404), "text/html; charset=utf-8", site.last_modified, {}
            if "redirect" in route:
                location = route["redirect"]
                if location.startswith("/"):
                    location = server.origins[site.id] + location
                return (int(route.get("status", 301)), b"", "text/html; charset=utf-8",
                        site.last_modified, {"Location": location})
            if "file" not in route:
                code = int(route.get("status", 404))
                return code, _error_page(code), "text/html; charset=utf-8", site.last_modified, {}
            body = site.read(route["file"])
            ctype = _content_type(route, route["file"])
            if any(marker in ctype for marker in TEXT_MARKERS):
                body = substitute(body)
            return 200, body, ctype, route.get("last_modified") or site.last_modified, {}

        def _answer(self, head: bool) -> None:
            try:
                status, body, ctype, modified, extra = self._resolve()
            except OSError:
                status, body, ctype, modified, extra = 500, _error_page(500), "text/html", site.last_modified, {}
            etag = _etag(body)
            if (status == 200 and len(body) > 512 and any(m in ctype for m in TEXT_MARKERS)
                    and "gzip" in (self.headers.get("Accept-Encoding") or "")):
                # As Apache's mod_deflate: a gzip variant with its own strong ETag.
                body, etag = _gzipped(body, etag), etag[:-1] + '-gzip"'
                extra = {**extra, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            if status == 200 and _not_modified(self.headers, etag, modified):
                status, send = 304, b""
            else:
                send = body
            self.send_response(status)
            if status != 304:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(send)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            for key, value in extra.items():
                self.send_header(key, value)
            self._headers_buffer.append(b"\r\n")
            if not head and send:
                self._headers_buffer.append(send)
            # Logged before the bytes leave, so a client that has its answer sees the entry.
            server.log((site.id, self.command, self.path, status, 0 if head else len(send)))
            self.flush_headers()

    return Handler


_GZIP_CACHE: dict[str, bytes] = {}
_GZIP_LOCK = threading.Lock()


def _gzipped(body: bytes, etag: str) -> bytes:
    """The gzip bytes of a body (deterministic: no timestamp), cached by ETag."""
    with _GZIP_LOCK:
        cached = _GZIP_CACHE.get(etag)
    if cached is None:
        cached = gzip.compress(body, compresslevel=6, mtime=0)
        with _GZIP_LOCK:
            _GZIP_CACHE[etag] = cached
    return cached


def _not_modified(headers, etag: str, modified: str) -> bool:
    """RFC 9110 §13.1: If-None-Match wins; else If-Modified-Since against Last-Modified."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def _error_page(code: int) -> bytes:
    label = {404: "Page non trouvée", 410: "Contenu supprimé", 500: "Erreur du serveur",
             403: "Accès interdit"}.get(code, "Erreur")
    return (f"<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{code} – {label}</title>"
            f"</head><body><h1>{label}</h1></body></html>").encode("utf-8")


def loopback_available(host: str = "127.42.0.1") -> bool:
    """True when this machine can bind a 127.42.0.x address."""
    with socket.socket() as sock:
        try:
            sock.bind((host, 0))
            return True
        except OSError:
            return False


__all__ = ["MirrorServer", "SiteData", "loopback_available"]
