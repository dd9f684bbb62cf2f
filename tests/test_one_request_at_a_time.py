"""One request at a time per site, on one kept-alive connection, even with the politeness
delay off (Scrapy's own downloader sent every queued request of a site at once then, each on
a new connection: crawlers/downloader.py)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlite_utils
import yaml

from harvesting import harvest

PAGES = 12


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CountingHandler)
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = self.requests = self.connections = 0


class CountingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:
        server = self.server
        with server.lock:
            server.in_flight += 1
            server.requests += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            time.sleep(0.02)  # long enough for a second request to arrive meanwhile
            if self.path == "/robots.txt":
                status, ctype, body = 200, "text/plain", b"User-agent: *\nAllow: /\n"
            elif self.path == "/":
                links = "".join(f"<li><a href='/actualites/article-{n}'>Article {n}</a></li>"
                                for n in range(PAGES))
                status, ctype, body = 200, "text/html; charset=utf-8", (
                    "<!DOCTYPE html><html lang='fr'><head><title>Centre</title></head><body>"
                    f"<main><h1>Actualités</h1><ul>{links}</ul></main></body></html>").encode()
            elif self.path.startswith("/actualites/article-"):
                status, ctype, body = 200, "text/html; charset=utf-8", (
                    "<!DOCTYPE html><html lang='fr'><head><title>Un article</title></head>"
                    "<body class='single-post'><main><article><h1>Un article</h1>"
                    "<p>Publié le 3 novembre 2026</p><p>Un texte sur les quartiers, assez long "
                    "pour être lu comme un article.</p></article></main></body></html>").encode()
            else:
                status, ctype, body = 404, "text/html", b"<html><body>absent</body></html>"
        finally:
            with server.lock:
                server.in_flight -= 1
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_site_gets_one_request_at_a_time_on_one_connection_without_delay(tmp_path):
    server = CountingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        registry = tmp_path / "centres.yaml"
        registry.write_text(yaml.safe_dump({"centres": [{
            "id": "centre", "name": "Centre",
            "url": f"http://127.0.0.1:{server.server_address[1]}/"}]}), encoding="utf-8")
        done = harvest(registry, tmp_path / "h.db", env={"CRPV_DOWNLOAD_DELAY": "0"})
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    db = sqlite_utils.Database(tmp_path / "h.db")
    assert db.execute("select count(*) from fetch_state where url like '%/actualites/article-%'"
                      ).fetchone()[0] == PAGES
    assert server.requests > PAGES
    assert server.most_in_flight == 1
    # Kept alive from one request to the next (a new connection after an error page or a
    # probe the server closed is allowed).
    assert server.connections <= 3, (server.connections, server.requests)
