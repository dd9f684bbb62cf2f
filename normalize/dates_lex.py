"""Lexer for French date prose: text normalisation, vocabulary and tokens.

The parsers in `normalize.dates` and `normalize.dates_events` work on the token
list produced here, so that accents, case, abbreviations, "1er" and the many
dash characters are dealt with once.
"""

from __future__ import annotations

import re
from normalize.folding import strip_accents
from dataclasses import dataclass

MONTHS: dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "fevier": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7, "juill": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}

WEEKDAYS: dict[str, int] = {
    "lundi": 0, "lun": 0,
    "mardi": 1,
    "mercredi": 2, "mer": 2,
    "jeudi": 3, "jeu": 3,
    "vendredi": 4, "ven": 4,
    "samedi": 5, "sam": 5,
    "dimanche": 6, "dim": 6,
}

# Words that glue date parts together; everything else ends a date run.
CONNECTORS = {"du", "au", "et", "les", "le", "l", "jusqu", "jusqu'au", "des", "a"}
BACKWARD_WORDS = {"dernier", "derniere", "derniers", "dernieres"}

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003"


def fold(text: str) -> str:
    """Lower-case, strip accents, unify dashes, spaces and apostrophes."""
    text = strip_accents(text, ligatures=False).lower()
    text = text.translate({ord(c): "-" for c in _DASHES})
    text = text.translate({ord(c): " " for c in _SPACES})
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("`", "'")
    # "1er", "1ER" -> "1"; "2e"/"2eme" are ordinals, never dates, so left alone.
    text = re.sub(r"\b1\s?er\b", "1", text)
    return text


@dataclass
class Token:
    kind: str  # num, month, wd, time, ndate, word, dash, sep, other
    text: str
    start: int
    end: int
    value: object = None


# Order matters: times and numeric dates before bare numbers.
_TOKEN_RE = re.compile(
    r"""
    (?P<iso>(?<![\d/.-])\d{4}-\d{2}-\d{2}(?![\d/.-]))
    |(?P<ndate>(?<![\d/.,-])\d{1,2}/\d{1,2}(?:/(?:\d{4}|\d{2}))?(?![\d/])
       |(?<![\d/.,-])\d{1,2}[.-]\d{1,2}[.-]\d{4}(?![\d.-]))
    |(?P<time>(?<![\d,.])(?:[01]?\d|2[0-3])\s?h\s?(?:[0-5]\d)?(?:\s?min\b)?(?![\w€])
       |(?<![\d,./])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?![\d:])
       |\bmidi\b)
    |(?P<num>(?<![\d,.])\d{1,4}(?!\d|[,.]\d|\s?[€%$]|\s?euros?\b))
    |(?P<word>[a-z]+(?:'[a-z]+)?\.?)
    |(?P<dash>-+)
    |(?P<sep>[,;|\n/()])
    |(?P<other>[^\sa-z0-9])
    """,
    re.VERBOSE,
)


def _parse_time(text: str) -> tuple[int, int] | None:
    if text == "midi":
        return (12, 0)
    m = re.match(r"(\d{1,2})\s?[h:]\s?(\d{2})?", text)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return (hour, minute)


def _parse_ndate(text: str) -> tuple[int, int, int | None] | None:
    parts = re.split(r"[/.-]", text)
    day, month = int(parts[0]), int(parts[1])
    year = None
    if len(parts) == 3:
        year = int(parts[2])
        if year < 100:
            year += 2000
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return (day, month, year)


def tokenize(folded: str) -> list[Token]:
    """Split folded text into date-relevant tokens."""
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(folded):
        kind = m.lastgroup
        text = m.group()
        tok = Token(kind, text, m.start(), m.end())
        if kind == "iso":
            y, mo, d = (int(x) for x in text.split("-"))
            tok.kind, tok.value = "ndate", (d, mo, y)
            if not (1 <= mo <= 12 and 1 <= d <= 31):
                tok.kind = "other"
        elif kind == "ndate":
            value = _parse_ndate(text)
            if value is None:
                tok.kind = "other"
            tok.value = value
        elif kind == "time":
            tok.value = _parse_time(text)
            if tok.value is None:
                tok.kind = "other"
        elif kind == "num":
            tok.value = int(text)
        elif kind == "word":
            bare = text.rstrip(".")
            if bare in MONTHS:
                tok.kind, tok.value = "month", MONTHS[bare]
            elif bare in WEEKDAYS:
                tok.kind, tok.value = "wd", WEEKDAYS[bare]
            else:
                tok.value = bare
        tokens.append(tok)
    return tokens
