"""One loopback HTTP server for a hostile web: a healthy site and one site per scenario.

Every site has its own origin: `127.43.0.N` on one shared port (distinct hosts, as on the
real network), and a site declared `same_host_as` another gets that site's address on a
port of its own (the "same IP, other port" trap). Sites are Python handlers that may answer
normally or write raw bytes on the socket: nothing stops a scenario from lying about its
length, never answering, dripping a byte at a time or resetting the connection.

Bounds: every response stops after `max_seconds` (60 s) or `max_bytes` (64 MiB) unless the
scenario sets its own, every socket write has a timeout, `stop()` ends every connection
within a fraction of a second. Each connection carries one request (`Connection: close`).

    server = HostileServer([SiteSpec("healthy", healthy_site), ...])
    origins = server.start()        # {name: "http://127.43.0.1:PORT"}
    server.hits("healthy")          # requests that site received
    server.stop()
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Callable
from urllib.parse import urlsplit

from mirror.server import loopback_available as mirror_loopback_available

HOST_BASE = "127.43.0."
LAST_MODIFIED = "Tue, 03 Nov 2026 08:00:00 GMT"
MAX_SECONDS = 60.0
MAX_BYTES = 64 * 1024 * 1024
HEAD_LIMIT = 64 * 1024


@dataclass
class Request:
    """One request as read from the socket."""

    site: str
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]
    port: int
    received_at: float

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass
class Hit:
    """One entry of the request log: what a site was asked, what it answered."""

    site: str
    method: str
    target: str
    port: int
    status: int = 0  # 0 until a status line went out (silence, reset, garbage)
    sent: int = 0  # bytes written, headers included


Handler = Callable[[Request, "Wire"], None]


class Wire:
    """The socket of one response, with its bounds (time, bytes, server stop)."""

    def __init__(self, conn: socket.socket, server: "HostileServer", hit: Hit,
                 max_seconds: float = MAX_SECONDS, max_bytes: int = MAX_BYTES):
        self.conn = conn
        self.server = server
        self.hit = hit
        self.deadline = time.monotonic() + max_seconds
        self.max_bytes = max_bytes
        self.closed = False

    def limit(self, seconds: float | None = None, max_bytes: int | None = None) -> None:
        """Another bound for this response (a scenario that streams for longer)."""
        if seconds is not None:
            self.deadline = time.monotonic() + seconds
        if max_bytes is not None:
            self.max_bytes = max_bytes

    def alive(self) -> bool:
        return (not self.closed and not self.server.stopping.is_set()
                and time.monotonic() < self.deadline and self.hit.sent < self.max_bytes)

    def write(self, data: bytes) -> bool:
        """Send bytes (cut at the byte bound); False once the client is gone or a bound hit."""
        if not self.alive():
            return False
        room = self.max_bytes - self.hit.sent
        data = data[:room]
        view = memoryview(data)
        while view:
            if self.server.stopping.is_set() or time.monotonic() >= self.deadline:
                return False
            try:
                n = self.conn.send(view[:256 * 1024])
            except socket.timeout:
                continue
            except OSError:
                self.closed = True
                return False
            view = view[n:]
            self.hit.sent += n
        if not self.hit.status and data.startswith(b"HTTP/"):
            parts = data.split(b" ", 2)
            if len(parts) > 1 and parts[1][:3].isdigit():
                self.hit.status = int(parts[1][:3])
        return self.hit.sent < self.max_bytes

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds` (less when stopping or past the deadline); False if over."""
        end = min(time.monotonic() + seconds, self.deadline)
        while time.monotonic() < end:
            if self.server.stopping.wait(min(0.1, max(0.0, end - time.monotonic()))):
                return False
        return self.alive()

    def hang(self) -> None:
        """Keep the connection open and say nothing, until a bound or the server's stop."""
        while self.wait(0.2):
            pass

    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN."""
        try:
            self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                self.conn.close()
            except OSError:
                pass

    def head(self, status: int, headers: list[tuple[str, str]]) -> bool:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}"]
        lines += [f"{k}: {v}" for k, v in headers]
        return self.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def respond(self, request: Request, status: int = 200, body: bytes = b"",
                ctype: str = "text/html; charset=utf-8", headers: list[tuple[str, str]] | None = None,
                validators: bool = True) -> None:
        """An ordinary, honest response (ETag, Last-Modified and 304 when they match)."""
        extra = list(headers or [])
        if validators and status == 200:
            etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
            extra += [("ETag", etag), ("Last-Modified", LAST_MODIFIED)]
            if request.headers.get("if-none-match") == etag:
                self.head(304, [("Date", _now()), ("Connection", "close"), *extra])
                return
        self.head(status, [("Date", _now()), ("Server", "hostile"), ("Content-Type", ctype),
                           ("Content-Length", str(len(body))), ("Connection", "close"), *extra])
        if request.method != "HEAD":
            self.write(body)


REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
           404: "Not Found", 410: "Gone", 500: "Internal Server Error"}


def _now() -> str:
    return formatdate(usegmt=True)


# --- handler builders --------------------------------------------------------------------

def static(body: bytes | Callable[[], bytes], ctype: str = "text/html; charset=utf-8",
           status: int = 200, headers: list[tuple[str, str]] | None = None,
           max_bytes: int | None = None) -> Handler:
    """A fixed answer (`body` may be a function, called once, for big generated bodies)."""
    cache: dict[str, bytes] = {}
    lock = threading.Lock()

    def handler(request: Request, wire: Wire) -> None:
        if callable(body):
            with lock:
                if "body" not in cache:
                    cache["body"] = body()
            data = cache["body"]
        else:
            data = body
        if max_bytes is not None:
            wire.limit(max_bytes=max_bytes)
        wire.respond(request, status, data, ctype, headers)

    return handler


def redirect(location: str | Callable[[], str], status: int = 302) -> Handler:
    def handler(request: Request, wire: Wire) -> None:
        target = location() if callable(location) else location
        wire.respond(request, status, b"", headers=[("Location", target)], validators=False)

    return handler


def not_found(request: Request, wire: Wire) -> None:
    wire.respond(request, 404, b"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
                 b"<title>Page introuvable</title></head><body><h1>Page introuvable</h1></body></html>",
                 validators=False)


def router(routes: dict[str, Handler], fallback: Handler = not_found) -> Handler:
    """Dispatch on the exact target, then on the path without its query."""

    def handler(request: Request, wire: Wire) -> None:
        chosen = routes.get(request.target) or routes.get(request.path) or fallback
        chosen(request, wire)

    return handler


# --- the server ----------------------------------------------------------------------------

@dataclass
class SiteSpec:
    """A site: its name, a function that builds its handler once every origin is known, and
    optionally the site whose address it shares (on another port)."""

    name: str
    build: Callable[["HostileServer"], Handler]
    same_host_as: str | None = None


@dataclass
class _Listener:
    name: str
    sock: socket.socket
    handler: Handler | None = None
    thread: threading.Thread | None = None


class HostileServer:
    def __init__(self, specs: list[SiteSpec], host_base: str = HOST_BASE):
        self.specs = list(specs)
        self.host_base = host_base
        self.origins: dict[str, str] = {}
        self.log: list[Hit] = []
        self.phase: dict[str, int] = {}  # scenario-controlled state (e.g. "after the first run")
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._listeners: list[_Listener] = []
        self._connections: set[threading.Thread] = set()

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> dict[str, str]:
        own = [s for s in self.specs if not s.same_host_as]
        self._listeners = self._bind_shared(own)
        by_name = {l.name: l for l in self._listeners}
        for spec in self.specs:
            if spec.same_host_as:
                host = by_name[spec.same_host_as].sock.getsockname()[0]
                sock = _listen(host, 0)
                listener = _Listener(spec.name, sock)
                self._listeners.append(listener)
                by_name[spec.name] = listener
        for listener in self._listeners:
            host, port = listener.sock.getsockname()[:2]
            self.origins[listener.name] = f"http://{host}:{port}"
        for spec in self.specs:
            by_name[spec.name].handler = spec.build(self)
        for listener in self._listeners:
            listener.thread = threading.Thread(target=self._accept_loop, args=(listener,),
                                               name=f"hostile-{listener.name}", daemon=True)
            listener.thread.start()
        return dict(self.origins)

    def _bind_shared(self, specs: list[SiteSpec]) -> list[_Listener]:
        for _attempt in range(20):
            bound: list[_Listener] = []
            try:
                port = 0
                for n, spec in enumerate(specs, start=1):
                    sock = _listen(f"{self.host_base}{n}", port)
                    port = sock.getsockname()[1]
                    bound.append(_Listener(spec.name, sock))
                return bound
            except OSError:
                for listener in bound:
                    listener.sock.close()
        raise OSError(f"cannot bind {len(specs)} addresses {self.host_base}N on one port")

    def stop(self) -> None:
        self.stopping.set()
        for listener in self._listeners:
            if listener.thread is not None:
                listener.thread.join(timeout=5)
            listener.sock.close()
        for thread in list(self._connections):
            thread.join(timeout=5)
        self._listeners = []

    def __enter__(self) -> "HostileServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the request log --------------------------------------------------------------
    def hits(self, site: str, port: int | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self.log if h.site == site and (port is None or h.port == port)]

    def mark(self) -> int:
        """The log's length now: `hits_since(mark)` counts what came after."""
        with self._lock:
            return len(self.log)

    def hits_since(self, mark: int, site: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.log[mark:] if h.site == site]

    # -- connections --------------------------------------------------------------------
    def _accept_loop(self, listener: _Listener) -> None:
        listener.sock.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                conn, _addr = listener.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(listener, conn), daemon=True)
            with self._lock:
                self._connections = {t for t in self._connections if t.is_alive()}
                self._connections.add(thread)
            thread.start()

    def _serve(self, listener: _Listener, conn: socket.socket) -> None:
        conn.settimeout(0.5)
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        port = listener.sock.getsockname()[1]
        head = self._read_head(conn)
        if head is None:
            conn.close()
            return
        request = _parse(head, listener.name, port)
        if request is None:
            conn.close()
            return
        hit = Hit(listener.name, request.method, request.target, port)
        with self._lock:
            self.log.append(hit)
        wire = Wire(conn, self, hit)
        try:
            listener.handler(request, wire)
        except Exception:  # noqa: BLE001 - a broken scenario must not kill the server
            pass
        finally:
            if not wire.closed:
                try:
                    conn.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                wire.close()

    def _read_head(self, conn: socket.socket) -> bytes | None:
        data = b""
        deadline = time.monotonic() + 10
        while b"\r\n\r\n" not in data and len(data) < HEAD_LIMIT:
            if self.stopping.is_set() or time.monotonic() > deadline:
                return None
            try:
                chunk = conn.recv(8192)
            except socket.timeout:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        return data.split(b"\r\n\r\n", 1)[0]


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(64)
    except OSError:
        sock.close()
        raise
    return sock


