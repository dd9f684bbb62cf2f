"""A real WordPress harvested as a new user would: Debian's `wordpress` package with a
throwaway MariaDB behind `php -S` on loopback (tests/wordpress/), French content written
through WordPress's own PHP API, and a registry entry with only id, name, home URL and
time zone (America/Martinique, UTC-4 all year).

The site has 18 public posts in Actualités, Agenda and Publications, with tags, six PDFs
attached to five of them, five posts per archive page, and what a harvest must leave out:
a draft, a private post, a scheduled post, a password-protected post (WordPress lists it
in its feed, sitemap and archives), category, tag, author and date archives, an
attachment page and the home page. Then one post is published and one retitled, and a
`--mode light` run must pick both up without downloading again what it holds.

Skipped, with the reason, where the packages are missing:
`apt-get install wordpress mariadb-server php-cli php-xml` (.ci/run does it)."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
import yaml

from harvesting import harvest
from wordpress import content
from wordpress.server import WordPressSite, missing_requirement

pytestmark = pytest.mark.slow

CENTRE = "wp_reel"
UTC = ZoneInfo("UTC")
# The three posts whose time makes their day depend on the zone (see content.py).
EVENING, AFTER_MIDNIGHT, PARIS_NEXT_DAY = "nuit_quartiers", "elections_conseils", "conseils_bilan"


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory):
    """Debian's WordPress installed once for the session, with the content of content.py."""
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)
    started = time.monotonic()
    workdir = tmp_path_factory.mktemp("wordpress")
    server = WordPressSite(workdir)
    try:
        server.start()
        site = content.build(server, workdir / "pdfs")
        timing = {"setup (MariaDB, WordPress, content)": time.monotonic() - started}
        yield SimpleNamespace(server=server, site=site, workdir=workdir, timing=timing)
    finally:
        server.stop()


