"""Publish the harvested database for the portal: in place, incremental, nothing copied.

The portal serves the harvest database itself, read-only: Datasette opens it with
`mode=ro` and SQLite's WAL lets a harvest write meanwhile, every reader seeing a consistent
snapshot. What the public pages need precomputed lives in a small side file,
`publish/publication.db`, attached to every portal connection as the schema `publication`:

- `elements`: one row per active item with its stored sort key `tri` (the UTC instant of
  `coalesce(published_at, first_seen_at)`), year, month, centre, territory and kind, with
  an index per way the pages list items (by kind, centre, territory, all), so "the newest"
  is an index walk, never a sort of every item;
- `seances`: the event sessions not over yet, with their UTC start `debut` and the UTC
  instant they are over `fin` (an all-day session: the end of its last day in Paris), so
  "upcoming" is an index range (`fin >= now`) walked in `debut` order;
- `chiffres`, `centres_chiffres`: the counts of the home page, the state page and the map;
- `cube`, `cube_themes`, `cube_paires`: active items counted by centre, territory, kind and
  month (and theme, and pair of themes), so the facets of a search without words are a
  GROUP BY over a few thousand rows, whatever the number of items.

`publish()` recomputes these from the harvest database in one write transaction on the side
file: portal readers keep the previous figures until the commit and see the new ones after;
no connection is dropped, nothing is restarted, nothing is copied. Rows are compared with
what the side file holds and only the differences are written, so a publication writes
little when little changed. It also (short transactions on the harvest database) creates the
analyst views and refreshes SQLite's statistics (`ANALYZE`, sampled) when the item count has
moved by a quarter since the last time: the harvest pipeline never writes either, and no
row of the harvest's own tables is ever written. `publish/portail.db` is a symbolic link to
the harvest database, so Datasette names it `portail` whatever its file name (SQLite follows
the link: its WAL and lock files stay beside the real file).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PORTAL_DIR = ROOT / "datasette"
PUBLISHED_NAME = "portail.db"      # the link Datasette serves (named portail)
SIDE_NAME = "publication.db"       # the derived tables, attached as `publication`
METADATA_NAME = "metadata.json"
SIDE_SCHEMA_VERSION = "3"
PARIS = ZoneInfo("Europe/Paris")
ANALYZE_DRIFT = 0.25               # re-ANALYZE the harvest database past this change in items
BUSY_MS = 5000                     # wait this long for a harvest's write lock, then skip


def portal_package():
    """Import the portal helper package that lives beside the Datasette plugin files."""
    plugins = str(PORTAL_DIR / "plugins")
    if plugins not in sys.path:
        # Datasette loads plugin files by path; the helpers beside them are a plain package.
        sys.path.insert(0, plugins)
    import crpv_portal.metadata

    return crpv_portal


def default_publish_dir(db_path: Path) -> Path:
    """Where `crpv serve` publishes by default: `publish/` beside the database."""
    return Path(db_path).resolve().parent / "publish"


SIDE_TABLES = """
create table info (key text primary key, value);
create table elements (
  item_rowid integer primary key,  -- items.rowid in the harvest database
  id text not null,                -- items.id
  centre_id text not null,
  territoire text,                 -- centres.territory
  kind text not null,
  tri text not null,               -- UTC instant of coalesce(published_at, first_seen_at)
  annee text,                      -- its year as written (the publisher's local year)
  mois text                        -- its month as written (YYYY-MM)
);
create unique index elements_id on elements(id);
create index elements_tri on elements(tri, id);
create index elements_kind_tri on elements(kind, tri, id);
create index elements_centre_tri on elements(centre_id, tri, id);
create index elements_territoire_tri on elements(territoire, tri, id);
create table seances (
  event_rowid integer primary key, -- events.rowid in the harvest database
  event_id text not null,
  item_rowid integer not null,
  item_id text not null,
  centre_id text not null,
  territoire text,
  kind text not null,
  annee text,
  debut text not null,             -- UTC start, the agenda's order
  fin text not null,               -- UTC instant the session is over
  titre text not null              -- the agenda's second sort key
);
create index seances_debut on seances(debut, titre, event_id);
create index seances_centre on seances(centre_id, debut, titre, event_id);
create index seances_territoire on seances(territoire, debut, titre, event_id);
create index seances_fin on seances(fin);
create table chiffres (cle text primary key, valeur);
create table centres_chiffres (
  centre_id text primary key, elements integer, news integer, event integer, document integer,
  dernier_nouveau text, derniere_publication text, derniere_reussite text
);
create table cube (centre_id text, territoire text, kind text, mois text, n integer);
create table cube_themes (theme_id text, centre_id text, territoire text, kind text, annee text,
                          n integer);
create index cube_themes_theme on cube_themes(theme_id);
create table cube_paires (theme_id text, autre_theme text, centre_id text, territoire text,
                          kind text, annee text, n integer);
create index cube_paires_theme on cube_paires(theme_id);
"""

ELEMENT_COLUMNS = ("item_rowid", "id", "centre_id", "territoire", "kind", "tri", "annee", "mois")
SESSION_COLUMNS = ("event_rowid", "event_id", "item_rowid", "item_id", "centre_id", "territoire",
                   "kind", "annee", "debut", "fin", "titre")


def publish(db_path: Path, publish_dir: Path, now: datetime | None = None,
            log=None) -> Path:
    """Publish `db_path` into `publish_dir` (incrementally); return the path Datasette serves."""
    db_path, publish_dir = Path(db_path).resolve(), Path(publish_dir)
    if not db_path.is_file():
        raise FileNotFoundError(f"{db_path}: database not found")
    publish_dir.mkdir(parents=True, exist_ok=True)
    package = portal_package()
    started = time.monotonic()
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    figures = refresh_side_file(db_path, publish_dir / SIDE_NAME, now)
    figures.update(prepare_harvest_database(db_path, package.metadata.view_statements(),
                                            publish_dir / SIDE_NAME))
    _write_atomic(publish_dir / METADATA_NAME,
                  json.dumps(package.metadata.build_metadata(), indent=2, ensure_ascii=False))
    served = publish_dir / PUBLISHED_NAME
    _link(served, db_path)
    figures["seconds"] = round(time.monotonic() - started, 2)
    _set_info(publish_dir / SIDE_NAME, {"last_publication": json.dumps(figures)})
    if log:
        log(figures)
    return served


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".publish-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _link(link: Path, target: Path) -> None:
    """Point `link` at `target` atomically (a reader sees the old link or the new one)."""
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    tmp = link.with_name(f".{link.name}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def sqlite_uri(path: Path, **params: str) -> str:
    """A `file:` URI for `path` (quoted), e.g. with mode=ro, for connect() and ATTACH."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(Path(path).resolve()))}" + (f"?{query}" if query else "")


def split_statements(script: str) -> list[str]:
    """The SQL statements of `script`, split where SQLite would (not inside a string)."""
    statements, current = [], ""
    for part in script.split(";"):
        current += part + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \n;"):
                statements.append(current.strip())
            current = ""
    if current.strip(" \n;"):
        statements.append(current.strip())
    return statements


def _connect_side(side: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(sqlite_uri(side), uri=True, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-262144")
    return conn


def _set_info(side: Path, values: dict) -> None:
    conn = _connect_side(side)
    try:
        conn.executemany("insert or replace into info (key, value) values (?, ?)", values.items())
    finally:
        conn.close()


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def session_end(starts_at: str | None, ends_at: str | None, all_day) -> str | None:
    """The UTC instant a session is over, as 'YYYY-MM-DDTHH:MM:SSZ' (None if unreadable).

    A timed session is over at its end (its start when it has none); an all-day session at
    the end of its last day (inclusive) in Paris, one second before the next midnight —
    the rule the portal always applied (`coalesce(ends_at, starts_at) >= today` in Paris)."""
    value = (ends_at or starts_at or "").strip()
    if not value:
        return None
    try:
        if all_day:
            last = date.fromisoformat(value[:10])
            midnight = datetime.combine(last + timedelta(days=1), dtime(0), tzinfo=PARIS)
            return _utc_text(midnight - timedelta(seconds=1))
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:  # SQLite's datetime() reads a naive value as UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return _utc_text(moment)


def refresh_side_file(db_path: Path, side: Path, now: datetime) -> dict:
    """Recompute the derived tables from the harvest database, in one write transaction."""
    conn = _connect_side(side)
    try:
        version = None
        if conn.execute("select 1 from sqlite_master where name = 'info'").fetchone():
            found = conn.execute("select value from info where key = 'schema'").fetchone()
            version = found[0] if found else None
        conn.execute("attach database ? as h", (sqlite_uri(db_path, mode="ro"),))
        conn.execute("begin immediate")
        if version != SIDE_SCHEMA_VERSION:
            for (name,) in conn.execute("select name from main.sqlite_master where type = 'table' "
                                        "and name not like 'sqlite_%'").fetchall():
                conn.execute(f"drop table main.[{name}]")
            script = (SIDE_TABLES.replace("create table ", "create table main.")
                      .replace("create index ", "create index main.")
                      .replace("create unique index ", "create unique index main."))
            for statement in split_statements(script):
                conn.execute(statement)
            conn.execute("insert into info (key, value) values ('schema', ?)", (SIDE_SCHEMA_VERSION,))
        figures = _refresh(conn, now)
        conn.execute("insert or replace into info (key, value) values ('published_at', ?), "
                     "('source', ?)", (_utc_text(now), str(db_path)))
        conn.execute("commit")
        if figures["changed"]:
            conn.execute("PRAGMA analysis_limit=1000")
            conn.execute("ANALYZE main")
        conn.execute("detach database h")
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return figures
    except BaseException:
        if conn.in_transaction:
            conn.execute("rollback")
        raise
    finally:
        conn.close()


def _refresh(conn: sqlite3.Connection, now: datetime) -> dict:
    # Every item once, compact: the scan of the harvest's fat rows happens here only.
    conn.execute("drop table if exists temp.tous")
    conn.execute("""
        create temp table tous as
        select i.rowid as item_rowid, i.id, i.centre_id, c.territory as territoire, i.kind,
          i.status, i.first_seen_at, i.published_at,
          coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(i.published_at, i.first_seen_at)),
                   strftime('%Y-%m-%dT%H:%M:%SZ', i.first_seen_at), '0000') as tri,
          substr(coalesce(i.published_at, i.first_seen_at), 1, 4) as annee,
          substr(coalesce(i.published_at, i.first_seen_at), 1, 7) as mois
        from h.items i left join h.centres c on c.id = i.centre_id""")
    cols = ", ".join(ELEMENT_COLUMNS)
    conn.execute(f"""
        create temp table nouveaux_elements as
        select {cols} from temp.tous where status = 'active'""")
    conn.execute("create unique index temp.nouveaux_elements_rowid on nouveaux_elements(item_rowid)")
    changed = _apply(conn, "elements", "nouveaux_elements", ELEMENT_COLUMNS, "item_rowid")

    # Sessions not over yet (a generous SQL prefilter, then the exact instant in Python).
    cutoff = (now - timedelta(days=2)).date().isoformat()
    now_text = _utc_text(now)
    candidates = conn.execute("""
        select e.rowid, e.id, i.rowid, i.id, i.centre_id, c.territory, i.kind,
          substr(coalesce(i.published_at, i.first_seen_at), 1, 4),
          coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(e.starts_at_utc, e.starts_at)), e.starts_at),
          e.starts_at, e.ends_at, e.all_day, i.title
        from h.events e join h.items i on i.id = e.item_id left join h.centres c on c.id = i.centre_id
        where i.status = 'active' and coalesce(e.ends_at, e.starts_at) >= ?""", (cutoff,)).fetchall()
    sessions = []
    for (erow, eid, irow, iid, centre, territory, kind, year, debut, starts, ends, all_day,
         title) in candidates:
        fin = session_end(starts, ends, all_day == 1)
        if fin is not None and fin >= now_text and debut:
            sessions.append((erow, eid, irow, iid, centre, territory, kind, year, debut, fin,
                             title or ""))
    conn.execute("drop table if exists temp.nouvelles_seances")
    conn.execute(f"create temp table nouvelles_seances ({', '.join(SESSION_COLUMNS)})")
    conn.executemany(f"insert into temp.nouvelles_seances values ({', '.join('?' * len(SESSION_COLUMNS))})",
                     sessions)
    conn.execute("create unique index temp.nouvelles_seances_rowid on nouvelles_seances(event_rowid)")
    changed += _apply(conn, "seances", "nouvelles_seances", SESSION_COLUMNS, "event_rowid")

    # Counts: small tables, rewritten whole.
    for table in ("cube", "cube_themes", "cube_paires", "chiffres", "centres_chiffres"):
        conn.execute(f"delete from main.{table}")
    conn.execute("""insert into main.cube (centre_id, territoire, kind, mois, n)
        select centre_id, territoire, kind, mois, count(*) from main.elements
        group by centre_id, territoire, kind, mois""")
    conn.execute("drop table if exists temp.themes_actifs")
    conn.execute("""create temp table themes_actifs as
        select t.theme_id, e.item_rowid, e.centre_id, e.territoire, e.kind, e.annee
        from h.item_themes t join main.elements e on e.id = t.item_id""")
    conn.execute("create index temp.themes_actifs_item on themes_actifs(item_rowid, theme_id)")
    conn.execute("""insert into main.cube_themes (theme_id, centre_id, territoire, kind, annee, n)
        select theme_id, centre_id, territoire, kind, annee, count(*) from temp.themes_actifs
        group by theme_id, centre_id, territoire, kind, annee""")
    conn.execute("""insert into main.cube_paires
          (theme_id, autre_theme, centre_id, territoire, kind, annee, n)
        select a.theme_id, b.theme_id, a.centre_id, a.territoire, a.kind, a.annee, count(*)
        from temp.themes_actifs a join temp.themes_actifs b on b.item_rowid = a.item_rowid
        group by a.theme_id, b.theme_id, a.centre_id, a.territoire, a.kind, a.annee""")
    by_kind = dict(conn.execute("select kind, sum(n) from main.cube group by kind").fetchall())
    last_harvest = conn.execute("select max(finished_at) from h.harvest_runs "
                                "where status = 'completed'").fetchone()[0]
    if not last_harvest:  # the pipeline also records the end of each harvest in meta
        found = conn.execute("select value from h.meta where key = 'last_harvest_at'").fetchone()
        last_harvest = found[0] if found else None
    chiffres = {"centres": conn.execute("select count(*) from h.centres").fetchone()[0],
                "news": by_kind.get("news", 0), "event": by_kind.get("event", 0),
                "document": by_kind.get("document", 0),
                "total": sum(by_kind.values()), "derniere_moisson": last_harvest,
                "seances_a_venir": len(sessions)}
    conn.executemany("insert into main.chiffres (cle, valeur) values (?, ?)", chiffres.items())
    conn.execute("""
        insert into main.centres_chiffres (centre_id, elements, news, event, document,
          dernier_nouveau, derniere_publication, derniere_reussite)
        select c.id,
          (select coalesce(sum(n), 0) from main.cube k where k.centre_id = c.id),
          (select coalesce(sum(n), 0) from main.cube k where k.centre_id = c.id and k.kind = 'news'),
          (select coalesce(sum(n), 0) from main.cube k where k.centre_id = c.id and k.kind = 'event'),
          (select coalesce(sum(n), 0) from main.cube k where k.centre_id = c.id and k.kind = 'document'),
          (select max(first_seen_at) from temp.tous t where t.centre_id = c.id),
          (select max(published_at) from temp.tous t where t.centre_id = c.id and t.status = 'active'),
          (select max(finished_at) from h.harvest_runs r where r.centre_id = c.id
             and r.status = 'completed')
        from h.centres c""")
    for table in ("tous", "nouveaux_elements", "nouvelles_seances", "themes_actifs"):
        conn.execute(f"drop table temp.{table}")
    return {"items": chiffres["total"], "sessions": len(sessions), "changed": changed}


def _apply(conn: sqlite3.Connection, table: str, fresh: str, columns: tuple[str, ...],
           key: str) -> int:
    """Make main.`table` equal to temp.`fresh`, writing only the rows that differ."""
    same = " and ".join(f"f.{c} is main.{table}.{c}" for c in columns)
    gone = conn.execute(f"""delete from main.{table} where not exists (
        select 1 from temp.{fresh} f where f.{key} = main.{table}.{key} and {same})""").rowcount
    added = conn.execute(f"insert or ignore into main.{table} ({', '.join(columns)}) "
                         f"select {', '.join(columns)} from temp.{fresh}").rowcount
    return gone + added


def prepare_harvest_database(db_path: Path, view_statements: list[str], side: Path) -> dict:
    """Analyst views and SQLite statistics in the harvest database (short transactions; a
    harvest holding the write lock makes them wait BUSY_MS, then they wait for next time)."""
    done = {"views": False, "analyzed": False}
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode=WAL")  # readers and the harvest never block
        wanted = {}
        for statement in view_statements:
            name = statement.split("drop view if exists ", 1)[1].split(";", 1)[0].strip()
            wanted[name] = statement
        existing = dict(conn.execute("select name, sql from sqlite_master where type = 'view'"))
        stale = {n: s for n, s in wanted.items()
                 if existing.get(n) is None or _view_sql(s) != _folded(existing[n])}
        if stale:
            conn.execute("begin immediate")
            for statement in stale.values():
                for part in split_statements(statement):
                    conn.execute(part)
            conn.execute("commit")
        done["views"] = True
        items = conn.execute("select max(rowid) from items").fetchone()[0] or 0
        side_conn = _connect_side(side)
        try:
            found = side_conn.execute("select value from info where key = 'analyzed_items'").fetchone()
        finally:
            side_conn.close()
        analyzed = int(found[0]) if found else None
        has_stats = conn.execute("select 1 from sqlite_master where name = 'sqlite_stat1'").fetchone()
        if not has_stats or analyzed is None or abs(items - analyzed) > ANALYZE_DRIFT * max(analyzed, 1):
            conn.execute("PRAGMA analysis_limit=1000")  # sampled: seconds, not minutes, at 1M
            conn.execute("ANALYZE")
            _set_info(side, {"analyzed_items": str(items)})
            done["analyzed"] = True
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("rollback")
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        print(f"publication : base de moisson occupée ({exc}) ; vues et statistiques "
              "reportées à la prochaine publication", file=sys.stderr, flush=True)
    finally:
        conn.close()
    return done


def _view_sql(statement: str) -> str:
    """The CREATE VIEW part of a `drop view …; create view …;` statement, whitespace folded."""
    return _folded(split_statements(statement)[1].rstrip(";"))


def _folded(sql: str) -> str:
    """SQL compared as SQLite stores it (its CREATE keywords upper-cased): case and spaces folded."""
    return " ".join(sql.split()).lower()
