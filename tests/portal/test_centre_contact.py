"""A centre's page: its one name, a contact block from the registry, its own feeds and
calendar, which answer."""

from __future__ import annotations

import re

import feedparser
import icalendar


def test_contact_block_from_the_registry(client, fixture_only):
    html = client.get("/centres/profession_banlieue").text
    assert re.search(r"<h1>Profession Banlieue</h1>", html)
    contact = html.split('id="titre-contact"', 1)[1].split("</section>", 1)[0]
    assert "<address>" in contact and "15 rue Catulienne, Saint-Denis" in contact
    assert 'href="https://www.professionbanlieue.org/"' in contact
    unknown = client.get("/centres/irev").text.split('id="titre-contact"', 1)[1].split("</section>", 1)[0]
    assert "ne connaît pas encore d&#39;adresse" in unknown or "ne connaît pas encore d'adresse" in unknown


def test_one_name_everywhere(client, fixture_only):
    html = client.get("/centres/oriv").text
    assert "<h1>ORIV</h1>" in html
    assert '<p class="nom-complet">Observatoire Régional de l&#39;Intégration et de la Ville</p>' in html
    assert "<title>ORIV — Portail CRPV</title>" in html
    assert "Moisson du site de ORIV" in html


def test_the_centres_own_feeds_are_linked_and_answer(client, fixture_only):
    html = client.get("/centres/ville_caraibe").text
    links = re.findall(r'href="(/[^"]*\.(?:atom|ics)\?centre=ville_caraibe)"', html)
    assert {"/portail/actualites.atom?centre=ville_caraibe", "/portail/agenda.atom?centre=ville_caraibe",
            "/portail/agenda.ics?centre=ville_caraibe", "/recherche.atom?centre=ville_caraibe"} <= set(links)
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        if link.endswith("ics?centre=ville_caraibe"):
            calendar = icalendar.Calendar.from_ical(response.content)
            assert calendar.walk("VEVENT")
        else:
            assert not feedparser.parse(response.content).bozo, link