def _registry(path: Path, home: str) -> Path:
    """What a new user writes for the site: no CMS, no sources."""
    path.write_text(yaml.safe_dump({"centres": [{
        "id": CENTRE, "name": content.SITE_TITLE, "url": home + "/", "timezone": content.TIMEZONE,
    }]}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _copy_db(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


@pytest.fixture(scope="module")
def runs(wordpress, tmp_path_factory):
    """A full harvest, then (on a copy of its database) the site changes and a light run."""
    server, site, timing = wordpress.server, wordpress.site, wordpress.timing
    root = tmp_path_factory.mktemp("wordpress-harvest")
    registry = _registry(root / "registry.yaml", site.home)
    full_db, light_db = root / "full.db", root / "light.db"
    # The site's own days: never pinned to the hand-made sites' day (SITES_TODAY).
    mark = len(server.requests())
    clock = time.monotonic()
    full = harvest(registry, full_db, today=None, timeout=300)
    timing["full harvest"] = time.monotonic() - clock
    full_requests = server.requests()[mark:]
    _copy_db(full_db, light_db)

    new_post, changed = content.change(server, site, wordpress.workdir / "pdfs")
    mark = len(server.requests())
    clock = time.monotonic()
    light = harvest(registry, light_db, mode="light", today=None, timeout=300)
    timing["light harvest"] = time.monotonic() - clock
    yield SimpleNamespace(
        site=site, home=site.home, public=site.public, new_post=new_post, changed=changed,
        full=full, full_db=sqlite_utils.Database(full_db), full_requests=full_requests,
        light=light, light_db=sqlite_utils.Database(light_db), light_requests=server.requests()[mark:])


@pytest.fixture(scope="module", autouse=True)
def wall_time(wordpress, request):
    """The module's wall time (WordPress's setup included), printed past pytest's capture
    when the module ends and kept in the session's `wordpress*/wall_time.txt`."""
    started = time.monotonic()
    yield
    total = wordpress.timing["setup (MariaDB, WordPress, content)"] + time.monotonic() - started
    line = (f"\ntests/test_wordpress.py wall time: {total:.1f} s ("
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in wordpress.timing.items()) + ")\n")
    (wordpress.workdir / "wall_time.txt").write_text(line.strip() + "\n", encoding="utf-8")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(line, end="")
    else:
        print(line, end="")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def _items(db) -> dict[str, dict]:
    return {row["url"]: row for row in db.query("select * from items where centre_id = ?", [CENTRE])}


def _item(db, url: str) -> dict:
    rows = list(db.query("select * from items where url = ?", [url]))
    assert len(rows) == 1, f"{url}: {len(rows)} rows"
    return rows[0]


# -- the site is what the tests think it is ----------------------------------------------

def test_wordpress_built_the_site_as_specified(wordpress):
    site = wordpress.site
    assert len(site.public) == 18
    for post in site.posts.values():
        made = site.created[post.key]
        assert made["status"] == post.status, post.key
        assert made["title"] == post.title, post.key
        assert made["date"] == f"{post.local:%Y-%m-%d %H:%M:%S}" or post.status == "draft", post.key
        if post.status != "draft":
            # WordPress's own conversion of the local time to UTC: Martinique is UTC-4.
            assert made["date_gmt"] == f"{post.local.astimezone(UTC):%Y-%m-%d %H:%M:%S}"
        if post.status in ("publish", "private"):
            assert made["permalink"] == site.url(post.key), post.key
        for pdf in post.pdfs:
            assert made["files"][pdf.key]["url"] == site.home + post.pdf_path(pdf)
    evening = site.posts[EVENING]
    assert (evening.local.hour, evening.local.minute) == (21, 30)
    assert evening.local.astimezone(UTC).date() != evening.local.date()
    assert 0 <= site.posts[AFTER_MIDNIGHT].local.hour < 2
    assert all(post.local < datetime.now(content.ZONE) for post in site.public)


def test_the_pages_a_harvest_must_leave_out_are_really_there(wordpress):
    """Each exclusion is tested against a page WordPress really serves (or hides)."""
    site = wordpress.site
    home = site.home
    status, body = _get(site.url("partenaires"))
    assert status == 200 and "post-password-form" in body
    status, feed = _get(home + "/feed/")
    assert status == 200 and site.url("partenaires") in feed  # WordPress announces it
    status, sitemap = _get(home + "/wp-sitemap-posts-post-1.xml")
    assert status == 200 and sitemap.count("<loc>") == 19 and site.url("partenaires") in sitemap
    for key in ("prive", "brouillon", "programme"):
        assert _get(site.created[key]["permalink"])[0] == 404, key
    attachment = site.created["rapport_activite"]["files"]["synthese"]["page"]
    assert _get(attachment)[0] == 200
    assert attachment in _get(site.url("rapport_activite"))[1]
    for path in ("/category/actualites/page/2/", "/tag/emploi/", "/author/redaction/",
                 f"/{site.posts[EVENING].local:%Y/%m}/", "/page/4/"):
        assert _get(home + path)[0] == 200, path
    assert _get(home + "/page/5/")[0] == 404  # 19 listed posts, 5 a page


# -- the first harvest, by home URL alone ---------------------------------------------------

def test_full_harvest_completes_without_errors(runs):
    assert runs.full.returncode == 0, runs.full.stderr[-3000:]
    rows = list(runs.full_db.query("select status, new from harvest_runs where centre_id = ?", [CENTRE]))
    assert [(r["status"], r["new"]) for r in rows] == [("completed", 18)]
    assert list(runs.full_db.query("select url, kind, message from harvest_errors")) == []


def test_exactly_the_public_posts_by_url_and_title(runs):
    found = {url: row["title"] for url, row in _items(runs.full_db).items()}
    expected = {runs.site.url(post.key): post.title for post in runs.public}
    assert len(expected) == 18
    assert set(found) - set(expected) == set(), "stored as items but not public posts"
    assert set(expected) - set(found) == set(), "public posts missed"
    assert found == expected
    assert {row["status"] for row in _items(runs.full_db).values()} == {"active"}


def _left_out(site) -> dict[str, str]:
    home = site.home
    return {
        "password-protected post": site.url("partenaires"),
        "private post": site.url("prive"),
        "draft": site.created["brouillon"]["permalink"],
        "scheduled post": site.created["programme"]["permalink"],
        "attachment page": site.created["rapport_activite"]["files"]["synthese"]["page"],
        "home page": home + "/",
        "home page 2": home + "/page/2/",
        "category archive": site.categories["publications"],
        "category archive page 2": site.categories["actualites"] + "page/2/",
        "tag archive": home + "/tag/participation-citoyenne/",
        "author archive": home + "/author/redaction/",
        "month archive": home + f"/{site.posts[EVENING].local:%Y/%m}/",
    }


@pytest.mark.parametrize("what", ["password-protected post", "private post", "draft", "scheduled post",
                                  "attachment page", "home page", "home page 2", "category archive",
                                  "category archive page 2", "tag archive", "author archive",
                                  "month archive"])
def test_never_an_item(runs, what):
    url = _left_out(runs.site)[what]
    assert url not in _items(runs.full_db)
    aliases = [r["item_id"] for r in runs.full_db.query("select item_id from item_urls where url = ?", [url])]
    assert aliases == []


def test_hidden_posts_leave_no_trace(runs):
    text = " ".join((row["title"] or "") + " " + (row["body_text"] or "")
                    for row in _items(runs.full_db).values())
    for key in ("partenaires", "prive", "brouillon", "programme"):
        assert runs.site.posts[key].title not in text, key
    assert "Protégé" not in text


@pytest.mark.parametrize("key", [post.key for post in content.site_posts(content.local_today()) if post.public])
def test_published_day_is_the_day_in_martinique(runs, key):
    """The date part of `published_at` is the day the centre published on, in its own zone:
    the portal shows it and analysts group by it. 21:30 in Martinique is already the next
    day in UTC and in Paris."""
    post = runs.site.posts[key]
    row = _item(runs.full_db, runs.site.url(key))
    assert row["published_at"] is not None
    assert row["published_at"][:10] == post.local.date().isoformat()


def test_the_zone_sensitive_posts(runs):
    """Named on their own: the evening post (next day in UTC and in Paris), the post at
    19:30 (next day in Paris) and the post after midnight (previous day if read as UTC)."""
    days = {key: _item(runs.full_db, runs.site.url(key))["published_at"][:10]
            for key in (EVENING, PARIS_NEXT_DAY, AFTER_MIDNIGHT)}
    assert days == {key: runs.site.posts[key].local.date().isoformat()
                    for key in (EVENING, PARIS_NEXT_DAY, AFTER_MIDNIGHT)}


def test_published_at_is_the_exact_instant(runs):
    """A time, when stored, is the real moment of publication (WordPress shows it to the
    minute in the page's <time datetime> and the feed's pubDate)."""
    wrong = {}
    for post in runs.public:
        stored = _item(runs.full_db, runs.site.url(post.key))["published_at"]
        if stored and len(stored) > 10:
            when = datetime.fromisoformat(stored)
            if when.tzinfo is None or when != post.local:
                wrong[post.key] = (stored, post.local.isoformat())
    assert wrong == {}


def test_attached_pdfs_with_their_page_counts(runs):
    rows = runs.full_db.query(
        "select i.url, d.file_url, d.pages, d.media_type from documents d join items i on i.id = d.item_id")
    found = {(r["url"], r["file_url"], r["pages"], r["media_type"]) for r in rows}
    expected = {(runs.site.url(post.key), runs.home + post.pdf_path(pdf), pdf.pages, "application/pdf")
                for post in runs.public for pdf in post.pdfs}
    assert len(expected) == 6
    assert found == expected


# -- the light run, after one new post and one retitled post --------------------------------

def test_light_run_completes(runs):
    assert runs.light.returncode == 0, runs.light.stderr[-3000:]
    rows = list(runs.light_db.query(
        "select status, new, updated from harvest_runs where centre_id = ? and mode = 'light'", [CENTRE]))
    assert [(r["status"], r["new"], r["updated"]) for r in rows] == [("completed", 1, 1)]


def test_light_run_picks_up_the_new_post(runs):
    post = runs.new_post
    url = runs.home + post.path
    assert runs.changed["posts"][post.key]["permalink"] == url
    row = _item(runs.light_db, url)
    assert (row["title"], row["status"], row["published_at"][:10]) == (
        post.title, "active", post.local.date().isoformat())
    assert set(_items(runs.light_db)) - set(_items(runs.full_db)) == {url}  # nothing else new


def test_light_run_picks_up_the_new_title(runs):
    url = runs.site.url(content.RETITLED)
    old_title = runs.site.posts[content.RETITLED].title
    assert runs.changed["updates"][0]["title"] == content.NEW_TITLE
    row = _item(runs.light_db, url)
    assert row["title"] == content.NEW_TITLE
    versions = list(runs.light_db.query(
        "select changed_fields, previous from item_versions where item_id = ?", [row["id"]]))
    assert len(versions) == 1
    assert "title" in json.loads(versions[0]["changed_fields"])
    assert json.loads(versions[0]["previous"])["title"] == old_title
    others = {u: r["title"] for u, r in _items(runs.light_db).items() if u != url}
    assert others == {**{u: r["title"] for u, r in _items(runs.full_db).items() if u != url},
                      runs.home + runs.new_post.path: runs.new_post.title}


def _announces(path: str) -> bool:
    """robots.txt, the home page, feeds and sitemaps: what a light run reads every time."""
    bare = path.split("?", 1)[0]
    return (bare in ("/", "/robots.txt") or bare.endswith("/feed/")
            or (bare.endswith(".xml") and "sitemap" in bare))


def test_light_run_downloads_only_what_changed(runs):
    """Apart from robots.txt, the home page, feeds and sitemaps, the light run downloads
    the new post and at most the retitled one: nothing the full run already had whole
    (WordPress sends no validators for its pages, so any request for one is a download)."""
    retitled = runs.site.posts[content.RETITLED].path
    fetched = {r.path for r in runs.full_requests if r.status == 200}
    assert {runs.site.posts[key].path for key in ("partenaires", "rapport_activite")} <= fetched
    assert runs.light_requests, "the light run asked for nothing"
    again = sorted({r.path for r in runs.light_requests
                    if r.path in fetched and not _announces(r.path)} - {retitled})
    assert again == [], "downloaded again although the full run had it whole"
    downloaded = {r.path for r in runs.light_requests if r.status == 200 and not _announces(r.path)}
    assert runs.new_post.path in downloaded
    assert downloaded <= {runs.new_post.path, retitled}