def _parse(head: bytes, site: str, port: int) -> Request | None:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    method, target, _version = parts
    if target.startswith(("http://", "https://")):
        split = urlsplit(target)
        target = split.path + (f"?{split.query}" if split.query else "")
    headers = {}
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return Request(site, method, target or "/", headers, port, time.monotonic())


def loopback_available(host: str = HOST_BASE + "1") -> bool:
    """True when this machine can bind the hostile sites' 127.43.0.x addresses."""
    return mirror_loopback_available(host)


# --- content: pages, feeds, calendars, sitemaps, PDFs --------------------------------------

ARTICLE_TEXT = (
    "Les habitants du quartier prioritaire ont participé à une réunion publique consacrée au "
    "renouvellement urbain, à l'emploi des jeunes et à la santé. Les acteurs associatifs ont "
    "présenté les actions menées depuis le printemps avec le soutien du contrat de ville. "
    "Une restitution aura lieu en fin d'année auprès des conseils citoyens et des partenaires."
)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def article(title: str, day: str = "3 novembre 2026", text: str = ARTICLE_TEXT,
            extra_body: str = "", charset: str = "utf-8") -> bytes:
    """An item page every CMS would print: a dated article with a few paragraphs."""
    html = (f"<!DOCTYPE html><html lang='fr'><head><meta charset='{charset}'>"
            f"<title>{escape(title)}</title></head><body class='single-post'><main><article>"
            f"<h1>{escape(title)}</h1><p class='date'>Publié le {day}</p>"
            f"<p>{escape(text)}</p><p>{escape(text)}</p>{extra_body}</article></main></body></html>")
    return html.encode("utf-8")


