"""Relay groups kept up to date incrementally: only new or changed items are read, compared
with the signatures already stored (`item_signatures`, LSH keys in `item_bands`), and placed in
a group (`items.cluster_id`) without chaining (see `normalize/relays.py`).

Candidates are the items sharing an LSH key *and published within `MAX_DAYS_APART` of each
other* (a relay follows its original within months; `related` refuses the others anyway). The
work per item is bounded (at most BANDS × (HOT_KEY + 1) index rows, MAX_CANDIDATES candidates,
an exact check for the promising ones alone) and depends on how much the centres publish in a
season, not on the size of the archive. `bench/scale.py` spreads every size over the same
eight years, so its larger archives are denser seasons: 0.6, 0.9 and 2.0 ms CPU per item at
20k, 200k and 1M items (`make bench-relays`, bench/RESULTS.md).

Every changed item is indexed before any is placed: an original placed before its relay was
indexed would settle for the best of the others (on the 20k synthetic archive of
`bench/scale.py`, placing each slice as soon as it was indexed lowered pairwise precision
from 0.99 to 0.93).

A first run, or a run after the method changed (`RELAYS_VERSION`), rebuilds everything.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date

from crawlers.state import utc_now
from normalize.relays import (BANDS, MAX_DAYS_APART, RelayItem, Signature, band_keys, can_join,
                              estimate, event_key, plausible, shingles, signature)
from pipelines.schema import create_table, ensure_indexes
from pipelines.transactions import write_transaction

# 1 was SimHash with union-find (it chained unrelated items); 2 MinHash keys without dates
RELAYS_VERSION = "3"
DOCUMENT_TEXT_CHARS = 20_000  # a PDF's opening is enough to recognise it
BATCH = 500  # items read and indexed together
COMMIT_EVERY = 5000  # items per transaction
# A band key that hundreds of items share stands for a sentence the sites all print (a
# standard disclaimer, a programme's boilerplate): it says nothing about relays. A relay's own
# keys stay shared by a handful of items however large the archive grows.
HOT_KEY = 200
# The most promising candidates (most band keys shared, i.e. the highest Jaccard) are enough:
# a relay shares far more keys with its original than any same-subject story does.
MAX_CANDIDATES = 40
# Shingle hashes of recent items kept for the exact checks, in bytes: a text recomputed
# costs its folding again (a budget in bytes, not items: a PDF's text is a hundred notices).
TEXTS_BUDGET = 64 * 1024 * 1024

# One statement for an item's BANDS keys: the items of each key that is not hot, within the
# date window. Both counts stop at HOT_KEY + 1 rows of the index on (`key, day, item_id`),
# so an item costs at most a few thousand index rows, whatever the size of the archive.
_BAND_SQL = ("select * from (select key, item_id from item_bands where key = ?{k} "
             "and day between ?{low} and ?{high} and (select count(*) from (select 1 from "
             "item_bands where key = ?{k} limit {cap})) <= {hot} limit {cap})")
_BANDS_SQL = " union all ".join(
    _BAND_SQL.format(k=3 * band + 1, low=3 * band + 2, high=3 * band + 3, cap=HOT_KEY + 1, hot=HOT_KEY)
    for band in range(BANDS))


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
    with write_transaction(db):
        if rebuild or version != RELAYS_VERSION:
            stats.rebuilt = True
            db.execute("delete from meta where key = 'relays_version'")
            _reset_index(db)
            db.execute("update items set cluster_id = null where cluster_id is not null")
        run = _Run(db)
        run.forget_inactive()
        run.save()
    changed = [r[0] for r in db.execute(
        "select i.id from items i left join item_signatures s on s.item_id = i.id "
        "where i.status = 'active' and (s.item_id is null or s.content_hash is not i.content_hash) "
        "order by coalesce(i.published_at, i.first_seen_at), i.id")]
    for start in range(0, len(changed), COMMIT_EVERY):
        with write_transaction(db):
            for first in range(start, min(start + COMMIT_EVERY, len(changed)), BATCH):
                batch = changed[first:min(first + BATCH, start + COMMIT_EVERY)]
                run.remember_texts(_store_signatures(db, batch, fresh=stats.rebuilt))
    stats.read = len(changed)
    with write_transaction(db):
        ensure_indexes(db, "item_bands")  # after a rebuild: built once, from every key
    for start in range(0, len(changed), COMMIT_EVERY):
        # Placing reads and computes (seconds for a slice): other writers of the file (the
        # places reader, another centre's harvest) wait only for the groups' writing.
        for ident in changed[start:start + COMMIT_EVERY]:
            run.regroup(ident)
        with write_transaction(db):
            run.save()
    with write_transaction(db):
        stats.groups, stats.grouped = db.execute(
            "select count(distinct cluster_id), count(cluster_id) from items "
            "where cluster_id is not null").fetchone()
        db["meta"].upsert({"key": "relays_version", "value": RELAYS_VERSION}, pk="key")
    return stats


def _reset_index(db) -> None:
    """Empty the signatures; make `item_bands` again, bare: its indexes are built once every
    key is in (see pipelines/schema.py)."""
    db.execute("delete from item_signatures")
    db.execute("drop table if exists item_bands")
    create_table(db, "item_bands")


def _day(published_at: str | None, first_seen_at: str | None) -> int:
    """The ordinal of an item's publication day (its first sighting when it has no date)."""
    for value in (published_at, first_seen_at):
        try:
            return date.fromisoformat((value or "")[:10]).toordinal()
        except ValueError:
            continue
    return date.today().toordinal()


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


