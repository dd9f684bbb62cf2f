"""The demo mirror: deterministic generation, ground truth that matches what is served,
and a loopback server that behaves like real sites (ETag/304, HEAD, charsets, traps)."""

from __future__ import annotations

import hashlib
import html
import http.client
import io
import json
import os
import re
import subprocess
import sys
import time as _time
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pypdf
import pytest
import yaml

from crawlers.registry import parse_registry
from mirror.cms import base
from mirror.cms.base import Item, Session
from mirror.generate import REGISTRY, generate
from mirror.server import MirrorServer

TODAY = date(2026, 11, 25)
THEME_IDS = {
    "participation", "education_jeunesse", "sante", "egalite_discriminations",
    "emploi_economie", "renouvellement_urbain", "pilotage_contrat_de_ville", "transitions",
    "culture_memoire", "acces_aux_droits", "immigration_integration",
    "developpement_territorial", "securite_prevention", "outre_mer",
}
OFFSETS = {"Europe/Paris": ("+01:00", "+02:00"), "America/Martinique": ("-04:00",),
           "America/Guadeloupe": ("-04:00",), "America/Cayenne": ("-03:00",),
           "Indian/Reunion": ("+04:00",), "Indian/Mayotte": ("+03:00",)}


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def mirror_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mirror")
    started = _time.process_time()  # CPU time: the wall clock depends on the machine's load
    generate(root, TODAY)
    elapsed = _time.process_time() - started
    assert elapsed < 20, f"generation took {elapsed:.1f} s of CPU"
    return root


@pytest.fixture(scope="module")
def truth(mirror_root) -> dict:
    return json.loads((mirror_root / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def served(mirror_root):
    server = MirrorServer(mirror_root)
    origins = server.start()
    yield server, origins
    server.stop()


class Client:
    """Keep-alive HTTP/1.1 connections, one per origin."""

    def __init__(self, origins: dict[str, str]):
        self.origins = origins
        self.conns: dict[str, http.client.HTTPConnection] = {}

    def request(self, centre: str, target: str, method: str = "GET", headers: dict | None = None):
        if centre not in self.conns:
            parts = urlsplit(self.origins[centre])
            self.conns[centre] = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn = self.conns[centre]
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def close(self):
        for conn in self.conns.values():
            conn.close()


@pytest.fixture(scope="module")
def client(served):
    c = Client(served[1])
    yield c
    c.close()


def routes_of(root: Path, centre: str) -> dict:
    return json.loads((root / centre / "_routes.json").read_text(encoding="utf-8"))


def page_text(body: bytes, ctype: str) -> str:
    charset = "cp1252" if "iso-8859-1" in ctype else "utf-8"
    text = html.unescape(body.decode(charset))
    return re.sub(r"\s+", " ", text)


# --- generation ------------------------------------------------------------------------

def test_same_date_gives_byte_identical_trees(mirror_root, tmp_path):
    # Another process with another string-hash seed: no set or dict order may leak in.
    again = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "mirror", "generate", str(again), "--today", "2026-11-25"],
                   cwd=Path(__file__).resolve().parent.parent, env=env, check=True,
                   capture_output=True)
    assert tree_hash(again) == tree_hash(mirror_root)


def test_another_date_moves_the_content(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    ta, tb = generate(a, TODAY), generate(b, TODAY + timedelta(days=30))
    assert ta["generated_for"] == "2026-11-25" and tb["generated_for"] == "2026-12-25"
    # News and publications keep their age; events also snap to working days.
    pa = [i["published"] for i in ta["centres"]["irev"]["items"] if i["kind"] != "event"]
    pb = [i["published"] for i in tb["centres"]["irev"]["items"] if i["kind"] != "event"]
    assert [date.fromisoformat(x) + timedelta(days=30) for x in pa] == [date.fromisoformat(x) for x in pb]


def test_scale_size_and_every_centre(mirror_root, truth):
    registry_ids = [c["id"] for c in yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))["centres"]]
    assert list(truth["centres"]) == registry_ids
    pages = sum(1 for c in registry_ids for r in routes_of(mirror_root, c)["routes"].values() if "file" in r)
    assert pages >= 1500
    size = sum(p.stat().st_size for p in mirror_root.rglob("*") if p.is_file())
    assert size < 30 * 1024 * 1024
    for centre, data in truth["centres"].items():
        assert 40 <= len(data["items"]) <= 80, centre
        kinds = {i["kind"] for i in data["items"]}
        assert kinds == {"news", "event", "document"}, centre


def test_site_metadata_and_cms(mirror_root):
    cms = {c: json.loads((mirror_root / c / "_site.json").read_text())["cms"]
           for c in ("irev", "oriv", "profession_banlieue", "ressources_territoires", "pqn_a")}
    assert cms == {"irev": "drupal", "oriv": "wordpress", "profession_banlieue": "spip",
                   "ressources_territoires": "custom_php", "pqn_a": "pqna"}
    meta = json.loads((mirror_root / "ville_caraibe" / "_site.json").read_text())
    assert meta["timezone"] == "America/Martinique"
    assert meta["last_modified"] == "Wed, 25 Nov 2026 08:00:00 GMT"


# --- ground truth invariants ---------------------------------------------------------

def test_truth_items_are_well_formed(truth):
    tz_of = {c["id"]: c.get("timezone", "Europe/Paris")
             for c in yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))["centres"]}
    for centre, data in truth["centres"].items():
        paths = [i["path"] for i in data["items"]]
        assert len(paths) == len(set(paths)), centre
        for item in data["items"]:
            assert item["themes"] and set(item["themes"]) <= THEME_IDS
            assert date.fromisoformat(item["published"]) <= TODAY
            assert item["title"] == item["title"].strip() and "__" not in item["title"]
            if item["kind"] == "event":
                assert item["events"], item["path"]
                for ev in item["events"]:
                    if ev["all_day"]:
                        assert date.fromisoformat(ev["ends_at"]) >= date.fromisoformat(ev["starts_at"])
                    else:
                        assert ev["starts_at"][-6:] in OFFSETS[tz_of[centre]], (centre, ev)
                        assert ev["ends_at"] is None or ev["ends_at"] > ev["starts_at"]
            else:
                assert item["events"] == []
            if item["kind"] == "document":
                assert item["document"]["path"].endswith(".pdf")
                assert item["document"]["pages"] >= 2
            if centre in ("ville_caraibe", "crpv_guyane", "cr_csur", "maore_ouvoimoja",
                          "crpv_guadeloupe") and not item["relay_of"]:
                assert "outre_mer" in item["themes"]


