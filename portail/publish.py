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
analyst views and refreshes SQLite's statistics (`ANALYZE`) when the item count has
moved by a quarter since the last time: the harvest pipeline never writes either, and no
row of the harvest's own tables is ever written. `publish/portail.db` is a symbolic link to
the harvest database, so Datasette names it `portail` whatever its file name (SQLite follows
the link: its WAL and lock files stay beside the real file).
"""

from __future__ import annotations

import json
import re
import os
from collections import Counter
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from normalize.event_types import event_type, vocabulary as event_vocabulary
from normalize.geo import departement_of

ROOT = Path(__file__).resolve().parent.parent
PORTAL_DIR = ROOT / "datasette"
PUBLISHED_NAME = "portail.db"      # the link Datasette serves (named portail)
SIDE_NAME = "publication.db"       # the derived tables, attached as `publication`
METADATA_NAME = "metadata.json"
SIDE_SCHEMA_VERSION = "7"
PARIS = ZoneInfo("Europe/Paris")
ANALYZE_DRIFT = 0.25               # re-ANALYZE the harvest database past this change in items
# Tables whose statistics are sampled: the relays' index (32 keys an item, the largest
# table), read by key by the harvest alone. Every other table gets exact statistics: sampled
# ones (`analysis_limit`) told SQLite that each of the 2 values of items.status matched
# 1,000 rows of a million, and `?status=active` on the items table sorted 970,000 rows.
SAMPLED_STATISTICS = ("item_bands", "item_signatures")
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
  territoire text not null,        -- centres.territory ('' when unknown)
  kind text not null,
  tri text not null,               -- UTC instant of coalesce(published_at, first_seen_at)
  annee text not null,             -- its year as written (the publisher's local year)
  mois text not null,              -- its month as written (YYYY-MM)
  themes text not null,            -- its theme ids, a sorted JSON array
  vu text not null                 -- UTC instant the portal first saw it ("nouveau depuis")
);
create unique index elements_id on elements(id);
create index elements_vu on elements(vu, id);
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
  territoire text not null,
  kind text not null,
  annee text not null,
  themes text not null,
  debut text not null,             -- UTC start, the agenda's order
  fin text not null,               -- UTC instant the session is over
  titre text not null,             -- the agenda's second sort key
  type_evenement text not null,    -- events.event_type, else the type its title says ('' none)
  departement text not null,       -- the place's département ('' unknown)
  en_ligne integer not null,       -- 1 online, 0 in person or unknown
  groupe text not null,            -- relay group (items.cluster_id), else the item id
  mois text not null               -- the local month of its start (YYYY-MM), the agenda's pages
);
create index seances_mois on seances(mois, debut, titre, event_id);
create index seances_debut on seances(debut, titre, event_id);
create index seances_centre on seances(centre_id, debut, titre, event_id);
create index seances_territoire on seances(territoire, debut, titre, event_id);
create index seances_type on seances(type_evenement, debut, titre, event_id);
create index seances_type_fin on seances(type_evenement, fin, mois);
create table chiffres (cle text primary key, valeur);
create table centres_chiffres (
  centre_id text primary key, elements integer, news integer, event integer, document integer,
  dernier_nouveau text, derniere_reussite text
);
create table cube (centre_id text not null, territoire text not null, kind text not null,
                   mois text not null, n integer not null,
                   primary key (centre_id, territoire, kind, mois));
create table cube_themes (theme_id text not null, centre_id text not null,
                          territoire text not null, kind text not null, annee text not null,
                          n integer not null,
                          primary key (theme_id, centre_id, territoire, kind, annee));
create table cube_paires (theme_id text not null, autre_theme text not null,
                          centre_id text not null, territoire text not null, kind text not null,
                          annee text not null, n integer not null,
                          primary key (theme_id, autre_theme, centre_id, territoire, kind, annee));
"""

ELEMENT_COLUMNS = ("item_rowid", "id", "centre_id", "territoire", "kind", "tri", "annee", "mois",
                   "themes", "vu")
SESSION_COLUMNS = ("event_rowid", "event_id", "item_rowid", "item_id", "centre_id", "territoire",
                   "kind", "annee", "themes", "debut", "fin", "titre", "type_evenement",
                   "departement", "en_ligne", "groupe", "mois")


