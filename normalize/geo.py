"""French administrative geography from the official data shipped in `data/geo/`.

The communes (INSEE codes, postcodes, population, coordinates), départements and régions of
France, overseas included, come from `@etalab/decoupage-administratif` (the Code officiel
géographique, Licence Ouverte) and GeoNames (coordinates, CC BY 4.0): see
`data/geo/README.md` and the script beside it that rebuilds the files. Read once, lazily.

The old helpers keep their API (event places use them): postcode → département → région,
a département's name and label, the département of a city named without postcode.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from normalize.folding import fold_words

__all__ = [
    "DEPARTEMENTS",
    "Commune",
    "Departement",
    "Geography",
    "geography",
    "departement_of",
    "departement_name",
    "departement_label",
    "region_of",
    "region_name",
    "city_departement",
    "city_of_postcode",
    "departement_by_name",
]

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
# Départements (and collectivités) the portal names: every one with inhabitants (the TAAF and
# Clipperton are left out).
_UNINHABITED = {"984", "989"}
# A city written without postcode is placed when one commune of that name has at least this
# many inhabitants and ten times more than any homonym ("Valence" is the Drôme's).
CITY_MIN_POPULATION = 2000
CITY_DOMINANCE = 10


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    kind: str  # commune | arrondissement | deleguee | associee
    commune: str  # the commune in force it belongs to (itself for a commune)
    departement: str
    region: str
    postcodes: tuple[str, ...]
    population: int
    common_word: bool  # the name is also an ordinary French word ("Orange", "Sens")
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Departement:
    code: str
    nom: str
    region: str
    chef_lieu: str
    zone: str
    latitude: float | None
    longitude: float | None


@dataclass
class Geography:
    """The official tables, indexed for the lookups of place finding."""

    communes: dict[str, Commune] = field(default_factory=dict)  # communes in force, by code
    entries: list[Commune] = field(default_factory=list)  # every row (aliases included)
    departements: dict[str, Departement] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)  # code → name (18 régions)
    by_name: dict[str, list[Commune]] = field(default_factory=dict)  # folded name → entries
    by_postcode: dict[str, list[str]] = field(default_factory=dict)  # postcode → commune codes

    def commune(self, code: str | None) -> Commune | None:
        return self.communes.get(code or "")

    def named(self, name: str | None) -> list[Commune]:
        """Communes in force named `name` (a déléguée's name leads to its commune)."""
        seen, found = set(), []
        for entry in self.by_name.get(fold_words(name or ""), []):
            target = self.communes.get(entry.commune)
            if target and target.code not in seen and entry.kind != "arrondissement":
                seen.add(target.code)
                found.append(target)
        return found

    def of_postcode(self, postcode: str | None) -> list[Commune]:
        return [self.communes[c] for c in self.by_postcode.get((postcode or "").strip(), [])
                if c in self.communes]

    def position(self, code: str) -> tuple[float, float, bool] | None:
        """(latitude, longitude, exact) of a commune: its own, else its département's centre."""
        commune = self.communes.get(code)
        if commune is None:
            return None
        if commune.latitude is not None and commune.longitude is not None:
            return commune.latitude, commune.longitude, True
        dept = self.departements.get(commune.departement)
        if dept and dept.latitude is not None:
            return dept.latitude, dept.longitude, False
        return None


def _float(value: str) -> float | None:
    return float(value) if value else None


@lru_cache(maxsize=1)
def geography() -> Geography:
    """The official geography, read from `data/geo/` once per process."""
    geo = Geography()
    with gzip.open(GEO_DIR / "communes.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entry = Commune(
                code=row["code"], nom=row["nom"], kind=row["type"], commune=row["commune"],
                departement=row["departement"], region=row["region"],
                postcodes=tuple(row["codes_postaux"].split()),
                population=int(row["population"] or 0), common_word=row["mot_courant"] == "1",
                latitude=_float(row["latitude"]), longitude=_float(row["longitude"]))
            geo.entries.append(entry)
            if entry.kind == "commune":
                geo.communes[entry.code] = entry
            geo.by_name.setdefault(fold_words(entry.nom), []).append(entry)
            parent = entry.commune if entry.kind == "arrondissement" else entry.code
            if entry.kind in ("commune", "arrondissement"):
                for postcode in entry.postcodes:
                    codes = geo.by_postcode.setdefault(postcode, [])
                    if parent not in codes:
                        codes.append(parent)
    with open(GEO_DIR / "departements.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["code"] in _UNINHABITED:
                continue
            geo.departements[row["code"]] = Departement(
                row["code"], row["nom"], row["region"], row["chef_lieu"], row["zone"],
                _float(row["latitude"]), _float(row["longitude"]))
    with open(GEO_DIR / "regions.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if len(row["code"]) == 2:  # the régions; collectivités have 3-digit codes
                geo.regions[row["code"]] = row["nom"]
    return geo


# Code → name of every inhabited département and collectivité ("59" → "Nord").
DEPARTEMENTS: dict[str, str] = {code: d.nom for code, d in geography().departements.items()}


def departement_of(postcode: str | None) -> str | None:
    """Département code of a French postcode ("59100" → "59", "20200" → "2B", "97200" → "972")."""
    code = (postcode or "").strip().replace(" ", "")
    if len(code) != 5 or not code.isdigit():
        return None
    geo = geography()
    known = {geo.communes[c].departement for c in geo.by_postcode.get(code, []) if c in geo.communes}
    if len(known) == 1:
        return known.pop()
    if code.startswith("20"):
        # Corsica: 200xx/201xx are Corse-du-Sud, 202xx-206xx Haute-Corse.
        return "2A" if code[2] in "01" else "2B"
    if code.startswith("97"):
        if code.startswith("97133"):
            return "977"  # Saint-Barthélemy shares the Guadeloupe prefix
        if code.startswith("97150"):
            return "978"  # Saint-Martin likewise
        return code[:3] if code[:3] in DEPARTEMENTS else None
    if code.startswith("98"):
        return code[:3] if code[:3] in DEPARTEMENTS else None  # 980xx is Monaco
    return code[:2] if code[:2] in DEPARTEMENTS else None


def departement_name(code: str | None) -> str | None:
    """French name of a département code ("59" → "Nord")."""
    return DEPARTEMENTS.get((code or "").upper())


def departement_label(code: str | None) -> str | None:
    """Display form used in the database: "Nord (59)", "Corse-du-Sud (2A)"."""
    name = departement_name(code)
    return f"{name} ({code.upper()})" if name else None


def region_code_of(departement_code: str | None) -> str | None:
    """INSEE code of the région of a département ("59" → "32"); None outside the régions."""
    dept = geography().departements.get((departement_code or "").upper())
    return dept.region if dept and dept.region in geography().regions else None


def region_name(region_code: str | None) -> str | None:
    """French name of a région code ("32" → "Hauts-de-France")."""
    return geography().regions.get(region_code or "")


def region_of(departement_code: str | None) -> str | None:
    """French name of the région of a département code ("59" → "Hauts-de-France")."""
    return region_name(region_code_of(departement_code))


def main_commune(name: str | None) -> Commune | None:
    """The commune a name means when written alone: the only one, or one that dwarfs its
    homonyms ("Valence" → Drôme), with at least CITY_MIN_POPULATION inhabitants."""
    found = sorted(geography().named(name), key=lambda c: -c.population)
    if not found or found[0].population < CITY_MIN_POPULATION:
        return None
    if len(found) > 1 and found[0].population < CITY_DOMINANCE * found[1].population:
        return None  # Saint-Denis (93) and Saint-Denis (La Réunion): a wrong guess is worse
    return found[0]


def city_departement(city: str | None) -> str | None:
    """Département code of a known, unambiguous city name ("Sélestat" → "67")."""
    found = main_commune(city)
    return found.departement if found else None


def departement_by_name(name: str | None) -> str | None:
    """Département code from its name ("Martinique" → "972", "seine saint denis" → "93")."""
    return _departements_by_name().get(fold_words(name or ""))


@lru_cache(maxsize=1)
def _departements_by_name() -> dict[str, str]:
    return {fold_words(d.nom): code for code, d in geography().departements.items()}


def city_of_postcode(postcode: str | None) -> str | None:
    """The commune a postcode alone designates, when it designates one ("69007" → "Lyon")."""
    found = geography().of_postcode(postcode)
    return found[0].nom if len(found) == 1 else None