def test_events_span_past_and_future(truth):
    for centre, data in truth["centres"].items():
        starts = [i["events"][0]["starts_at"][:10] for i in data["items"]
                  if i["events"] and not i["title"].startswith("Permanence")]
        upcoming = [s for s in starts if s >= TODAY.isoformat()]
        assert len(upcoming) >= 3, centre
        assert min(starts) >= (TODAY - timedelta(days=182)).isoformat()
        assert max(starts) <= (TODAY + timedelta(days=182)).isoformat()


def test_recurring_weekly_event_lists_each_occurrence_in_window(truth):
    [weekly] = [i for i in truth["centres"]["oriv"]["items"] if i["title"].startswith("Permanence")]
    starts = [ev["starts_at"] for ev in weekly["events"]]
    # Tuesdays from 2026-09-29 to 2027-03-23, cut to [today - 30 d, today + 180 d].
    assert starts[0] == "2026-10-27T14:00:00+01:00"
    assert starts[-1] == "2027-03-23T14:00:00+01:00"
    assert len(starts) == 22
    assert weekly["events"][0]["ends_at"] == "2026-10-27T17:00:00+01:00"


def test_relays_point_to_an_item_of_another_centre(truth):
    relays = [(c, i) for c, d in truth["centres"].items() for i in d["items"] if i["relay_of"]]
    assert len(relays) >= 6
    for centre, item in relays:
        src_centre, src_path = item["relay_of"].split(":", 1)
        assert src_centre != centre
        [original] = [i for i in truth["centres"][src_centre]["items"] if i["path"] == src_path]
        if "title" not in item["relay_edits"]:
            assert original["title"].replace("’", "'") == item["title"].replace("’", "'")
        assert original["relay_of"] is None
        assert item["relay_group"] == original["relay_group"] is not None


def test_overseas_events_carry_their_own_offsets(truth):
    martinique = [ev for i in truth["centres"]["ville_caraibe"]["items"] for ev in i["events"] if not ev["all_day"]]
    reunion = [ev for i in truth["centres"]["cr_csur"]["items"] for ev in i["events"] if not ev["all_day"]]
    assert martinique and all(ev["starts_at"].endswith("-04:00") for ev in martinique)
    assert reunion and all(ev["starts_at"].endswith("+04:00") for ev in reunion)


def test_year_less_dates_resolve_from_the_visible_publication_date(truth, client):
    checked = 0
    for centre in ("reseau_crpv", "resovilles", "profession_banlieue", "ressources_territoires"):
        for item in truth["centres"][centre]["items"]:
            if item["kind"] != "event" or len(item["events"]) > 2:
                continue
            status, headers, body = client.request(centre, item["path"])
            text = page_text(body, headers["content-type"])
            last = item["events"][-1]
            shown = date.fromisoformat((last["ends_at"] if last["all_day"] else last["starts_at"])[:10])
            words = f"{'1er' if shown.day == 1 else shown.day} {base.MONTHS[shown.month - 1]}"
            day = words if words in text else f"{shown:%d/%m}"  # "22 mai" or "14/01"
            assert day in text, (centre, item["path"])
            if f"{day} {shown.year}" in text or f"{day}/{shown.year}" in text:
                continue
            checked += 1
            published = date.fromisoformat(item["published"])
            assert base.fr_date(published) in text or published.strftime("%d/%m/%Y") in text
            for ev in item["events"]:
                assert base.yearless_resolves(published, date.fromisoformat(ev["starts_at"][:10]))
    assert checked >= 3


# --- formatting (table-driven on real phrasings) -------------------------------------

@pytest.mark.parametrize("sessions,style,yearless,expected", [
    ([Session(date(2025, 5, 22), date(2025, 5, 22), time(13), time(14))], "dash", False,
     "Jeudi 22 mai 2025 – 13h-14h"),
    ([Session(date(2025, 5, 22), date(2025, 5, 22), time(13), time(14))], "dash", True,
     "Jeudi 22 mai – 13h-14h"),
    ([Session(date(2025, 3, 31), date(2025, 3, 31), time(14), time(15))], "le_de", False,
     "Le 31 mars 2025, de 14h à 15h"),
    ([Session(date(2024, 11, 22), date(2024, 11, 22), time(14), time(16))], "de_a", False,
     "Vendredi 22 novembre 2024 de 14h à 16h"),
    ([Session(date(2020, 11, 24), date(2020, 11, 24), time(14), time(16))], "comma", False,
     "Mardi 24 novembre 2020, 14h-16h"),
    ([Session(date(2015, 10, 13), date(2015, 10, 13), time(20), None)], "start_only", False,
     "Mardi 13 octobre 2015 - 20h00"),
    ([Session(date(2025, 6, 3), date(2025, 6, 3), time(9, 30), time(12, 30))], "le_de", False,
     "Le 3 juin 2025, de 9h30 à 12h30"),
    ([Session(date(2025, 5, 22), date(2025, 5, 22), time(14), time(16, 30))], "spaced", False,
     "Jeudi 22 mai 2025, de 14 h à 16 h 30"),
    ([Session(date(2025, 1, 14), date(2025, 1, 14), time(12), time(13, 30))], "numeric", True,
     "Mardi 14/01 de 12h à 13h30"),
    ([Session(date(2025, 1, 14), date(2025, 1, 14), time(12), time(13, 30))], "numeric", False,
     "Mardi 14/01/2025 de 12h à 13h30"),
    ([Session(date(2025, 6, 11), date(2025, 6, 11), time(18, 30), None)], "a_start", False,
     "Mercredi 11 juin 2025 à 18h30"),
    ([Session(date(2025, 6, 14), date(2025, 6, 15))], "et", False, "Les 14 et 15 juin 2025"),
    ([Session(date(2025, 6, 14), date(2025, 6, 15))], "et", True, "Les 14 et 15 juin"),
    ([Session(date(2025, 4, 3), date(2025, 4, 5))], "range", False, "Du 3 au 5 avril 2025"),
    ([Session(date(2024, 10, 14), date(2024, 10, 16))], "range", False, "Du 14 au 16 octobre 2024"),
    ([Session(date(2025, 6, 30), date(2025, 7, 2))], "range", False, "Du 30 juin au 2 juillet 2025"),
    ([Session(date(2026, 12, 30), date(2027, 1, 2))], "range", False,
     "Du 30 décembre 2026 au 2 janvier 2027"),
    ([Session(date(2025, 3, 1), date(2025, 3, 1))], "allday", False, "Samedi 1er mars 2025"),
    ([Session(date(2026, 1, 28), date(2026, 1, 29)), Session(date(2026, 2, 22), date(2026, 2, 23))],
     "sessions", True, "Les 28-29 janvier et 22-23 février"),
    ([Session(date(2026, 1, 28), date(2026, 1, 29)), Session(date(2026, 2, 22), date(2026, 2, 23))],
     "sessions", False, "Les 28-29 janvier et 22-23 février 2026"),
])
def test_event_prose(sessions, style, yearless, expected):
    item = Item("event", "t", "t", date(2020, 1, 1), [], [], "", sessions=sessions,
                date_style=style, yearless=yearless)
    assert base.event_prose(item) == expected


