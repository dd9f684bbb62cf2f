"""The same content published by several centres (a relay), told apart from different stories
on one subject. Pure functions; `pipelines/relays.py` keeps the index in the database.

- **Shingles**: word 3-grams of the folded title and text, French stop words left out, so a
  relay's small edits (an intro, a retitle, a cut) change few of them.
- **Signature**: a MinHash of the shingles (datasketch, `NUM_PERM` permutations) with the
  number of shingles: Jaccard similarity and containment are estimated from two signatures,
  without the texts.
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
from datasketch import MinHash

from normalize.folding import fold_words

__all__ = ["NUM_PERM", "BANDS", "ROWS", "shingles", "Signature", "signature", "band_keys",
           "estimate", "exact", "similar", "event_key", "RelayItem", "related", "can_join"]

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


def shingles(title: str | None, text: str | None) -> set[bytes]:
    """Word 3-grams of a title and its text (folded, stop words out), as bytes."""
    words = [w for w in fold_words(f"{title or ''} {text or ''}").split() if w not in STOP_WORDS]
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode()
            for i in range(len(words) - SHINGLE_WORDS + 1)}


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


_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=1)
_PERMUTATIONS, _SCHEME = _TEMPLATE.permutations, _TEMPLATE.scheme  # drawn once, not per text


def signature(shingle_set: set[bytes]) -> Signature | None:
    """The MinHash of a shingle set, None when it is too short to compare."""
    if len(shingle_set) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_hash32, permutations=_PERMUTATIONS,
                      scheme=_SCHEME)
    minhash.update_batch(sorted(shingle_set))
    return Signature(minhash.hashvalues.astype(np.uint32), len(shingle_set))


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


def exact(a: set, b: set) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0
    shared = len(a & b)
    return shared / len(a | b), shared / min(len(a), len(b))


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


def can_join(item: RelayItem, members: list[RelayItem], shingles_of=None) -> bool:
    """Complete linkage: the item is related to every member, from a centre not yet there."""
    return bool(members) and all(related(item, m, shingles_of) for m in members)
