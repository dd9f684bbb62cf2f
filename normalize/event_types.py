"""The type of an event (webinaire, formation, séminaire…) from the words its publisher used.

A pure function over the vocabulary of `data/event_types.yaml`: the publisher's own
categories (calendar CATEGORIES, page tags) are read first, then the title, then the start
of the page text; in each, the word found first decides (ties: the vocabulary's order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from normalize.folding import strip_accents

VOCABULARY_PATH = Path(__file__).resolve().parent.parent / "data" / "event_types.yaml"
TEXT_CHARS = 400  # the start of the page text: where "Ce webinaire…" is said, not the menus


@dataclass(frozen=True)
class EventTypes:
    labels: dict[str, str]  # id -> French label, in the vocabulary's order
    pattern: re.Pattern  # every word of every type, longest first, as whole folded words
    type_of: dict[str, str]  # folded word -> type id


def _fold(text: str) -> str:
    text = strip_accents(str(text).lower(), ligatures=True)
    return re.sub(r"[’ʼ`]", "'", text)


@lru_cache(maxsize=1)
def vocabulary(path: Path = VOCABULARY_PATH) -> EventTypes:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels: dict[str, str] = {}
    type_of: dict[str, str] = {}
    for entry in data.get("types") or []:
        labels[entry["id"]] = entry["label"]
        for word in entry.get("words") or []:
            type_of.setdefault(_fold(word), entry["id"])
    words = sorted(type_of, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])")
    return EventTypes(labels, pattern, type_of)


def _first_type(text: str, vocab: EventTypes) -> str | None:
    order = list(vocab.labels)
    best: tuple[int, int, str] | None = None
    for match in vocab.pattern.finditer(_fold(text)):
        kind = vocab.type_of[match.group(0)]
        key = (match.start(), order.index(kind), kind)
        if best is None or key < best:
            best = key
        if best[0] < match.start():
            break
    return best[2] if best else None


def event_type(title: str | None = None, categories=(), text: str | None = None) -> str | None:
    """The type id of an event ("webinaire", "formation"…), or None when no word says it."""
    vocab = vocabulary()
    for category in categories or ():
        found = _first_type(str(category or ""), vocab)
        if found:
            return found
    for part in (title or "", (text or "")[:TEXT_CHARS]):
        found = _first_type(part, vocab)
        if found:
            return found
    return None


def label(type_id: str | None) -> str | None:
    """The French label of a type id (None for an unknown or empty id)."""
    return vocabulary().labels.get(type_id or "")
