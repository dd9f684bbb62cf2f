"""Microdata events read through extruct, checked against extruct's own corpus gold."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, corpus_path
from normalize.microdata import microdata_objects
from crawlers.classify import page_type
from normalize.page import extract_page


def _gold_events(items):
    found = []
    for item in items:
        kinds = item.get("type") or []
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(k.endswith("Event") for k in kinds):
            found.append(item["properties"].get("startDate"))
    return found


def _cases():
    root = CORPUS / "jsonld" / "extruct"
    if not root.exists():
        # Collection must not skip the whole module: say why the one case cannot run.
        reason = f"shared corpus not found at {root} (set CRPV_CORPUS)"
        yield pytest.param(None, None, marks=pytest.mark.skip(reason=reason), id="no-corpus")
        return
    for html in sorted(root.rglob("*.html")):
        gold = html.with_suffix(".json")
        if not gold.exists() or "flat" in gold.name:
            continue
        data = json.loads(gold.read_text(encoding="utf-8"))
        items = data.get("microdata") if isinstance(data, dict) else data
        if isinstance(items, list) and _gold_events(items):
            yield pytest.param(html, _gold_events(items), id=html.name)


@pytest.mark.parametrize("html,starts", list(_cases()))
def test_microdata_events_match_extruct_gold(html, starts):
    objects = microdata_objects(html.read_text(encoding="utf-8", errors="replace"), "http://example.com/")
    ours = [o.get("startDate") for o in objects if str(o.get("@type", "")).endswith("Event")]
    assert ours == starts


def test_event_001_shape():
    html = corpus_path("jsonld", "extruct", "schema.org", "Event.001.html").read_text(encoding="utf-8")
    event, = microdata_objects(html, "http://example.com/")
    assert event["@type"] == "Event"
    assert event["startDate"] == "2016-04-21T20:00"
    assert event["location"]["@type"] == "Place"
    assert event["location"]["address"]["addressLocality"] == "Philadelphia"


def test_page_with_microdata_event_is_an_event_page():
    html = ("<html lang='fr'><body><main><div itemscope itemtype='https://schema.org/Event'>"
            "<h1 itemprop='name'>Forum de l'emploi à Roubaix</h1>"
            "<meta itemprop='startDate' content='2027-02-10T09:00:00+01:00'>"
            "<p>Jeudi 10 février, de 9h à 12h.</p></div></main></body></html>")
    facts = extract_page(html, "https://www.irev.fr/agenda/forum")
    assert page_type(facts) == "event"
    assert any(o.get("startDate") == "2027-02-10T09:00:00+01:00" for o in facts.jsonld)


def test_no_microdata_no_work():
    assert microdata_objects("<html><body><p>Rien</p></body></html>", "http://x/") == []


def test_microdata_date_ranks_after_article_published_time():
    """A press page republished: its microdata `datePublished` is the update, the Open Graph
    `article:published_time` the original (as on madame.lefigaro.fr in the corpus)."""
    html = ("<html lang='fr'><head>"
            "<meta property='article:published_time' content='2017-04-12T18:33:59+02:00'>"
            "<meta property='article:modified_time' content='2020-02-19T15:24:33+01:00'>"
            "</head><body><article itemscope itemtype='https://schema.org/NewsArticle'>"
            "<h1 itemprop='headline'>Les clés d'un bon repas</h1>"
            "<meta itemprop='datePublished' content='2020-02-19'>"
            "<p>Le 19 février 2020</p><p>Un texte assez long pour être le corps.</p>"
            "</article></body></html>")
    facts = extract_page(html, "https://madame.example/bien-etre/x")
    assert facts.published == "2017-04-12T18:33:59+02:00"
    assert facts.modified == "2020-02-19T15:24:33+01:00"
