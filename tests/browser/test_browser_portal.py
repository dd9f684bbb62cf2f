"""The portal in headless Chromium: French pages render, the map works offline, the hostile
title stays text (no dialog ever fires), and axe-core finds no serious or critical violation."""

from __future__ import annotations

import os
import re

import pytest

from .conftest import serious_violations

pytestmark = pytest.mark.browser
HOSTILE = '<script>alert("x")</script>'


def _item_url(page, base, title):
    """The portal address of an item, found through the search page like a visitor would."""
    page.goto(f"{base}/recherche?q=" + title)
    return page.get_by_role("link", name=title, exact=True).first.get_attribute("href")


def test_home_renders_map_and_escapes(page, fixture_only, portal_url, artifacts):
    page.goto(portal_url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text().startswith("L'actualité des centres")
    # The portal's own base map (no tile): one labelled link per located centre, the
    # overseas centres in the insets of their départements.
    assert page.locator("#carte [data-marqueurs]").get_attribute("data-marqueurs") == "20"
    assert page.locator("#carte a.repere-centre").count() == 20
    assert sorted(page.locator("#carte .nom-encart").all_text_contents()) == [
        "Guadeloupe", "Guyane", "La Réunion", "Martinique", "Mayotte"]
    assert page.locator("#carte a.repere-centre:not([data-zone=metro])").count() == 5
    assert page.locator("#carte a.repere-centre[data-zone=metro]").count() == 15
    assert page.get_by_text(HOSTILE, exact=True).count() == 1  # shown as text
    page.screenshot(path=str(artifacts / "accueil.png"), full_page=True)
    assert page.errors == []


def test_search_with_facets(page, fixture_only, portal_url, artifacts):
    page.goto(portal_url + "/")
    page.get_by_label("Rechercher dans les actualités").fill("l'emploi des jeunes")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"/recherche\?q="))
    heading = page.locator("#titre-resultats").inner_text()
    assert heading == "2 résultats pour « l'emploi des jeunes »"
    assert page.locator("mark").first.inner_text().lower() in ("emploi", "jeunes")
    page.locator(".facette").filter(has_text="Nature").get_by_role("link", name="Publication").click()
    page.wait_for_url(re.compile(r"type=document"))
    assert page.locator("#titre-resultats").inner_text() == "1 résultat pour « l'emploi des jeunes »"
    assert page.get_by_text("Dans le PDF :").count() == 1
    page.screenshot(path=str(artifacts / "recherche.png"), full_page=True)


@pytest.mark.parametrize("q", ['"santé', "(QPV", "OR", "*", "NEAR(", HOSTILE])
def test_search_survives_hostile_input(page, portal_url, q):
    page.goto(portal_url + "/recherche")
    page.get_by_label(re.compile("^Mots recherchés")).fill(q)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/recherche?q=" in page.url
    assert page.locator("#titre-resultats").count() == 1
    assert q in page.locator("#titre-resultats").inner_text()  # the query is echoed as text


def test_agenda_in_local_times(page, fixture_only, portal_url, artifacts):
    page.goto(portal_url + "/agenda")
    body = page.locator("main").inner_text()
    assert "14 h – 16 h 30 (heure de la Martinique)" in body
    assert "Atelier passé" not in body
    page.get_by_label("Territoire").select_option("Martinique")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"territoire=Martinique"))
    assert page.locator(".seance").count() == 1
    page.screenshot(path=str(artifacts / "agenda.png"), full_page=True)


def test_item_page_of_hostile_title(page, fixture_only, portal_url, artifacts):
    url = _item_url(page, portal_url, HOSTILE)
    page.goto(portal_url + url)
    assert page.locator("h1").inner_text() == HOSTILE
    assert page.locator(".corps b").inner_text() == "gras"
    assert page.locator(".corps script, .corps img").count() == 0
    assert "lien d'origine" in page.locator(".source").inner_text()
    page.screenshot(path=str(artifacts / "element.png"), full_page=True)


def test_state_page(page, fixture_only, portal_url, artifacts):
    page.goto(portal_url + "/etat-des-sources")
    assert page.locator("h1").inner_text() == "État des sources"
    assert page.locator("table.etat tbody tr").count() == 20
    page.screenshot(path=str(artifacts / "etat.png"), full_page=True)


@pytest.mark.parametrize("path", ["/", "/recherche?q=emploi", "/agenda", "/etat-des-sources",
                                  "/centres/irev", "/elements/{hostile}", "/flux",
                                  "/recherche?q=jeunes&centre=irev&centre=ville_caraibe&du=2000-01-01&tri=date",
                                  "/agenda?type_evenement=webinaire&mode=en_ligne"])
def test_no_serious_accessibility_violation(page, portal_url, path):
    if "{hostile}" in path:
        if os.environ.get("CRPV_PORTAL_DB"):  # any item of the real database
            page.goto(portal_url + "/recherche")
            path = page.locator(".fiche-titre a").first.get_attribute("href")
        else:
            path = _item_url(page, portal_url, HOSTILE)
    page.goto(portal_url + path)
    page.wait_for_load_state("load")
    serious = serious_violations(page)
    assert serious == [], serious


@pytest.mark.parametrize("path", ["/portail/items", "/portail/dernieres_actualites", "/portail",
                                  "/portail/items?_sort=nope"])
def test_datasette_pages_run_under_the_csp(page, portal_url, path):
    """Datasette's own pages under the portal's CSP: nothing blocked, their scripts run."""
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(portal_url + path)
    page.wait_for_load_state("load")
    assert blocked == [], blocked
    assert page.evaluate("typeof document.body") == "object"
    if path == "/portail/items":  # the one inline script, allowed by its hash
        assert page.evaluate("window.DATASETTE_ALLOW_FACET") is True
    if path == "/portail/dernieres_actualites":  # the SQL editor set-up, now a static file
        assert page.locator("script[src='/static/datasette-editeur.js']").count() == 1
        assert page.evaluate("typeof CodeMirror") == "function"
    assert page.errors == []
