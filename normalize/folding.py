"""Accent folding: one definition of how two French spellings compare equal.

"Société", "SOCIETE" and "société" must meet in themes, places, titles, dates and
search; each module used to carry its own copy of these few lines.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LIGATURES = (("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE"))
_WORD = re.compile(r"[a-z0-9]+")
_REPLACED_MARKS = 6  # distinct marks taken out one `replace` each; more: one translation


@lru_cache(maxsize=1)
def _combining_marks() -> frozenset:
    """Every combining mark of Unicode."""
    return frozenset(chr(c) for c in range(0x300, 0x110000) if unicodedata.combining(chr(c)))


def strip_accents(text: str, ligatures: bool = True) -> str:
    """`text` without combining marks ("Évry-Courcouronnes" → "Evry-Courcouronnes"); œ and æ
    spelled out unless `ligatures` is False (the FTS tokenizer keeps them as letters)."""
    text = text or ""
    if text.isascii():
        return text  # nothing to fold (most URLs, most English, many French lines)
    # One C-level `replace` per distinct ligature or mark present: a French page holds a
    # handful of them, where `str.translate` made a dict lookup per character (4 % of a
    # harvest's CPU). A text with many distinct marks (Vietnamese, mojibake) is translated.
    if ligatures:
        for ligature, spelled in _LIGATURES:
            if ligature in text:
                text = text.replace(ligature, spelled)
    text = unicodedata.normalize("NFKD", text)
    if text.isascii():
        return text
    marks = _combining_marks().intersection(text)
    if len(marks) > _REPLACED_MARKS:
        return text.translate(dict.fromkeys(map(ord, marks)))
    for mark in marks:
        text = text.replace(mark, "")
    return text


def fold(text: str) -> str:
    """Lower case, accents stripped, everything else kept ("L'Île-d'Yeu" → "l'ile-d'yeu")."""
    return strip_accents(text).lower()


def fold_words(text: str) -> str:
    """Lower-case accent-free words of letters and digits, one space apart
    ("Cœur de Ville – Épinay" → "coeur de ville epinay")."""
    return " ".join(_WORD.findall(fold(text)))


def fold_key(text: str) -> str:
    """`fold_words` without the spaces: a key for names written with or without
    separators ("Réso Villes", "resovilles")."""
    return "".join(_WORD.findall(fold(text)))
