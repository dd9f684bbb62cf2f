"""The schema: created idempotently, declared once, documented column by column."""

from __future__ import annotations

import sqlite_utils

from pipelines.schema import TABLES, ensure_schema

CONTRACT = {
    "centres": {"id", "name", "url", "timezone"},
    "items": {"id", "centre_id", "kind", "url", "title", "summary", "body_text", "published_at",
              "first_seen_at", "last_seen_at", "status"},
    "events": {"item_id", "starts_at", "ends_at", "all_day", "location_name", "city"},
    "documents": {"item_id", "file_url", "media_type", "size_bytes", "pages", "text"},
    "themes": {"id", "label"},
    "item_themes": {"item_id", "theme_id"},
    "item_versions": {"item_id", "changed_at"},
    "harvest_runs": {"centre_id", "new", "updated", "unchanged", "failed", "requests"},
    "harvest_errors": {"url", "kind", "message"},
}


def shape(db):
    return {
        name: (sorted(db[name].columns_dict), sorted(tuple(ix.columns) for ix in db[name].indexes))
        for name in db.table_names()
    }


def test_schema_twice_is_idempotent(tmp_path):
    db = sqlite_utils.Database(tmp_path / "p.db")
    ensure_schema(db)
    first = shape(db)
    ensure_schema(db)
    assert shape(db) == first
    assert "items_fts" in db.table_names() and "documents_fts" in db.table_names()


def test_contract_columns_exist(memory_db):
    for table, columns in CONTRACT.items():
        assert columns <= set(memory_db[table].columns_dict), table


def test_every_column_is_documented_in_french():
    for name, table in TABLES.items():
        assert table.description, name
        for column, spec in table.columns.items():
            assert len(spec.description) > 8, f"{name}.{column}"


def test_fts_follows_inserts_and_folds_accents(memory_db):
    memory_db["centres"].insert({"id": "c", "name": "C", "url": "https://c.fr/", "timezone": "Europe/Paris"})
    memory_db["items"].insert({
        "id": "i1", "centre_id": "c", "kind": "news", "url": "https://c.fr/a", "title": "Rénovation urbaine à Roubaix",
        "first_seen_at": "2026-01-01T00:00:00+00:00", "last_seen_at": "2026-01-01T00:00:00+00:00", "status": "active",
    })
    hits = list(memory_db.query("select rowid from items_fts where items_fts match 'renovation'"))
    assert len(hits) == 1
    memory_db["items"].update("i1", {"title": "Santé des habitants"})
    assert list(memory_db.query("select rowid from items_fts where items_fts match 'renovation'")) == []
    assert len(list(memory_db.query("select rowid from items_fts where items_fts match 'sante'"))) == 1
