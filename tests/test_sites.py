"""The hand-made test sites (tests/sites/) agree with their ground truth.

Checks each `_truth.json` against the files that serve it (routes, titles, dates, PDFs,
calendars, robots), then the same through `mirror.server.MirrorServer`, then the
`mutate` helpers used by the incremental-harvest tests.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import lxml.html
import pypdf
import pytest
import recurring_ical_events

from harvesting import load_mutate

SITES = Path(__file__).resolve().parent / "sites"
SITE_NAMES = ["spip_latin1", "wp_martinique", "drupal_nofeed"]
THEMES = {"participation", "education_jeunesse", "sante", "egalite_discriminations", "emploi_economie",
          "renouvellement_urbain", "pilotage_contrat_de_ville", "transitions", "culture_memoire",
          "acces_aux_droits", "immigration_integration", "developpement_territorial",
          "securite_prevention", "outre_mer"}
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre"]


mutate = load_mutate()


class SiteFiles:
    """One site read from disk: meta, routes, truth, and decoded pages."""

    def __init__(self, root: Path):
        self.root = root
        self.meta = json.loads((root / "_site.json").read_text(encoding="utf-8"))
        doc = json.loads((root / "_routes.json").read_text(encoding="utf-8"))
        self.routes, self.traps = doc["routes"], doc["traps"]
        self.truth = json.loads((root / "_truth.json").read_text(encoding="utf-8"))
        self.tz = ZoneInfo(self.meta["timezone"])

    def raw(self, target: str) -> bytes:
        return (self.root / self.routes[target]["file"]).read_bytes()

    def text(self, target: str) -> str:
        """The body decoded as a browser would (ISO-8859-1 is windows-1252 for browsers)."""
        ctype = self.routes[target].get("type", "")
        charset = re.search(r"charset=([\w-]+)", ctype)
        encoding = charset.group(1).lower() if charset else "utf-8"
        if encoding in ("iso-8859-1", "latin-1"):
            encoding = "cp1252"
        return self.raw(target).decode(encoding)

    def tree(self, target: str):
        return lxml.html.fromstring(self.text(target))

    def html_targets(self):
        return [t for t, r in self.routes.items() if "file" in r and r["file"].endswith(".html")]


@pytest.fixture(scope="module", params=SITE_NAMES)
def site(request) -> SiteFiles:
    return SiteFiles(SITES / request.param)


def _items(name: str, kind: str | None = None) -> list[dict]:
    items = SiteFiles(SITES / name).truth["items"]
    return [i for i in items if kind is None or i["kind"] == kind]


def _h1s(tree) -> list[str]:
    return [" ".join(h.text_content().split()) for h in tree.iter("h1")]


def _visible_text(tree) -> str:
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    return " ".join(tree.text_content().split())


def _fr(d: date) -> str:
    return f"{'1er' if d.day == 1 else d.day} {MOIS[d.month - 1]} {d.year}"


# --------------------------------------------------------------------------- truth shape

def test_truth_items_are_complete_and_well_formed(site):
    items = site.truth["items"]
    assert 22 <= len(items) <= 28
    keys = {"kind", "path", "title", "published", "aliases", "events", "document", "themes", "relay_of", "place"}
    paths = [i["path"] for i in items]
    assert len(paths) == len(set(paths))
    for item in items:
        assert set(item) == keys, item["path"]
        assert item["kind"] in ("news", "event", "document")
        assert item["title"] == item["title"].strip() and item["title"]
        assert date.fromisoformat(item["published"])
        assert 1 <= len(item["themes"]) <= 3 and set(item["themes"]) <= THEMES, item["path"]
        assert (item["kind"] == "event") == bool(item["events"]), item["path"]
        if item["kind"] == "document":
            assert item["document"], item["path"]
        if item["place"] is not None:
            assert set(item["place"]) == {"location_name", "city", "postcode"}
            assert re.fullmatch(r"\d{5}", item["place"]["postcode"])


def test_event_times_carry_the_offset_of_the_site_zone(site):
    for item in _items(site.root.name, "event"):
        for ev in item["events"]:
            if ev["all_day"]:
                start, end = date.fromisoformat(ev["starts_at"]), date.fromisoformat(ev["ends_at"])
                assert start <= end
                continue
            start, end = datetime.fromisoformat(ev["starts_at"]), datetime.fromisoformat(ev["ends_at"])
            assert start < end, item["path"]
            for value in (start, end):
                local = value.replace(tzinfo=None).replace(tzinfo=site.tz)
                assert value.utcoffset() == local.utcoffset(), (item["path"], value)


def test_every_kind_is_present_and_counts_are_balanced(site):
    kinds = [i["kind"] for i in site.truth["items"]]
    assert min(kinds.count(k) for k in ("news", "event", "document")) >= 4


def test_registry_entry_is_a_valid_centre(site):
    from crawlers.registry import parse_registry

    reg = site.truth["registry"]
    origin = "http://127.0.0.1:8765"
    entry = {"id": reg["id"], "name": reg["name"], "timezone": reg["timezone"], "cms": reg["cms"],
             "url": origin + reg["url"],
             "sources": [{"url": origin + s["path"], "content": s["content"]} for s in reg["sources"]]}
    centre = parse_registry({"centres": [entry]}).centres[0]
    assert centre.id == site.root.name == site.meta["id"]
    assert {s.content for s in centre.sources} == {"news", "event", "document"}
    for source in reg["sources"]:
        assert "file" in site.routes[source["path"]], source
    assert site.meta["sources"] == reg["sources"]


# --------------------------------------------------------------------------- pages vs truth

def test_every_path_and_alias_is_routed(site):
    for item in site.truth["items"]:
        route = site.routes[item["path"]]
        assert "file" in route, item["path"]
        for alias in item["aliases"]:
            alias_route = site.routes[alias]
            if "redirect" in alias_route:
                assert alias_route["redirect"] == item["path"] and alias_route["status"] == 301
            else:
                assert alias_route["file"] == route["file"], alias


def test_pages_show_the_exact_title(site):
    for item in site.truth["items"]:
        if item["path"].endswith(".pdf"):
            # A PDF linked straight from a listing: the link text is its displayed title.
            anchors = [" ".join(a.text_content().split())
                       for t in site.html_targets() for a in site.tree(t).iter("a")
                       if (a.get("href") or "").endswith(item["path"])]
            assert item["title"] in anchors, item["path"]
        else:
            assert item["title"] in _h1s(site.tree(item["path"])), item["path"]


def test_pages_show_the_publication_date(site):
    for item in site.truth["items"]:
        published = date.fromisoformat(item["published"])
        if item["path"].endswith(".pdf"):
            text = _visible_text(site.tree(site.truth["registry"]["sources"][2]["path"]))
            assert f"mis en ligne le {_fr(published)}" in text
            continue
        tree = site.tree(item["path"])
        meta = tree.xpath("//meta[@property='article:published_time']/@content")
        if meta:  # WordPress: UTC in meta, local date is the truth
            assert datetime.fromisoformat(meta[0]).astimezone(site.tz).date() == published
        else:
            assert _fr(published) in _visible_text(tree), item["path"]
        for stamp in tree.xpath("//span[@class='node__submitted']/time/@datetime"):
            utc = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            assert utc.astimezone(site.tz).date() == published


def test_documents_match_their_pdfs(site):
    documents = [i["document"] for i in site.truth["items"] if i["document"]]
    assert 4 <= len(documents) <= 6
    for document in documents:
        route = site.routes[document["path"]]
        reader = pypdf.PdfReader(site.root / route["file"])
        assert len(reader.pages) == document["pages"]
        assert reader.metadata.title == document["title"]
        assert document["title"] in reader.pages[0].extract_text()
        assert f"Page {document['pages']} / {document['pages']}" in reader.pages[-1].extract_text()
    for item in site.truth["items"]:
        if item["document"] and not item["path"].endswith(".pdf"):
            hrefs = site.tree(item["path"]).xpath("//a/@href")
            assert any(h.lstrip("/").endswith(item["document"]["path"].lstrip("/")) for h in hrefs)


def test_robots_excludes_and_trap_are_declared(site):
    robots = site.raw("/robots.txt").decode()
    disallowed = re.findall(r"(?m)^Disallow: (\S+)", robots)
    for prefix in site.truth["robots_excluded"]:
        assert prefix in disallowed
    if site.truth["trap_prefix"]:
        assert {"kind": "month_calendar", "prefix": site.truth["trap_prefix"]} in site.traps
    for prefix in [p for p in site.truth["robots_excluded"] if p != "/user/"] + [site.truth["trap_prefix"]]:
        if prefix and site.root.name == "drupal_nofeed":
            linked = any(h.startswith(prefix) for t in site.html_targets() for h in site.tree(t).xpath("//a/@href"))
            assert linked, f"nothing tempts a crawler into {prefix}"


# --------------------------------------------------------------------------- SPIP specifics

SPIP = SITES / "spip_latin1"


def test_spip_pages_are_latin1_with_one_windows1252_page():
    s = SiteFiles(SPIP)
    smart = [t for t in s.html_targets() if re.search(rb"[\x80-\x9f]", s.raw(t))]
    assert smart == ["/spip.php?article31"]
    assert b"\x92" in s.raw(smart[0]) and b"\x93" in s.raw(smart[0]) and b"\x94" in s.raw(smart[0])
    for target in s.html_targets():
        raw = s.raw(target)
        assert b'charset=iso-8859-1' in raw
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    assert "Quartiers d’été : les “cafés des habitants” reviennent à Maurepas" in _h1s(s.tree("/spip.php?article31"))


def test_spip_backend_is_a_clean_latin1_rss_of_the_ten_latest():
    s = SiteFiles(SPIP)
    raw = s.raw("/spip.php?page=backend")
    assert raw.startswith(b'<?xml version="1.0" encoding="iso-8859-1"?>')
    feed = feedparser.parse(raw, response_headers={"content-type": s.routes["/spip.php?page=backend"]["type"]})
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 10
    by_path = {i["path"]: i for i in s.truth["items"]}
    links = [e.link.replace("__ORIGIN__", "") for e in feed.entries]
    assert "/spip.php?article31" not in links
    for entry, link in zip(feed.entries, links):
        assert entry.title == by_path[link]["title"]
    newest = sorted(s.truth["items"], key=lambda i: i["published"], reverse=True)[:10]
    assert {i["published"] for i in newest} == {by_path[link]["published"] for link in links}


def test_spip_has_no_machine_readable_dates_on_pages():
    s = SiteFiles(SPIP)
    for target in s.html_targets():
        text = s.text(target)
        assert "<time" not in text and "datetime=" not in text and "published_time" not in text
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), target


_YEARLESS = re.compile(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) (\d{1,2}|1er) ("
                       + "|".join(MOIS) + r")\b(?! \d{4})", re.I)


def _infer(day: int, month: int, reference: date) -> date:
    """CONTRACTS 'Year inference': the first such day on or after the reference."""
    candidate = date(reference.year, month, day)
    return candidate if candidate >= reference else date(reference.year + 1, month, day)


@pytest.mark.parametrize("path, expected", [
    ("/spip.php?article47", date(2026, 3, 12)),
    ("/spip.php?article49", date(2026, 6, 11)),
    ("/spip.php?article26", date(2026, 1, 14)),  # published in December 2025
])
def test_spip_yearless_event_dates_resolve_from_the_publication_date(path, expected):
    s = SiteFiles(SPIP)
    item = next(i for i in s.truth["items"] if i["path"] == path)
    text = _visible_text(s.tree(path))
    found = _YEARLESS.findall(text)
    assert len(found) == 1
    weekday, day, month = found[0]
    resolved = _infer(1 if day == "1er" else int(day), MOIS.index(month.lower()) + 1,
                      date.fromisoformat(item["published"]))
    assert resolved == expected == date.fromisoformat(item["events"][0]["starts_at"][:10])
    assert weekday.lower() == ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][resolved.weekday()]


def test_spip_rubriques_paginate_with_debut_articles():
    s = SiteFiles(SPIP)
    paged = sorted(t for t in s.routes if "debut_articles=" in t)
    assert paged == ["/spip.php?rubrique1&debut_articles=10", "/spip.php?rubrique1&debut_articles=5",
                     "/spip.php?rubrique2&debut_articles=5", "/spip.php?rubrique3&debut_articles=3"]
    linked = set()
    for target in [t for t in s.routes if t.startswith("/spip.php?rubrique")]:
        linked |= {h.split("#")[0] for h in s.tree(target).xpath("//a/@href") if "debut_articles" in h}
    assert {"spip.php" + t[len("/spip.php"):] for t in paged} == linked
    articles = set()
    for target in [t for t in s.routes if t.startswith("/spip.php?rubrique")]:
        articles |= {"/" + h for h in s.tree(target).xpath("//a/@href") if "?article" in h}
    assert articles == {i["path"] for i in s.truth["items"]}


# --------------------------------------------------------------------------- WordPress specifics

WP = SITES / "wp_martinique"


def test_wp_feed_links_carry_tracking_parameters_and_resolve_to_posts():
    s = SiteFiles(WP)
    feed = feedparser.parse(s.raw("/feed/"))
    assert not feed.bozo
    news = {i["path"]: i for i in s.truth["items"] if i["kind"] == "news"}
    assert len(feed.entries) == len(news) == 10
    for entry in feed.entries:
        path, _, query = entry.link.replace("__ORIGIN__", "").partition("?")
        assert query.startswith("utm_source=newsletter")
        assert entry.title == news[path]["title"]
        assert entry.id.replace("__ORIGIN__", "") in news[path]["aliases"]


def test_wp_evening_post_is_dated_the_next_day_in_utc():
    s = SiteFiles(WP)
    item = next(i for i in s.truth["items"] if i["path"].endswith("/vie-chere-et-precarite-letude-du-crpv/"))
    assert item["published"] == "2026-09-10"
    feed = feedparser.parse(s.raw("/feed/"))
    entry = next(e for e in feed.entries if "vie-chere" in e.link)
    assert entry.published == "Fri, 11 Sep 2026 00:45:00 +0000"


def _ics_occurrences(s: SiteFiles, start: date, end: date) -> dict[str, list[tuple[str, str, bool]]]:
    cal = icalendar.Calendar.from_ical(s.raw("/events/?ical=1"))
    found: dict[str, list] = {}
    for component in recurring_ical_events.of(cal).between(start, end + timedelta(days=1)):
        begin, finish = component["DTSTART"].dt, component["DTEND"].dt
        all_day = not isinstance(begin, datetime)
        if all_day:
            values = (begin.isoformat(), (finish - timedelta(days=1)).isoformat(), True)
        else:
            values = (begin.isoformat(), finish.isoformat(), False)
        found.setdefault(str(component["URL"]).replace("__ORIGIN__", ""), []).append(values)
    return found


def test_wp_ical_export_gives_exactly_the_truth_events():
    s = SiteFiles(WP)
    window = [date.fromisoformat(d) for d in s.truth["window"]]
    assert window == [date(2026, 10, 26), date(2027, 5, 24)]
    found = _ics_occurrences(s, date(2026, 1, 1), date(2027, 12, 31))
    for item in _items("wp_martinique", "event"):
        occurrences = sorted(found[item["path"]])
        inside = [o for o in occurrences if window[0] <= date.fromisoformat(o[0][:10]) <= window[1]]
        expected = [(e["starts_at"], e["ends_at"], e["all_day"]) for e in item["events"]]
        if len(occurrences) > 1:  # the weekly series: the truth lists the window only
            assert sorted(expected) == inside
        else:
            assert expected == occurrences, item["path"]
    weekly = next(i for i in _items("wp_martinique", "event") if len(i["events"]) > 1)
    starts = [e["starts_at"][:10] for e in weekly["events"]]
    assert len(starts) == 28 and starts[0] == "2026-10-28" and starts[-1] == "2027-05-19"
    assert "2026-12-23" not in starts and "2026-12-30" not in starts
    assert weekly["events"][0]["starts_at"] == "2026-10-28T17:30:00-04:00"


def test_wp_ical_declares_the_martinique_zone():
    raw = SiteFiles(WP).raw("/events/?ical=1")
    assert b"BEGIN:VTIMEZONE\r\nTZID:America/Martinique\r\n" in raw
    assert b"DTSTART;TZID=America/Martinique:20261203T190000" in raw
    assert all(len(line) <= 75 or b"__ORIGIN" in line for line in raw.split(b"\r\n"))


def test_wp_jsonld_agrees_with_truth_and_writes_all_day_as_tec_does():
    s = SiteFiles(WP)
    for item in _items("wp_martinique", "event"):
        scripts = s.tree(item["path"]).xpath("//script[@type='application/ld+json']/text()")
        ld = json.loads(scripts[0])[0]
        assert ld["@type"] == "Event"
        first = item["events"][0]
        if first["all_day"]:
            assert ld["startDate"] == first["starts_at"] + "T00:00:00-04:00"
            assert ld["endDate"] == first["ends_at"] + "T23:59:59-04:00"
        elif len(item["events"]) == 1:
            assert (ld["startDate"], ld["endDate"]) == (first["starts_at"], first["ends_at"])
        if item["place"]:
            assert ld["location"]["name"] == item["place"]["location_name"]
            assert ld["location"]["address"]["postalCode"] == item["place"]["postcode"]
            assert ld["location"]["address"]["addressLocality"] == item["place"]["city"]
        else:
            assert ld["location"]["@type"] == "VirtualLocation"


def test_wp_evening_event_ends_after_midnight_utc():
    item = next(i for i in _items("wp_martinique", "event") if "texaco" in i["path"])
    end = datetime.fromisoformat(item["events"][0]["ends_at"]).astimezone(timezone.utc)
    assert end.date() == date(2026, 12, 4) and item["events"][0]["starts_at"].startswith("2026-12-03T19:00")


# --------------------------------------------------------------------------- Drupal specifics

DRUPAL = SITES / "drupal_nofeed"


def test_drupal_has_no_feed_and_no_sitemap():
    s = SiteFiles(DRUPAL)
    for target in ("/rss.xml", "/sitemap.xml", "/feed", "/node/feed"):
        assert target not in s.routes
    for target in s.html_targets():
        assert 'rel="alternate"' not in s.text(target)


def test_drupal_nodes_are_served_twice_with_the_pretty_canonical():
    s = SiteFiles(DRUPAL)
    linked = {h for t in s.html_targets() for h in s.tree(t).xpath("//a/@href")}
    node_links = {h for h in linked if h.startswith("/node/")}
    assert len(node_links) >= 5
    for item in s.truth["items"]:
        tree = s.tree(item["aliases"][0])
        assert tree.xpath("//link[@rel='canonical']/@href") == ["__ORIGIN__" + item["path"]]
        assert tree.xpath("//link[@rel='shortlink']/@href") == ["__ORIGIN__" + item["aliases"][0]]
    pretty = {i["path"] for i in s.truth["items"]}
    assert {h.split("?")[0] for h in linked if h.split("?")[0] in pretty} == pretty


def test_drupal_body_scripts_never_show_as_text():
    s = SiteFiles(DRUPAL)
    for item in s.truth["items"]:
        tree = s.tree(item["path"])
        body = tree.xpath("//div[contains(@class,'field--name-body')]")[0]
        assert len(body.xpath(".//script")) == 2
        assert "trackPageView" in lxml.html.tostring(body, encoding="unicode")
        assert "trackPageView" not in _visible_text(body)


def test_drupal_event_datetimes_are_utc_and_match_truth():
    s = SiteFiles(DRUPAL)
    for item in _items("drupal_nofeed", "event"):
        stamps = s.tree(item["path"]).xpath("//div[contains(@class,'field--name-field-date')]//time/@datetime")
        if item["events"][0]["all_day"]:
            assert stamps == [item["events"][0]["starts_at"] + "T12:00:00Z"]
            continue
        expected = []
        for ev in item["events"]:
            for value in (ev["starts_at"], ev["ends_at"]):
                expected.append(datetime.fromisoformat(value).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        assert stamps == expected, item["path"]


def test_drupal_multiplying_links_exist():
    s = SiteFiles(DRUPAL)
    hrefs = [h for t in s.html_targets() for h in s.tree(t).xpath("//a/@href")]
    assert len({h for h in hrefs if "PHPSESSID=" in h}) >= 3
    facets = {h for h in hrefs if h.startswith("/publications?theme=")}
    assert len(facets) == 102 and not facets & set(s.routes)


# --------------------------------------------------------------------------- served

@pytest.fixture(scope="module")
def served():
    server_module = pytest.importorskip("mirror.server")
    if not server_module.loopback_available():
        pytest.skip("loopback addresses 127.42.0.x cannot be bound here")
    server = server_module.MirrorServer(SITES)
    origins = server.start()
    yield server, origins
    server.stop()


def _get(url: str, headers: dict | None = None):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_server_serves_every_site_and_item(served):
    server, origins = served
    assert set(SITE_NAMES) <= set(origins)
    for name in SITE_NAMES:
        s = SiteFiles(SITES / name)
        origin = origins[name]
        for item in s.truth["items"]:
            status, headers, body = _get(origin + item["path"])
            assert status == 200, item["path"]
            assert b"__ORIGIN__" not in body
            for alias in item["aliases"]:
                status, headers, _ = _get(origin + alias)
                assert status in (200, 301)
                if status == 301:
                    assert headers["Location"] == origin + item["path"]


def test_server_answers_tracking_variants_traps_and_latin1(served):
    _, origins = served
    wp, drupal, spip = origins["wp_martinique"], origins["drupal_nofeed"], origins["spip_latin1"]
    status, _, body = _get(wp + "/2026/11/signature-du-contrat-de-ville-de-la-cacem/?utm_source=newsletter&utm_medium=rss")
    assert status == 200 and b"Engagements Quartiers 2030" in body
    status, _, body = _get(drupal + "/agenda/calendrier/2031-04")
    assert status == 200
    status, headers, body = _get(spip + "/spip.php?article31")
    assert headers["Content-Type"] == "text/html; charset=iso-8859-1"
    assert "Quartiers d’été".encode("cp1252") in body
    status, headers, _ = _get(spip + "/spip.php?page=backend")
    status2, _, _ = _get(spip + "/spip.php?page=backend", {"If-None-Match": headers["ETag"]})
    assert status2 == 304


# --------------------------------------------------------------------------- mutate

def test_retitle_changes_page_listing_and_feed(tmp_path):
    copy = mutate.copy_site(WP, tmp_path / "wp_martinique")
    path = "/2026/10/cite-de-lemploi-120-jeunes-accompagnes/"
    old = "Emploi : 120 jeunes des quartiers accompagnés par la Cité de l’emploi"
    new = "Emploi : 120 jeunes des quartiers accompagnés par la Cité de l’emploi (bilan)"
    when = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    touched = mutate.retitle(copy, path, new, when=when)
    assert {path, "/category/actualites/", "/feed/"} <= set(touched) and "/contact/" not in touched
    s = SiteFiles(copy)
    assert new in _h1s(s.tree(path))
    assert "(bilan) (bilan)" not in s.text("/feed/")
    assert [e.title for e in feedparser.parse(s.raw("/feed/")).entries].count(new) == 1
    listing = s.text("/category/actualites/")
    assert "la Cité de l&#8217;emploi (bilan)</a>" in listing
    assert s.routes[path]["last_modified"] == "Tue, 01 Dec 2026 08:00:00 GMT"
    assert s.routes["/feed/"]["last_modified"] == "Tue, 01 Dec 2026 08:00:00 GMT"
    assert s.routes["/contact/"]["last_modified"] != "Tue, 01 Dec 2026 08:00:00 GMT"
    assert next(i for i in s.truth["items"] if i["path"] == path)["title"] == new
    assert old not in [i["title"] for i in s.truth["items"]]
    # The committed site is untouched.
    assert old in _h1s(SiteFiles(WP).tree(path))


def test_retitle_keeps_latin1_bytes(tmp_path):
    copy = mutate.copy_site(SPIP, tmp_path / "spip_latin1")
    path = "/spip.php?article31"
    mutate.retitle(copy, path, "Quartiers d’été : les “cafés des habitants” s’installent à Maurepas")
    s = SiteFiles(copy)
    assert "Quartiers d’été : les “cafés des habitants” s’installent à Maurepas" in _h1s(s.tree(path))
    assert "s’installent" in _visible_text(s.tree("/spip.php?rubrique1&debut_articles=5"))
    with pytest.raises(UnicodeDecodeError):
        s.raw(path).decode("utf-8")


def test_remove_answers_404_and_leaves_listings_feeds_sitemaps_and_calendar(tmp_path):
    copy = mutate.copy_site(WP, tmp_path / "wp_martinique")
    post = "/2026/11/lancement-de-la-cite-educative-de-fort-de-france/"
    mutate.remove(copy, post)
    event_path = "/event/cine-debat-memoires-de-texaco/"
    mutate.remove(copy, event_path)
    s = SiteFiles(copy)
    assert s.routes[post] == {"status": 404} and s.routes["/?p=1172"] == {"status": 404}
    for target in ("/", "/category/actualites/", "/feed/", "/wp-sitemap-posts-post-1.xml"):
        assert post not in s.text(target), target
    assert len(feedparser.parse(s.raw("/feed/")).entries) == 9
    assert event_path not in s.text("/events/") and event_path not in s.text("/wp-sitemap-posts-tribe_events-1.xml")
    assert event_path not in _ics_occurrences(s, date(2026, 1, 1), date(2027, 12, 31))
    assert len(_ics_occurrences(s, date(2026, 1, 1), date(2027, 12, 31))) == 8
    assert {post, event_path}.isdisjoint(i["path"] for i in s.truth["items"])
    assert len(s.truth["items"]) == 22


def test_remove_on_drupal_drops_listing_rows_and_home_links(tmp_path):
    copy = mutate.copy_site(DRUPAL, tmp_path / "drupal_nofeed")
    path = "/actualites/engagements-quartiers-2030-la-metropole-de-lyon-adopte-son-contrat-de-ville"
    touched = mutate.remove(copy, path)
    s = SiteFiles(copy)
    assert s.routes["/node/440"] == {"status": 404}
    assert set(touched) == {"/", "/actualites"}
    assert path not in s.text("/") and path not in s.text("/actualites")
