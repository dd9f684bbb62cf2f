"""Relay groups kept up to date incrementally: only new or changed items are read, compared
with the signatures already stored (`item_signatures`, LSH keys in `item_bands`), and placed in
a group (`items.cluster_id`) without chaining (see `normalize/relays.py`).

A first run, or a run after the method changed (`RELAYS_VERSION`), rebuilds everything.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from crawlers.state import utc_now
from normalize.relays import (RelayItem, Signature, band_keys, can_join, estimate, event_key,
                              shingles, signature)

RELAYS_VERSION = "2"  # 1 was SimHash with union-find (it chained unrelated items)
DOCUMENT_TEXT_CHARS = 20_000  # a PDF's opening is enough to recognise it
BATCH = 500
COMMIT_EVERY = 5000  # items per transaction
# A band key that hundreds of items share stands for a sentence the sites all print (a
# standard disclaimer, a programme's boilerplate): it says nothing about relays.
HOT_KEY = 200
# The most promising candidates (most band keys shared, i.e. the highest Jaccard) are enough:
# a relay shares far more keys with its original than any same-subject story does.
MAX_CANDIDATES = 40


@dataclass
class RelayStats:
    read: int = 0  # items whose signature was (re)computed
    groups: int = 0  # groups after the run
    grouped: int = 0  # items in a group
    rebuilt: bool = False


def update_relays(db, rebuild: bool = False) -> RelayStats:
    """Bring signatures and groups up to date with the items table. The work is committed in
    slices (a rebuild of a million items must not grow one transaction to gigabytes); the
    method's version is written last, so an interrupted rebuild starts again next time."""
    stats = RelayStats()
    version = next(db.query("select value from meta where key = 'relays_version'"), {}).get("value")
    with db.conn:
        if rebuild or version != RELAYS_VERSION:
            stats.rebuilt = True
            db.execute("delete from meta where key = 'relays_version'")
            db.execute("delete from item_bands")
            db.execute("delete from item_signatures")
            db.execute("update items set cluster_id = null where cluster_id is not null")
        run = _Run(db)
        run.forget_inactive()
        run.save()
    changed = [r[0] for r in db.execute(
        "select i.id from items i left join item_signatures s on s.item_id = i.id "
        "where i.status = 'active' and (s.item_id is null or s.content_hash is not i.content_hash) "
        "order by coalesce(i.published_at, i.first_seen_at), i.id")]
    for start in range(0, len(changed), COMMIT_EVERY):
        with db.conn:
            for first in range(start, min(start + COMMIT_EVERY, len(changed)), BATCH):
                _store_signatures(db, changed[first:min(first + BATCH, start + COMMIT_EVERY)])
    stats.read = len(changed)
    for start in range(0, len(changed), COMMIT_EVERY):
        with db.conn:
            for ident in changed[start:start + COMMIT_EVERY]:
                run.regroup(ident)
            run.save()
    with db.conn:
        stats.groups, stats.grouped = db.execute(
            "select count(distinct cluster_id), count(cluster_id) from items "
            "where cluster_id is not null").fetchone()
        db["meta"].upsert({"key": "relays_version", "value": RELAYS_VERSION}, pk="key")
    return stats


# -- signatures ----------------------------------------------------------------------


def _document_texts(db, ids: list[str]) -> dict[str, str]:
    """The first readable text of each item's files (a publication's text is its PDF)."""
    texts: dict[str, str] = {}
    for item_id, text in db.execute(
            f"select item_id, text from documents where item_id in ({','.join('?' * len(ids))}) "
            "and text is not null order by id", ids):
        texts.setdefault(item_id, text[:DOCUMENT_TEXT_CHARS])
    return texts


def _text(row: dict, documents: dict[str, str]) -> str:
    return row["body_text"] or documents.get(row["id"]) or row["summary"] or ""