@pytest.mark.parametrize("reference,target,ok", [
    (date(2025, 4, 10), date(2025, 5, 22), True),
    (date(2025, 11, 2), date(2026, 1, 14), True),
    (date(2025, 5, 22), date(2025, 5, 22), True),
    (date(2025, 5, 23), date(2025, 5, 22), False),
    (date(2024, 3, 1), date(2025, 5, 22), False),
])
def test_yearless_rule(reference, target, ok):
    assert base.yearless_resolves(reference, target) is ok


@pytest.mark.parametrize("title,expected", [
    ("Emploi & quartiers : l’essentiel", "Emploi &amp; quartiers : l&#8217;essentiel"),
    ("Séminaire – santé", "Séminaire &#8211; santé"),
])
def test_wordpress_title_escaping(title, expected):
    assert base.wp_esc(title) == expected


# --- serving -------------------------------------------------------------------------

def test_every_truth_item_is_served_with_its_title(truth, client):
    for centre, data in truth["centres"].items():
        for item in data["items"]:
            status, headers, body = client.request(centre, item["path"])
            assert status == 200, (centre, item["path"])
            if item["path"].endswith(".pdf"):
                reader = pypdf.PdfReader(io.BytesIO(body))
                assert reader.metadata.title == item["title"]
                continue
            assert "text/html" in headers["content-type"]
            assert item["title"] in page_text(body, headers["content-type"]), (centre, item["path"])
            for alias in item["aliases"]:
                status, headers, alias_body = client.request(centre, alias)
                if status == 301:
                    assert urlsplit(headers["location"]).path == urlsplit(item["path"]).path
                elif alias.startswith("/print/"):  # Drupal print module: same text, noindex
                    assert status == 200 and item["title"] in page_text(alias_body, "utf-8")
                    assert b'content="noindex, nofollow"' in alias_body
                else:
                    assert status == 200 and alias_body == body


def test_pdfs_open_with_their_page_count_and_title(truth, client):
    count = 0
    for centre, data in truth["centres"].items():
        for item in data["items"]:
            doc = item["document"]
            if not doc:
                continue
            status, headers, body = client.request(centre, doc["path"])
            assert status == 200 and headers["content-type"] == "application/pdf"
            reader = pypdf.PdfReader(io.BytesIO(body))
            assert len(reader.pages) == doc["pages"]
            assert reader.metadata.title == doc["title"]
            first_page = reader.pages[0].extract_text()
            assert first_page.startswith(doc["title"][:20]) and len(first_page) > 300
            count += 1
    assert count >= 200


def test_no_placeholder_leaks_and_routes_answer(mirror_root, truth, client):
    for centre in truth["centres"]:
        for target, route in routes_of(mirror_root, centre)["routes"].items():
            status, headers, body = client.request(centre, target)
            if "file" in route:
                assert status == 200, (centre, target)
                assert b"__ORIGIN" not in body, (centre, target)
                assert int(headers["content-length"]) == len(body)
            elif "redirect" in route:  # on site, or off site (Jetpack's ?share=facebook)
                assert status == route["status"] and headers["location"].startswith(("http://", "https://"))
            else:
                assert status == route["status"]


def test_relay_links_point_to_the_other_centre_origin(truth, client, served):
    origins = served[1]
    centre, item = next((c, i) for c, d in truth["centres"].items() for i in d["items"] if i["relay_of"])
    src_centre, src_path = item["relay_of"].split(":", 1)
    _, _, body = client.request(centre, item["path"])
    assert html.escape(origins[src_centre] + src_path).encode() in body or \
        (origins[src_centre] + src_path).encode() in body


