"""Event dates and places written only in running prose ("Rendez-vous le jeudi 12 mars de
9h30 à 12h30 à la Maison des habitants, 8 rue de Suède, 35200 Rennes.").

Sites without an event date block (SPIP articles, home-made sites) state when and where
in a sentence of the body. `event_sentence` finds that sentence; `split_when_where`
separates the date part (for `normalize.dates.parse_event_dates`) from the place part
(for `normalize.places.parse_place`).
"""

from __future__ import annotations

import re

_MONTHS = (r"janv(?:ier|\.)?|f[ée]vr(?:ier|\.)?|mars|avr(?:il|\.)?|mai|juin|juil(?:let|\.)?|"
           r"ao[uû]t|sept(?:embre|\.)?|oct(?:obre|\.)?|nov(?:embre|\.)?|d[ée]c(?:embre|\.)?")
_DAY_MONTH = re.compile(rf"\b(?:1er|[0-3]?\d)\s+(?:{_MONTHS})\b", re.IGNORECASE)
_NUMERIC = re.compile(r"\b[0-3]?\d/[01]?\d(?:/\d{2,4})?\b")
_HOUR = re.compile(r"\b\d{1,2}\s?h(?:\s?\d{2})?\b|\b\d{1,2}:\d{2}\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b", re.IGNORECASE)
# Sentences that carry a date but are not the event's: publication stamps, deadlines, history.
_NOT_EVENT = re.compile(
    r"\b(?:publi[ée]|mis en ligne|mise à jour|inscriptions?\s+(?:jusqu|avant)|avant le|"
    r"jusqu['’]au|date limite|sign[ée]s? (?:le|en)|depuis le|né le|créée? (?:le|en))\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀÂÉÈÊÎÔÛÇ«\"“])|\n+")
_ONLINE = re.compile(r"\b(?:en ligne|visioconf[ée]rence|visio|webinaire|zoom|teams)\b", re.IGNORECASE)
_PLACE_START = re.compile(r"^(?:à la|à l['’]|au|aux|à|dans les locaux de|dans les locaux du|chez)\s+",
                          re.IGNORECASE)


def event_sentence(text: str) -> str | None:
    """The sentence of `text` that most likely gives the event's date: a day and month (or
    dd/mm) with an hour or a weekday first, else the first dated sentence; None if none."""
    best, best_score = None, 0
    for sentence in _SENTENCE.split(text or ""):
        sentence = sentence.strip()
        if not sentence or len(sentence) > 400 or _NOT_EVENT.search(sentence):
            continue
        if not (_DAY_MONTH.search(sentence) or _NUMERIC.search(sentence)):
            continue
        score = 1 + 2 * bool(_HOUR.search(sentence)) + bool(_WEEKDAY.search(sentence))
        if score > best_score:
            best, best_score = sentence, score
    return best


def split_when_where(sentence: str) -> tuple[str, str | None]:
    """("jeudi 12 mars de 9h30 à 12h30", "Maison des habitants, 8 rue de Suède, 35200 Rennes").

    The sentence is cut into comma/"à"-separated pieces; the pieces that hold a date, an
    hour or a weekday are the *when*, the first piece after them that holds none starts
    the *where* (an introducing "à la", "au" is dropped)."""
    sentence = sentence.strip().rstrip(".")
    asides = " ".join(re.findall(r"\(([^)]*)\)", sentence))
    sentence = re.sub(r"\s*\([^)]*\)", "", sentence)  # "(en ligne, inscription…)" is an aside
    # "… de 9h30 à 12h30 à la Maison…": cut before an "à"/"au" that does not lead to an hour.
    pieces = re.split(r",\s*|\s+(?=(?:à la|à l['’]|au|aux|à)\s+(?!\d))", sentence)
    when, where, seen_date = [], [], False
    for piece in pieces:
        dated = bool(_DAY_MONTH.search(piece) or _NUMERIC.search(piece) or _HOUR.search(piece)
                     or _WEEKDAY.search(piece))
        if not where and (dated or not seen_date):
            when.append(piece)
            seen_date = seen_date or dated
        else:
            where.append(piece)
    place = ", ".join(where).strip() or None
    if place is None and _ONLINE.search(sentence + " " + asides):
        return " ".join(when).strip(), "En ligne"
    if place:
        place = _PLACE_START.sub("", place).strip()
        place = place[:1].upper() + place[1:]
    return " ".join(when).strip(), place
