"""`crpv demo` talks while it harvests: per-centre progress read from the database the
harvest writes, a closing per-centre table, and where to look at the failures."""

from __future__ import annotations

import io

from pipelines.schema import open_database
from portail import demo

SINCE = "2026-12-04T10:00:00+00:00"


def _db(tmp_path):
    path = tmp_path / "h.db"
    db = open_database(path)
    db["centres"].insert_all([
        {"id": "irev", "name": "Institut Régional de la Ville", "short_name": "IREV",
         "url": "https://www.irev.fr/", "timezone": "Europe/Paris"},
        {"id": "oriv", "name": "Observatoire Régional de l'Intégration et de la Ville",
         "short_name": "ORIV", "url": "https://www.oriv.org/", "timezone": "Europe/Paris"}])
    db["harvest_runs"].insert_all([
        {"run_id": "old", "centre_id": "irev", "mode": "full", "status": "completed",
         "started_at": "2026-12-01T10:00:00+00:00", "requests": 99},
        {"run_id": "r1", "centre_id": "irev", "mode": "full", "status": "completed",
         "started_at": "2026-12-04T10:00:01+00:00", "requests": 12, "new": 3, "updated": 1,
         "items_seen": 5},
        {"run_id": "r1", "centre_id": "oriv", "mode": "full", "status": "running",
         "started_at": "2026-12-04T10:00:01+00:00"}])
    db["fetch_state"].insert_all([
        {"url": f"https://www.irev.fr/{n}", "centre_id": "irev", "checked_at": "2026-12-04T10:01:00+00:00"}
        for n in range(7)] + [
        {"url": "https://www.oriv.org/", "centre_id": "oriv", "checked_at": "2026-12-04T10:01:00+00:00"},
        {"url": "https://www.oriv.org/vieux", "centre_id": "oriv", "checked_at": "2026-11-01T10:00:00+00:00"}])
    db["harvest_errors"].insert_all([
        {"run_id": "r1", "centre_id": "oriv", "url": "https://www.oriv.org/x", "kind": "http",
         "message": "HTTP 404 (page)", "occurred_at": "2026-12-04T10:02:00+00:00"},
        {"run_id": "old", "centre_id": "irev", "url": "https://www.irev.fr/x", "kind": "http",
         "message": "HTTP 404 (page)", "occurred_at": "2026-12-01T10:02:00+00:00"}])
    db.conn.commit()
    return path


def test_progress_counts_only_the_running_harvest(tmp_path):
    figures = demo.progress(_db(tmp_path), SINCE)
    assert figures == {
        "irev": {"done": True, "pages": 7, "items": 0, "errors": 0},
        "oriv": {"done": False, "pages": 1, "items": 0, "errors": 1},
    }
    assert demo.progress(tmp_path / "absent.db", SINCE) == {}


def test_progress_line_bar_and_plain(tmp_path):
    figures = demo.progress(_db(tmp_path), SINCE)
    assert demo.progress_line(figures, 2, bar=False) == "1/2 centres · 8 pages · 0 éléments · 1 erreur"
    line = demo.progress_line(figures, 4)
    assert line.startswith("[" + "#" * 6 + "-" * 18 + "]") and line.endswith("1 erreur")


def test_closing_table_and_where_to_look(tmp_path):
    path = _db(tmp_path)
    table = demo.centre_table(path, SINCE).splitlines()
    assert table[0].split() == ["Centre", "Moisson", "Requêtes", "Éléments", "vus", "Nouveaux",
                                "Modifiés", "Erreurs"]
    assert table[2].split() == ["IREV", "réussie", "12", "5", "3", "1", "0"]
    assert table[3].split() == ["ORIV", "en", "cours", "0", "0", "0", "0", "1"]
    served = demo.where_to_look(path, 8001, True, SINCE)
    assert served == ("1 échec de moisson (adresse, nature, message) : voir "
                      f"http://127.0.0.1:8001/etat-des-sources, ou crpv status --db {path}.")
    assert "crpv serve --db" in demo.where_to_look(path, 8001, False, SINCE)


def test_harvest_with_progress_plain_lines(tmp_path, monkeypatch):
    """Not on a terminal: one line per finished centre, no carriage returns."""
    path = _db(tmp_path)

    class Child:
        returncode = 0

        def poll(self):
            return 0

    monkeypatch.setattr(demo.subprocess, "Popen", lambda *a, **k: Child())
    monkeypatch.setattr("crawlers.state.utc_now", lambda: SINCE)
    out = io.StringIO()
    code, since = demo.harvest_with_progress(tmp_path / "r.yaml", path, ["irev", "oriv"], out=out, tty=False)
    assert (code, since) == (0, SINCE)
    text = out.getvalue()
    assert "\r" not in text
    assert "  irev : terminé — 7 pages, 0 éléments, 0 erreur\n" in text
    assert "oriv : terminé" not in text
    bar = io.StringIO()
    demo.harvest_with_progress(tmp_path / "r.yaml", path, ["irev", "oriv"], out=bar, tty=True)
    assert bar.getvalue().startswith("\r[")


def test_summary_numbers_in_french():
    assert demo._decimal(244.04) == "244,0" and demo._decimal(5.8) == "5,8"