def test_conditional_requests_and_head(client):
    status, headers, body = client.request("oriv", "/feed/")
    assert status == 200 and headers["content-type"].startswith("application/rss+xml")
    etag, modified = headers["etag"], headers["last-modified"]
    assert etag.startswith('"') and len(body) == int(headers["content-length"])
    assert client.request("oriv", "/feed/", headers={"If-None-Match": etag})[0] == 304
    assert client.request("oriv", "/feed/", headers={"If-Modified-Since": modified})[0] == 304
    assert client.request("oriv", "/feed/", headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200
    assert client.request("oriv", "/feed/", headers={"If-None-Match": '"autre"'})[0] == 200
    status, headers, body = client.request("oriv", "/feed/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 1000


def test_spip_is_served_in_latin_1(truth, client):
    path = next(i["path"] for i in truth["centres"]["profession_banlieue"]["items"]
                if i["kind"] == "news" and "é" in i["title"] and "’" not in i["title"])
    status, headers, body = client.request("profession_banlieue", path)
    assert headers["content-type"] == "text/html; charset=iso-8859-1"
    assert b'charset=iso-8859-1' in body and b"\xe9" in body and b"\xc3\xa9" not in body
    status, headers, body = client.request("profession_banlieue", "/spip.php?page=backend")
    assert body.startswith(b'<?xml version="1.0" encoding="iso-8859-1"?>') and b"\xc3" not in body
    smart = [i for i in truth["centres"]["profession_banlieue"]["items"] if "“" in i["title"]]
    _, _, body = client.request("profession_banlieue", smart[0]["path"])
    assert b"\x92" in body and b"\x93aller-vers\x94" in body


def test_pagination_and_unknown_parameters(client):
    status, _, first = client.request("irev", "/actualites-0")
    status2, _, second = client.request("irev", "/actualites-0?page=1")
    assert status == status2 == 200 and first != second
    assert client.request("irev", "/actualites-0?utm_source=x")[2] == first
    assert client.request("profession_banlieue", "/spip.php?rubrique1&debut_articles=10")[0] == 200
    assert client.request("oriv", "/category/actualites/page/2/")[0] == 200
    assert client.request("oriv", "/nope/")[0] == 404


def test_month_trap_answers_forever(client):
    target = "/agenda/mois/2026-11/"
    seen = set()
    for _ in range(40):
        status, _, body = client.request("oriv", target)
        assert status == 200
        seen.add(target)
        target = urlsplit(re.search(rb'rel="next" href="([^"]+)"', body).group(1).decode()).path
    assert len(seen) == 40 and target == "/agenda/mois/2030-03/"
    assert client.request("ville_caraibe", "/agenda/mois/2999-12/")[0] == 200
    assert client.request("oriv", "/agenda/mois/2026-13/")[0] == 404


def test_wordpress_conventions(client, truth):
    _, _, home = client.request("resovilles", "/")
    assert b'type="application/rss+xml"' in home and b"/feed/" in home
    status, headers, robots = client.request("oriv", "/robots.txt")
    assert b"Disallow: /wp-admin/" in robots and b"Sitemap: http://" in robots and b"/wp-sitemap.xml" in robots
    _, _, index = client.request("oriv", "/wp-sitemap.xml")
    assert b"<sitemapindex" in index and b"wp-sitemap-posts-tribe_events-1.xml" in index
    _, _, feed = client.request("oriv", "/feed/")
    assert feed.count(b"<item>") == 10
    status, _, ics = client.request("ville_caraibe", "/agenda/?ical=1")
    assert b"TZID:America/Martinique" in ics and b"DTSTART;TZID=America/Martinique:" in ics
    event = next(i for i in truth["centres"]["ville_caraibe"]["items"] if i["kind"] == "event" and not i["events"][0]["all_day"])
    _, _, page = client.request("ville_caraibe", event["path"])
    assert event["events"][0]["starts_at"].encode() in page and b"tribe-events-schedule" in page


def test_robots_rules_per_site(client):
    assert b"Crawl-delay: 1" in client.request("maore_ouvoimoja", "/robots.txt")[2]
    plain = client.request("ressources_territoires", "/robots.txt")[2]
    assert b"Sitemap" not in plain and b"Disallow: /admin/" in plain
    assert client.request("ressources_territoires", "/feed/")[0] == 404
    assert client.request("ressources_territoires", "/sitemap.xml")[0] == 404


def test_registry_yaml_points_to_loopback(served):
    server, origins = served
    registry = parse_registry(yaml.safe_load(server.registry_yaml(REGISTRY)))
    assert [c.id for c in registry.centres] == list(origins)
    by_id = {c.id: c for c in registry.centres}
    assert by_id["ville_caraibe"].timezone == "America/Martinique"
    assert by_id["irev"].url == origins["irev"] + "/"
    assert [s.url for s in by_id["reseau_crpv"].sources] == [
        origins["reseau_crpv"] + "/evenement/", origins["reseau_crpv"] + "/publication/"]
    assert all(len(c.sources) <= 2 for c in registry.centres)
    assert all(s.url.startswith(origins[c.id]) for c in registry.centres for s in c.sources)


def test_fallback_to_distinct_ports_on_127_0_0_1(mirror_root):
    server = MirrorServer(mirror_root, sites=["irev", "oriv"], host_base="192.0.2.")
    origins = server.start()
    try:
        assert all(o.startswith("http://127.0.0.1:") for o in origins.values())
        assert len(set(origins.values())) == 2
        client = Client(origins)
        status, _, body = client.request("oriv", "/")
        assert status == 200 and origins["oriv"].encode() in body
        client.close()
        assert server.requests == [("oriv", "GET", "/", 200, len(body))]
    finally:
        server.stop()


# --- consistency with the parsers the harvester uses ---------------------------------

FEEDS = {"wordpress": "/feed/", "drupal": "/rss.xml", "spip": "/spip.php?page=backend"}


def test_feeds_parse_and_point_to_truth_items(mirror_root, truth, client, served):
    import feedparser

    origins = served[1]
    checked = 0
    for centre, data in truth["centres"].items():
        cms = json.loads((mirror_root / centre / "_site.json").read_text())["cms"]
        if cms not in FEEDS:
            assert client.request(centre, "/feed/")[0] == 404
            continue
        status, headers, body = client.request(centre, FEEDS[cms])
        feed = feedparser.parse(body, response_headers={"content-type": headers["content-type"]})
        # villes_et_territoires has a blank line before <?xml: readable, but bozo.
        assert bool(feed.bozo) is (centre == "villes_et_territoires"), (centre, feed.get("bozo_exception"))
        assert len(feed.entries) == 10
        by_path = {i["path"]: i for i in data["items"]}
        for entry in feed.entries:
            path = entry.link[len(origins[centre]):]
            assert entry.link.startswith(origins[centre]) and path in by_path, (centre, entry.link)
            assert entry.title == by_path[path]["title"]
            # WordPress and Drupal print pubDate in GMT, SPIP dc:date in UTC: the instant is
            # the truth's, the UTC day may differ from the local one.
            stamp = entry.get("published_parsed") or entry.updated_parsed  # SPIP: dc:date
            instant = datetime.fromisoformat(by_path[path]["published_at"]).astimezone(timezone.utc)
            assert stamp[:5] == instant.timetuple()[:5], (centre, path)
        checked += 1
    assert checked == 17  # every site but the home-made PHP site, the home-made site and PQN-A


def test_ical_export_matches_truth_including_the_weekly_rrule(truth, client):
    import icalendar
    import recurring_ical_events

    for centre in ("oriv", "ville_caraibe", "crpv_guadeloupe"):
        _, _, body = client.request(centre, "/agenda/?ical=1")
        cal = icalendar.Calendar.from_ical(body)
        window = (TODAY - timedelta(days=30), TODAY + timedelta(days=180))
        by_url: dict[str, list[str]] = {}
        for ev in recurring_ical_events.of(cal).between(*window):
            start = ev["DTSTART"].dt
            value = start.isoformat() if hasattr(start, "hour") else start.isoformat()
            by_url.setdefault(urlsplit(str(ev["URL"])).path, []).append(value)
        items = {i["path"]: i for i in truth["centres"][centre]["items"]}
        assert by_url
        for path, starts in by_url.items():
            expected = [e["starts_at"] for e in items[path]["events"]]
            assert sorted(starts) == [s for s in expected if s in starts] and set(starts) <= set(expected)
        if centre == "oriv":
            weekly = next(p for p in by_url if p.startswith("/agenda/permanence"))
            assert sorted(by_url[weekly]) == [e["starts_at"] for e in items[weekly]["events"]]


def test_tec_json_ld_gives_the_truth_dates(truth, client):
    checked = 0
    for centre in ("oriv", "ville_caraibe", "crpv_guadeloupe"):
        for item in truth["centres"][centre]["items"]:
            if item["kind"] != "event" or len(item["events"]) != 1:
                continue
            _, _, body = client.request(centre, item["path"])
            data = json.loads(re.search(rb'<script type="application/ld\+json">(.*?)</script>', body).group(1))[0]
            assert data["@type"] == "Event" and data["name"] == item["title"]
            assert data["startDate"] == item["events"][0]["starts_at"]
            assert data.get("endDate") == item["events"][0]["ends_at"]
            place = item["place"]
            if place["city"]:
                address = data["location"]["address"]
                assert (data["location"]["name"], address["addressLocality"], address["postalCode"]) == (
                    place["location_name"], place["city"], place["postcode"])
            else:
                assert place["location_name"] == "En ligne" and data["location"]["@type"] == "VirtualLocation"
            checked += 1
    assert checked >= 30


@pytest.mark.parametrize("centre,sitemap", [
    ("oriv", "/wp-sitemap.xml"), ("reseau_crpv", "/wp-sitemap.xml"), ("irev", "/sitemap.xml"),
    ("pqn_a", "/sitemap.xml"), ("crpve", "/sitemap.xml"),
])
def test_sitemaps_list_every_item(truth, client, served, centre, sitemap):
    origin = served[1][centre]
    _, _, body = client.request(centre, sitemap)
    locs = re.findall(rb"<loc>([^<]+)</loc>", body)
    if b"<sitemapindex" in body:
        locs = [loc for sub in locs for loc in re.findall(
            rb"<loc>([^<]+)</loc>", client.request(centre, urlsplit(sub.decode()).path)[2])]
    paths = {html.unescape(loc.decode())[len(origin):] for loc in locs}
    for item in truth["centres"][centre]["items"]:
        if not item["path"].endswith(".pdf"):
            assert item["path"] in paths, (centre, item["path"])
    robots = client.request(centre, "/robots.txt")[2].decode()
    assert f"Sitemap: {origin}{sitemap}" in robots


def test_command_line_generates_and_refuses_a_foreign_folder(tmp_path, capsys):
    from mirror.__main__ import main

    out = tmp_path / "m"
    assert main(["generate", str(out), "--today", "2026-11-25"]) == 0
    assert "20 sites" in capsys.readouterr().out
    assert main(["generate", str(out), "--today", "2026-11-25"]) == 0  # replaces its own mirror
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        generate(foreign, TODAY)
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_gzip_variant_when_asked(client, truth):
    import gzip

    _, plain_headers, plain = client.request("irev", "/rss.xml")
    assert "content-encoding" not in plain_headers
    status, headers, packed = client.request("irev", "/rss.xml", headers={"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(packed) == plain and int(headers["content-length"]) == len(packed)
    assert headers["etag"] == plain_headers["etag"][:-1] + '-gzip"'
    again = client.request("irev", "/rss.xml", headers={"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})
    assert again[0] == 304 and again[2] == b""
    pdf = next(i["document"]["path"] for i in truth["centres"]["irev"]["items"] if i["document"])
    status, pdf_headers, _ = client.request("irev", pdf, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and "content-encoding" not in pdf_headers  # binaries go as they are


def test_a_registry_with_a_new_centre_still_generates(tmp_path):
    registry = tmp_path / "centres.yaml"
    registry.write_text(yaml.safe_dump({"centres": [
        {"id": "nouveau_centre", "name": "Nouveau centre", "url": "https://exemple.fr/",
         "timezone": "Pacific/Noumea"},
        {"id": "irev", "name": "Institut Régional de la Ville", "url": "https://www.irev.fr/"},
    ]}, allow_unicode=True), encoding="utf-8")
    out = generate(tmp_path / "m", TODAY, registry=registry)
    items = out["centres"]["nouveau_centre"]["items"]
    assert items and all("outre_mer" in i["themes"] for i in items if not i["relay_of"])
    timed = [ev for i in items for ev in i["events"] if not ev["all_day"]]
    assert timed and all(ev["starts_at"].endswith("+11:00") for ev in timed)
    assert json.loads((tmp_path / "m" / "nouveau_centre" / "_site.json").read_text())["cms"] == "wordpress"


# --- an honest mirror: times, vocabulary, markup, relays ------------------------------

OVERSEAS_CENTRES = ("ville_caraibe", "crpv_guyane", "cr_csur", "maore_ouvoimoja", "crpv_guadeloupe")


def page_of(root: Path, centre: str, target: str) -> str:
    route = routes_of(root, centre)["routes"][target]
    data = (root / centre / route["file"]).read_bytes()
    return data.decode("cp1252" if "iso-8859-1" in route["type"] else "utf-8")


def test_publication_times_are_local_with_their_offset(truth):
    from zoneinfo import ZoneInfo

    tz_of = {c["id"]: c.get("timezone", "Europe/Paris")
             for c in yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))["centres"]}
    hours: Counter = Counter()
    for centre, data in truth["centres"].items():
        crossing = 0
        for item in data["items"]:
            moment = datetime.fromisoformat(item["published_at"])
            assert item["published_at"][:10] == item["published"]  # the local day
            local = moment.replace(tzinfo=None)
            assert moment.utcoffset() == ZoneInfo(tz_of[centre]).utcoffset(local), (centre, item["path"])
            hours[moment.hour] += 1
            crossing += moment.astimezone(timezone.utc).date() != moment.date()
        if centre in OVERSEAS_CENTRES:
            # Evening posts west of Greenwich, after-midnight posts east of it: the UTC day
            # (and the Paris day) is not the local one.
            assert crossing >= 5, (centre, crossing)
    assert len(hours) >= 20 and hours[10] < 0.15 * sum(hours.values())
    assert sum(hours[h] for h in (19, 20, 21, 22, 23, 0, 1)) > 0.2 * sum(hours.values())


def test_an_evening_post_in_martinique(truth, mirror_root):
    path = "/les-conseils-citoyens-dix-ans-apres-leur-creation-les-premiers/"
    [item] = [i for i in truth["centres"]["ville_caraibe"]["items"] if i["path"] == path]
    assert (item["published"], item["published_at"]) == ("2026-11-05", "2026-11-05T23:00:00-04:00")
    page = page_of(mirror_root, "ville_caraibe", path)
    # WordPress: the site's offset in the meta and in the entry date, the local day shown.
    assert '<meta property="article:published_time" content="2026-11-05T23:00:00-04:00" />' in page
    assert ('<time class="entry-date published" datetime="2026-11-05T23:00:00-04:00">'
            '5 novembre 2026</time>') in page
    # The RSS pubDate is in GMT: already the next day there.
    feed = page_of(mirror_root, "ville_caraibe", "/feed/")
    entry = feed[feed.index(f"<link>__ORIGIN__{path}</link>"):]
    assert entry[:entry.index("</item>")].count("<pubDate>Fri, 06 Nov 2026 03:00:00 +0000</pubDate>") == 1


def test_drupal_is_marked_up_as_drupal_core_themes_do(truth, mirror_root):
    # Olivero (Réunion): a post at 00:30 local time is on the previous day in UTC.
    path = "/actualites-0/retour-sur-la-journee-regionale-consacree-a-la-co-construction-des"
    [item] = [i for i in truth["centres"]["cr_csur"]["items"] if i["path"] == path]
    assert item["published_at"] == "2025-08-18T00:30:00+04:00"
    page = page_of(mirror_root, "cr_csur", path)
    assert ('<span class="field field--name-created field--type-created field--label-hidden">'
            '<time datetime="2025-08-17T20:30:00Z" title="lundi 18 août 2025 - 00:30" class="datetime">'
            'lun 18/08/2025 - 00:30</time></span>') in page
    assert ('<div class="text-content clearfix field field--name-body field--type-text-with-summary '
            'field--label-hidden field__item"><p>') in page
    assert '<h1 class="title page-title"><span class="field field--name-title field--type-string field--label-hidden">' in page
    # Bartik (IREV): the Classy body wrapper inside node__content of an article node.
    news = next(i for i in truth["centres"]["irev"]["items"] if i["kind"] == "news" and not i["relay_of"])
    page = page_of(mirror_root, "irev", news["path"])
    article = page[page.index("<article "):page.index("</article>")]
    assert 'class="node node--type-article node--promoted node--view-mode-full"' in article
    content = article[article.index('<div class="node__content clearfix">'):]
    assert content.count('<div class="clearfix text-formatted field field--name-body '
                         'field--type-text-with-summary field--label-hidden field__item"><p>') == 1
    assert '<footer class="node__meta"><div class="node__submitted">Soumis par' in article
    # A date range in UTC, and a date-only value at noon UTC as Drupal stores it.
    path = "/agenda/cycle-de-qualification-l-accueil-des-personnes-refugiees-a-maubeuge"
    assert ('<div class="field field--name-field-date field--type-daterange field--label-above">'
            '<div class="field__label">Date</div><div class="field__item">'
            '<time datetime="2027-02-01T08:30:00Z" class="datetime">lun 01/02/2027 - 09:30</time> - '
            '<time datetime="2027-02-01T15:00:00Z" class="datetime">lun 01/02/2027 - 16:00</time>'
            '</div></div>') in page_of(mirror_root, "irev", path)
    assert ('<div class="field__item"><time datetime="2027-02-23T12:00:00Z" class="datetime">'
            'mar 23/02/2027</time></div>') in page_of(mirror_root, "cr_csur", "/agenda/seminaire-la-place-des-associations-de-locataires")
    # Views pager links are query-only, as Drupal prints them; RSS dates in GMT.
    listing = page_of(mirror_root, "irev", "/actualites-0")
    assert '<a href="?page=1" title="Aller à la page suivante" rel="next">' in listing
    assert "+0000</pubDate>" in page_of(mirror_root, "irev", "/rss.xml")


def test_the_home_made_site_has_no_markup_to_lean_on(truth, mirror_root, client):
    import lxml.html

    assert json.loads((mirror_root / "crpv_guyane" / "_site.json").read_text())["cms"] == "homemade"
    pages = 0
    for target, route in routes_of(mirror_root, "crpv_guyane")["routes"].items():
        if "text/html" not in route.get("type", ""):
            continue
        doc = lxml.html.fromstring(page_of(mirror_root, "crpv_guyane", target))
        for el in doc.iter():
            if isinstance(el.tag, str):
                assert not {"class", "id"} & set(el.attrib), (target, el.tag, dict(el.attrib))
        assert not doc.xpath("//article|//main|//nav|//header|//footer|//aside|//section|//h1|//h2")
        assert not doc.xpath("//meta[starts-with(@property, 'og:')]|//script[@type='application/ld+json']")
        pages += 1
    assert pages > 80
    path = "/actualites/234-laicite-valeurs-de-la-republique-l-offre-de-format.html"
    [item] = [i for i in truth["centres"]["crpv_guyane"]["items"] if i["path"] == path]
    assert item["published_at"] == "2025-12-02T22:23:00-03:00"
    text = " ".join(lxml.html.fromstring(client.request("crpv_guyane", path)[2]).text_content().split())
    # The menu, the latest news, then the title twice above the text, with the date in prose.
    assert "Accueil | Actualités | Agenda | Ressources | Qui sommes-nous ? | Contact" in text
    above = f"Accueil > Actualités > {item['title']} {item['title']} Publié le 2 décembre 2025 à 22h23"
    assert text.index("Dernières actualités") < text.index(above)
    assert "Partager sur Facebook | Twitter | LinkedIn | Imprimer" in text
    assert "12 rue Lallouette - 97300 Cayenne" in text
    # Every detail page says when it was published, in local time.
    for entry in truth["centres"]["crpv_guyane"]["items"]:
        at = datetime.fromisoformat(entry["published_at"])
        shown = f"Publié le {base.fr_date(at.date())} à {at.hour}h{at.minute:02d}"
        assert shown in page_of(mirror_root, "crpv_guyane", entry["path"]), entry["path"]
    # The listings chain through "Suivante >>" to every news item.
    seen, target = set(), "/actualites.html"
    while target:
        page = page_of(mirror_root, "crpv_guyane", target)
        seen |= set(re.findall(r'href="(/actualites/[^"]+)"><b>', page))
        nxt = re.search(r'<a href="([^"]+)">Suivante &gt;&gt;</a>', page)
        target = nxt.group(1) if nxt else None
    assert seen == {i["path"] for i in truth["centres"]["crpv_guyane"]["items"] if i["kind"] == "news"}


def test_share_bars_sit_where_their_plugins_put_them(truth, mirror_root, client):
    def first_news(centre):
        return next(i["path"] for i in truth["centres"][centre]["items"] if i["kind"] == "news")

    # Jetpack appends sharedaddy inside .entry-content and answers ?share= with a redirect.
    path = first_news("normanvilles")
    page = page_of(mirror_root, "normanvilles", path)
    content = page[page.index('<div class="entry-content">'):page.index("</article>")]
    assert content.index("</p>") < content.index('<div class="sharedaddy sd-sharing-enabled">')
    status, headers, _ = client.request("normanvilles", f"{path}?share=facebook&nb=1")
    assert status == 302 and headers["location"].startswith("https://www.facebook.com/")
    # A theme's sharingContainer wraps the buttons and the text, in an article.enable-pin-share.
    page = page_of(mirror_root, "villes_et_territoires", first_news("villes_et_territoires"))
    assert re.search(r'<article [^>]*class="[^"]* enable-pin-share"', page)
    wrapped = page[page.index('<div class="sharingContainer">'):page.index("</article>")]
    assert wrapped.index('<div class="sharing-buttons">') < wrapped.index("<p>")
    # AddToAny above and below the text; the Drupal module inside node__content.
    page = page_of(mirror_root, "resovilles", first_news("resovilles"))
    assert "addtoany_content_top" in page and "addtoany_content_bottom" in page
    page = page_of(mirror_root, "irev", first_news("irev"))
    assert page.index('<div class="node__content') < page.index('<span class="a2a_kit') < page.index("</article>")
    # Plain links on SPIP squelettes.
    page = page_of(mirror_root, "profession_banlieue", first_news("profession_banlieue"))
    assert ">Partager sur Facebook</a> / <a" in page and ">Imprimer</a></div>" in page


def test_relay_groups_name_every_member(truth):
    groups = defaultdict(list)
    for centre, data in truth["centres"].items():
        for item in data["items"]:
            if item["relay_group"]:
                groups[item["relay_group"]].append((centre, item))
            else:
                assert item["relay_of"] is None and item["relay_edits"] == []
    assert len(groups) >= 14
    kinds = Counter(members[0][1]["kind"] for members in groups.values())
    assert kinds["news"] >= 6 and kinds["document"] >= 3 and kinds["event"] >= 3
    edits = Counter(e for members in groups.values() for _, i in members for e in i["relay_edits"])
    assert all(edits[e] >= 2 for e in ("intro", "short", "title", "wording", "date_line")), edits
    exact = sum(1 for members in groups.values() for _, i in members if i["relay_of"] and not i["relay_edits"])
    assert exact >= 3  # some relays are still plain copies
    for group, members in groups.items():
        originals = [(c, i) for c, i in members if i["relay_of"] is None]
        assert len(originals) == 1, group
        src, original = originals[0]
        assert len({c for c, _ in members}) == len(members)  # one member per centre
        for centre, item in members:
            assert item["kind"] == original["kind"]
            if item is not original:
                assert item["relay_of"] == f"{src}:{original['path']}"
                assert item["published_at"] > original["published_at"][:10] or \
                    datetime.fromisoformat(item["published_at"]) > datetime.fromisoformat(original["published_at"])
            if item["kind"] == "event":
                assert item["title"].replace("’", "'") == original["title"].replace("’", "'")
                assert item["events"] == original["events"]


def test_a_relay_group_with_edited_members(truth, mirror_root):
    members = {(c, i["path"]): i for c, d in truth["centres"].items() for i in d["items"]
               if i["relay_group"] == "relay-06"}
    original = "/fr/actualites/la-precarite-energetique-poitiers-sengage-dans-le-quartier-beaulieu"
    assert {k: (i["title"], i["relay_edits"]) for k, i in members.items()} == {
        ("pqn_a", original): ("La précarité énergétique : Poitiers s’engage dans le quartier Beaulieu", []),
        ("profession_banlieue", "/spip.php?article455"):
            ("[Relais] La précarité énergétique : Poitiers s’engage dans le quartier Beaulieu", ["title", "short"]),
        ("reseau_crpv", "/la-precarite-energetique-poitiers-sengage-dans-le-quartier-beaulieu/"):
            ("La précarité énergétique : Poitiers s’engage dans le quartier Beaulieu", ["intro"]),
    }
    source = page_of(mirror_root, "pqn_a", original)
    first = re.search(r'<div class="wysiwyg"><p>(.*?)</p>', source).group(1)
    # The shortened copy keeps the first two paragraphs, then sends readers to the source.
    spip = page_of(mirror_root, "profession_banlieue", "/spip.php?article455")
    body = spip[spip.index('<div class="texte'):spip.index('<div class="partage">')]
    assert body.count("<p>") == 4 and f"<p>{first}</p>" in body
    assert "<p>Lire la suite sur le site de PQN-A.</p>" in body
    # The other copy opens with the relaying centre's own words, then the whole text.
    wp = page_of(mirror_root, "reseau_crpv", "/la-precarite-energetique-poitiers-sengage-dans-le-quartier-beaulieu/")
    assert ("<p>Article initialement publié sur le site de PQN-A, que nous reprenons avec son accord.</p>\n"
            f"<p>{html.unescape(first).replace(chr(39), '&#8217;')}</p>") in wp


def test_an_event_relay_rewords_all_but_title_and_start(truth, mirror_root):
    [(src, original), (dst, relay)] = sorted(
        ((c, i) for c, d in truth["centres"].items() for i in d["items"] if i["relay_group"] == "relay-13"),
        key=lambda pair: pair[1]["relay_of"] is not None)
    assert (src, dst) == ("irev", "reseau_crpv") and relay["relay_edits"] == ["wording", "date_line"]
    assert relay["title"] == "Webinaire : l’entrepreneuriat dans les quartiers"
    assert relay["events"] == original["events"] == [
        {"starts_at": "2026-12-14T14:00:00+01:00", "ends_at": "2026-12-14T17:00:00+01:00", "all_day": False}]
    page = page_of(mirror_root, "reseau_crpv", relay["path"])
    assert "<strong>Quand ?</strong> Le 14 décembre 2026, de 14h à 17h</p>" in page
    assert "<p>IREV organise ce temps d&#8217;échange, ouvert aux professionnels de tout le réseau.</p>" in page
    assert "Lundi 14 décembre" not in page and "14 décembre – 14h-17h" not in page


def test_same_subject_stories_stay_out_of_relay_groups(truth):
    # Another story of PQN-A on the same subject, in the same city: not in the group.
    pqna = {i["title"]: i for i in truth["centres"]["pqn_a"]["items"]}
    assert pqna["La précarité énergétique : Poitiers s’engage dans le quartier Beaulieu"]["relay_group"] == "relay-06"
    assert pqna["Quartiers prioritaires : la précarité énergétique au cœur des échanges à Poitiers"]["relay_group"] is None
    # Every relayed news item has such a sibling at its source (same subject and city).
    from mirror import generate as G

    contexts, taken = {}, set()
    for centre in G.load_centres():
        contexts[centre["id"]] = G.plan_centre(centre, TODAY, G.cms_of(centre["id"]), taken)
    G.add_recurring(contexts["oriv"])
    for ctx in contexts.values():
        G.MODULES[ctx.cms].assign(ctx)
    G.add_relays(contexts)
    checked = 0
    for ctx in contexts.values():
        for item in ctx.items:
            if item.kind == "news" and item.relay_group and not item.relay_of:
                siblings = [i for i in ctx.items if i.kind == "news" and i.subject == item.subject
                            and i.city == item.city and i is not item and not i.relay_group]
                assert siblings, (ctx.id, item.title)
                assert all(s.paragraphs[1:] != item.paragraphs[1:] for s in siblings)
                checked += 1
    assert checked >= 6


def test_theme_phrases_do_not_copy_the_classifier_vocabulary():
    import unicodedata

    from mirror import content

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
        return text.encode("ascii", "ignore").decode()

    vocabulary = yaml.safe_load((REGISTRY.parent / "themes.yaml").read_text(encoding="utf-8"))["themes"]
    banks = [p for phrases in content.THEME_PHRASES.values() for p in phrases]
    banks += content.SENTENCES + content.OPENINGS + content.CLOSINGS + content.EVENT_CLOSINGS
    for theme in vocabulary:
        for keyword in theme.get("keywords", []):
            words = [re.escape(w) + r"(?:s|x|e|es)?" for w in fold(keyword).split()]
            pattern = re.compile(r"\b" + r"\s+".join(words) + r"\b")
            assert not [p for p in banks if pattern.search(fold(p))], (theme["id"], keyword)
        for acronym in theme.get("acronyms", []):
            pattern = re.compile(r"(?<![\w-])" + re.escape(acronym) + r"(?![\w-])")
            assert not [p for p in banks if pattern.search(p)], (theme["id"], acronym)
    weighted = {t for t, _ in content.THEME_WEIGHTS}
    assert weighted <= set(content.THEME_PHRASES) and all(
        len(set(content.THEME_PHRASES[t])) >= 8 for t in weighted)


def test_truth_names_its_generator_and_a_stale_mirror_is_regenerated(tmp_path, monkeypatch, truth):
    from mirror import generate as G
    from portail.demo import ensure_mirror

    assert truth["generator"] == G.fingerprint()
    root = tmp_path / "mirror"
    ensure_mirror(root, TODAY)
    truth_file = root / "ground_truth.json"
    written = truth_file.stat().st_mtime_ns
    ensure_mirror(root, TODAY)  # same day, same generator: kept as it is
    assert truth_file.stat().st_mtime_ns == written
    stale = json.loads(truth_file.read_text(encoding="utf-8"))
    stale["generator"] = "another-version"
    truth_file.write_text(json.dumps(stale), encoding="utf-8")
    ensure_mirror(root, TODAY)  # written by another generator: regenerated
    assert json.loads(truth_file.read_text(encoding="utf-8"))["generator"] == G.fingerprint()
    # The fingerprint follows the generator's sources.
    copy = tmp_path / "src"
    for path in G.MIRROR_DIR.rglob("*.py"):
        (copy / path.relative_to(G.MIRROR_DIR)).parent.mkdir(parents=True, exist_ok=True)
        (copy / path.relative_to(G.MIRROR_DIR)).write_bytes(path.read_bytes())
    monkeypatch.setattr(G, "MIRROR_DIR", copy)
    assert G.fingerprint() == truth["generator"]
    (copy / "content.py").write_text((copy / "content.py").read_text(encoding="utf-8") + "\n# edit\n",
                                     encoding="utf-8")
    assert G.fingerprint() != truth["generator"]


def test_a_page_changed_between_two_harvests(mirror_root, truth):
    """`change_page` (bench/harvest.py's 1 % run): new bytes, new validators, disk untouched."""
    path = next(i["path"] for i in truth["centres"]["oriv"]["items"] if i["kind"] == "news")
    on_disk = (mirror_root / "oriv" / routes_of(mirror_root, "oriv")["routes"][path]["file"]).read_bytes()
    with MirrorServer(mirror_root) as server:
        client = Client(server.origins)
        status, before, body = client.request("oriv", path)
        assert status == 200 and b"<p>Ajout</p>" not in body
        assert server.change_page("oriv", path, lambda b: b.replace(b"</article>", b"<p>Ajout</p></article>"),
                                  "Sat, 05 Dec 2026 10:00:00 GMT")
        assert not server.change_page("oriv", "/pas-de-page/", bytes, "Sat, 05 Dec 2026 10:00:00 GMT")
        status, after, body = client.request("oriv", path, headers={"If-None-Match": before["etag"]})
        assert status == 200 and b"<p>Ajout</p></article>" in body
        assert after["etag"] != before["etag"] and after["last-modified"] == "Sat, 05 Dec 2026 10:00:00 GMT"
        assert client.request("oriv", path, headers={"If-None-Match": after["etag"]})[0] == 304
        client.close()
    assert (mirror_root / "oriv" / routes_of(mirror_root, "oriv")["routes"][path]["file"]).read_bytes() == on_disk
