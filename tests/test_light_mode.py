"""The scheduler's hourly light job on the three unknown sites: after a full harvest, it asks
only for robots.txt, feeds, calendars, sitemaps and the pages they newly announce — never
again for a page it already holds — and it picks up a new article from its feed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlite_utils

from harvesting import UNKNOWN_SITES, harvest, load_mutate, serve_unknown_sites, truth_of

pytestmark = pytest.mark.slow
mutate = load_mutate()

NEW_PATH = "/2026/11/un-nouveau-conseil-citoyen-a-sainte-therese/"
NEW_TITLE = "Un nouveau conseil citoyen à Sainte-Thérèse"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    sites = serve_unknown_sites(tmp_path_factory.mktemp("light"))
    root, served, origins, registry, db_path = (sites.root, sites.served, sites.origins,
                                                sites.registry, sites.db_path)
    assert harvest(registry, db_path).returncode == 0
    held = {site: truth_of(root / site)["items"] for site in UNKNOWN_SITES}

    start = len(served.requests)
    assert harvest(registry, db_path, mode="light").returncode == 0
    unchanged = served.requests[start:]

    original = next(i for i in held["wp_martinique"] if i["kind"] == "news" and not i["document"])
    changed = set(mutate.publish_copy(root / "wp_martinique", original["path"], NEW_PATH, NEW_TITLE))
    served.restart()
    start = len(served.requests)
    assert harvest(registry, db_path, mode="light").returncode == 0
    yield SimpleNamespace(db=sqlite_utils.Database(db_path), held=held, unchanged=unchanged,
                          after_news=served.requests[start:], changed=changed, origins=origins)
    served.stop()


def _held_paths(items) -> set[str]:
    paths = set()
    for item in items:
        paths |= {item["path"], *item["aliases"]}
        if item["document"]:
            paths.add(item["document"]["path"])
    return paths


def test_light_job_never_asks_again_for_a_page_it_holds(runs):
    for log in (runs.unchanged, runs.after_news):
        for site in UNKNOWN_SITES:
            asked = {p for c, _m, p, _s, _b in log if c == site}
            assert asked, site
            assert asked & _held_paths(runs.held[site]) == set(), site


def test_light_job_with_nothing_new_downloads_only_robots(runs):
    full = [(c, p) for c, _m, p, status, _b in runs.unchanged if status == 200 and p != "/robots.txt"]
    assert full == []
    assert {s for _c, _m, p, s, _b in runs.unchanged if p != "/robots.txt"} == {304}


def test_light_job_picks_up_the_new_article_from_the_feed(runs):
    url = runs.origins["wp_martinique"] + NEW_PATH
    row = next(runs.db.query("select * from items where url = ?", [url]))
    assert (row["title"], row["kind"], row["status"]) == (NEW_TITLE, "news", "active")
    downloaded = {p for c, _m, p, s, _b in runs.after_news if s == 200 and p != "/robots.txt"}
    assert NEW_PATH in downloaded
    assert downloaded <= runs.changed  # the new page and the feeds that announce it


def test_light_runs_ledger(runs):
    rows = list(runs.db.query("select * from harvest_runs where mode = 'light' order by id"))
    assert len(rows) == 6
    first, second = rows[:3], rows[3:]
    assert [(r["new"], r["gone"]) for r in first] == [(0, 0)] * 3
    assert {r["centre_id"]: r["new"] for r in second} == {
        "spip_latin1": 0, "wp_martinique": 1, "drupal_nofeed": 0}
    total_items = runs.db.execute("select count(*) from items where status = 'active'").fetchone()[0]
    assert total_items == sum(len(items) for items in runs.held.values()) + 1
