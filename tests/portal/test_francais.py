"""Every page reachable from the home page is French: no English string of Datasette's own
(extracted from its templates and script), no status but 200; Datasette's error pages and
SQLite's errors in French too; numbers in French format."""

from __future__ import annotations

import re

import pytest

from .crawl import crawl, datasette_strings, english_hits, parse, pattern

STRINGS = datasette_strings()


@pytest.fixture(scope="module")
def pages(client):
    def get(path):
        response = client.get(path, follow_redirects=True)  # as a browser would
        return response.status_code, response.headers.get("content-type", ""), response.text
    return list(crawl(get))


def test_the_string_list_is_datasettes_own():
    # Extracted, not typed: these come from Datasette's templates and table.js.
    for expected in ("This data as", "Apply", "Next page", "View and edit SQL", "Custom SQL query",
                     "Suggested facets", "Advanced export", "Sort ascending", "Facet by this",
                     "Links from other tables", "Data license", "0 records"):
        assert expected in STRINGS
    assert "Tables" not in STRINGS and "CSV" not in STRINGS  # French or technical as well


def test_crawl_reaches_portal_and_datasette_pages(pages):
    paths = [p for p, *_ in pages]
    shapes = {pattern(p) for p in paths}
    for expected in ("/recherche", "/agenda", "/etat-des-sources", "/portail", "/portail/items",
                     "/centres/*", "/elements/*", "/portail/centres/*"):
        assert expected in shapes, f"{expected} not reached from the home page"
    assert any(p.startswith("/portail/dernieres_actualites") for p in paths)  # a canned query
    assert len(pages) >= 40


def test_every_reachable_page_answers_200(pages):
    failures = [(path, status) for path, status, _, _ in pages if status != 200]
    assert failures == []


def test_no_english_ui_string_on_any_reachable_page(pages):
    found = {}
    for path, status, content_type, text in pages:
        if "text/html" in content_type:
            hits = english_hits(text, STRINGS)
            if hits:
                found[path] = hits
    assert found == {}


def test_every_html_page_is_french(pages):
    html = [(p, t) for p, _, c, t in pages if "text/html" in c]
    assert html
    for path, text in html:
        assert re.search(r'<html lang="fr"', text), path


@pytest.mark.parametrize("path, status, title", [
    ("/portail/nope", 404, "Page introuvable"),
    ("/portail/items/nope-nope", 404, "Page introuvable"),
    ("/portail?sql=select+nope", 403, "Accès refusé"),
    ("/portail/items?_sort=nope", 400, "Requête invalide"),
])
def test_error_pages_in_french(client, path, status, title):
    response = client.get(path)
    assert response.status_code == status
    assert title in response.text
    assert english_hits(response.text, STRINGS) == []
    assert 'lang="fr"' in response.text


def test_sqlite_errors_in_french_with_the_raw_message_kept(client, monkeypatch):
    monkeypatch.setenv("CRPV_PUBLIC_SQL", "on")
    response = client.get("/portail?sql=select+nope+from+items")
    assert response.status_code == 400  # Datasette answers a failed query with a 400
    assert "Erreur : colonne inconnue : nope." in response.text
    # The raw SQLite message stays available to analysts, folded away.
    assert "<summary>Message d'origine (SQLite)</summary><pre>no such column: nope</pre>" in response.text
    visible = " ".join(parse(response.text.split("<details>")[0]).chunks)
    assert "no such column" not in visible
    editor = client.get("/portail")
    assert "Requête SQL libre (lecture seule)" in editor.text
    assert english_hits(editor.text, STRINGS) == []


def test_numbers_in_french_format(client):
    text = client.get("/portail").text
    counts = re.findall(r"<p>([\d\u202f]+) lignes?</p>", text)
    assert counts and all("," not in c for c in counts)
    big = [c for c in counts if len(c.replace("\u202f", "")) > 3]
    assert all("\u202f" in c for c in big)
    footer = client.get("/portail/items").text
    found = re.search(r"requêtes en ([\d\u202f,]+) ms", footer)
    assert found and "." not in found.group(1)


def test_french_filters_module():
    from crpv_portal import formatting

    assert formatting.number_fr(1234567) == "1\u202f234\u202f567"
    assert formatting.decimal_fr(9.14) == "9,1"
    assert formatting.decimal_fr(1234.56) == "1\u202f234,6"
    assert formatting.rows_fr(1) == "1 ligne" and formatting.rows_fr(2) == "2 lignes"
    assert formatting.operator_fr("notlike") == "ne ressemble pas à (motif SQL)"
    assert formatting.operator_fr("starts with") == "commence par"
    assert formatting.filter_description_fr([("kind", "exact", "news"), ("url", "notnull", "1")],
                                            sort_desc="published_at") == (
        "où kind = « news » et url n'est pas vide (non NULL), triées par published_at (décroissant)")
    assert formatting.sql_error_fr('near "selec": syntax error') == "erreur de syntaxe près de « selec »"
    assert formatting.sql_error_fr("something new") == "la requête n'a pas pu être exécutée"


def test_state_page_errors_in_french_with_url_time_and_raw_message(client, fixture_only):
    html = client.get("/etat-des-sources").text
    row = re.search(r'<a href="/centres/normanvilles">.*?</tr>', html, re.S).group(0)
    assert "Adresse en erreur : service indisponible (HTTP 503)" in row
    assert "le site n&#39;a pas répondu à temps" in row or "le site n'a pas répondu à temps" in row
    assert 'class="adresse-erreur">https://www.normanvilles.org/feed/</a>' in row
    assert "<summary>Message d'origine</summary><code>http : HTTP 503 Service Unavailable</code>" in row
    assert re.search(r"\d{1,2}(er)? \w+ 20\d\d à \d{1,2} h", row)  # when, in Paris time
    oriv = re.search(r'<a href="/centres/oriv">.*?</tr>', html, re.S).group(0)
    assert "Réussie avec erreurs" in oriv and "document PDF illisible" in oriv


def test_harvest_error_sentences():
    from crpv_portal import formatting

    assert formatting.harvest_error_fr("http", "HTTP 404 (page)") == \
        "Page en erreur : page introuvable (HTTP 404)"
    assert formatting.harvest_error_fr("http", "HTTP 410 (feed)") == \
        "Flux en erreur : page supprimée (HTTP 410)"
    assert formatting.harvest_error_fr(
        "feed", "malformed feed read as far as possible: SAXParseException: <unknown>:3:0") == \
        "document RSS/Atom mal formé, lu aussi loin que possible"
    assert formatting.harvest_error_fr("network", "DNS lookup failed") == "nom de domaine introuvable (DNS)"
    assert formatting.harvest_error_fr("nouveau", "x") == "échec de la moisson sur cette adresse"
    assert formatting.error_kind_fr("trap") == "Limite atteinte"
    assert formatting.moment_fr("2026-12-04T19:02:58+00:00") == "4 décembre 2026 à 20 h 02"
    assert formatting.run_message_fr("failed", "site unreachable: no request was answered") == \
        "site injoignable : aucune requête n'a reçu de réponse"


def test_state_page_says_when_the_last_harvest_ended(client, fixture_only):
    html = client.get("/etat-des-sources").text
    assert re.search(r'<p class="moisson">Dernière moisson terminée le <time datetime="[^"]+">'
                     r"\d{1,2}(er)? \w+ 20\d\d à \d{1,2} h( \d\d)?</time> \(heure de Paris\)\.</p>", html)
