"""Search with several facet values, dates and sort; feeds of a search; the agenda's types,
months, series and relays; one event's .ics (exact values on the fixture)."""

from __future__ import annotations

import re

import feedparser
import pytest
import icalendar

from .test_search import _search


def _facet(html: str, title: str) -> dict[str, int]:
    block = html.split(f"<h3>{title}</h3>", 1)[1].split("</section>", 1)[0]
    return {re.sub(r"\s+", " ", label).strip(): int(n) for label, n in re.findall(
        r'</span> ([^<]+)(?:<span class="visuellement-cache">[^<]*</span>)?</a> <span class="compte">\((\d+)\)</span>', block)}


def test_two_values_of_one_facet_and_counts_of_the_others(client, fixture_only):
    html, titles = _search(client, "jeunes", centre=["irev", "ville_caraibe"])
    assert set(titles) == {"L'emploi des jeunes dans les quartiers prioritaires",
                           "Rencontre jeunesse et insertion à Fort-de-France"}
    # The chosen facet counts without its own choice: another centre can be added.
    assert _facet(html, "Centre") == {"IREV": 1, "PQN-A": 1, "Profession Banlieue": 1,
                                      "Ville Caraïbe": 1}
    assert html.count('class="choisi"') == 2
    assert _facet(html, "Nature") == {"Actualité": 1, "Événement": 1}


def test_every_value_of_a_facet_is_reachable_and_counts_add_up(client, fixture_only):
    html, _ = _search(client, "")
    centres = _facet(html, "Centre")
    assert len(centres) > 10 and "Voir plus (" in html  # beyond ten: under "voir plus"
    assert sum(centres.values()) == sum(_facet(html, "Nature").values()) == 17


def test_date_range_new_since_and_sort(client, fixture_only):
    html, all_titles = _search(client, "quartiers")
    _, by_date = _search(client, "quartiers", tri="date")
    assert set(by_date) == set(all_titles)
    dates = re.findall(r'<time datetime="([^"]+)">', _search(client, "quartiers", tri="date", type="news")[0])
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True)
    _, none = _search(client, "quartiers", du="2000-01-01", au="2000-12-31")
    assert none == []
    _, since = _search(client, "", depuis="2100-01-01")
    assert since == []
    _, everything = _search(client, "", du="2000-01-01")
    assert len(everything) == 17


def test_follow_this_search_holds_exactly_its_results(client, fixture_only):
    params = {"q": "jeunes", "centre": ["irev", "ville_caraibe"], "du": "2000-01-01"}
    html = client.get("/recherche", params=params).text
    feed_url = re.search(r'<a href="([^"]+)" type="application/atom\+xml">Suivre cette recherche', html).group(1)
    feed = feedparser.parse(client.get(feed_url.replace("&amp;", "&")).content)
    assert not feed.bozo
    page_ids = set(re.findall(r'<h3 class="fiche-titre"><a href="/elements/([^"]+)"', html))
    assert {e.id.rsplit(":", 1)[1] for e in feed.entries} == page_ids and len(page_ids) == 2


def test_news_feed_holds_news_once_crediting_every_centre(client, fixture_only):
    feed = feedparser.parse(client.get("/portail/actualites.atom").content)
    relayed = [e for e in feed.entries if e.title.startswith("Cités éducatives")]
    assert len(relayed) == 1
    assert sorted(a.name for a in relayed[0].authors) == [
        "Profession Banlieue", "Réseau national des centres de ressources politique de la ville"]
    assert b'<?xml-stylesheet type="text/xsl" href="/flux.xsl"?>' in client.get("/portail/actualites.atom").content
    assert client.get("/flux.xsl").status_code == 200 and client.get("/flux").status_code == 200


def test_agenda_type_filter(client, fixture_only):
    text = client.get("/agenda", params={"type_evenement": "webinaire"}).text
    assert re.findall(r'<h3 class="fiche-titre"><a href="/elements/[^"]+">([^<]+)</a>', text) == [
        "Webinaire : l&#39;emploi des femmes dans les QPV"]
    online = client.get("/agenda", params={"mode": "en_ligne"}).text
    assert "Webinaire : l&#39;emploi des femmes" in online and "Rencontre jeunesse" not in online


