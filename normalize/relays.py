"""The same content published by several centres (a relay), told apart from different stories
on one subject. Pure functions; `pipelines/relays.py` keeps the index in the database.

- **Shingles**: word 3-grams of the folded title and text, French stop words left out, so a
  relay's small edits (an intro, a retitle, a cut) change few of them.
- **Shingle hashes**: each shingle is kept as its 32-bit hash (a sorted array: 4 bytes a
  shingle, and exact Jaccard by a merge); two different shingles collide once in 4 billion.
- **Signature**: a MinHash of the shingle hashes (datasketch's `affine32` scheme,
  `NUM_PERM` permutations) with the number of shingles: Jaccard similarity and containment
  are estimated from two signatures, without the texts. The arithmetic is done here with
  datasketch's own permutations, checked equal to `datasketch.MinHash` by the tests:
  importing datasketch loads scipy (60 MB and half a second in every harvest) for nothing
  MinHash needs.
- **Candidates**: LSH band keys (`BANDS` bands of `ROWS` values): two texts with Jaccard 0.2
  share a key with probability 0.73, 0.39 → 0.99, unrelated texts (0.01) → 0.003.
- **Similar**: a relay keeps most of the original (containment) or most of both texts are
  shared (Jaccard): `containment >= 0.75`, or `containment >= 0.5 and jaccard >= 0.3`,
  computed exactly on the shingles of the candidates (the signatures only find them).
  Measured on the demo mirror's named relays (edited with intros, cuts, new titles) and its
  same-subject stories: relays ≥ 0.70 containment and ≥ 0.39 Jaccard, different stories
  ≤ 0.68 containment with ≤ 0.23 Jaccard (`bench/quality_relays.py` prints the same on real
  pages of the shared corpus).
- **Groups without chaining**: an item joins a group only when it is similar to *every*
  member and no member comes from its own centre; an event joins when it has the same title
  and start instant (or the same calendar UID); a file when it has the same bytes.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

import numpy as np

from normalize.folding import fold_words

__all__ = ["NUM_PERM", "BANDS", "ROWS", "shingles", "Signature", "signature", "band_keys",
           "estimate", "exact", "similar", "event_key", "RelayItem", "related", "plausible",
           "can_join"]

SHINGLE_WORDS = 3
NUM_PERM = 64
BANDS, ROWS = 32, 2
MIN_SHINGLES = 6  # fewer: too short to tell a relay from a coincidence
CONTAINMENT = 0.75
LOOSE_CONTAINMENT, LOOSE_JACCARD = 0.5, 0.3
MAX_DAYS_APART = 180  # a relay follows the original within months; yearly notices do not merge

# French stop words: function words carry no topic and would make every text look alike.
STOP_WORDS = frozenset(
    """
    a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les
    leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que
    qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y etc
    est sont ete etre avoir ont ai as avons avez sera seront etait etaient fait faire
    plus moins tres tout tous toute toutes aussi ainsi comme donc alors car si sans sous
    entre vers chez dont cela ceci celle celui ceux celles ici deja encore autre
    autres chaque quel quelle quels quelles lors apres avant depuis pendant selon
    """.split()
)


def shingles(title: str | None, text: str | None) -> np.ndarray:
    """The word 3-grams of a title and its text (folded, stop words out) as their sorted,
    distinct 32-bit hashes."""
    words = [w for w in fold_words(f"{title or ''} {text or ''}").split() if w not in STOP_WORDS]
    if len(words) < SHINGLE_WORDS:
        grams = [" ".join(words)] if words else []
    else:
        grams = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    return np.unique(np.fromiter((_hash32(g.encode()) for g in grams), dtype=np.uint32,
                                 count=len(grams)))


@dataclass(frozen=True)
class Signature:
    """A MinHash of a text's shingles and how many shingles it had."""

    values: np.ndarray  # NUM_PERM uint32
    size: int

    def to_blob(self) -> bytes:
        return struct.pack("<I", self.size) + self.values.astype("<u4").tobytes()

    @classmethod
    def from_blob(cls, blob: bytes) -> "Signature":
        size = struct.unpack("<I", blob[:4])[0]
        return cls(np.frombuffer(blob[4:], dtype="<u4"), size)


def _hash32(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=4).digest(), "little")


