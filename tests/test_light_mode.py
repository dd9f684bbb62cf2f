"""The scheduler's hourly light job on the three unknown sites: after a full harvest, it asks
only for robots.txt, feeds, calendars, sitemaps and the pages they newly announce — never
again for a page it already holds — and it picks up new articles from their feeds, with the
PDF a new article links even when that file itself has not changed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlite_utils

from harvesting import UNKNOWN_SITES, harvest, load_mutate, serve_unknown_sites, truth_of

pytestmark = pytest.mark.slow
mutate = load_mutate()

NEW_PATH = "/2026/11/un-nouveau-conseil-citoyen-a-sainte-therese/"
NEW_TITLE = "Un nouveau conseil citoyen à Sainte-Thérèse"
# A SPIP article relaying a PDF that an older article already links (article39's programme).
NEW_SPIP_PATH = "/spip.php?article99"
NEW_SPIP_TITLE = "Cité de l'emploi : le programme 2026 présenté aux entreprises de Saint-Malo"


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
    changed = {("wp_martinique", p) for p in
               mutate.publish_copy(root / "wp_martinique", original["path"], NEW_PATH, NEW_TITLE)}
    changed |= {("spip_latin1", p) for p in
                mutate.publish_copy(root / "spip_latin1", "/spip.php?article39", NEW_SPIP_PATH, NEW_SPIP_TITLE)}
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


@pytest.mark.parametrize("site, path, title", [("wp_martinique", NEW_PATH, NEW_TITLE),
                                                ("spip_latin1", NEW_SPIP_PATH, NEW_SPIP_TITLE)])
def test_light_job_picks_up_the_new_article_from_the_feed(runs, site, path, title):
    row = next(runs.db.query("select * from items where url = ?", [runs.origins[site] + path]))
    assert (row["title"], row["kind"], row["status"]) == (title, "news", "active")
    downloaded = {(c, p) for c, _m, p, s, _b in runs.after_news if s == 200 and p != "/robots.txt"}
    assert (site, path) in downloaded
    assert downloaded <= runs.changed  # the new pages and the feeds that announce them


def test_new_article_lists_the_pdf_it_relays_without_asking_for_it_again(runs):
    pdf = runs.origins["spip_latin1"] + "/IMG/pdf/programme_cite_emploi_saint-malo.pdf"
    assert [p for c, _m, p, _s, _b in runs.after_news if c == "spip_latin1" and p.endswith(".pdf")] == []
    rows = list(runs.db.query(
        "select i.url, d.pages, d.text is not null as has_text from documents d "
        "join items i on i.id = d.item_id where d.file_url = ? order by i.url", [pdf]))
    assert [(r["url"].rsplit("/", 1)[1], r["pages"], r["has_text"]) for r in rows] == [
        ("spip.php?article39", 3, 1), ("spip.php?article99", 3, 1)]


def test_light_runs_ledger(runs):
    rows = list(runs.db.query("select * from harvest_runs where mode = 'light' order by id"))
    assert len(rows) == 6
    first, second = rows[:3], rows[3:]
    assert [(r["new"], r["gone"]) for r in first] == [(0, 0)] * 3
    assert {r["centre_id"]: r["new"] for r in second} == {
        "spip_latin1": 1, "wp_martinique": 1, "drupal_nofeed": 0}
    total_items = runs.db.execute("select count(*) from items where status = 'active'").fetchone()[0]
    assert total_items == sum(len(items) for items in runs.held.values()) + 2
