"""Publication (atomic, immutable, named portail) and the analysts' documented database."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from pipelines.schema import TABLES
from portail.publish import METADATA_NAME, SIDE_NAME, publish
from portail.serve import datasette_app, datasette_command

from .fixture_db import build_fixture_db


def _harvest_rows(path) -> dict:
    """Row count and content checksum of every table of the harvest (what publishing must keep)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name in (%s)"
        % ", ".join("?" * len(TABLES)), list(TABLES))]
    out = {t: conn.execute(f"select count(*), total(length(quote(rowid))) from [{t}]").fetchone()
           for t in tables}
    out["items_hash"] = hashlib.sha256(repr(conn.execute(
        "select * from items order by rowid").fetchall()).encode()).hexdigest()
    conn.close()
    return out


def test_publish_is_in_place_and_named_portail(source_db, tmp_path):
    before = _harvest_rows(source_db)
    target = publish(source_db, tmp_path)
    side = tmp_path / SIDE_NAME
    first_inode = side.stat().st_ino
    assert target.name == "portail.db" and target.is_symlink()
    assert target.resolve() == Path(source_db).resolve()  # served as is: nothing copied
    again = publish(source_db, tmp_path)
    assert again == target and side.stat().st_ino == first_inode  # updated in place
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == \
        sorted(["portail.db", SIDE_NAME, METADATA_NAME])  # no staging left behind
    conn = sqlite3.connect(side)
    figures = dict(conn.execute("select cle, valeur from chiffres"))
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"  # readers never block
    conn.close()
    src = sqlite3.connect(source_db)
    assert figures["total"] == src.execute(
        "select count(*) from items where status = 'active'").fetchone()[0]
    views = {r[0] for r in src.execute("select name from sqlite_master where type = 'view'")}
    assert views == {"vue_actualites", "vue_agenda", "vue_documents", "vue_sources"}
    assert src.execute("select count(*) from sqlite_stat1 where tbl = 'items'").fetchone()[0] > 0
    src.close()
    assert _harvest_rows(source_db) == before  # no row of the harvest was written


def test_publish_rejects_a_missing_database(tmp_path):
    with pytest.raises(FileNotFoundError):
        publish(tmp_path / "absent.db", tmp_path / "out")


def test_served_read_only_over_the_harvest_file(client):
    db = client.ds.get_database("portail")
    assert db.is_mutable is True and db.hash is None  # live file, opened mode=ro
    settings = client.get("/-/settings.json").json()
    assert settings["suggest_facets"] is False and settings["sql_time_limit_ms"] == 3000


def test_every_table_and_column_is_described_in_french(client):
    metadata = client.get("/-/metadata.json").json()
    tables = metadata["databases"]["portail"]["tables"]
    for name, spec in TABLES.items():
        assert tables[name]["description"] == spec.description
        assert set(tables[name]["columns"]) == set(spec.columns)
        assert all(tables[name]["columns"].values())
    page = client.get("/portail/items").text
    assert TABLES["items"].columns["kind"].description in page


@pytest.mark.parametrize("query", ["dernieres_actualites", "evenements_a_venir",
                                   "activite_par_centre_par_mois"])
def test_canned_queries_run(client, query):
    response = client.get(f"/portail/{query}.json?_shape=array")
    assert response.status_code == 200, response.text[:300]
    assert isinstance(response.json(), list)


def test_canned_queries_exact_on_fixture(client, fixture_only):
    news = client.get("/portail/dernieres_actualites.json?_shape=array").json()
    assert len(news) == 8 and news[0]["titre"] == '<script>alert("x")</script>'
    upcoming = client.get("/portail/evenements_a_venir.json?_shape=array").json()
    assert [e["titre"] for e in upcoming][:2] == [
        "Webinaire : l'emploi des femmes dans les QPV",
        "Rencontre jeunesse et insertion à Fort-de-France"]
    assert len(upcoming) == 5
    docs = client.get("/portail/documents_par_theme.json?_shape=array&theme=emploi_economie").json()
    assert [d["titre"] for d in docs] == ["Cahier de l'emploi dans les quartiers"]


