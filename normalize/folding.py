"""Accent folding: one definition of how two French spellings compare equal.

"Société", "SOCIETE" and "société" must meet in themes, places, titles, dates and
search; each module used to carry its own copy of these few lines.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _combining_marks() -> dict:
    """Every combining mark of Unicode, for str.translate (one C-level pass, not one Python
    call per character)."""
    return dict.fromkeys(c for c in range(0x300, 0x110000) if unicodedata.combining(chr(c)))


def strip_accents(text: str, ligatures: bool = True) -> str:
    """`text` without combining marks ("Évry-Courcouronnes" → "Evry-Courcouronnes"); œ and æ
    spelled out unless `ligatures` is False (the FTS tokenizer keeps them as letters)."""
    text = text or ""
    if text.isascii():
        return text  # nothing to fold (most URLs, most English, many French lines)
    if ligatures:
        text = text.translate(_LIGATURES)
    return unicodedata.normalize("NFKD", text).translate(_combining_marks())


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
