"""Stable item ids, near-duplicate fingerprints and clusters of the same content.

- `item_id`: 16 hex digits of sha256("centre_id\\ncanonical_url"): stable across runs and
  title edits by construction (the title is not part of it).
- `fingerprint`: a 64-bit SimHash over the words of the normalised title and text
  (lower-case, accents folded, French stop words and numbers removed), each word weighted
  by its count to the power 1.5 (title words count double). Site chrome that survives
  extraction ("Partager", "Lire aussi", a relay's own intro) moves few bits.
  Texts with fewer than `MIN_TOKENS` distinct content words get the null fingerprint: they
  are too short to compare and never cluster by fingerprint.
- `cluster`: groups the same content published by different centres: the same file
  (equal `doc_sha256`), or fingerprints within `MAX_DISTANCE` bits and publication dates
  within `MAX_DAYS_APART`, from two different centres (union-find, so a relay of a relay
  joins too). Candidate pairs come from exact matches on pairs of blocks of the
  fingerprint (pigeonhole: cut into k + 2 blocks, two values within k bits agree on at
  least two blocks), so 50,000 items take seconds instead of 1.25 billion comparisons.

Threshold (measured by `bench/quality_themes.py` on the 36 French articles of the shared
corpus, text extracted by trafilatura): two different articles are never closer than 19
bits (p1 22, median 31 over 630 pairs; several pairs share a subject). The same article
is within: 0–7 bits with a relay intro, footer and "Relais :" title (36/36 within 8);
median 3, p90 8 with 10% of another site's chrome added (33/36 within 8); median 6 when
cut to 70% (24/36). MAX_DISTANCE = 8 keeps a margin of 11 bits from the closest different
pair while catching the relays; a larger value would also cost time (candidate keys get
shorter: 1.9 s at 8, 6.5 s at 10 for 50,000 items) and let random pairs in.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import numpy as np

from normalize.folding import fold

__all__ = [
    "ClusterInput",
    "item_id",
    "fingerprint",
    "hamming",
    "cluster",
    "NULL_FINGERPRINT",
    "MAX_DISTANCE",
]

MAX_DISTANCE = 8  # bits; see the module docstring for the measurement
MAX_DAYS_APART = 180  # a relay follows the original within months; yearly notices do not merge
MIN_TOKENS = 8  # content words needed for a meaningful fingerprint
TITLE_WEIGHT = 2  # title words count this many times (titles are short)
# Frequent words weigh more than linearly: the topic words of an article outweigh one-off
# chrome words (measured: 10% foreign chrome joined 33/36 at 1.5 vs 27/36 at 1.0).
TF_EXPONENT = 1.5
NULL_FINGERPRINT = "0" * 16

# Short French stop-word list: function words carry no topic and dominate counts.
STOP_WORDS = frozenset(
    """
    a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les
    leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que
    qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y etc
    est sont ete etre avoir ont a ai as avons avez sera seront etait etaient fait faire
    plus moins tres tout tous toute toutes aussi ainsi comme donc alors car si sans sous
    entre vers chez dont cela ceci celle celui ceux celles ici la-bas deja encore autre
    autres chaque quel quelle quels quelles lors apres avant depuis pendant selon
    """.split()
)


@dataclass(frozen=True)
class ClusterInput:
    item_id: str
    centre_id: str
    fingerprint: str
    title: str = ""
    published: str | None = None
    doc_sha256: str | None = None


def item_id(centre_id: str, canonical_url: str) -> str:
    """The stable id of an item: 16 hex digits of sha256("centre_id\\ncanonical_url")."""
    return hashlib.sha256(f"{centre_id}\n{canonical_url}".encode("utf-8")).hexdigest()[:16]


def _tokens(text: str) -> list[str]:
    text = fold(text or "")
    return [w for w in re.findall(r"[a-z]+", text) if w not in STOP_WORDS and len(w) > 1]


def _hash64(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "big")


_BIT_POSITIONS = np.arange(64, dtype=np.uint64)


def fingerprint(title: str, text: str) -> str:
    """64-bit SimHash (16 hex digits) of the title and text; NULL_FINGERPRINT if too short."""
    title_tokens = _tokens(title)
    text_tokens = _tokens(text)
    if len(set(title_tokens) | set(text_tokens)) < MIN_TOKENS:
        return NULL_FINGERPRINT
    weights: dict[str, int] = {}
    for token in text_tokens:
        weights[token] = weights.get(token, 0) + 1
    for token in title_tokens:
        weights[token] = weights.get(token, 0) + TITLE_WEIGHT
    # Each feature adds its weight to the bits set in its hash and takes it from the others,
    # all 64 bits of all features at once (a loop over the bits was 3 % of a harvest's CPU).
    values = np.fromiter((_hash64(feature) for feature in weights), dtype=np.uint64,
                         count=len(weights))
    strengths = np.fromiter((count**TF_EXPONENT for count in weights.values()), dtype=float,
                            count=len(weights))
    bits = (values[:, None] >> _BIT_POSITIONS) & np.uint64(1)
    # Added in order (a cumulative sum, not a product): weights that cancel out must leave
    # the same 0.0 they left when the bits were summed one by one.
    totals = np.cumsum(strengths[:, None] * (2.0 * bits - 1.0), axis=0)[-1]
    result = int(np.bitwise_or.reduce(np.where(totals > 0, np.uint64(1) << _BIT_POSITIONS,
                                               np.uint64(0))))
    if result == 0:  # astronomically rare; keep the null value meaning "not comparable"
        result = 1
    return f"{result:016x}"


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two hex fingerprints."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _day(published: str | None) -> int | None:
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent.setdefault(x, x)
        while parent != x:
            grand = self.parent.setdefault(parent, parent)
            self.parent[x] = grand
            x, parent = parent, grand
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller id becomes the root: cluster ids do not depend on input order.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def _blocks(k: int) -> list[tuple[int, int]]:
    """k + 2 (shift, mask) blocks covering the 64 bits as evenly as possible."""
    count = k + 2
    blocks, start = [], 0
    for i in range(count):
        width = 64 // count + (1 if i < 64 % count else 0)
        blocks.append((start, (1 << width) - 1))
        start += width
    return blocks


def _candidate_pairs(values: list[int], k: int):
    """Index pairs that may be within k bits: exact, by the pigeonhole principle.

    Cut 64 bits into k + 2 blocks: two values within k bits differ in at most k blocks, so
    they agree on at least two. Bucketing by every pair of blocks finds each such pair,
    while random values rarely share a ~2 × 64/(k+2)-bit key.
    """
    blocks = _blocks(k)
    for (shift_a, mask_a), (shift_b, mask_b) in combinations(blocks, 2):
        width_b = mask_b.bit_length()
        buckets: dict[int, list[int]] = {}
        for index, value in enumerate(values):
            key = ((value >> shift_a & mask_a) << width_b) | (value >> shift_b & mask_b)
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [index]
            else:
                bucket.append(index)
        for members in buckets.values():
            if len(members) > 1:
                yield from combinations(members, 2)


def cluster(items: list[ClusterInput], max_distance: int = MAX_DISTANCE) -> dict[str, str]:
    """item_id → cluster_id (smallest item_id of its group) for groups of 2+ centres' items."""
    uf = _UnionFind()
    by_file: dict[str, ClusterInput] = {}
    for item in sorted(items, key=lambda i: i.item_id):
        if item.doc_sha256:
            first = by_file.setdefault(item.doc_sha256, item)
            if first.centre_id != item.centre_id:
                uf.union(first.item_id, item.item_id)

    usable = [
        (int(i.fingerprint, 16), i, _day(i.published))
        for i in items
        if i.fingerprint and i.fingerprint != NULL_FINGERPRINT
    ]
    values = [value for value, _, _ in usable]
    for a, b in _candidate_pairs(values, max_distance):
        if (values[a] ^ values[b]).bit_count() > max_distance:
            continue
        _, item_a, day_a = usable[a]
        _, item_b, day_b = usable[b]
        if item_a.centre_id == item_b.centre_id:
            continue
        if day_a is not None and day_b is not None and abs(day_a - day_b) > MAX_DAYS_APART:
            continue
        uf.union(item_a.item_id, item_b.item_id)

    groups: dict[str, list[str]] = {}
    for member in uf.parent:
        groups.setdefault(uf.find(member), []).append(member)
    return {
        member: min(members)
        for members in groups.values()
        if len(members) >= 2
        for member in members
    }