def _store_signatures(db, ids: list[str]) -> None:
    marks = ",".join("?" * len(ids))
    rows = list(db.query(f"select id, kind, title, summary, body_text, content_hash from items "
                         f"where id in ({marks})", ids))
    documents = _document_texts(db, [r["id"] for r in rows if r["kind"] == "document"
                                     and not r["body_text"]] or [""])
    starts = {item_id: start for item_id, start in db.execute(
        f"select item_id, min(starts_at_utc) from events where item_id in ({marks}) group by item_id",
        ids)}
    now = utc_now()
    signatures, bands = [], []
    for row in rows:
        sig = signature(shingles(row["title"], _text(row, documents)))
        key = event_key(row["title"], starts.get(row["id"])) if row["kind"] == "event" else None
        signatures.append((row["id"], row["content_hash"], sig.size if sig else 0,
                           sig.to_blob() if sig else None, key, now))
        if sig is not None:
            bands.extend((band, row["id"]) for band in band_keys(sig))
    conn = db.conn
    conn.execute(f"delete from item_bands where item_id in ({marks})", ids)
    conn.executemany("insert or replace into item_signatures (item_id, content_hash, size, minhash, "
                     "event_key, computed_at) values (?, ?, ?, ?, ?, ?)", signatures)
    conn.executemany("insert or ignore into item_bands (key, item_id) values (?, ?)", bands)


# -- grouping --------------------------------------------------------------------------

# `+i.status`: the unary plus keeps SQLite from scanning the status index (most items are
# active) instead of looking the few ids up by primary key, when no ANALYZE has run.
_ITEM_SQL = (
    "select i.id, i.centre_id, i.kind, i.published_at, i.first_seen_at, s.minhash, s.event_key, "
    "(select min(d.sha256) from documents d where d.item_id = i.id) as sha "
    "from items i join item_signatures s on s.item_id = i.id where +i.status = 'active' "
    "and i.id in ({})")


