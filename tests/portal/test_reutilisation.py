"""The reuse policy as data (registry `reuse: excerpt | full`): item pages, Atom feeds and
Datasette's exports show the excerpt and the link to the original unless the centre allows
more (IREV, in the fixture); the full text stays searchable; the footer says exactly what
is republished."""

from __future__ import annotations

import csv
import io
import sqlite3

import feedparser

MOBILITE = "Mobilité et accès aux droits à La Réunion"  # CR-CSUR (excerpt); "permis" only in its body
HOSTILE = '<script>alert("x")</script>'  # IREV (full)


def _id(db_path, title):
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select id from items where title = ?", (title,)).fetchone()[0]


def test_item_page_excerpt_or_full(client, published, fixture_only):
    excerpt = client.get("/elements/" + _id(published, MOBILITE)).text
    assert '<div class="corps">' not in excerpt and "permis de conduire" not in excerpt
    assert "Une étude sur la mobilité des habitants" in excerpt  # the summary
    assert "lire le texte intégral sur le site de CR-CSUR" in excerpt
    full = client.get("/elements/" + _id(published, HOSTILE)).text
    assert '<div class="corps">' in full and "<b>gras</b>" in full


def test_full_text_stays_searchable(client, fixture_only):
    assert MOBILITE in client.get("/recherche?q=permis").text
    rows = client.get("/portail/items.json?_search=permis&_shape=array").json()
    assert [r["title"] for r in rows] == [MOBILITE]
    assert "body_text" not in rows[0] and "body_html" not in rows[0]


def test_exports_carry_no_full_text(client, published, fixture_only):
    rows = client.get("/portail/items.json?_shape=array&_size=max").json()
    assert rows and all("body_html" not in r and "body_text" not in r for r in rows)
    assert {"title", "summary", "url"} <= set(rows[0])
    asked = client.get("/portail/items.json?_shape=array&_col=body_text&_col=title").json()
    assert all("body_text" not in r for r in asked)
    header = next(csv.reader(io.StringIO(client.get("/portail/items.csv").text)))
    assert "body_html" not in header and "body_text" not in header and "summary" in header
    documents = client.get("/portail/documents.json?_shape=array").json()
    assert documents and all("text" not in d for d in documents)
    versions = client.get("/portail/item_versions.json").json()
    assert "previous" not in versions["columns"]


def test_a_rows_export_is_its_tables_filtered_by_key(client, published, fixture_only):
    item_id = _id(published, MOBILITE)
    rows = client.get(f"/portail/items/{item_id}.json?_shape=array").json()
    assert [r["id"] for r in rows] == [item_id] and "body_text" not in rows[0]
    page = client.get(f"/portail/items/{item_id}").text
    assert "col-body_text" not in page and "permis de conduire" not in page
    assert client.get("/portail/items_fts").status_code == 403


def test_atom_feeds_follow_the_policy(client, fixture_only):
    feed = feedparser.parse(client.get("/portail/actualites.atom").content)
    by_title = {e.title: e for e in feed.entries}
    assert "content" in by_title[HOSTILE]
    others = [e for e in feed.entries if "irev.fr" not in e.link]  # every centre but IREV
    assert others and all("content" not in e for e in others)
    assert all(e.get("summary") or e.link for e in others)


def test_footer_says_what_is_republished(client, fixture_only):
    text = client.get("/").text
    assert "le texte intégral seulement pour IREV, qui l&#39;autorise" in text or \
        "le texte intégral seulement pour IREV, qui l'autorise" in text
    assert "ni exportés (CSV, JSON), ni diffusés dans les flux" in text


def test_policy_holds_on_any_database(client, published):
    """On the fixture and on a real harvest alike: no export carries a full text, and an
    item of a centre without `reuse: full` shows no body on its page nor in the feed."""
    with sqlite3.connect(published) as conn:
        conn.row_factory = sqlite3.Row  # a database from before the policy has no reuse column
        full = {r["id"] for r in conn.execute("select * from centres")
                if "reuse" in r.keys() and r["reuse"] == "full"}
        conn.row_factory = None
        sample = conn.execute("select i.id, i.centre_id from items i where i.status = 'active' "
                              "and i.body_html is not null and i.body_html != '' "
                              "order by i.rowid limit 12").fetchall()
    rows = client.get("/portail/items.json?_shape=array").json()
    assert rows and all("body_html" not in r and "body_text" not in r for r in rows)
    assert sample
    for item_id, centre_id in sample:
        page = client.get(f"/elements/{item_id}").text
        assert ('<div class="corps">' in page) == (centre_id in full), item_id
    feed = feedparser.parse(client.get("/portail/actualites.atom").content)
    with sqlite3.connect(published) as conn:
        centre_of = dict(conn.execute("select id, centre_id from items"))
    for entry in feed.entries:
        item_id = entry.id.rsplit(":", 1)[-1]
        if centre_of.get(item_id) not in full:
            assert "content" not in entry, entry.id