def _permutations(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's `affine32` permutations h → a·h + b (mod 2³², `a` odd), drawn as it draws
    them (`MinHash._init_permutations`)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


_A, _B = _permutations()


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, datasketch's pre-mix of every input hash."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(shingle_hashes: np.ndarray) -> Signature | None:
    """The MinHash of a text's shingle hashes, None when it is too short to compare."""
    if len(shingle_hashes) < MIN_SHINGLES:
        return None
    mixed = _fmix32(np.asarray(shingle_hashes, dtype=np.uint32)).reshape(-1, 1)
    return Signature((mixed * _A + _B).min(axis=0), len(shingle_hashes))


def band_keys(sig: Signature) -> list[int]:
    """LSH keys: one signed 63-bit integer per band (the band's index is part of the key)."""
    keys = []
    for band in range(BANDS):
        chunk = sig.values[band * ROWS:(band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def estimate(a: Signature, b: Signature) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger), estimated from the signatures."""
    jaccard = float(np.count_nonzero(a.values == b.values)) / NUM_PERM
    # |A ∩ B| = J (|A| + |B|) / (1 + J); containment = |A ∩ B| / min(|A|, |B|).
    shared = jaccard * (a.size + b.size) / (1 + jaccard)
    return jaccard, min(1.0, shared / max(1, min(a.size, b.size)))


def exact(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two shingle hash arrays."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared), shared / min(len(a), len(b))


def close_enough(jaccard: float, containment: float) -> bool:
    return containment >= CONTAINMENT or (containment >= LOOSE_CONTAINMENT and jaccard >= LOOSE_JACCARD)


def similar(a: Signature, b: Signature) -> bool:
    """From the signatures alone (a MinHash estimate of a small text inside a large one is
    coarse: `RelayItem.shingles`, when known, decide exactly)."""
    return close_enough(*estimate(a, b))


def event_key(title: str | None, starts_utc: str | None, uid: str | None = None) -> str | None:
    """What makes two calendar entries one event: the same calendar UID, else the same
    normalised title at the same start instant."""
    if uid:
        return f"uid:{uid}"
    if title and starts_utc:
        return f"{fold_words(title)}|{starts_utc}"
    return None


@dataclass
class RelayItem:
    """What grouping needs to know of one item."""

    id: str
    centre_id: str
    signature: Signature | None = None
    event: str | None = None
    sha256: str | None = None
    day: int | None = None  # ordinal of the publication day
    group: str | None = None


# Below these estimates two texts are not worth reading again (MinHash noise stays far below).
PREFILTER_CONTAINMENT, PREFILTER_JACCARD = 0.3, 0.15


def related(a: RelayItem, b: RelayItem, shingles_of=None) -> bool:
    """Two items of different centres that publish the same thing. `shingles_of(item)` gives
    the exact shingles of an item, when the texts are at hand: a promising estimate is then
    checked exactly (a MinHash estimate of a small text inside a large one is coarse)."""
    if a.centre_id == b.centre_id:
        return False
    if a.sha256 and a.sha256 == b.sha256:
        return True  # the same file
    if a.event and a.event == b.event:
        return True  # the same event in two calendars
    if a.day is not None and b.day is not None and abs(a.day - b.day) > MAX_DAYS_APART:
        return False
    if a.signature is None or b.signature is None:
        return False
    jaccard, containment = estimate(a.signature, b.signature)
    if shingles_of is None:
        return close_enough(jaccard, containment)
    if containment < PREFILTER_CONTAINMENT and jaccard < PREFILTER_JACCARD:
        return False
    return close_enough(*exact(shingles_of(a), shingles_of(b)))


def plausible(item: RelayItem, others: list[RelayItem]) -> set[str]:
    """The ids of the others that `related` (with texts) may accept: what it rules out without
    reading a text, the signature estimates taken all at once."""
    kept, compared = set(), []
    for other in others:
        if other.centre_id == item.centre_id:
            continue
        if (item.sha256 and item.sha256 == other.sha256) or (item.event and item.event == other.event):
            kept.add(other.id)
        elif item.signature is not None and other.signature is not None and not (
                item.day is not None and other.day is not None
                and abs(item.day - other.day) > MAX_DAYS_APART):
            compared.append(other)
    if compared:
        own = item.signature
        jaccard = np.count_nonzero(np.stack([o.signature.values for o in compared]) == own.values,
                                   axis=1) / NUM_PERM
        sizes = np.array([o.signature.size for o in compared])
        shared = jaccard * (own.size + sizes) / (1 + jaccard)
        containment = shared / np.maximum(1, np.minimum(own.size, sizes))
        promising = (containment >= PREFILTER_CONTAINMENT) | (jaccard >= PREFILTER_JACCARD)
        kept.update(o.id for o, ok in zip(compared, promising) if ok)
    return kept


def can_join(item: RelayItem, members: list[RelayItem], shingles_of=None) -> bool:
    """Complete linkage: the item is related to every member, from a centre not yet there."""
    return bool(members) and all(related(item, m, shingles_of) for m in members)