def listing(title: str, links: list[tuple[str, str]], head: str = "", extra_body: str = "") -> bytes:
    """A section or home page: a list of links, nothing that makes it an item."""
    items = "".join(f"<li><a href='{href}'>{escape(text)}</a></li>" for href, text in links)
    return (f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"{head}</head><body><main><h1>{escape(title)}</h1><ul>{items}</ul>{extra_body}"
            f"</main></body></html>").encode("utf-8")


def rss(origin: str, title: str, entries: list[tuple[str, str, str]]) -> bytes:
    """RSS 2.0: entries are (path, title, RFC 822 date)."""
    items = "".join(f"<item><title>{escape(t)}</title><link>{origin}{p}</link><guid>{origin}{p}</guid>"
                    f"<pubDate>{d}</pubDate><description>{escape(ARTICLE_TEXT[:140])}</description></item>"
                    for p, t, d in entries)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{escape(title)}"
            f"</title><link>{origin}/</link><description>Actualités</description>{items}"
            f"</channel></rss>").encode("utf-8")


def vevent(uid: str, summary: str, start: str, end: str, extra: str = "") -> str:
    """One VEVENT (floating local times `YYYYMMDDTHHMMSS`), CRLF lines."""
    lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T080000Z", f"DTSTART:{start}",
             f"DTEND:{end}", f"SUMMARY:{summary}", "LOCATION:Maison de quartier\\, Lille",
             "DESCRIPTION:Rencontre des acteurs de la politique de la ville."]
    if extra:
        lines += extra.split("\n")
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