def test_event_ics_parses(client, fixture_only):
    html = client.get("/agenda").text
    item = re.search(r'<a href="/elements/([^"]+)\.ics">Ajouter à mon agenda', html).group(1)
    response = client.get(f"/elements/{item}.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) >= 1 and all(e.get("DTSTART") for e in events)
    assert client.get("/elements/inconnu.ics").status_code == 404


def test_agenda_ics_lists_no_event_twice(client):
    calendar = icalendar.Calendar.from_ical(client.get("/portail/agenda.ics").content)
    keys = [(str(e["SUMMARY"]), e["DTSTART"].to_ical()) for e in calendar.walk("VEVENT")]
    assert len(keys) == len(set(keys))


def test_datasette_table_search_is_the_french_search(client, fixture_only):
    """`?_search=` on /portail/items: stems, accents, acronyms and synonyms as on /recherche."""
    def ids(q):
        response = client.get("/portail/items.json", params={"_search": q, "_shape": "array",
                                                             "_col": "title"})
        assert response.status_code == 200, response.text[:300]
        return {r["id"] for r in response.json()}
    assert ids("emplois") == ids("emploi") and len(ids("emploi")) == 3
    assert ids("renouvellement urbain") == ids("NPNRU") == ids("renovation urbaine")
    assert len(ids("NPNRU")) == 2
    assert client.get("/portail/documents.json", params={"_search": "emplois"}).status_code == 200


def test_agenda_departement_filter_and_menus(client, fixture_only):
    html = client.get("/agenda").text
    assert '<option value="972">972 – Martinique</option>' in html
    assert re.findall(r'<option value="(\w+)">[^<]+ \(\d+\)</option>', html.split('id="f-type_evenement"')[1].split("</select>")[0]) == [
        "webinaire", "formation", "seminaire", "forum", "rencontre"]
    only = client.get("/agenda", params={"departement": "972"}).text
    assert re.findall(r'<h3 class="fiche-titre"><a href="/elements/[^"]+">([^<]+)</a>', only) == [
        "Rencontre jeunesse et insertion à Fort-de-France"]


def test_stored_departement_labels_and_free_text_types_are_normalised():
    from portail.publish import _departement_code
    assert [_departement_code(v) for v in ("Nord (59)", "Corse-du-Sud (2A)", "Martinique (972)",
                                           "59", "", None, "Nord")] == [
        "59", "2A", "972", "59", None, None, None]


def test_past_sessions_of_an_event_are_marked(client, fixture_only):
    html = client.get("/recherche", params={"q": "Atelier passé"}).text
    item = re.search(r'<h3 class="fiche-titre"><a href="/elements/([^"]+)"', html).group(1)
    page = client.get(f"/elements/{item}").text
    assert page.count("(séance passée)") == 1
    assert f'href="/elements/{item}.ics">Ajouter à mon agenda' in page


def test_a_crowded_month_is_paged(client, fixture_only, monkeypatch):
    import crpv_portal.queries as portal_queries  # the plugin's own module (Datasette loaded it)

    monkeypatch.setattr(portal_queries, "AGENDA_PAGE", 1)
    first = client.get("/agenda").text
    month = re.search(r'<h2 id="mois-(\d{4}-\d{2})">', first).group(1)
    count = int(re.search(r'<strong aria-current="page">[^<]+</strong> <span class="compte">\((\d+)\)', first).group(1))
    assert count >= 2 and f"Page 1 sur {count}" in first and first.count('<li class="seance">') == 1
    second = client.get("/agenda", params={"mois": month, "page": "2"}).text
    assert f"Page 2 sur {count}" in second and "Page précédente du mois" in second
    titles = [re.search(r'<h3 class="fiche-titre"><a href="/elements/[^"]+">([^<]+)</a>', html).group(1)
              for html in (first, second)]
    assert titles[0] != titles[1]


def test_event_type_on_the_item_page_and_in_the_calendar(client, fixture_only):
    html = client.get("/agenda", params={"type_evenement": "webinaire"}).text
    item = re.search(r'<a href="/elements/([^"]+)\.ics">Ajouter', html).group(1)
    page = client.get(f"/elements/{item}").text
    assert '<dt>Type d\'événement</dt><dd><a href="/agenda?type_evenement=webinaire">Webinaire</a></dd>' in page
    calendar = icalendar.Calendar.from_ical(client.get(f"/elements/{item}.ics").content)
    event = next(iter(calendar.walk("VEVENT")))
    assert event["CATEGORIES"].cats[0] == "Webinaire"


def test_two_themes_count_an_item_once(client, fixture_only):
    html, titles = _search(client, "", theme=["emploi_economie", "education_jeunesse"])
    total = int(re.search(r'id="titre-resultats">(\d+)', html).group(1))
    assert total == len(titles) == len(set(titles))
    assert sum(_facet(html, "Nature").values()) == total
    both = _search(client, "", theme="emploi_economie")[1] + _search(client, "", theme="education_jeunesse")[1]
    assert set(titles) == set(both) and len(both) > total  # one item has both themes


@pytest.mark.parametrize("params", [{"centre": "irev"}, {"centre": ["irev", "ville_caraibe"]},
                                    {"territoire": "Martinique", "type": "event"},
                                    {"type": "document", "theme": "emploi_economie"}])
def test_a_rare_filter_as_a_rowid_list_finds_the_same(client, fixture_only, monkeypatch, params):
    import crpv_portal.queries as portal_queries

    found = {}
    for share in (0.0, 1.0):  # never, always narrowed to the value's rowids
        monkeypatch.setattr(portal_queries, "SELECTIVE_SHARE", share)
        found[share] = _search(client, "jeunes OR quartiers", **params)[1]
    assert found[0.0] == found[1.0] and found[0.0]