def publish(db_path: Path, publish_dir: Path, now: datetime | None = None,
            log=None) -> Path:
    """Publish `db_path` into `publish_dir` (incrementally); return the path Datasette serves."""
    db_path, publish_dir = Path(db_path).resolve(), Path(publish_dir)
    if not db_path.is_file():
        raise FileNotFoundError(f"{db_path}: database not found")
    publish_dir.mkdir(parents=True, exist_ok=True)
    package = portal_package()
    started = time.monotonic()
    signature = source_signature(db_path)  # before reading: a later write is a later change
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    figures = refresh_side_file(db_path, publish_dir / SIDE_NAME, now)
    before_own_writes = source_signature(db_path)
    figures.update(prepare_harvest_database(db_path, package.metadata.view_statements(),
                                            publish_dir / SIDE_NAME))
    if before_own_writes == signature and before_own_writes != source_signature(db_path):
        # Only this publication wrote (views, statistics): what it read is still current.
        signature = source_signature(db_path)
    _write_atomic(publish_dir / METADATA_NAME,
                  json.dumps(package.metadata.build_metadata(), indent=2, ensure_ascii=False))
    served = publish_dir / PUBLISHED_NAME
    _link(served, db_path)
    figures["seconds"] = round(time.monotonic() - started, 2)
    _set_info(publish_dir / SIDE_NAME, {"last_publication": json.dumps(figures),
                                        "source_signature": json.dumps(signature)})
    if log:
        log(figures)
    return served