def _store_signatures(db, ids: list[str], fresh: bool = False) -> dict:
    """Compute and store the signatures and band keys of `ids`; their shingle hashes back.
    `fresh`: the index was just emptied (no old keys to delete, and no index to find them)."""
    marks = ",".join("?" * len(ids))
    rows = list(db.query(f"select id, kind, title, summary, body_text, content_hash, published_at, "
                         f"first_seen_at from items where id in ({marks})", ids))
    documents = _document_texts(db, [r["id"] for r in rows if r["kind"] == "document"
                                     and not r["body_text"]] or [""])
    starts = {item_id: start for item_id, start in db.execute(
        f"select item_id, min(starts_at_utc) from events where item_id in ({marks}) group by item_id",
        ids)}
    now = utc_now()
    signatures, bands, texts = [], [], {}
    for row in rows:
        texts[row["id"]] = hashes = shingles(row["title"], _text(row, documents))
        sig = signature(hashes)
        key = event_key(row["title"], starts.get(row["id"])) if row["kind"] == "event" else None
        signatures.append((row["id"], row["content_hash"], sig.size if sig else 0,
                           sig.to_blob() if sig else None, key, now))
        if sig is not None:
            day = _day(row["published_at"], row["first_seen_at"])
            bands.extend((band, day, row["id"]) for band in set(band_keys(sig)))
    conn = db.conn
    if not fresh:
        conn.execute(f"delete from item_bands where item_id in ({marks})", ids)
    conn.executemany("insert or replace into item_signatures (item_id, content_hash, size, minhash, "
                     "event_key, computed_at) values (?, ?, ?, ?, ?, ?)", signatures)
    conn.executemany("insert or ignore into item_bands (key, day, item_id) values (?, ?, ?)", bands)
    return texts


# -- grouping --------------------------------------------------------------------------

# `+i.status`: the unary plus keeps SQLite from scanning the status index (most items are
# active) instead of looking the few ids up by primary key, when no ANALYZE has run.
_ITEM_SQL = (
    "select i.id, i.centre_id, i.kind, i.published_at, i.first_seen_at, s.minhash, s.event_key, "
    "(select min(d.sha256) from documents d where d.item_id = i.id) as sha "
    "from items i join item_signatures s on s.item_id = i.id where +i.status = 'active' "
    "and i.id in ({})")


class _Recent:
    """The values used last, within a budget: a number of entries, or of bytes when a weight
    is given. An OrderedDict, not a dict: evicting the oldest entry of a plain dict with
    `next(iter(d))` walks every slot already freed, so each eviction cost the number of
    evictions so far (the rebuild went quadratic past 50,000 items)."""

    def __init__(self, budget: int, weigh=lambda value: 1):
        self.budget, self.weigh, self.used = budget, weigh, 0
        self.values: OrderedDict = OrderedDict()

    def get(self, key):
        found = self.values.get(key)
        if found is not None:
            self.values.move_to_end(key)
        return found

    def put(self, key, value) -> None:
        self.pop(key)
        self.values[key] = value
        self.used += self.weigh(value)
        while self.used > self.budget and len(self.values) > 1:
            self.used -= self.weigh(self.values.popitem(last=False)[1])

    def pop(self, key) -> None:
        if key in self.values:
            self.used -= self.weigh(self.values.pop(key))