def calendar(events: list[str], end: bool = True) -> bytes:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//FR\r\n"
            "X-WR-TIMEZONE:Europe/Paris\r\n" + "".join(events) + ("END:VCALENDAR\r\n" if end else ""))
    return text.encode("utf-8")


def urlset(origin: str, paths: list[str]) -> bytes:
    body = "".join(f"<url><loc>{origin}{p}</loc></url>" for p in paths)
    return (f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns="
            f"'http://www.sitemaps.org/schemas/sitemap/0.9'>{body}</urlset>").encode("utf-8")


def sitemap_index(origin: str, paths: list[str]) -> bytes:
    body = "".join(f"<sitemap><loc>{origin}{p}</loc></sitemap>" for p in paths)
    return (f"<?xml version='1.0' encoding='UTF-8'?><sitemapindex xmlns="
            f"'http://www.sitemaps.org/schemas/sitemap/0.9'>{body}</sitemapindex>").encode("utf-8")


def pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies (object i+1 = objects[i]) with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"


def simple_pdf(text: str = "Rapport annuel") -> bytes:
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                stream(content),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def _repeated(unit: bytes, total: int, prefix: bytes, wbits: int) -> bytes:
    """Compressed data that inflates to `prefix` then `unit` repeated up to `total` bytes
    (made in 1 MiB steps, never held whole): `wbits` 15 for zlib, 31 for gzip."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    out = [packer.compress(prefix)]
    block = unit * max(1, (1 << 20) // len(unit))
    made = len(prefix)
    while made < total:
        piece = block[: total - made]
        out.append(packer.compress(piece))
        made += len(piece)
    out.append(packer.flush())
    return b"".join(out)


def deflate_repeated(unit: bytes, total: int) -> bytes:
    """zlib data that inflates to `unit` repeated up to `total` bytes."""
    return _repeated(unit, total, b"", zlib.MAX_WBITS)


def gzip_repeated(unit: bytes, total: int, prefix: bytes = b"") -> bytes:
    """gzip data that inflates to `prefix` then `unit` repeated up to `total` bytes."""
    return _repeated(unit, total, prefix, zlib.MAX_WBITS | 16)


__all__ = ["HostileServer", "SiteSpec", "Request", "Wire", "Hit", "static", "redirect", "router",
           "not_found", "article", "listing", "rss", "vevent", "calendar", "urlset",
           "sitemap_index", "pdf", "stream", "simple_pdf", "deflate_repeated", "gzip_repeated",
           "loopback_available", "escape", "LAST_MODIFIED"]
