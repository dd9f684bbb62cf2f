"""Incremental harvests of the three unknown sites: nothing changed costs 304s; a retitled
article is updated with its old title kept; a removed one is marked gone, never deleted."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlite_utils

from harvesting import UNKNOWN_SITES, harvest, load_mutate, serve_unknown_sites, truth_of

pytestmark = pytest.mark.slow
mutate = load_mutate()

NEW_TITLE = "La Métropole adopte son nouveau contrat de ville « Quartiers 2030 »"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    sites = serve_unknown_sites(tmp_path_factory.mktemp("incremental"))
    root, served, origins, registry, db_path = (sites.root, sites.served, sites.origins,
                                                sites.registry, sites.db_path)
    log = []
    for _ in range(2):
        start = len(served.requests)
        assert harvest(registry, db_path).returncode == 0
        log.append(served.requests[start:])

    news = [i for i in truth_of(root / "drupal_nofeed")["items"] if i["kind"] == "news"]
    retitled, removed = news[0], news[1]
    changed = set(mutate.retitle(root / "drupal_nofeed", retitled["path"], NEW_TITLE))
    changed |= set(mutate.remove(root / "drupal_nofeed", removed["path"]))
    served.restart()  # same origins, files read again
    start = len(served.requests)
    assert harvest(registry, db_path).returncode == 0
    log.append(served.requests[start:])
    yield SimpleNamespace(db=sqlite_utils.Database(db_path), log=log, origins=origins,
                          retitled=retitled, removed=removed, changed=changed)
    served.stop()


def test_second_run_downloads_nothing_but_robots(runs):
    second = runs.log[1]
    full = [(c, p) for c, _m, p, status, _b in second if status == 200 and p != "/robots.txt"]
    assert full == []
    statuses = {status for _c, _m, p, status, _b in second if p != "/robots.txt"}
    assert statuses == {304}  # known 404s and permanent redirects are not asked again
    assert sum(p == "/robots.txt" for _c, _m, p, _s, _b in second) == 3


def test_second_run_ledger(runs):
    rows = list(runs.db.query(
        "select * from harvest_runs where run_id = (select run_id from harvest_runs order by id "
        "limit 1 offset 3)"))
    assert {r["centre_id"] for r in rows} == set(UNKNOWN_SITES)
    for row in rows:
        assert (row["new"], row["updated"], row["gone"], row["unchanged"]) == (0, 0, 0, 24)
        assert row["not_modified"] >= row["requests"] - 1  # all but robots.txt


def test_retitled_article_updated_and_old_title_kept(runs):
    url = runs.origins["drupal_nofeed"] + runs.retitled["path"]
    row = next(runs.db.query("select * from items where url = ?", [url]))
    assert (row["title"], row["status"]) == (NEW_TITLE, "active")
    versions = list(runs.db.query("select * from item_versions where item_id = ?", [row["id"]]))
    assert len(versions) == 1
    assert '"title"' in versions[0]["changed_fields"]
    assert runs.retitled["title"] in versions[0]["previous"]


def test_removed_article_is_gone_not_deleted(runs):
    url = runs.origins["drupal_nofeed"] + runs.removed["path"]
    row = next(runs.db.query("select * from items where url = ?", [url]))
    assert row["status"] == "gone" and row["gone_since"]
    assert runs.db.execute("select count(*) from items where status = 'active'").fetchone()[0] == 71


def test_third_run_downloads_only_what_changed(runs):
    third = runs.log[2]
    full = {p for c, _m, p, status, _b in third if status == 200 and p != "/robots.txt"}
    assert full, "the changed pages were downloaded again"
    assert full <= runs.changed
    assert all(status in (200, 304, 404) for _c, _m, _p, status, _b in third)
    other_sites = [s for c, _m, p, s, _b in third if c != "drupal_nofeed" and p != "/robots.txt"]
    assert set(other_sites) == {304}


def test_third_run_counts_one_update_and_one_gone(runs):
    row = next(runs.db.query(
        "select * from harvest_runs where centre_id = 'drupal_nofeed' order by id desc limit 1"))
    assert (row["updated"], row["gone"], row["new"]) == (1, 1, 0)
