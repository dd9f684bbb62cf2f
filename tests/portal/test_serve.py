"""`serve` end to end: publishes, serves on loopback, picks up a new harvest, stops on Ctrl-C."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import sqlite_utils

from .fixture_db import build_fixture_db

NEWS = "/portail/dernieres_actualites.json?_shape=array"  # from the publication's side file


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _count(port: int) -> int | None:
    """Active news as published (the canned query reads the publication's side file)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{NEWS}", timeout=2) as response:
            return len(json.load(response))
    except OSError:
        return None


def _count_on(connection: http.client.HTTPConnection) -> int:
    connection.request("GET", NEWS)
    return len(json.loads(connection.getresponse().read()))


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _serve(tmp_path, db_path, port: int, patch: str = "") -> subprocess.Popen:
    """`portail.serve.serve` in a child process with short timings; `patch` is Python run
    first, with the module as `s` (to wrap one of its functions)."""
    code = ("import sys; from pathlib import Path; import sqlite_utils; import portail.serve as s\n"
            "s.POLL_SECONDS = 0.3; s.QUIET_SECONDS = 0.6; s.MIN_REPUBLISH_SECONDS = 0\n"
            + patch +
            "s.serve(Path(sys.argv[1]), port=int(sys.argv[2]), publish_dir=Path(sys.argv[3]))")
    return subprocess.Popen([sys.executable, "-c", code, str(db_path), str(port),
                             str(tmp_path / "publish")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_serve_republishes_after_a_harvest_and_stops_on_ctrl_c(tmp_path):
    db_path = build_fixture_db(tmp_path / "harvest.db")
    port = _free_port()
    proc = _serve(tmp_path, db_path, port)
    try:
        assert _wait_for(lambda: _count(port) == 8, 30), "portal did not come up"
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=5)  # one keep-alive visitor
        assert _count_on(kept) == 8
        db = sqlite_utils.Database(db_path)  # a harvest adds one news item
        row = dict(next(db.query("select * from items where kind = 'news' and status = 'active' "
                                 "limit 1")))
        row.update(id="nouvel-element", url=row["url"] + "?nouveau", title="Nouvel élément")
        db["items"].insert(row)
        db.close()
        assert _wait_for(lambda: _count(port) == 9, 30), "the new harvest was not published"
        assert _count_on(kept) == 9  # same connection: published in place, nothing restarted
        kept.close()
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=20)[0].decode()
    assert proc.returncode == 0, output
    assert "Nouvelle publication : en ligne sans redémarrage." in output
    assert _count(port) is None  # the datasette child stopped with it


def test_a_harvest_write_during_start_up_is_published(tmp_path):
    """A harvest that writes while Datasette is starting must not be taken as the baseline."""
    db_path = build_fixture_db(tmp_path / "harvest.db")
    port = _free_port()
    proc = _serve(tmp_path, db_path, port, patch=(
        "start = s._start\n"
        "def starting(*args):\n"
        "    child = start(*args)\n"
        "    if not getattr(starting, 'done', False):\n"
        "        starting.done = True\n"
        "        db = sqlite_utils.Database(sys.argv[1])\n"
        "        row = dict(next(db.query(\"select * from items where kind = 'news' and status = 'active' limit 1\")))\n"
        "        row.update(id='pendant-le-demarrage', url=row['url'] + '?demarrage')\n"
        "        db['items'].insert(row)\n"
        "        db.close()\n"
        "    return child\n"
        "s._start = starting\n"))
    try:
        assert _wait_for(lambda: _count(port) == 9, 30), "the write made during start-up was lost"
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=20)[0].decode()
    assert proc.returncode == 0, output


def test_a_restart_serves_the_publication_in_place_without_publishing_again(tmp_path):
    """Restarted over an unchanged harvest, serve answers at once from the side file it left
    and does not publish again; a harvest write afterwards is published as usual."""
    db_path = build_fixture_db(tmp_path / "harvest.db")
    for run in (1, 2):
        port = _free_port()
        proc = _serve(tmp_path, db_path, port)
        try:
            assert _wait_for(lambda: _count(port) == 8, 30), f"run {run}: portal did not come up"
            time.sleep(1.5)  # a few polls: time for a needless publication to show
        finally:
            proc.send_signal(signal.SIGINT)
            output = proc.communicate(timeout=20)[0].decode()
        assert proc.returncode == 0, output
        # Run 1 publishes once (its own views and statistics are not a change to publish);
        # run 2 finds everything in place.
        assert output.count("Publication :") == (1 if run == 1 else 0), (run, output)


def test_a_publication_left_by_an_older_version_is_published_again_before_serving(tmp_path):
    """After an upgrade, the side file of the previous version does not hold the derived
    tables the pages now query: serve publishes again before answering, never a 500."""
    from portail.publish import SIDE_NAME

    db_path = build_fixture_db(tmp_path / "harvest.db")
    outputs = []
    for run in (1, 2):
        port = _free_port()
        proc = _serve(tmp_path, db_path, port)
        try:
            assert _wait_for(lambda: _count(port) == 8, 30), f"run {run}: portal did not come up"
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as home:
                assert home.status == 200
        finally:
            proc.send_signal(signal.SIGINT)
            outputs.append(proc.communicate(timeout=20)[0].decode())
        if run == 1:
            side = sqlite_utils.Database(tmp_path / "publish" / SIDE_NAME)
            side.execute("update info set value = '0' where key = 'schema'")
            side.conn.commit()
            side.close()
    assert [o.count("Publication :") for o in outputs] == [1, 1], outputs