def test_csv_and_json_export(client, fixture_only):
    response = client.get("/portail/vue_sources.csv?_size=max")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 20 and all(r["licence"].startswith("Contenus ©") for r in rows)
    assert client.get("/portail/items.json?_shape=array&kind=document").json()[0]["kind"] == "document"


def test_public_sql_is_off_by_default(client, monkeypatch):
    monkeypatch.delenv("CRPV_PUBLIC_SQL", raising=False)
    response = client.get("/portail.json", params={"sql": "select 1 as un"})
    assert response.status_code == 403
    assert "requêtes SQL libres sont désactivées" in response.json()["error"]
    page = client.get("/portail", params={"sql": "select 1 as un"})
    assert page.status_code == 403 and '<html lang="fr">' in page.text
    assert "select 1" not in page.text  # the SQL is never echoed back
    assert client.get("/portail/items", params={"_where": "1=1"}).status_code == 403
    # Canned queries and the JSON API of tables stay open.
    assert client.get("/portail/dernieres_actualites.json").status_code == 200
    assert client.get("/portail/items.json?_size=1").status_code == 200


def test_sql_is_read_only(client, monkeypatch):
    monkeypatch.setenv("CRPV_PUBLIC_SQL", "on")
    response = client.get("/portail.json", params={"sql": "delete from items"})
    assert response.status_code == 400
    count = client.get("/portail.json", params={"sql": "select count(*) as n from items",
                                                "_shape": "array"}).json()[0]["n"]
    assert count > 0


def test_datasette_command_serves_the_published_file(published):
    cmd = datasette_command(published, port=8123)
    assert cmd[cmd.index("serve") + 1] == str(published) and "-i" not in cmd  # mutable, read-only
    assert "-m" in cmd and "--plugins-dir" in cmd and "--template-dir" in cmd
    assert cmd[cmd.index("--port") + 1] == "8123"
    assert ["--setting", "suggest_facets", "false"] == cmd[cmd.index("suggest_facets") - 1:
                                                          cmd.index("suggest_facets") + 2]


def test_app_has_facetable_indexed_columns(published):
    conn = sqlite3.connect(published)
    indexed = {r[2] for ix in conn.execute("pragma index_list(items)").fetchall()
               for r in conn.execute(f"pragma index_info('{ix[1]}')")}
    conn.close()
    ds = datasette_app(published)
    facets = ds.metadata("facets", database="portail", table="items")
    assert {f for f in facets if isinstance(f, str)} <= indexed
    assert set(ds.metadata("sortable_columns", database="portail", table="items")) <= indexed


def _side_rows(publish_dir) -> dict:
    conn = sqlite3.connect(publish_dir / SIDE_NAME)
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' "
                                         "and name not like 'sqlite_%' and name != 'info'")]
    out = {t: sorted(conn.execute(f"select * from [{t}]").fetchall(), key=repr) for t in tables}
    conn.close()
    return out


def test_incremental_publication_equals_a_fresh_one(tmp_path):
    """After a harvest changes items, themes and sessions, publishing over the previous side
    file gives exactly the tables a publication from scratch gives."""
    db_path = build_fixture_db(tmp_path / "harvest.db")
    publish(db_path, tmp_path / "a")
    db = sqlite_utils.Database(db_path)
    news = [r["id"] for r in db.query("select id from items where kind = 'news' and status = "
                                      "'active' order by id")]
    db.execute("update items set status = 'gone' where id = ?", [news[0]])
    db.execute("update items set published_at = '2019-05-01' where id = ?", [news[1]])
    db.execute("delete from item_themes where item_id = ?", [news[2]])
    db["item_themes"].insert({"item_id": news[2], "theme_id": "outre_mer", "method": "keywords"})
    row = dict(next(db.query("select * from items where id = ?", [news[3]])))
    row.update(id="nouvel", url=row["url"] + "?nouvel", centre_id="oriv")
    db["items"].insert(row)
    db["item_themes"].insert({"item_id": "nouvel", "theme_id": "sante", "method": "keywords"})
    session = dict(next(db.query("select * from events order by starts_at_utc desc limit 1")))
    db.execute("update events set ends_at = '2020-01-01T10:00:00+01:00', "
               "starts_at = '2020-01-01T09:00:00+01:00' where id = ?", [session["id"]])
    db.conn.commit()
    db.close()
    publish(db_path, tmp_path / "a")  # incremental
    publish(db_path, tmp_path / "b")  # from scratch
    incremental, fresh = _side_rows(tmp_path / "a"), _side_rows(tmp_path / "b")
    assert incremental == fresh
    conn = sqlite3.connect(tmp_path / "a" / SIDE_NAME)
    assert conn.execute("select count(*) from elements where id = ?", (news[0],)).fetchone()[0] == 0
    assert conn.execute("select annee from elements where id = ?", (news[1],)).fetchone()[0] == "2019"
    assert conn.execute("select themes from elements where id = ?", (news[2],)).fetchone()[0] == \
        '["outre_mer"]'
    assert conn.execute("select count(*) from seances where event_id = ?",
                        (session["id"],)).fetchone()[0] == 0
    conn.close()


