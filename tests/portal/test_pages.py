"""The public French pages: home, agenda, item, centre, state; escaping and security headers."""

from __future__ import annotations

import re
import sqlite3
from html import unescape

import pytest

from portail.publish import portal_package

portal_package()
from crpv_portal import formatting  # noqa: E402

PAGES = ["/", "/recherche", "/agenda", "/etat-des-sources", "/centres/irev"]


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _item_id(db_path, title: str) -> str:
    conn = sqlite3.connect(db_path)
    found = conn.execute("select id from items where title = ?", (title,)).fetchone()
    conn.close()
    return found[0]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_french_and_guarded(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    # No inline script at all: every script of the portal pages is a file.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.text) == []


@pytest.mark.parametrize("path", PAGES + ["/elements/{hostile}"])
def test_hostile_title_is_text_everywhere(client, published, fixture_only, path):
    path = path.format(hostile=_item_id(published, '<script>alert("x")</script>'))
    html = client.get(path).text
    assert '<script>alert("x")' not in html
    assert "<img" not in html and "javascript:" not in html  # escaped text only
    if path in ("/", "/elements/" + path.rsplit("/", 1)[-1]):
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_home_shows_everything_the_issue_asks(client, published, fixture_only):
    html = client.get("/").text
    text = _text(html)
    for heading in ("Dernières actualités", "Prochains événements", "Dernières publications",
                    "Les centres de ressources"):
        assert heading in text
    assert 'role="search"' in html and 'name="q"' in html
    assert "20 centres" in text and "8 actualités" in text and "6 événements" in text
    assert "3 publications" in text and "Dernière mise à jour :" in text
    # Every centre of the registry is on the portal's own base map: no tile, no script.
    assert html.count('class="repere repere-centre"') == 20
    assert "leaflet" not in html and "tile.openstreetmap" not in html
    assert "Actualité retirée par le centre" not in text
    # Upcoming events: soonest first, past ones absent.
    assert text.index("Webinaire : l'emploi des femmes") < text.index("Rencontre jeunesse")
    assert "Atelier passé" not in text


def _agenda_months(client, params=None) -> list[tuple[str, int, str]]:
    """Every month page of the agenda: (month, count in the index, page HTML), in order."""
    first = client.get("/agenda", params=params or {}).text
    index = re.findall(r'<li>(?:<strong aria-current="page">|<a href="[^"]*mois=(\d{4}-\d{2})[^"]*">)'
                       r'[^<]+</(?:strong|a)> <span class="compte">\((\d+)\)</span>', first)
    current = re.search(r'<h2 id="mois-(\d{4}-\d{2})">', first).group(1)
    pages = []
    for month, count in index:
        month = month or current
        html = first if month == current else client.get(
            "/agenda", params={**(params or {}), "mois": month}).text
        pages.append((month, int(count), html))
    return pages


def test_agenda_lists_upcoming_sessions_in_local_time(client, fixture_only):
    text = " ".join(_text(html) for _, _, html in _agenda_months(client))
    assert "14 h – 16 h 30 (heure de la Martinique)" in text
    assert "9 h 30 – 12 h (heure de Paris)" in text
    assert "8 h (heure de la Guyane)" in text
    assert re.search(r"du \w+ \d+ (\w+ \d{4} )?au \w+ \d+ \w+ \d{4}", text)  # the all-day seminar
    assert "Atelier passé" not in text
    order = [text.index(t) for t in ("Webinaire : l'emploi", "Rencontre jeunesse",
                                      "Séminaire régional", "Cycle de qualification", "Forum des associations")]
    assert order == sorted(order)
    filtered = _text(client.get("/agenda", params={"territoire": "Martinique"}).text)
    assert "Rencontre jeunesse" in filtered and "Webinaire : l'emploi" not in filtered
    assert "agenda.ics?territoire=Martinique" in client.get("/agenda", params={"territoire": "Martinique"}).text


def test_item_page_of_a_document(client, published, fixture_only):
    html = client.get("/elements/" + _item_id(published, "Guide de la participation citoyenne")).text
    text = _text(html)
    assert "48 pages, 2,3 Mo" in text
    assert 'href="https://www.oriv.org/wp-content/uploads/guide-participation.pdf"' in html
    assert "Source : ORIV — lien d'origine" in text  # the centre by its one name
    assert "Participation & citoyenneté" in text


def test_item_page_of_an_event_and_its_relays(client, published, fixture_only):
    text = _text(client.get("/elements/" + _item_id(
        published, "Rencontre jeunesse et insertion à Fort-de-France")).text)
    assert "14 h – 16 h 30 (heure de la Martinique)" in text and "Atrium" in text
    relay = client.get("/elements/" + _item_id(
        published, "Cités éducatives : les territoires labellisés en 2026")).text
    assert "Aussi publié par" in relay and "RNCRPV" in _text(relay)  # the centre by its one name


def test_body_html_is_sanitised_again(client, published, fixture_only):
    html = client.get("/elements/" + _item_id(published, '<script>alert("x")</script>')).text
    body = html.split('<div class="corps">', 1)[1].split("</div>", 1)[0]
    assert "<b>gras</b>" in body
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body


def test_unknown_item_and_centre_are_404(client):
    assert client.get("/elements/nexistepas").status_code == 404
    assert client.get("/centres/nexistepas").status_code == 404


def test_state_page(client, fixture_only):
    html = client.get("/etat-des-sources").text
    rows = {m.group(1): _text(m.group(0)) for m in
            re.finditer(r'<tr>\s*<th scope="row"><a href="/centres/([^"]+)">.*?</tr>', html, re.S)}
    assert len(rows) == 20
    assert "Échec" in rows["normanvilles"] and "Délai de 30 s dépassé" in rows["normanvilles"]
    assert "Jamais" in rows["maore_ouvoimoja"] and "Aucune" in rows["maore_ouvoimoja"]
    assert "Réussie avec erreurs" in rows["oriv"] and "PDF chiffré" in rows["oriv"]
    assert "Réussie" in rows["irev"]


def test_centre_page(client, fixture_only):
    text = _text(client.get("/centres/ville_caraibe").text)
    assert "Ville Caraïbe" in text or "ville" in text.lower()
    assert "Conseils citoyens" in text and "Rencontre jeunesse" in text
    assert "Licence" in text and "Contenus ©" in text


@pytest.mark.parametrize("starts, ends, all_day, tz, expected", [
    ("2027-02-10T09:00:00-04:00", "2027-02-10T12:30:00-04:00", 0, "America/Martinique",
     "mercredi 10 février 2027, 9 h – 12 h 30 (heure de la Martinique)"),
    ("2026-03-01T14:00:00+01:00", None, 0, "Europe/Paris", "dimanche 1er mars 2026, 14 h (heure de Paris)"),
    ("2026-03-03", "2026-03-05", 1, "Europe/Paris", "du mardi 3 au jeudi 5 mars 2026"),
    ("2026-03-31", "2026-04-02", 1, None, "du mardi 31 mars 2026 au jeudi 2 avril 2026"),
    ("2026-05-22", "2026-05-22", 1, None, "vendredi 22 mai 2026 (toute la journée)"),
    ("2026-06-30T22:00:00+00:00", "2026-07-01T01:00:00+00:00", 0, "Europe/Paris",
     "mercredi 1er juillet 2026, 0 h – 3 h (heure de Paris)"),
])
def test_event_wording(starts, ends, all_day, tz, expected):
    assert formatting.event_when(starts, ends, all_day, tz) == expected


@pytest.mark.parametrize("size, expected", [(2_345_678, "2,3 Mo"), (812_000, "812 ko"), (640, "640 octets"), (None, "")])
def test_sizes(size, expected):
    assert formatting.size_fr(size) == expected


def test_highlight_escapes_before_marking():
    marked = formatting.highlight('<b onclick="x">\x02emploi\x03</b>')
    assert str(marked) == "&lt;b onclick=&#34;x&#34;&gt;<mark>emploi</mark>&lt;/b&gt;"


def test_not_found_page_is_french(client):
    response = client.get("/elements/nexistepas")
    assert response.status_code == 404
    assert '<html lang="fr">' in response.text and "Page introuvable" in response.text
    assert "Élément introuvable" in response.text


def test_agenda_month_index_matches_its_pages(client):
    """The index names every month with upcoming sessions, in order, with its number of
    sessions; each month is a page of its own holding them (a series once, its next
    sessions beside it)."""
    pages = _agenda_months(client)
    assert len(pages) >= 2
    months = [m for m, _, _ in pages]
    assert months == sorted(months)
    for month, count, html in pages:
        assert re.findall(r'<h2 id="mois-(\d{4}-\d{2})">', html) == [month]
        # Each session listed, plus a series' next sessions and its "et N autres".
        series = re.findall(r'<p class="serie">(.*?)</p>', html, re.S)
        shown = (html.count('<li class="seance">')
                 + sum(len(re.findall(r"<time [^>]*>", p)) for p in series)
                 + sum(int(n) for p in series for n in re.findall(r" et (\d+) autres?\.", p)))
        assert shown == count, month


@pytest.mark.parametrize("path", ["/", "/actions", "/themes/sante", "/portail/items"])
def test_security_policy_names_no_third_party(client, path):
    """The base map is the portal's own: no page's policy lets an image or a script come
    from another host (a visitor's address is never sent to a tile server)."""
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers.get("content-security-policy", "")
    assert policy and "http" not in policy.replace("'self'", ""), policy
