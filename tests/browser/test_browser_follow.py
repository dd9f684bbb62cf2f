"""Clicked through in Chromium: a search with two facet values, a date range and a sort;
"suivre cette recherche" giving a feed of exactly its results; a type filter on the agenda;
an event's .ics that parses."""

from __future__ import annotations

import re
import urllib.request

import feedparser
import icalendar
import pytest

pytestmark = pytest.mark.browser


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def test_search_with_two_facet_values_a_date_range_and_a_sort(page, fixture_only, portal_url, artifacts):
    page.goto(portal_url + "/recherche")
    page.get_by_label(re.compile("^Mots recherchés")).fill("jeunes")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"q=jeunes"))
    assert page.locator("#titre-resultats").inner_text() == "4 résultats pour « jeunes »"
    centres = page.locator('.facette[data-facette="centre"]')
    centres.get_by_role("link", name="IREV").click()
    page.wait_for_url(re.compile(r"centre=irev"))
    assert page.locator("#titre-resultats").inner_text() == "1 résultat pour « jeunes »"
    # The other centres stay offered with their counts: a second value is added.
    centres.get_by_role("link", name="Ville Caraïbe").click()
    page.wait_for_url(re.compile(r"centre=irev&centre=ville_caraibe"))
    assert page.locator("#titre-resultats").inner_text() == "2 résultats pour « jeunes »"
    assert centres.locator("a.choisi").count() == 2
    page.get_by_label("Publié du").fill("2000-01-01")
    page.get_by_label("au", exact=True).fill("2100-12-31")
    page.get_by_label("Trier par").select_option("date")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url(re.compile(r"du=2000-01-01.*tri=date|tri=date.*du=2000-01-01"))
    assert "centre=irev" in page.url and "centre=ville_caraibe" in page.url
    assert page.locator("#titre-resultats").inner_text() == \
        "2 résultats pour « jeunes », du plus récent au plus ancien"
    titles = page.locator("article.fiche h3").all_inner_texts()
    assert titles == ["L'emploi des jeunes dans les quartiers prioritaires",
                      "Rencontre jeunesse et insertion à Fort-de-France"]
    page.screenshot(path=str(artifacts / "recherche-facettes-dates.png"), full_page=True)
    # A range without items: none left.
    page.get_by_label("Publié du").fill("2001-01-01")
    page.get_by_label("au", exact=True).fill("2001-12-31")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url(re.compile(r"au=2001-12-31"))
    assert page.locator("article.fiche").count() == 0
    assert page.errors == []


def test_follow_this_search_is_a_feed_of_exactly_its_results(page, fixture_only, portal_url):
    page.goto(portal_url + "/recherche?q=quartiers&type=news&type=document")
    shown = page.locator("#titre-resultats").inner_text()
    ids = {href.rsplit("/", 1)[1] for href in page.locator("article.fiche h3 a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")}
    assert int(shown.split()[0]) == len(ids) >= 3
    href = page.get_by_role("link", name="Suivre cette recherche").get_attribute("href")
    feed = feedparser.parse(_get(portal_url + href))
    assert not feed.bozo, feed.get("bozo_exception")
    assert {e.id.rsplit(":", 1)[1] for e in feed.entries} == ids
    # Opened in the browser, the feed is a readable French page (its XSL stylesheet).
    page.goto(portal_url + href)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Portail CRPV — recherche")
    assert page.locator("article").count() == len(ids)


def test_agenda_type_filter_and_an_events_ics(page, fixture_only, portal_url, artifacts):
    page.goto(portal_url + "/agenda")
    page.get_by_label("Type").select_option("webinaire")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"type_evenement=webinaire"))
    assert page.locator(".seance h3").all_inner_texts() == ["Webinaire : l'emploi des femmes dans les QPV"]
    assert page.locator(".type-evenement").all_inner_texts() == ["Webinaire"]
    page.screenshot(path=str(artifacts / "agenda-type.png"), full_page=True)
    href = page.get_by_role("link", name="Ajouter à mon agenda").get_attribute("href")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda").click()
    calendar = icalendar.Calendar.from_ical(open(download.value.path(), "rb").read())
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Webinaire : l'emploi des femmes dans les QPV"]
    assert events[0]["DTSTART"].dt.tzinfo is not None
    assert href.endswith(".ics")