def test_publication_counts_match_the_harvest(published, source_db):
    """On any database: the side file's figures are the harvest's own counts."""
    side = sqlite3.connect(published.parent / SIDE_NAME)
    src = sqlite3.connect(f"file:{source_db}?mode=ro", uri=True)
    by_kind = dict(src.execute("select kind, count(*) from items where status = 'active' "
                               "group by kind"))
    figures = dict(side.execute("select cle, valeur from chiffres"))
    assert {k: figures[k] for k in ("news", "event", "document")} == \
        {k: by_kind.get(k, 0) for k in ("news", "event", "document")}
    per_centre = dict(src.execute("select centre_id, count(*) from items where status = 'active' "
                                  "group by centre_id"))
    assert {c: n for c, n in side.execute("select centre_id, elements from centres_chiffres")
            if n} == per_centre
    themes = dict(src.execute("select t.theme_id, count(*) from item_themes t join items i "
                              "on i.id = t.item_id where i.status = 'active' group by t.theme_id"))
    assert dict(side.execute("select theme_id, sum(n) from cube_themes group by theme_id")) == themes
    pairs = dict(src.execute("""select a.theme_id || '+' || b.theme_id, count(*) from item_themes a
        join item_themes b on b.item_id = a.item_id join items i on i.id = a.item_id
        where i.status = 'active' group by 1"""))
    assert dict(side.execute("select theme_id || '+' || autre_theme, sum(n) from cube_paires "
                             "group by 1")) == pairs
    side.close()
    src.close()


def test_statistics_are_exact_where_the_portal_filters(tmp_path):
    """Sampled statistics (`analysis_limit`) said each of the two values of items.status
    matched 1,000 rows, and SQLite sorted all the active items of a filtered table page."""
    from portail.publish import _analyze_harvest

    conn = sqlite3.connect(tmp_path / "stats.db", isolation_level=None)
    conn.execute("create table items (id text primary key, status text, published_at text)")
    conn.execute("create index idx_items_status on items (status)")
    conn.execute("create index idx_items_published_at on items (published_at)")
    conn.executemany("insert into items values (?, ?, ?)",
                     [(f"i{n}", "gone" if n % 50 == 0 else "active", f"2026-{n % 12 + 1:02d}-01")
                      for n in range(6000)])
    _analyze_harvest(conn)
    stat = conn.execute("select stat from sqlite_stat1 where idx = 'idx_items_status'").fetchone()[0]
    assert stat == "6000 3000"  # 6,000 rows, 2 values
    plan = conn.execute("explain query plan select id from items where status = 'active' "
                        "order by published_at desc limit 20").fetchall()
    assert "idx_items_published_at" in plan[0][3]  # read newest first, not sorted


def test_the_items_table_lists_the_newest_first_by_its_index(client):
    """Without `_sort`, Datasette sorted by id: a filter then sorted every matching row."""
    page = client.get("/portail/items.json?_size=5&kind=news").json()
    assert "order by published_at desc" in page["query"]["sql"]
    dates = [row[page["columns"].index("published_at")] for row in page["rows"]]
    assert len(dates) == 5 and dates == sorted(dates, reverse=True)
