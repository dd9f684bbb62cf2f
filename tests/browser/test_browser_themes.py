"""Browser tests of the theme pages and the map of actions (headless Chromium): a theme page
with its map on the portal's own base map (nothing fetched off loopback, markers reachable
by keyboard), a filter by région, and the Atom feed of that filter read by feedparser."""

from __future__ import annotations

import hashlib
import json

import feedparser
import pytest

from .conftest import serious_violations, serve_published
from pipelines.places import update_places
from portail.publish import publish
from portal.fixture_db import build_fixture_db

# (centre, kind, title, body, theme): three actions in three régions, and a news item.
ACTIONS = [
    ("irev", "document", "Fiche expérience – Roubaix (Alma-Gare) : une médiatrice santé au pied des immeubles",
     "Dans le quartier de l'Alma, à Roubaix, une médiatrice accompagne les familles vers les soins.", "sante"),
    ("oriv", "news", "Retour d'expérience : le contrat local de santé de Strasbourg au Neuhof",
     "Au Neuhof, à Strasbourg, les habitants ont participé au diagnostic du contrat local de santé.", "sante"),
    ("labo_cites", "news", "Portrait de projet : une régie de quartier à Marseille",
     "À Marseille, dans les quartiers Nord, la régie emploie quarante habitants.", "emploi_economie"),
]


@pytest.fixture(scope="module")
def themes_url(tmp_path_factory):
    """A portal over the fixture database with three actions, their places read."""
    base = tmp_path_factory.mktemp("themes")
    import sqlite_utils

    path = build_fixture_db(base / "harvest.db")
    db = sqlite_utils.Database(path)
    centres = {r["id"]: r["url"] for r in db.query("select id, url from centres")}
    for centre, kind, title, body, theme in ACTIONS:
        url = centres[centre].rstrip("/") + "/experiences/" + hashlib.sha1(title.encode()).hexdigest()[:8]
        item = hashlib.sha256(f"{centre}|{url}".encode()).hexdigest()[:16]
        db["items"].insert({"id": item, "centre_id": centre, "kind": kind, "url": url, "title": title,
                            "summary": body, "body_text": body, "body_html": f"<p>{body}</p>",
                            "published_at": "2026-11-20", "first_seen_at": "2026-11-21T08:00:00+00:00",
                            "last_seen_at": "2026-11-21T08:00:00+00:00", "status": "active",
                            "content_hash": item, "themes": json.dumps([theme])}, alter=False)
        db["item_themes"].insert({"item_id": item, "theme_id": theme, "method": "keywords", "score": 2.0})
    update_places(db)
    db.close()
    yield from serve_published(publish(path, base / "publish"), base)


def test_theme_page_with_its_map(page, themes_url, artifacts):
    foreign = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(themes_url) else None)
    page.goto(themes_url + "/themes")
    page.get_by_role("link", name="Santé dans les quartiers").click()
    page.wait_for_url(themes_url + "/themes/sante")
    assert page.get_by_role("heading", level=1).inner_text() == "Santé dans les quartiers"
    assert page.locator(".explication").inner_text().count(".") >= 2  # two sentences
    # The map: the portal's own régions, one labelled link per commune with actions.
    carte = page.locator("#carte-actions")
    assert carte.locator("path.region").count() == 18
    markers = carte.locator("a.repere-action")
    assert sorted(markers.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")) == [
        "Roubaix : 1 action", "Strasbourg : 1 action"]
    assert sorted(carte.locator("text.etiquette").all_text_contents()) == ["Roubaix", "Strasbourg"]
    markers.first.focus()  # a marker is a link: reachable by keyboard
    assert page.evaluate("document.activeElement.getAttribute('class')") == "repere repere-action"
    page.keyboard.press("Enter")
    page.wait_for_url("**/actions?theme=sante&commune=*")
    assert page.locator(".fiche-action").count() == 1
    page.goto(themes_url + "/themes/sante")
    actions = page.locator("#titre-actions + article, .fiche-action").all_inner_texts()
    assert any("Roubaix" in a for a in actions) and any("Strasbourg" in a for a in actions)
    assert foreign == []  # no tile, no font, no script from elsewhere: works with the network off
    page.screenshot(path=str(artifacts / "theme-sante.png"), full_page=True)
    assert page.errors == []


def test_filter_by_region_and_its_feed(page, themes_url, artifacts):
    page.goto(themes_url + "/actions")
    assert page.locator(".fiche-action").count() == 3
    page.get_by_label("Région").select_option(label="Grand Est")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/actions?*region=44*")
    titles = page.locator(".fiche-action .fiche-titre").all_inner_texts()
    assert titles == ["Retour d'expérience : le contrat local de santé de Strasbourg au Neuhof"]
    assert page.locator("path.region-choisie").get_attribute("data-region") == "44"
    assert "Grand Est" in page.get_by_role("heading", level=1).inner_text()
    feed_href = page.get_by_role("link", name="Suivre ces actions (flux Atom)").get_attribute("href")
    assert feed_href == "/actions.atom?region=44"
    response = page.request.get(themes_url + feed_href)
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo, feed.bozo_exception
    assert "Grand Est" in feed.feed.title
    assert [e.title for e in feed.entries] == titles
    assert "Strasbourg" in feed.entries[0].summary
    page.screenshot(path=str(artifacts / "actions-grand-est.png"), full_page=True)
    assert page.errors == []


@pytest.mark.parametrize("path", ["/themes", "/themes/sante", "/actions?region=44"])
def test_theme_pages_accessibility(page, themes_url, path):
    page.goto(themes_url + path)
    page.wait_for_load_state("load")
    serious = serious_violations(page)
    assert serious == [], serious
