"""The portal under abuse: security headers on every response, no 500 from any parameter
(a fuzz of every portal parameter with hypothesis), no SQL ever shown, arbitrary SQL off by
default and bounded when on, feeds that stay valid whatever was harvested, public pages
that never queue behind the analysts' lane."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
import time
from urllib.parse import quote

import feedparser
import icalendar
import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings, strategies as st

from portail.publish import portal_package, publish
from portail.serve import datasette_app

from .conftest import Client
from .fixture_db import build_fixture_db

portal_package()
from crpv_portal import feeds  # noqa: E402

FUZZ = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# What a visitor might send: any text (no lone surrogates: they cannot travel in a URL),
# and the classics.
SPECIALS = ["", " ", "\x00", "\x1b", "%00", "%", "'", '"', "--", ";", "*", "~", "\\", "1e999", "-1",
            "0", "99999999999999999999", "NaN", "../../etc/passwd", "<script>alert(1)</script>",
            "' or 1=1 --", "rowid", "__proto__", "😀", "é" * 300, "a" * 3000, "null", "[]", "{}",
            "2026", "irev", "news", "sante", "Martinique", "max"]
VALUES = st.one_of(st.sampled_from(SPECIALS),
                   st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
PUBLIC = {
    "/recherche": ["q", "centre", "territoire", "theme", "type", "annee", "page"],
    "/agenda": ["centre", "territoire", "theme", "type", "annee"],
    "/portail/agenda.ics": ["centre", "territoire", "theme", "type", "annee"],
    "/portail/actualites.atom": ["centre", "territoire", "theme", "type", "annee"],
    "/": ["q", "page"],
    "/etat-des-sources": ["centre"],
}
TABLE_PARAMS = ["_sort", "_sort_desc", "_facet", "_facet_array", "_facet_date", "_next", "_size",
                "_search", "_search_title", "_searchmode", "_col", "_nocol", "_labels",
                "_nolabels", "_shape", "_json", "_timelimit", "_nofacet", "_nocount", "_trace",
                "_through", "_fts_table", "_fts_pk", "_stream", "_dl", "_context", "_extra",
                "_facet_size", "_hash", "centre_id", "kind__contains", "published_at__gt",
                "title__in", "themes__arraycontains", "status__isnull", "published_at__date",
                "id__exact", "nope__notin", "city__glob", "starts_at_utc__lte", "_where"]
TABLES = ["items", "events", "centres", "documents", "vue_agenda", "vue_sources", "item_themes"]
SQL_WORDS = re.compile(r"\bselect\b.+\bfrom\b|sqlite|Traceback|\bparams\b", re.I | re.S)
# With arbitrary SQL on, the analyst's own SQL comes back to its author (the editor, the
# JSON "query"); the portal's own SQL never does: no column list of the tables, no trace.
INTERNAL = re.compile(r"select id, centre_id, kind|Traceback|conn=|sqlite3\.", re.I)


def _check(response, path: str, own_sql: bool = False) -> None:
    assert response.status_code < 500, (path, response.status_code, response.text[-400:])
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", path
    assert headers["x-frame-options"] == "DENY", path
    assert "frame-ancestors 'none'" in headers["content-security-policy"], path
    assert headers["referrer-policy"], path
    if response.status_code >= 400:
        pattern = INTERNAL if own_sql else SQL_WORDS
        assert not pattern.search(response.text), (path, response.text[-600:])


def _get(client, path: str, params: dict | None = None, own_sql: bool = False):
    # httpx drops a query string written in the path when params (even empty) are given
    response = client.get(path, params=params) if params else client.get(path)
    _check(response, f"{path} {params}", own_sql)
    return response


# --- security headers --------------------------------------------------------------------

def _first_item_id(client) -> str:
    return client.get("/portail/items.json?_shape=array&_size=1").json()[0]["id"]


@pytest.mark.parametrize("path", [
    "/", "/recherche?q=emploi", "/agenda", "/etat-des-sources", "/centres/irev",
    "/elements/nexistepas", "/portail", "/portail/items", "/portail/items.json",
    "/portail/items.csv", "/portail/vue_sources", "/portail/dernieres_actualites",
    "/portail/dernieres_actualites.json", "/portail/agenda.ics", "/portail/actualites.atom",
    "/static/portail.css", "/themes", "/themes/sante", "/actions?region=32", "/actions.atom", "/static/datasette-menus.js", "/-/static/app.css",
    "/-/versions.json", "/-/metadata.json", "/portail/items?_sort=nope", "/portail?sql=select+1",
    "/n/existe/pas", "/portail/items/{item}", "/portail/items/{item}.json",
])
def test_every_response_carries_the_security_headers(client, path):
    response = _get(client, path.format(item=_first_item_id(client)))
    csp = response.headers["content-security-policy"]
    if response.headers["content-type"].startswith("text/html"):
        scripts = csp.split("script-src", 1)[1].split(";", 1)[0]
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
        # Any inline script of Datasette's own pages runs only because its hash is listed.
        for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.text, re.S):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in scripts, (path, body[:80])
    else:
        assert csp.startswith("default-src 'none'")


def test_datasette_table_page_runs_only_hashed_inline_script(client):
    html = client.get("/portail/items").text
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    assert inline == ["DATASETTE_ALLOW_FACET = true;"]
    assert '<script src="/static/datasette-menus.js"></script>' in html


# --- fuzz: no parameter ever makes a 500 --------------------------------------------------

@FUZZ
@given(page=st.sampled_from(sorted(PUBLIC)), data=st.data())
def test_fuzz_public_pages(client, page, data):
    params = data.draw(st.dictionaries(st.sampled_from(PUBLIC[page]), VALUES, max_size=4))
    response = _get(client, page, params)
    if page == "/portail/actualites.atom" and response.status_code == 200:
        assert not feedparser.parse(response.content).bozo


@FUZZ
@given(kind=st.sampled_from(["elements", "centres"]), value=VALUES)
def test_fuzz_item_and_centre_addresses(client, kind, value):
    response = _get(client, f"/{kind}/" + quote(value or "x", safe=""))
    assert response.status_code in (200, 302, 400, 404)  # 302: Datasette re-encodes a % path


@FUZZ
@given(table=st.sampled_from(TABLES), suffix=st.sampled_from(["", ".json", ".csv"]),
       params=st.dictionaries(st.sampled_from(TABLE_PARAMS), VALUES, max_size=4))
def test_fuzz_datasette_table_pages(client, table, suffix, params):
    _get(client, f"/portail/{table}{suffix}", params)


@FUZZ
@given(value=VALUES, suffix=st.sampled_from(["", ".json"]),
       which=st.sampled_from(["items", "events", "centres", "themes"]))
def test_fuzz_row_pages_and_canned_queries(client, value, suffix, which):
    _get(client, f"/portail/{which}/" + quote(value or "x", safe="") + suffix)
    _get(client, f"/portail/documents_par_theme{suffix}", {"theme": value})
    _get(client, "/portail", {"_shape": value, "q": value})


@FUZZ
@given(sql=st.one_of(VALUES, st.sampled_from([
    "select * from items", "select randomblob(1000000000)", "select zeroblob(300000000)",
    "select printf('%.*c', 100000000, 'x')", "select * from nope", "pragma table_info(items)",
    "attach 'x' as y", "select load_extension('x')", "delete from items",
    "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
    "select 1 from items a, items b, items c, items d", "select :p", "select ?"])),
    where=VALUES)
def test_fuzz_arbitrary_sql_when_on(client, monkeypatch, sql, where):
    monkeypatch.setenv("CRPV_PUBLIC_SQL", "on")
    _get(client, "/portail.json", {"sql": sql, "p": where}, own_sql=True)
    _get(client, "/portail", {"sql": sql}, own_sql=True)
    _get(client, "/portail/items", {"_where": where}, own_sql=True)


# --- arbitrary SQL: off by default, bounded when on ---------------------------------------

def test_sql_off_keeps_canned_queries_and_the_api(client, monkeypatch):
    monkeypatch.delenv("CRPV_PUBLIC_SQL", raising=False)
    for path in ("/portail.json?sql=select+1", "/portail.csv?sql=select+1",
                 "/portail?sql=select+1", "/portail/items?_where=1"):
        assert _get(client, path).status_code == 403
    assert "sql-editor" not in client.get("/portail").text  # no SQL box offered
    assert _get(client, "/portail/vue_agenda.json?_shape=array").status_code == 200
    assert _get(client, "/portail/items.csv?_size=5").status_code == 200


@pytest.mark.parametrize("sql, why", [
    # A value past SQLITE_LIMIT_LENGTH: SQLite's own words ("string or blob too big").
    ("select randomblob(1000000000) as b", "too big"),
    ("select length(zeroblob(200000000)) as n", "too big"),
    # 12 MB a row, each value under the limit: the result budget stops it.
    ("select randomblob(4000000) as a, randomblob(4000000) as b, randomblob(4000000) as c "
     "from items", "résultat trop volumineux"),
    ("with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
     "temps autorisé"),
])
def test_sql_when_on_has_memory_and_time_limits(client, monkeypatch, sql, why):
    monkeypatch.setenv("CRPV_PUBLIC_SQL", "on")
    started = time.monotonic()
    response = _get(client, "/portail.json", {"sql": sql}, own_sql=True)
    assert response.status_code == 400 and why in response.json()["error"]
    assert time.monotonic() - started < 10


def test_public_pages_never_wait_for_the_analysts_lane(client):
    """Every analyst slot taken (as by abusive clients): public pages answer, the analysts'
    pages get a French 503 with Retry-After after a short wait."""
    lanes = client.ds._crpv_lanes
    analyst = lanes["donnees"]
    _get(client, "/portail/items.json?_size=1")  # the semaphore now exists
    saved = analyst.wait
    analyst.wait = 0.2

    async def take_all():
        for _ in range(analyst.slots):
            await analyst.semaphore.acquire()

    import asyncio
    asyncio.run_coroutine_threadsafe(take_all(), client.loop).result(5)
    try:
        for path in ("/", "/recherche?q=emploi", "/agenda", "/portail/agenda.ics",
                     "/portail/actualites.atom", "/static/portail.css"):
            assert _get(client, path).status_code == 200, path
        busy = client.get("/portail/items")
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
        assert "Réessayez dans quelques secondes" in busy.text
        assert busy.headers["x-content-type-options"] == "nosniff"
        assert client.get("/portail/items.json").json()["status"] == 503
    finally:
        for _ in range(analyst.slots):
            client.loop.call_soon_threadsafe(analyst.semaphore.release)
        analyst.wait = saved
    time.sleep(0.05)
    assert _get(client, "/portail/items.json?_size=1").status_code == 200


# --- feeds: whatever was harvested -------------------------------------------------------

HOSTILE_TITLE = "Rencontre\x1b piégée <img src=x onerror=alert(1)>"
HOSTILE_PLACE = '<img src=x onerror="alert(2)">Salle <b>des fêtes</b> javascript:alert(3)'


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """The fixture plus an event whose title carries an ESC and markup, and whose place and
    summary carry markup and a javascript: URL."""
    base = tmp_path_factory.mktemp("hostile")
    path = build_fixture_db(base / "harvest.db")
    db = sqlite_utils.Database(path)
    event = dict(next(db.query("select * from events order by starts_at_utc desc limit 1")))
    item = dict(next(db.query("select * from items where id = ?", [event["item_id"]])))
    item.update(id="hostile-event", url=item["url"] + "?hostile", title=HOSTILE_TITLE,
                summary="Résumé <script>alert(4)</script> et <a href='javascript:alert(5)'>lien</a>",
                body_html="<p>Corps\x07 <img src=x onerror=alert(6)></p>",
                published_at=max(r[0] for r in db.execute("select published_at from items")))
    db["items"].insert(item)
    event.update(id="hostile-event/1", item_id="hostile-event", location_name=HOSTILE_PLACE,
                 city="Ville\x00<script>")
    db["events"].insert(event)
    db.close()
    client = Client(datasette_app(publish(path, base / "publish")))
    yield client
    client.close()


def test_atom_stays_valid_xml_with_control_characters(hostile_client):
    response = _get(hostile_client, "/portail/actualites.atom?type=event")  # the hostile item is an event
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = [e.title for e in parsed.entries]
    assert "Rencontre piégée <img src=x onerror=alert(1)>" in titles  # text, ESC dropped
    assert b"\x1b" not in response.content and b"\x07" not in response.content
    for entry in parsed.entries:
        for content in entry.get("content", []):
            assert "onerror" not in content.value and "<script" not in content.value


def test_ics_text_fields_are_plain_text(hostile_client):
    response = _get(hostile_client, "/portail/agenda.ics")
    cal = icalendar.Calendar.from_ical(response.content)
    event = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == "hostile-event/1@portail-crpv")
    fields = {name: str(event.get(name, "")) for name in ("SUMMARY", "LOCATION", "DESCRIPTION")}
    assert fields["SUMMARY"] == "Rencontre piégée"
    assert fields["LOCATION"].startswith("Salle des fêtes")
    assert "Résumé  et lien" in fields["DESCRIPTION"]
    for name, value in fields.items():
        assert not re.search(r"[<>\x00-\x08\x1b]|javascript:|onerror", value, re.I), (name, value)
    assert str(event["URL"]).startswith("https://")


@pytest.mark.parametrize("value, expected", [
    ("<b>gras</b> et <i>italique</i>", "gras et italique"),
    ("<<b>script>alert(1)<</b>/script>", "alert(1)"),
    ("avant <img src=x onerror=alert(1)", "avant"),
    ("JavaScript :alert(1) puis javascript:javascript:x", "alert(1) puis x"),
    ("ligne\x1b\x00 propre\nsuite", "ligne propre\nsuite"),
    ("3 < 4 et 5 > 2", "3  4 et 5  2"),
])
def test_plain_text_for_calendars(value, expected):
    assert feeds.plain_text(value) == expected


def test_xml_text_drops_what_xml_forbids():
    assert feeds.xml_text("a\x1bb\x00c\ud800d\ufffee\tf\n") == "abcde\tf\n"


@pytest.mark.parametrize("path, query, lane", [
    ("/", {}, "public"), ("/recherche", {"q": "x"}, "public"), ("/portail/agenda.ics", {}, "public"),
    ("/static/portail.css", {}, "public"), ("/elements/abc", {}, "public"),
    ("/portail/items", {}, "donnees"), ("/portail/items.json", {"_size": "max"}, "donnees"),
    ("/portail/items", {"_sort_desc": "published_at"}, "donnees"),  # indexed: declared sortable
    ("/portail/items", {"kind": "news", "centre_id__exact": "irev"}, "donnees"),
    ("/portail/dernieres_actualites", {}, "donnees"), ("/portail/items/abc", {}, "donnees"),
    ("/portail/items", {"_sort": "body_text"}, "lourd"),
    ("/portail/fetch_state", {"_sort": "url"}, "lourd"),  # no sortable columns declared there
    ("/portail/items", {"title__contains": "x"}, "lourd"),
    ("/portail/items", {"_facet": "kind"}, "lourd"), ("/portail/items", {"_search": "x"}, "lourd"),
    ("/portail/items.csv", {"_stream": "on"}, "lourd"),
    ("/portail", {"sql": "select 1"}, "sql"), ("/portail/items", {"_where": "1"}, "sql"),
])
def test_lanes(path, query, lane):
    import portail_securite

    assert portail_securite.lane_of(path, query) == lane


def test_scan_slots_are_shared_by_worker_processes(tmp_path):
    """Two workers (two admissions on the same lock files): one scan at a time between them,
    and a slot rests as long as its request ran."""
    import asyncio
    import concurrent.futures

    import portail_securite

    first = portail_securite.SharedAdmission(1, tmp_path, "lourd", wait=0.1, cooldown=1.0)
    second = portail_securite.SharedAdmission(1, tmp_path, "lourd", wait=0.1, cooldown=1.0)

    async def scenario():
        slot = await first.acquire()
        assert slot == 0
        assert await second.acquire() is None  # held by the other worker
        first.release(slot, took=0.3)  # rests 0.3 s
        assert await second.acquire() is None
        await asyncio.sleep(0.35)
        again = await second.acquire()
        assert again == 0
        second.release(again)
        assert await first.acquire() == 0

    # A thread of its own: a session-wide browser may already run an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result(10)
    assert (first.refused, second.refused) == (0, 2)
