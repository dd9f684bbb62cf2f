"""Bad input loses nothing: a dead site, a hostile page, a broken feed and a lying charset
become rows of harvest_errors or clean data; a stopped harvest is recorded as interrupted."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from harvesting import FAST_ENV, ROOT, ServedSites, harvest

pytestmark = pytest.mark.slow

HOSTILE_TITLE = '<script>alert("x")</script> Quartiers & santé'


def write_site(root: Path, name: str, routes: dict[str, tuple[str, bytes]]) -> None:
    """A tiny site in the served format: {path: (content type, body)}."""
    site = root / name
    (site / "files").mkdir(parents=True)
    table = {}
    for number, (path, (ctype, body)) in enumerate(routes.items()):
        file = f"files/{number}"
        (site / file).write_bytes(body)
        table[path] = {"file": file, "type": ctype}
    (site / "_site.json").write_text(json.dumps({"id": name, "name": name}), encoding="utf-8")
    (site / "_routes.json").write_text(json.dumps({"routes": table}), encoding="utf-8")


def page(title: str, body: str, charset: str = "utf-8", extra_head: str = "") -> bytes:
    html = (f"<!DOCTYPE html><html lang='fr'><head><meta charset='{charset}'><title>{title}</title>"
            f"{extra_head}</head><body class='single-post'><main><article><h1>{title}</h1>"
            f"<p class='date'>Publié le 3 novembre 2026</p>{body}</article></main></body></html>")
    return html.encode(charset if charset != "utf-8" else "utf-8", errors="xmlcharrefreplace")


HOSTILE_BODY = (
    "<p>Un texte sur la santé dans les quartiers prioritaires de Roubaix, assez long pour "
    "être un vrai article avec plusieurs phrases et des détails utiles aux lecteurs.</p>"
    "<img src=x onerror=alert(1)><a href='javascript:alert(2)'>clic</a>"
    "<iframe src='http://evil.example/'></iframe><svg onload=alert(3)></svg>"
    "<script>document.title='pwned'</script><style>body{display:none}</style>"
)


def listing(links: list[tuple[str, str]]) -> bytes:
    items = "".join(f"<li><a href='{href}'>{text}</a></li>" for href, text in links)
    return (f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Actualités</title>"
            f"<link rel='alternate' type='application/rss+xml' href='/feed/'></head>"
            f"<body><main><h1>Actualités</h1><ul>{items}</ul></main></body></html>").encode()


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty")
    hostile_title = HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;").replace("&", "&amp;", 0)
    write_site(root, "nasty", {
        "/": ("text/html; charset=utf-8", listing([
            ("/actualites/hostile/", "Une page hostile avec un titre piégé"),
            ("/actualites/latin/", "Une page en latin-1 qui se dit en UTF-8 dans ses en-têtes"),
        ])),
        "/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /prive/\n"),
        "/actualites/hostile/": ("text/html; charset=utf-8",
                                 page(hostile_title.replace('"', "&quot;"), HOSTILE_BODY)),
        # Declared UTF-8 in the header, written in ISO-8859-1: "Réunion à l'été".
        "/actualites/latin/": ("text/html; charset=utf-8",
                               page("Réunion des habitants à l'été", "<p>" + "Économie sociale et solidaire à Tourcoing. " * 8 + "</p>",
                                    charset="iso-8859-1")),
        "/feed/": ("application/rss+xml", b"<?xml version='1.0'?><rss version='2.0'><channel>"
                   b"<title>Flux cass\xc3\xa9</title><item><title>Un & non \xc3\xa9chapp\xc3\xa9</title>"
                   b"<link>/actualites/hostile/</link></item><item><title>Sans fin"),
    })
    served = ServedSites(root, ("nasty",))
    origins = served.start()
    dead_port = _closed_port()
    registry = root / "registry.yaml"
    registry.write_text(yaml.safe_dump({"centres": [
        {"id": "nasty", "name": "Site piégé", "url": origins["nasty"] + "/"},
        {"id": "dead", "name": "Site éteint", "url": f"http://127.0.0.1:{dead_port}/"},
    ]}, allow_unicode=True), encoding="utf-8")
    db_path = root / "portail.db"
    first = harvest(registry, db_path)
    before = _snapshot(db_path, "nasty")
    served.stop()  # the site dies between two harvests
    second = harvest(registry, db_path)
    yield dict(db=sqlite_utils.Database(db_path), first=first, second=second, before=before,
               origins=origins)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _snapshot(db_path, centre):
    db = sqlite_utils.Database(db_path)
    return sorted((r["url"], r["title"], r["status"]) for r in db.query(
        "select url, title, status from items where centre_id = ?", [centre]))


def test_harvest_goes_on_and_exits_zero(nasty):
    assert nasty["first"].returncode == 0, nasty["first"].stderr[-2000:]
    assert nasty["second"].returncode == 0, nasty["second"].stderr[-2000:]
    assert "Traceback" not in nasty["first"].stderr + nasty["second"].stderr


def test_dead_site_is_a_failed_run_with_error_rows(nasty):
    db = nasty["db"]
    runs = list(db.query("select status, message from harvest_runs where centre_id = 'dead'"))
    assert [r["status"] for r in runs] == ["failed", "failed"]
    assert "unreachable" in runs[0]["message"]
    errors = list(db.query("select kind from harvest_errors where centre_id = 'dead'"))
    assert errors and {e["kind"] for e in errors} <= {"network", "timeout"}


def test_previous_data_stays_intact_when_a_site_dies(nasty):
    db = nasty["db"]
    after = sorted((r["url"], r["title"], r["status"]) for r in db.query(
        "select url, title, status from items where centre_id = 'nasty'"))
    assert len(nasty["before"]) == 2
    assert after == nasty["before"]  # same rows, still active
    last = next(db.query("select * from harvest_runs where centre_id = 'nasty' order by id desc"))
    assert last["status"] == "failed" and last["gone"] == 0


def test_hostile_title_is_plain_text_and_body_is_sanitised(nasty):
    row = next(nasty["db"].query("select * from items where url like '%/hostile/'"))
    assert row["title"] == HOSTILE_TITLE
    html = row["body_html"] or ""
    for bad in ("<script", "onerror", "javascript:", "<iframe", "onload", "<style"):
        assert bad not in html.lower()
    assert "pwned" not in (row["body_text"] or "") and "display:none" not in (row["body_text"] or "")
    assert "santé dans les quartiers prioritaires" in row["body_text"]


def test_lying_charset_read_right(nasty):
    row = next(nasty["db"].query("select * from items where url like '%/latin/'"))
    assert row["title"] == "Réunion des habitants à l'été"
    assert "Économie sociale et solidaire à Tourcoing" in row["body_text"]


def test_broken_feed_is_read_and_recorded(nasty):
    errors = list(nasty["db"].query(
        "select * from harvest_errors where centre_id = 'nasty' and kind = 'feed'"))
    assert errors and "malformed feed" in errors[0]["message"]


def test_sigterm_records_an_interrupted_run(tmp_path):
    """A harvest stopped by SIGTERM (the scheduler's stop) closes cleanly as 'interrupted'."""
    root = tmp_path / "slow"
    links = [(f"/actualites/{n}/", f"Article numéro {n} de la politique de la ville") for n in range(40)]
    routes = {"/": ("text/html; charset=utf-8", listing(links))}
    for href, text in links:
        routes[href] = ("text/html; charset=utf-8", page(text, "<p>" + "Texte. " * 80 + "</p>"))
    write_site(root.parent, "slow", routes)
    served = ServedSites(root.parent, ("slow",))
    origins = served.start()
    registry = tmp_path / "registry.yaml"
    registry.write_text(yaml.safe_dump({"centres": [
        {"id": "slow", "name": "Site lent", "url": origins["slow"] + "/"}]}), encoding="utf-8")
    db_path = tmp_path / "slow.db"
    env = {**os.environ, **FAST_ENV, "CRPV_DOWNLOAD_DELAY": "0.25"}
    child = subprocess.Popen([sys.executable, "-m", "portail.cli", "harvest", "--registry", str(registry),
                              "--db", str(db_path)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while len(served.requests) < 6 and time.monotonic() < deadline:
            time.sleep(0.1)
        child.send_signal(signal.SIGTERM)
        _out, err = child.communicate(timeout=60)
    finally:
        served.stop()
    assert child.returncode != 0
    assert b"Traceback" not in err
    run = next(sqlite_utils.Database(db_path).query("select * from harvest_runs"))
    assert run["status"] == "interrupted" and run["finished_at"]
    assert 0 < run["new"] < 40