class _Run:
    """The groups and the items met during one run, kept in memory; the groups that changed
    are written back at the end."""

    def __init__(self, db):
        self.db = db
        self.group_of: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        for ident, group in db.execute("select id, cluster_id from items where cluster_id is not null"):
            self.group_of[ident] = group
            self.members.setdefault(group, set()).add(ident)
        self.touched: set[str] = set()
        # Items are placed in publication order and their candidates come from the same
        # season: the items and texts used last are the ones asked for again.
        self.items = _Recent(50_000)
        self.texts = _Recent(TEXTS_BUDGET, weigh=lambda hashes: hashes.nbytes + 112)

    # -- reading ---------------------------------------------------------------
    def load(self, ids) -> dict[str, RelayItem]:
        found = {i: item for i in ids if (item := self.items.get(i)) is not None}
        wanted = [i for i in ids if i not in found]
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start:start + BATCH]
            for r in self.db.query(_ITEM_SQL.format(",".join("?" * len(chunk))), chunk):
                found[r["id"]] = item = RelayItem(
                    r["id"], r["centre_id"],
                    signature=Signature.from_blob(r["minhash"]) if r["minhash"] else None,
                    event=r["event_key"], sha256=r["sha"] if r["kind"] == "document" else None,
                    day=_day(r["published_at"], r["first_seen_at"]))
                self.items.put(r["id"], item)
        return {i: found[i] for i in ids if i in found}

    def remember_texts(self, texts: dict) -> None:
        """Shingles just computed for the signatures: the exact checks need them next."""
        for ident, hashes in texts.items():
            self.texts.put(ident, hashes)

    def shingles_of(self, item: RelayItem):
        """Exact shingle hashes of an item, read once per run while it stays recent."""
        found = self.texts.get(item.id)
        if found is None:
            row = next(self.db.query("select id, kind, title, summary, body_text from items "
                                     "where id = ?", [item.id]))
            documents = _document_texts(self.db, [item.id]) if row["kind"] == "document" \
                and not row["body_text"] else {}
            found = shingles(row["title"], _text(row, documents))
            self.texts.put(item.id, found)
        return found

    def candidates(self, item: RelayItem) -> set[str]:
        """Items that may publish the same thing: LSH keys shared within the date window
        (keys shared by more than HOT_KEY items left out), the same event key or the same
        file. An item has BANDS keys (fewer only if two of its bands hashed alike, once in
        2⁶³: then its event and its file alone)."""
        found: set[str] = set()
        keys = [r[0] for r in self.db.execute(
            "select key from item_bands where item_id = ?", [item.id])]
        if len(keys) == BANDS:
            low, high = item.day - MAX_DAYS_APART, item.day + MAX_DAYS_APART
            per_key: dict[int, list[str]] = {}
            for key, other in self.db.execute(
                    _BANDS_SQL, [value for key in keys for value in (key, low, high)]):
                per_key.setdefault(key, []).append(other)
            shared = Counter(other for members in per_key.values() if len(members) <= HOT_KEY
                             for other in members if other != item.id)  # hot in the season too
            ranked = sorted(shared.items(), key=lambda pair: (-pair[1], pair[0]))
            found = {other for other, _ in ranked[:MAX_CANDIDATES]}
        others = self.db.execute(
            "select s2.item_id from item_signatures s1 join item_signatures s2 "
            "on s2.event_key = s1.event_key where s1.item_id = ? and s1.event_key is not null "
            "and s2.item_id != ? "
            "union select d2.item_id from documents d1 join documents d2 on d2.sha256 = d1.sha256 "
            "where d1.item_id = ? and d2.item_id != ? and d1.sha256 is not null",
            [item.id] * 4)
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
        self.items.pop(ident)
        item = self.load([ident]).get(ident)
        if item is None:
            return
        found = self.candidates(item)
        if not found:
            return
        items = self.load(sorted(found))
        # What `related` would refuse without a text is set aside at once (signature estimates
        # of every candidate together): a group one of them belongs to cannot take the item.
        keep = plausible(item, list(items.values()))
        candidate_ids = [c for c in sorted(found) if c in keep]
        # The closest group that takes the item, else the closest loose candidate that does:
        # taken in order of closeness (estimated), the first to pass the exact check on the
        # texts is the best, and the others' texts are never read.
        groups, seen_groups = [], set()
        for other in candidate_ids:
            group = self.group_of.get(other)
            if group is not None and group not in seen_groups:
                seen_groups.add(group)
                members = list(self.load(sorted(self.members[group])).values())
                groups.append((-_closeness(item, members), len(groups), group, members))
        for _, _, group, members in sorted(groups):
            if can_join(item, members, self.shingles_of):
                self.join(ident, group)
                return
        loose = sorted((items[c] for c in candidate_ids if c not in self.group_of),
                       key=lambda c: -_closeness(item, [c]))
        for partner in loose:
            if can_join(item, [partner], self.shingles_of):
                group = f"relay:{min(ident, partner.id)}"
                self.join(ident, group)
                self.join(partner.id, group)
                return

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
