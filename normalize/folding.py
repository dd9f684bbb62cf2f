"""Accent folding: one definition of how two French spellings compare equal.

"Société", "SOCIETE" and "société" must meet in themes, places, titles, dates and
search; each module used to carry its own copy of these few lines.
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_WORD = re.compile(r"[a-z0-9]+")


def strip_accents(text: str, ligatures: bool = True) -> str:
    """`text` without combining marks ("Évry-Courcouronnes" → "Evry-Courcouronnes"); œ and æ
    spelled out unless `ligatures` is False (the FTS tokenizer keeps them as letters)."""
    text = text or ""
    if ligatures:
        text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
