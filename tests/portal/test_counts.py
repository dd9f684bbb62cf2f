"""Whole-table row counts kept between requests (`datasette/plugins/portail_comptes.py`): the
same answer as `count(*)`, counted again as soon as the file changes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from datasette.database import Database

from portail.publish import publish
from portail.serve import datasette_app

from .conftest import Client


def _count(client, query: str = "") -> int:
    response = client.get(f"/portail/items.json?_size=1{query}")
    assert response.status_code == 200, response.text[:300]
    return response.json()["filtered_table_rows_count"]


def test_a_whole_table_count_follows_every_write(source_db, tmp_path):
    source = tmp_path / "harvest.db"
    shutil.copyfile(source_db, source)
    client = Client(datasette_app(publish(source, tmp_path / "publish")))
    try:
        with sqlite3.connect(source) as conn:
            total, news = conn.execute(
                "select count(*), count(*) filter (where kind = 'news') from items").fetchone()
        assert _count(client) == total
        kept = {table: count for (path, table), (_, count) in Database.execute.kept.items()
                if Path(path).resolve() == source.resolve()}
        assert kept["items"] == total
        assert _count(client) == total  # the kept answer
        with sqlite3.connect(source) as conn:
            row = conn.execute("select * from items where kind = 'news' limit 1").fetchone()
            names = [d[0] for d in conn.execute("select * from items limit 0").description]
            copy = dict(zip(names, row), id="copie-pour-le-test", url="https://exemple.fr/copie")
            conn.execute(f"insert into items ({', '.join(copy)}) values ({', '.join('?' * len(copy))})",
                         list(copy.values()))
        assert _count(client) == total + 1  # the file changed: counted again
        assert _count(client, "&kind=news") == news + 1  # a filtered count is never kept
    finally:
        client.close()