def _signature(path: Path) -> list | None:
    """What changes when a file is replaced or written: inode, size, mtime."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def source_signature(db_path: Path) -> list:
    """The harvest database's signature; a WAL database changes its -wal file first (an
    empty -wal, as a reader leaves it, is the same state as none)."""
    wal = _signature(Path(str(db_path) + "-wal"))
    return [_signature(Path(db_path)), wal if wal and wal[1] else None]


def _side_info(publish_dir: Path, key: str) -> str | None:
    """One value of the side file's `info` table (None when there is none to read)."""
    side = Path(publish_dir) / SIDE_NAME
    if not side.exists():
        return None
    try:
        conn = sqlite3.connect(sqlite_uri(side, mode="ro"), uri=True)
        try:
            found = conn.execute("select value from info where key = ?", (key,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return found[0] if found else None


def published_signature(publish_dir: Path) -> list | None:
    """The harvest signature the last publication started from (None if unknown)."""
    found = _side_info(publish_dir, "source_signature")
    return json.loads(found) if found else None


def side_is_current(publish_dir: Path) -> bool:
    """The side file was written by this version of the portal: its derived tables are the
    ones the pages query (a publication left by an older version is published again first)."""
    return _side_info(publish_dir, "schema") == SIDE_SCHEMA_VERSION


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


def _analyze_harvest(conn: sqlite3.Connection) -> None:
    """SQLite's statistics of the harvest database: exact where the portal filters and sorts,
    sampled for the relays' index (about 3 s at 200,000 items, most of it that index)."""
    tables = [r[0] for r in conn.execute(
        "select name from main.sqlite_master where type = 'table' and name not like 'sqlite_%'")]
    for limit, names in ((0, [t for t in tables if t not in SAMPLED_STATISTICS]),
                         (1000, [t for t in tables if t in SAMPLED_STATISTICS])):
        conn.execute(f"PRAGMA analysis_limit={limit}")
        for name in names:
            conn.execute(f"ANALYZE main.[{name}]")


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


def _title_event_type(title: str | None) -> str | None:
    return event_type(title or "")


EVENT_TYPE_IDS = frozenset(event_vocabulary().labels)
_CODE_IN_LABEL = re.compile(r"\((\d[\dAB]\d?)\)\s*$")


def _departement_code(value: str | None) -> str | None:
    """The code of a stored département: "Nord (59)" → "59"; a bare code stays."""
    value = (value or "").strip()
    found = _CODE_IN_LABEL.search(value)
    if found:
        return found.group(1)
    return value if re.fullmatch(r"\d[\dAB]\d?", value) else None


def _temp_like(conn: sqlite3.Connection, name: str, table: str) -> None:
    """An empty temp table with the columns and declared types of main.`table` (so that
    comparisons with it keep their affinity and can use an index)."""
    columns = conn.execute(f"select name, type from main.pragma_table_info('{table}') "
                           "order by cid").fetchall()
    conn.execute(f"drop table if exists temp.{name}")
    conn.execute(f"create temp table {name} ("
                 + ", ".join(f"{c} {t}" + (" primary key" if i == 0 else "")
                             for i, (c, t) in enumerate(columns)) + ")")


def _agenda_counts(sessions: list[tuple], column: str) -> str:
    """Upcoming sessions by value of `column`, as JSON, counted as the agenda shows them: a
    relayed session (one relay group, one start) once."""
    index = SESSION_COLUMNS.index(column)
    group, start = SESSION_COLUMNS.index("groupe"), SESSION_COLUMNS.index("debut")
    shown = {(s[index], s[group], s[start]) for s in sessions if s[index]}
    return json.dumps(dict(sorted(Counter(value for value, _, _ in shown).items())),
                      ensure_ascii=False)


def _refresh(conn: sqlite3.Connection, now: datetime) -> dict:
    # Every item once, compact: the only scan of the harvest's fat rows. Themes are grouped
    # once in the order of item_themes' (item_id, theme_id) key, then looked up by item id.
    for name in ("tous", "themes_par_element", "territoires"):
        conn.execute(f"drop table if exists temp.{name}")
    conn.execute("create temp table themes_par_element (item_id text primary key, themes text) "
                 "without rowid")
    conn.execute("""insert into temp.themes_par_element
        select item_id, json_group_array(theme_id) from (
          select item_id, theme_id from h.item_themes order by item_id, theme_id)
        group by item_id""")
    conn.execute("create temp table territoires (id text primary key, territoire text) without rowid")
    conn.execute("insert into temp.territoires select id, coalesce(territory, '') from h.centres")
    conn.execute("""
        create temp table tous as
        select i.rowid as item_rowid, i.id, i.centre_id, coalesce(t.territoire, '') as territoire,
          i.kind, i.status, i.first_seen_at, i.published_at,
          coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(i.published_at, i.first_seen_at)),
                   strftime('%Y-%m-%dT%H:%M:%SZ', i.first_seen_at), '0000') as tri,
          coalesce(substr(coalesce(i.published_at, i.first_seen_at), 1, 4), '') as annee,
          coalesce(substr(coalesce(i.published_at, i.first_seen_at), 1, 7), '') as mois,
          coalesce(p.themes, '[]') as themes,
          coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', i.first_seen_at), '0000') as vu
        from h.items i left join temp.territoires t on t.id = i.centre_id
          left join temp.themes_par_element p on p.item_id = i.id""")
    _temp_like(conn, "nouveaux_elements", "elements")
    conn.execute(f"insert into temp.nouveaux_elements select {', '.join(ELEMENT_COLUMNS)} "
                 "from temp.tous where status = 'active'")
    removed, added = _apply(conn, "elements", "nouveaux_elements", ELEMENT_COLUMNS, "item_rowid")
    _update_cubes(conn, removed, added)
    changed = removed + added

    # Sessions not over yet (a generous SQL prefilter, then the exact instant in Python).
    cutoff = (now - timedelta(days=2)).date().isoformat()
    now_text = _utc_text(now)
    candidates = conn.execute("""
        select e.rowid, e.id, n.item_rowid, n.id, n.centre_id, n.territoire, n.kind, n.annee,
          n.themes,
          coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(e.starts_at_utc, e.starts_at)), e.starts_at),
          e.starts_at, e.ends_at, e.all_day, i.title, e.event_type, e.departement, e.postcode,
          e.online, coalesce(i.cluster_id, i.id)
        from h.events e cross join main.elements n on n.id = e.item_id
          cross join h.items i on i.rowid = n.item_rowid
        where coalesce(e.ends_at, e.starts_at) >= ?""", (cutoff,)).fetchall()
    sessions = []
    types_of_titles: dict[str, str] = {}
    for (erow, eid, irow, iid, centre, territory, kind, year, themes, debut, starts, ends, all_day,
         title, event_type, departement, postcode, online, group) in candidates:
        fin = session_end(starts, ends, all_day == 1)
        if fin is not None and fin >= now_text and debut:
            if event_type not in EVENT_TYPE_IDS:  # older rows: free text, or none (the title's word)
                key = (event_type, title)
                if key not in types_of_titles:
                    types_of_titles[key] = _title_event_type(event_type) or _title_event_type(title)
                event_type = types_of_titles[key]
            sessions.append((erow, eid, irow, iid, centre, territory, kind, year, themes, debut,
                             fin, title or "", event_type or "",
                             _departement_code(departement) or departement_of(postcode) or "", int(online or 0),
                             group or iid, (starts or "")[:7]))
    _temp_like(conn, "nouvelles_seances", "seances")
    conn.executemany(f"insert into temp.nouvelles_seances values "
                     f"({', '.join('?' * len(SESSION_COLUMNS))})", sessions)
    removed, added = _apply(conn, "seances", "nouvelles_seances", SESSION_COLUMNS, "event_rowid")
    changed += removed + added

    # Figures of the pages: small tables, rewritten whole.
    conn.execute("delete from main.chiffres")
    conn.execute("delete from main.centres_chiffres")
    by_kind = dict(conn.execute("select kind, sum(n) from main.cube group by kind").fetchall())
    last_harvest = conn.execute("select max(finished_at) from h.harvest_runs "
                                "where status = 'completed'").fetchone()[0]
    if not last_harvest:  # the pipeline also records the end of each harvest in meta
        found = conn.execute("select value from h.meta where key = 'last_harvest_at'").fetchone()
        last_harvest = found[0] if found else None
    rows_of = {f"lignes:{t}": conn.execute(f"select count(*) from h.[{t}]").fetchone()[0]
               for t in ("events", "harvest_runs", "harvest_errors")}
    rows_of["lignes:items"] = conn.execute("select count(*) from temp.tous").fetchone()[0]
    chiffres = {"centres": conn.execute("select count(*) from h.centres").fetchone()[0],
                "news": by_kind.get("news", 0), "event": by_kind.get("event", 0),
                "document": by_kind.get("document", 0),
                "total": sum(by_kind.values()), "derniere_moisson": last_harvest,
                "seances_a_venir": len(sessions), **rows_of,
                # The agenda's menus and month index without a filter: counted here once.
                **{f"agenda:{name}": _agenda_counts(sessions, column)
                   for name, column in (("mois", "mois"), ("types", "type_evenement"),
                                        ("departements", "departement"))}}
    conn.executemany("insert into main.chiffres (cle, valeur) values (?, ?)", chiffres.items())
    newest: dict[str, str] = {}  # the newest item of each centre, gone ones included
    for centre, first_seen in conn.execute("select centre_id, first_seen_at from temp.tous"):
        if first_seen and (centre not in newest or first_seen > newest[centre]):
            newest[centre] = first_seen
    conn.executemany("""
        insert into main.centres_chiffres (centre_id, elements, news, event, document,
          dernier_nouveau, derniere_reussite)
        select c.id,
          (select coalesce(sum(n), 0) from main.cube k where k.centre_id = c.id),
          (select coalesce(sum(n), 0) from main.cube k where k.centre_id = c.id and k.kind = 'news'),
          (select coalesce(sum(n), 0) from main.cube k where k.centre_id = c.id and k.kind = 'event'),
          (select coalesce(sum(n), 0) from main.cube k where k.centre_id = c.id and k.kind = 'document'),
          ?, (select max(finished_at) from h.harvest_runs r where r.centre_id = c.id
                and r.status = 'completed')
        from h.centres c where c.id = ?""",
        [(newest.get(c), c) for (c,) in conn.execute("select id from h.centres").fetchall()])
    for table in ("tous", "nouveaux_elements", "nouvelles_seances", "retires", "ajoutes",
                  "themes_par_element", "territoires"):
        conn.execute(f"drop table if exists temp.{table}")
    return {"items": chiffres["total"], "sessions": len(sessions), "changed": changed}


def _apply(conn: sqlite3.Connection, table: str, fresh: str, columns: tuple[str, ...],
           key: str) -> tuple[int, int]:
    """Make main.`table` equal to temp.`fresh`, writing only the rows that differ; the old
    and new versions of those rows are left in temp.retires and temp.ajoutes."""
    cols = ", ".join(columns)
    same = " and ".join(f"f.{c} is m.{c}" for c in columns)
    conn.execute("drop table if exists temp.retires")
    conn.execute("drop table if exists temp.ajoutes")
    conn.execute(f"""create temp table retires as select {cols} from main.{table} m
        where not exists (select 1 from temp.{fresh} f where f.{key} = m.{key} and {same})""")
    conn.execute(f"delete from main.{table} where {key} in (select {key} from temp.retires)")
    conn.execute(f"""create temp table ajoutes as select {cols} from temp.{fresh} f
        where not exists (select 1 from main.{table} m where m.{key} = f.{key})""")
    removed = conn.execute("select count(*) from temp.retires").fetchone()[0]
    added = conn.execute("select count(*) from temp.ajoutes").fetchone()[0]
    kept = conn.execute(f"select count(*) from main.{table}").fetchone()[0]
    indexes = []
    if added > 50_000 and added > kept:  # a bulk load: indexes are faster built once, sorted
        indexes = conn.execute("select name, sql from main.sqlite_master where type = 'index' "
                               "and tbl_name = ? and sql is not null", (table,)).fetchall()
        for name, _sql in indexes:
            conn.execute(f"drop index main.[{name}]")
    conn.execute(f"insert into main.{table} ({cols}) select {cols} from temp.ajoutes "
                 f"order by {key}")
    for _name, sql in indexes:
        conn.execute(sql.replace("CREATE INDEX ", "CREATE INDEX main.", 1)
                     .replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX main.", 1))
    return removed, added


def _update_cubes(conn: sqlite3.Connection, removed: int, added: int) -> None:
    """Counts by centre, territory, kind and month (and theme, and pair of themes) moved by the
    rows that left (temp.retires) and came into (temp.ajoutes) `elements`: one pass in Python
    over those rows (all of them at the first publication, a few afterwards)."""
    if not removed and not added:
        return
    cube: Counter = Counter()
    cube_themes: Counter = Counter()
    cube_paires: Counter = Counter()
    rows = conn.execute("select centre_id, territoire, kind, annee, mois, themes, -1 from temp.retires "
                        "union all select centre_id, territoire, kind, annee, mois, themes, 1 "
                        "from temp.ajoutes")
    for centre, territory, kind, year, month, themes, d in rows:
        cube[(centre, territory, kind, month)] += d
        ids = json.loads(themes) if themes and themes != "[]" else ()
        for a in ids:
            cube_themes[(a, centre, territory, kind, year)] += d
            for b in ids:
                cube_paires[(a, b, centre, territory, kind, year)] += d
    for table, counter, columns in (
            ("cube", cube, ("centre_id", "territoire", "kind", "mois")),
            ("cube_themes", cube_themes, ("theme_id", "centre_id", "territoire", "kind", "annee")),
            ("cube_paires", cube_paires, ("theme_id", "autre_theme", "centre_id", "territoire",
                                          "kind", "annee"))):
        keys = ", ".join(columns)
        conn.executemany(
            f"insert into main.{table} ({keys}, n) values ({', '.join('?' * (len(columns) + 1))}) "
            f"on conflict ({keys}) do update set n = n + excluded.n",
            [(*k, n) for k, n in counter.items() if n])
        conn.execute(f"delete from main.{table} where n = 0")


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
            _analyze_harvest(conn)
            _set_info(side, {"analyzed_items": str(items)})
            done["analyzed"] = True
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("rollback")
        if not any(word in str(exc) for word in ("locked", "busy", "readonly")):
            raise
        print(f"Publication : base de moisson occupée ou en lecture seule ({exc}) ; vues et "
              "statistiques reportées à la prochaine publication.", file=sys.stderr, flush=True)
    finally:
        conn.close()
    return done


def _view_sql(statement: str) -> str:
    """The CREATE VIEW part of a `drop view …; create view …;` statement, whitespace folded."""
    return _folded(split_statements(statement)[1].rstrip(";"))


def _folded(sql: str) -> str:
    """SQL compared as SQLite stores it (its CREATE keywords upper-cased): case and spaces folded."""
    return " ".join(sql.split()).lower()
