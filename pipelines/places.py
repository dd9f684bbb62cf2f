"""Places and actions of the items, after each harvest, incrementally.

For every active item whose content changed since it was last read (`item_analyses`), the
communes it is about (`normalize.communes.find_communes`, confidence ≥ ABOUT) go to
`item_places`, and the verdict of `normalize.actions.recognise_action` to `item_actions`.
The `communes` reference table (official geography) is written once per version of the data.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from crawlers.state import utc_now
from normalize.actions import recognise_action
from normalize.communes import ABOUT, find_communes, territory_of
from normalize.geo import GEO_DIR, geography, region_name
from pipelines.transactions import write_transaction

__all__ = ["ANALYSIS_VERSION", "ensure_communes", "update_places", "analyse_item"]

_RULES = ("normalize/communes.py", "normalize/actions.py")
BATCH = 500


@lru_cache(maxsize=1)
def _geo_version() -> str:
    """The shipped geography's digest (read once: `ensure_communes` asks for each centre)."""
    digest = hashlib.sha256()
    for name in ("communes.csv.gz", "departements.csv", "regions.csv"):
        digest.update((GEO_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def _version() -> str:
    """The geography and the rules' source: a change of either reads every item again."""
    digest = hashlib.sha256(_geo_version().encode())
    root = Path(__file__).resolve().parent.parent
    for name in _RULES:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:16]


ANALYSIS_VERSION = _version()


def ensure_communes(db) -> None:
    """The `communes` table, rewritten when the geography shipped changes."""
    have = db.execute("select value from meta where key = 'communes_version'").fetchone()
    geo_version = _geo_version()
    if have and have[0] == geo_version and db["communes"].count:
        return
    geo = geography()
    rows = []
    for code, c in geo.communes.items():
        dept = geo.departements.get(c.departement)
        position = geo.position(code)
        lat, lon, exact = position if position else (None, None, False)
        rows.append((code, c.nom, c.departement, dept.nom if dept else None, c.region,
                     region_name(c.region), dept.zone if dept else None, c.population,
                     lat, lon, int(bool(exact))))
    with write_transaction(db):
        db.execute("delete from communes where code not in (select commune from item_places)")
        db.conn.executemany(
            "insert or replace into communes (code, nom, departement, departement_nom, region, "
            "region_nom, zone, population, latitude, longitude, located) values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db["meta"].upsert({"key": "communes_version", "value": geo_version}, pk="key")


def analyse_item(item: dict, places=(), territory=None, action_sections=(), document_text: str = ""):
    """(action verdict, communes found) for one item row (`kind`, `title`, `summary`,
    `body_text`, `url`)."""
    body = item.get("body_text") or ""
    summary = item.get("summary") or ""
    text = body if summary and summary[:80] in body else f"{summary}\n{body}".strip()
    if len(text) < 400 and document_text:
        text = f"{text}\n{document_text[:5000]}"
    verdict = recognise_action(item.get("kind") or "", item.get("title"), text, item.get("url"),
                               action_sections=action_sections)
    found = [c for c in find_communes(item.get("title"), text, places, territory)
             if c.confidence >= ABOUT]
    return verdict, found


def _centres(db) -> dict[str, tuple]:
    out = {}
    for row in db.query("select * from centres"):
        sections = json.loads(row.get("action_sections") or "[]") if "action_sections" in row else []
        out[row["id"]] = (territory_of(row.get("region_code"), row.get("territory")), tuple(sections))
    return out


def update_places(db, limit: int | None = None, centre_id: str | None = None) -> int:
    """Read the items not yet read at this version or changed since (of one centre, or all);
    returns how many. Each batch is read first and written after, in a short transaction: a
    harvest still storing other centres' items waits milliseconds for the lock, not the
    reading of 500 items."""
    ensure_communes(db)
    centres = _centres(db)
    version = ANALYSIS_VERSION
    sql = ("select i.id, i.centre_id, i.kind, i.url, i.title, i.summary, i.body_text, i.content_hash "
           "from items i left join item_analyses a on a.item_id = i.id "
           "where i.status = 'active' and (a.item_id is null or a.version != ? "
           "or coalesce(a.content_hash, '') != coalesce(i.content_hash, ''))")
    params: list = [version]
    if centre_id is not None:
        sql += " and i.centre_id = ?"
        params.append(centre_id)
    todo = list(db.query(sql + (f" limit {int(limit)}" if limit else ""), params))
    now = utc_now()
    for start in range(0, len(todo), BATCH):
        analysed = [(item, _analyse(db, item, centres)) for item in todo[start:start + BATCH]]
        with write_transaction(db):
            for item, (verdict, found) in analysed:
                _store(db, item, verdict, found, version, now)
    return len(todo)


def _analyse(db, item: dict, centres: dict):
    """(action verdict, communes) of one item row, with its events' places and, for a short
    document, its text."""
    territory, sections = centres.get(item["centre_id"], (None, ()))
    places = [{"city": r[0], "postcode": r[1]} for r in db.execute(
        "select distinct city, postcode from events where item_id = ? and coalesce(online, 0) = 0 "
        "and (city is not null or postcode is not null)", [item["id"]])]
    document_text = ""
    if item["kind"] == "document" and len(item.get("body_text") or "") < 400:
        row = db.execute("select text from documents where item_id = ? and text is not null limit 1",
                         [item["id"]]).fetchone()
        document_text = row[0] if row else ""
    return analyse_item(item, places, territory, sections, document_text)


def _store(db, item: dict, verdict, found, version: str, now: str) -> None:
    conn = db.conn
    conn.execute("delete from item_places where item_id = ?", [item["id"]])
    conn.execute("delete from item_actions where item_id = ?", [item["id"]])
    conn.executemany(
        "insert into item_places (item_id, commune, confidence, mentions, source, quartiers, evidence) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [(item["id"], c.code, c.confidence, c.mentions, c.source,
          json.dumps(c.quartiers, ensure_ascii=False) if c.quartiers else None, c.evidence[:200])
         for c in found])
    if verdict.is_action:
        conn.execute("insert into item_actions (item_id, score, signals) values (?, ?, ?)",
                     [item["id"], verdict.score, json.dumps(verdict.signals, ensure_ascii=False)])
    conn.execute("insert or replace into item_analyses (item_id, content_hash, version, analysed_at) "
                 "values (?, ?, ?, ?)", [item["id"], item.get("content_hash"), version, now])