class _Run:
    """The groups and the items met during one run, kept in memory; the groups that changed
    are written back at the end."""

    def __init__(self, db, keep: int = 50_000):
        self.db, self.keep = db, keep
        self.group_of: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        for ident, group in db.execute("select id, cluster_id from items where cluster_id is not null"):
            self.group_of[ident] = group
            self.members.setdefault(group, set()).add(ident)
        self.touched: set[str] = set()
        self.key_sizes: dict[int, int] = {}  # band key → items sharing it (this run)
        # OrderedDicts, not dicts: evicting the oldest entry of a plain dict with
        # `next(iter(d))` walks every slot already freed, so a full cache made each eviction
        # cost the number of evictions so far (the rebuild went quadratic past 50,000 items).
        self.items: OrderedDict[str, RelayItem] = OrderedDict()
        self.texts: OrderedDict[str, set] = OrderedDict()

    # -- reading ---------------------------------------------------------------
    def load(self, ids) -> dict[str, RelayItem]:
        wanted = [i for i in ids if i not in self.items]
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start:start + BATCH]
            for r in self.db.query(_ITEM_SQL.format(",".join("?" * len(chunk))), chunk):
                day = (r["published_at"] or r["first_seen_at"] or "")[:10]
                try:
                    ordinal = date.fromisoformat(day).toordinal()
                except ValueError:
                    ordinal = None
                self._remember(self.items, r["id"], RelayItem(
                    r["id"], r["centre_id"],
                    signature=Signature.from_blob(r["minhash"]) if r["minhash"] else None,
                    event=r["event_key"], sha256=r["sha"] if r["kind"] == "document" else None,
                    day=ordinal))
        return {i: self.items[i] for i in ids if i in self.items}

    def shingles_of(self, item: RelayItem) -> set:
        """Exact shingles of an item, read once per run."""
        found = self.texts.get(item.id)
        if found is None:
            row = next(self.db.query("select id, kind, title, summary, body_text from items "
                                     "where id = ?", [item.id]))
            documents = _document_texts(self.db, [item.id]) if row["kind"] == "document" \
                and not row["body_text"] else {}
            found = shingles(row["title"], _text(row, documents))
            self._remember(self.texts, item.id, found)
        return found

    def _remember(self, cache: OrderedDict, key, value) -> None:
        if len(cache) >= self.keep:
            cache.popitem(last=False)
        cache[key] = value

    def _cold(self, keys: list[int]) -> list[int]:
        """The keys shared by at most HOT_KEY items (each key counted once per run)."""
        unknown = [k for k in keys if k not in self.key_sizes]
        if unknown:
            for key, size in self.db.execute(
                    f"select key, count(*) from item_bands where key in ({','.join('?' * len(unknown))}) "
                    "group by key", unknown):
                self.key_sizes[key] = size
        return [k for k in keys if self.key_sizes.get(k, 0) <= HOT_KEY]

    def candidates(self, ident: str) -> set[str]:
        """Items that may publish the same thing: shared LSH keys, event key or file."""
        keys = self._cold([r[0] for r in self.db.execute(
            "select key from item_bands where item_id = ?", [ident])])
        found: set[str] = set()
        if keys:
            found = {r[0] for r in self.db.execute(
                f"select item_id, count(*) as shared from item_bands where key in "
                f"({','.join('?' * len(keys))}) and item_id != ? group by item_id "
                f"order by shared desc, item_id limit {MAX_CANDIDATES}", [*keys, ident])}
        others = self.db.execute(
            "select s2.item_id from item_signatures s1 join item_signatures s2 "
            "on s2.event_key = s1.event_key where s1.item_id = ? and s1.event_key is not null "
            "and s2.item_id != ? "
            "union select d2.item_id from documents d1 join documents d2 on d2.sha256 = d1.sha256 "
            "where d1.item_id = ? and d2.item_id != ? and d1.sha256 is not null",
            [ident] * 4)
        return found | {r[0] for r in others}

    # -- placing -----------------------------------------------------------------
    def leave(self, ident: str) -> None:
        group = self.group_of.pop(ident, None)
        if group is None:
            return
        self.touched.add(ident)
        members = self.members[group]
        members.discard(ident)
        if len(members) < 2:  # a group of one is no group
            for other in members:
                self.group_of.pop(other, None)
                self.touched.add(other)
            del self.members[group]

    def join(self, ident: str, group: str) -> None:
        self.group_of[ident] = group
        self.members.setdefault(group, set()).add(ident)
        self.touched.add(ident)

    def forget_inactive(self) -> None:
        """Items no longer published leave their group and the index."""
        gone = [r[0] for r in self.db.execute(
            "select s.item_id from item_signatures s join items i on i.id = s.item_id "
            "where i.status != 'active'")]
        for ident in gone:
            self.leave(ident)
        for start in range(0, len(gone), BATCH):
            chunk = gone[start:start + BATCH]
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"delete from item_bands where item_id in ({marks})", chunk)
            self.db.execute(f"delete from item_signatures where item_id in ({marks})", chunk)

    def regroup(self, ident: str) -> None:
        """Place one (new or changed) item: into the group it fits best, else a new pair."""
        self.leave(ident)
        self.items.pop(ident, None)
        self.texts.pop(ident, None)
        candidate_ids = sorted(self.candidates(ident))
        if not candidate_ids:
            return
        items = self.load([ident, *candidate_ids])
        item = items.get(ident)
        if item is None:
            return
        best, best_score = None, -1.0
        seen_groups = set()
        for other in candidate_ids:
            group = self.group_of.get(other)
            if group is None or group in seen_groups:
                continue
            seen_groups.add(group)
            members = list(self.load(sorted(self.members[group])).values())
            if can_join(item, members, self.shingles_of):
                score = _closeness(item, members)
                if score > best_score:
                    best, best_score = group, score
        if best is not None:
            self.join(ident, best)
            return
        loose = [items[c] for c in candidate_ids if c in items and c not in self.group_of
                 and can_join(item, [items[c]], self.shingles_of)]
        if loose:
            partner = max(loose, key=lambda c: _closeness(item, [c]))
            group = f"relay:{min(ident, partner.id)}"
            self.join(ident, group)
            self.join(partner.id, group)

    def save(self) -> None:
        """Write the groups of the items placed since the last save."""
        rows = [(self.group_of.get(ident), ident) for ident in sorted(self.touched)]
        self.db.conn.executemany("update items set cluster_id = ? where id = ?", rows)
        self.touched.clear()


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
