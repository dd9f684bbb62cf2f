"""Event places: split French place prose into venue, address, postcode, city and area.

Formats chosen for the database:
- `departement` is "Name (code)", e.g. "Nord (59)", "Corse-du-Sud (2A)", "Martinique (972)":
  readable in a facet and sorted by name; `departement_code` carries the bare code.
- `region` is the French name of the région ("Hauts-de-France", "La Réunion").
- `online` is True when the text names a remote format (en ligne, visioconférence, Zoom,
  webinaire...), also for hybrid places ("Lille et en ligne" keeps city Lille).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.geo import (
    city_departement,
    city_of_postcode,
    departement_by_name,
    departement_label,
    departement_of,
    region_of,
)

__all__ = ["Place", "parse_place", "departement_of", "region_of"]


@dataclass(frozen=True)
class Place:
    location_name: str | None = None
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    departement: str | None = None
    region: str | None = None
    online: bool = False
    departement_code: str | None = None


_ONLINE = re.compile(
    r"(?<!\w)(?:(?:en|par|via|sur)\s+)?(?:ligne|visio(?:-?conf[ée]rence)?s?|webinaires?|web-?conf[ée]rences?|"
    r"distanciel|[àa]\s+distance|zoom|teams|google\s+meet|jitsi|livestorm|webex|online|"
    r"lien\s+de\s+connexion)(?!\w)\s*!?",
    re.IGNORECASE,
)
_IN_PERSON = re.compile(r"(?<!\w)(?:en\s+pr[ée]sentiel|sur\s+place)(?!\w)", re.IGNORECASE)
_CITY_TAIL = re.compile(r"^(.*?)\s*(?<!\w)(?:[àa]|au)\s+(\S.*)$")
_VENUE_THEN_STREET = re.compile(r"^(\D+?)\s+(\d+\s*(?:bis|ter)?,?\s+\S.*)$", re.IGNORECASE)
_LABEL = re.compile(r"^\s*(?:lieu|adresse|o[uù]|localisation|structure)\s*[:?]+\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:[,;\n|/]|\s[–—-]\s|^[–—-]\s)\s*")
_POSTCODE = re.compile(r"(?<!\d)(\d{5}|\d{2}\s\d{3})(?!\d)")
_CEDEX = re.compile(r"\s+cedex(?:\s*\d+)?\s*$", re.IGNORECASE)
_DEPT_CODE = re.compile(r"^(?:\d{2}|2[AaBb]|97[1-6])$")
_STREET = re.compile(
    r"^(?:\d+\s*(?:bis|ter|[a-d])?\b[\s,]*)?(?:rue|r\.|avenue|av\.?|boulevard|bd|place|pl\.|all[ée]e|"
    r"chemin|route|rte|impasse|quai|cours|square|esplanade|parvis|rond-point|voie|mail|"
    r"passage|faubourg|fbg|r[ée]sidence|lieu-dit|promenade|sentier|zac|za|zi)\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\d+\s*(?:bis|ter)?\s*,?\s+\S")
_VENUE_WORDS = re.compile(
    r"\b(?:salle|maison|centre|h[ôo]tel|mairie|espace|locaux|auditorium|amphi\w*|th[ée][âa]tre|"
    r"m[ée]diath[èe]que|biblioth[èe]que|gymnase|[ée]cole|coll[èe]ge|lyc[ée]e|universit[ée]|"
    r"campus|pr[ée]fecture|gare|palais|mus[ée]e|p[ôo]le|mjc|cinéma|foyer|club|agence|"
    r"institut|conseil|d[ée]partement|r[ée]gion|si[èe]ge|bureaux?|tiers-lieu|caf[ée]|"
    r"restaurant|h[ôo]tel|ferme|ch[âa]teau|cit[ée]|atelier|local|immeuble|b[âa]timent)\b",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:dans\s+les\s+|dans\s+le\s+|dans\s+la\s+|dans\s+l['’]|au\s+sein\s+de\s+(?:la\s+|l['’])?|"
    r"[àa]\s+la\s+|[àa]\s+l['’]|au\s+|aux\s+|chez\s+|[àa]\s+)",
    re.IGNORECASE,
)
_PARTICLES = {"de", "du", "des", "la", "le", "les", "sur", "en", "et", "aux", "lès", "lez", "sous", "d", "l"}


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).strip(" ,;.:–—-!")


def _city_case(city: str) -> str:
    """'SAINT-DENIS' → 'Saint-Denis'; mixed-case names are kept as written."""
    if not city.isupper():
        return city
    def word(w: str, first: bool) -> str:
        return w if (not first and w in _PARTICLES) else w.capitalize()
    parts = re.split(r"([\s-])", city.lower())
    out, first = [], True
    for part in parts:
        if part in (" ", "-") or not part:
            out.append(part)
            continue
        out.append(word(part, first))
        first = False
    return "".join(out)


def _segments(text: str) -> list[tuple[str, bool]]:
    """Split on separators; parenthesised parts become their own segments (flag True)."""
    result: list[tuple[str, bool]] = []
    for chunk in _SEPARATORS.split(text):
        while chunk:
            match = re.search(r"\(([^()]*)\)", chunk)
            if not match:
                result.append((_clean(chunk), False))
                break
            result.append((_clean(chunk[: match.start()]), False))
            for inner in _SEPARATORS.split(match.group(1)):
                result.append((_clean(inner), True))
            chunk = chunk[match.end():]
    return [(s, p) for s, p in result if s]


def _looks_like_city(segment: str) -> bool:
    if any(c.isdigit() for c in segment) or _VENUE_WORDS.search(segment) or _STREET.match(segment):
        return False
    words = segment.replace("-", " ").split()
    return 0 < len(words) <= 5 and segment[0].isupper()


def _split_venue(segment: str) -> tuple[str, str | None]:
    """'Espace Malraux 12 rue de la Paix' → ('Espace Malraux', '12 rue de la Paix')."""
    if _STREET.match(segment) or _NUMBERED.match(segment):
        return "", segment
    match = _VENUE_THEN_STREET.match(segment)
    if match and _STREET.match(match.group(2)):
        return _clean(match.group(1)), match.group(2)
    return segment, None


def _strip_leading(name: str) -> str:
    stripped = _LEADING.sub("", name, count=1)
    return stripped[:1].upper() + stripped[1:] if stripped else name


def parse_place(text: str | None) -> Place:
    """Split place prose ("Salle des fêtes, 12 rue Jean Jaurès, 59100 Roubaix") into parts."""
    raw = _LABEL.sub("", (text or "").replace("\u00a0", " "))
    online = bool(_ONLINE.search(raw))
    rest = _IN_PERSON.sub(" ", _ONLINE.sub(" ", raw))
    rest = re.sub(r"\(\s*\)", " ", rest)
    rest = re.sub(r"(?:^|\s)(?:et|ou|\+|&)\s*$", " ", rest.strip())
    rest = re.sub(r"^\s*(?:et|ou|\+|&)(?:\s|$)", " ", rest)

    location_name = address = postcode = city = dept_code = None
    leftovers: list[str] = []
    for segment, in_paren in _segments(rest):
        found = _POSTCODE.search(segment)
        if found:  # five digits: street numbers never have five
            before = _clean(segment[: found.start()])
            after = _clean(_CEDEX.sub("", segment[found.end():]))
            postcode = postcode or found.group(1).replace(" ", "")
            if after and not any(c.isdigit() for c in after):
                city = city or _city_case(after)
                if before:
                    venue, street = _split_venue(before)
                    if street:
                        address = address or street
                    if venue:
                        leftovers.append(venue)
            elif before:
                if in_paren or _looks_like_city(before):
                    city = city or _city_case(before)
                elif _STREET.match(before) or _NUMBERED.match(before):
                    address = address or before
                else:
                    leftovers.append(before)
            elif in_paren and leftovers and city is None and _looks_like_city(leftovers[-1]):
                city = _city_case(leftovers.pop())  # "Fort-de-France (97200)"
            continue
        if in_paren and _DEPT_CODE.match(segment):
            dept_code = dept_code or segment.upper()
            if city is None and leftovers and _looks_like_city(leftovers[-1]):
                city = _city_case(leftovers.pop())  # "Saintes (17)"
            continue
        if _STREET.match(segment) or _NUMBERED.match(segment):
            address = address or segment
            continue
        venue, street = _split_venue(segment)
        if street:
            address = address or street
            segment = venue
        tail = _CITY_TAIL.match(segment)
        if tail and city_departement(tail.group(2)):
            city = city or tail.group(2)  # "Maison des associations à Lyon"
            segment = _clean(tail.group(1))
            if not segment:
                continue
        if departement_by_name(segment) and not city_departement(segment):
            dept_code = dept_code or departement_by_name(segment)
            continue
        leftovers.append(segment)

    # A city without postcode: a known city name first, else a short capitalised segment.
    if city is None:
        for index, segment in enumerate(leftovers):
            if city_departement(segment):
                city = leftovers.pop(index)
                break
    if city is None and len(leftovers) >= 2:
        for index in (len(leftovers) - 1, 0):
            if _looks_like_city(leftovers[index]):
                city = leftovers.pop(index)
                break
    if leftovers:
        location_name = _strip_leading(", ".join(leftovers))
        if len(leftovers) == 1 and city is None and _looks_like_city(location_name) and not address:
            # A lone capitalised name ("Roubaix") reads as a city, a venue would say so.
            if city_departement(location_name):
                city, location_name = location_name, None

    if city is None and postcode:
        city = city_of_postcode(postcode)
    dept_code = departement_of(postcode) or dept_code or city_departement(city)
    return Place(
        location_name=location_name or None,
        address=address or None,
        postcode=postcode,
        city=city or None,
        departement=departement_label(dept_code),
        region=region_of(dept_code),
        online=online,
        departement_code=dept_code,
    )
