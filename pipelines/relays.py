"""Relay groups kept up to date incrementally: only new or changed items are read, compared
with the signatures already stored (`item_signatures`, LSH keys in `item_bands`), and placed in
a group (`items.cluster_id`) without chaining (see `normalize/relays.py`).

A first run, or a run after the method changed (`RELAYS_VERSION`), rebuilds everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crawlers.state import utc_now
from normalize.relays import (RelayItem, Signature, band_keys, can_join, estimate, event_key,
                              shingles, signature)

RELAYS_VERSION = "2"  # 1 was SimHash with union-find (it chained unrelated items)
DOCUMENT_TEXT_CHARS = 20_000  # a PDF's opening is enough to recognise it


@dataclass
class RelayStats:
    read: int = 0  # items whose signature was (re)computed
    groups: int = 0  # groups after the run
    grouped: int = 0  # items in a group
    rebuilt: bool = False


def update_relays(db, rebuild: bool = False) -> RelayStats:
    """Bring signatures and groups up to date with the items table (one transaction)."""
    with db.conn:
        return _update(db, rebuild)


def _update(db, rebuild: bool) -> RelayStats:
    stats = RelayStats()
    version = next(db.query("select value from meta where key = 'relays_version'"), {}).get("value")
    if rebuild or version != RELAYS_VERSION:
        stats.rebuilt = True
        db.execute("delete from item_bands")
        db.execute("delete from item_signatures")
        db.execute("update items set cluster_id = null where cluster_id is not null")
    _forget_inactive(db)
    changed = [r["id"] for r in db.query(
        "select i.id from items i left join item_signatures s on s.item_id = i.id "
        "where i.status = 'active' and (s.item_id is null or s.content_hash is not i.content_hash) "
        "order by coalesce(i.published_at, i.first_seen_at), i.id")]
    for ident in changed:
        _store_signature(db, ident)
    stats.read = len(changed)
    texts = _Shingles(db)
    for ident in changed:
        _regroup(db, ident, texts)
    stats.groups, stats.grouped = db.execute(
        "select count(distinct cluster_id), count(cluster_id) from items where cluster_id is not null"
    ).fetchone()
    db["meta"].upsert({"key": "relays_version", "value": RELAYS_VERSION}, pk="key")
    return stats


def _forget_inactive(db) -> None:
    """Items no longer published leave their group and the index."""
    gone = [r["id"] for r in db.query(
        "select s.item_id as id from item_signatures s join items i on i.id = s.item_id "
        "where i.status != 'active'")]
    for ident in gone:
        _leave_group(db, ident)
        db.execute("delete from item_bands where item_id = ?", [ident])
        db.execute("delete from item_signatures where item_id = ?", [ident])


def _text_of(db, row: dict) -> str:
    if row["body_text"]:
        return row["body_text"]
    if row["kind"] == "document":
        text = next(db.query("select text from documents where item_id = ? and text is not null "
                             "order by id limit 1", [row["id"]]), {}).get("text")
        if text:
            return text[:DOCUMENT_TEXT_CHARS]
    return row["summary"] or ""


def _store_signature(db, ident: str) -> None:
    row = next(db.query("select id, kind, title, summary, body_text, content_hash from items "
                        "where id = ?", [ident]))
    sig = signature(shingles(row["title"], _text_of(db, row)))
    conn = db.conn
    conn.execute("delete from item_bands where item_id = ?", [ident])
    conn.execute(
        "insert or replace into item_signatures (item_id, content_hash, size, minhash, event_key, "
        "computed_at) values (?, ?, ?, ?, ?, ?)",
        [ident, row["content_hash"], sig.size if sig else 0, sig.to_blob() if sig else None,
         _event_key(db, row), utc_now()])
    if sig is not None:
        conn.executemany("insert or ignore into item_bands (key, item_id) values (?, ?)",
                         [(key, ident) for key in band_keys(sig)])


def _event_key(db, row: dict) -> str | None:
    if row["kind"] != "event":
        return None
    start = next(db.query("select min(starts_at_utc) as s from events where item_id = ?",
                          [row["id"]]), {}).get("s")
    return event_key(row["title"], start)


_ITEM_SQL = (
    "select i.id, i.centre_id, i.kind, i.cluster_id, i.published_at, i.first_seen_at, "
    "s.minhash, s.event_key, "
    "(select min(d.sha256) from documents d where d.item_id = i.id) as sha "
    "from items i join item_signatures s on s.item_id = i.id where i.status = 'active' and i.id in ({})")


def _load(db, ids) -> dict[str, RelayItem]:
    ids = list(ids)
    found: dict[str, RelayItem] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for r in db.query(_ITEM_SQL.format(",".join("?" * len(chunk))), chunk):
            day = (r["published_at"] or r["first_seen_at"] or "")[:10]
            try:
                ordinal = date.fromisoformat(day).toordinal()
            except ValueError:
                ordinal = None
            found[r["id"]] = RelayItem(
                r["id"], r["centre_id"],
                signature=Signature.from_blob(r["minhash"]) if r["minhash"] else None,
                event=r["event_key"], sha256=r["sha"] if r["kind"] == "document" else None,
                day=ordinal, group=r["cluster_id"])
    return found


def _candidates(db, ident: str) -> set[str]:
    """Items that may publish the same thing: a shared LSH key, event key or file."""
    rows = db.query(
        "select distinct b2.item_id as id from item_bands b1 join item_bands b2 on b2.key = b1.key "
        "where b1.item_id = ? and b2.item_id != ? "
        "union select s2.item_id from item_signatures s1 join item_signatures s2 "
        "on s2.event_key = s1.event_key where s1.item_id = ? and s1.event_key is not null "
        "and s2.item_id != ? "
        "union select d2.item_id from documents d1 join documents d2 on d2.sha256 = d1.sha256 "
        "where d1.item_id = ? and d2.item_id != ? and d1.sha256 is not null",
        [ident] * 6)
    return {r["id"] for r in rows}


def _leave_group(db, ident: str) -> None:
    row = next(db.query("select cluster_id from items where id = ?", [ident]), None)
    if not row or not row["cluster_id"]:
        return
    group = row["cluster_id"]
    db.execute("update items set cluster_id = null where id = ?", [ident])
    left = [r["id"] for r in db.query("select id from items where cluster_id = ?", [group])]
    if len(left) < 2:  # a group of one is no group
        db.execute("update items set cluster_id = null where cluster_id = ?", [group])


class _Shingles:
    """Exact shingles of the items compared during a run, read once each."""

    def __init__(self, db, keep: int = 5000):
        self.db, self.keep, self.cache = db, keep, {}

    def __call__(self, item: RelayItem) -> set:
        found = self.cache.get(item.id)
        if found is None:
            row = next(self.db.query("select id, kind, title, summary, body_text from items "
                                     "where id = ?", [item.id]))
            found = shingles(row["title"], _text_of(self.db, row))
            if len(self.cache) >= self.keep:
                self.cache.pop(next(iter(self.cache)))
            self.cache[item.id] = found
        return found


def _regroup(db, ident: str, texts: _Shingles) -> None:
    """Place one (new or changed) item: into the group it fits best, else a new pair."""
    _leave_group(db, ident)
    candidate_ids = _candidates(db, ident)
    if not candidate_ids:
        return
    items = _load(db, candidate_ids | {ident})
    item = items.get(ident)
    if item is None:
        return
    candidates = [items[c] for c in sorted(candidate_ids) if c in items]
    groups: dict[str, list[RelayItem]] = {}
    for other in candidates:
        if other.group and other.group not in groups:
            member_ids = [r["id"] for r in db.query(
                "select id from items where cluster_id = ? and status = 'active'", [other.group])]
            members = _load(db, member_ids)
            groups[other.group] = list(members.values())
    best, best_score = None, -1.0
    for group, members in groups.items():
        if can_join(item, members, texts):
            score = _closeness(item, members)
            if score > best_score:
                best, best_score = group, score
    if best is not None:
        db.execute("update items set cluster_id = ? where id = ?", [best, ident])
        return
    loose = [c for c in candidates if not c.group and can_join(item, [c], texts)]
    if loose:
        partner = max(loose, key=lambda c: _closeness(item, [c]))
        group = f"relay:{min(ident, partner.id)}"
        db.execute("update items set cluster_id = ? where id in (?, ?)", [group, ident, partner.id])


def _closeness(item: RelayItem, members: list[RelayItem]) -> float:
    """The weakest similarity to the group (a file or an event key counts as identical)."""
    scores = []
    for m in members:
        if (item.sha256 and item.sha256 == m.sha256) or (item.event and item.event == m.event):
            scores.append(1.0)
        elif item.signature is not None and m.signature is not None:
            scores.append(estimate(item.signature, m.signature)[1])
        else:
            scores.append(0.0)
    return min(scores) if scores else 0.0
