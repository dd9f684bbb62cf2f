"""The communes each mirror item names, for the ground truth.

The generator knows every place it writes: the cities of the content banks
(`content.PLACES`), their quartiers, and each event's venue. An item is about a city when
its title or text names the city ("à Roubaix", "du Havre") or one of the city's quartiers
that no other city of the banks shares ("Alma-Gare"), or when its event takes place there.
Codes are INSEE codes of the official geography (`data/geo`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from mirror import content as C


# The INSEE code of every (city, postcode) of the banks, from the official geography
# (`data/geo`; a test checks they agree): the generator stays fast and needs no data file.
CODES: dict[tuple[str, str], str] = {
    # event venues printed without a postcode ("Saintes (17)"), and one other postcode
    ("Lormont", ""): "33249", ("Poitiers", ""): "86194", ("Cenon", ""): "33119", ("Pau", ""): "64445",
    ("Saintes", ""): "17415", ("Strasbourg", "67000"): "67482", ("Angoulême", ""): "16015",
    ("Bordeaux", ""): "33063",
    ("Albi", "81000"): "81004", ("Alençon", "61000"): "61001", ("Alès", "30100"): "30007",
    ("Amiens", "80000"): "80021", ("Angers", "49000"): "49007",
    ("Angoulême", "16000"): "16015", ("Argenteuil", "95100"): "95018",
    ("Aubervilliers", "93300"): "93001", ("Auxerre", "89000"): "89024",
    ("Avignon", "84000"): "84007", ("Baie-Mahault", "97122"): "97103",
    ("Basse-Terre", "97100"): "97105", ("Belfort", "90000"): "90010",
    ("Besançon", "25000"): "25056", ("Blois", "41000"): "41018", ("Bobigny", "93000"): "93008",
    ("Bordeaux", "33300"): "33063", ("Bourges", "18000"): "18033", ("Brest", "29200"): "29019",
    ("Béziers", "34500"): "34032", ("Caen", "14000"): "14118", ("Castres", "81100"): "81065",
    ("Cayenne", "97300"): "97302", ("Cenon", "33150"): "33119", ("Cergy", "95000"): "95127",
    ("Chalon-sur-Saône", "71100"): "71076", ("Chartres", "28000"): "28085",
    ("Cherbourg-en-Cotentin", "50100"): "50129", ("Châteauroux", "36000"): "36044",
    ("Clermont-Ferrand", "63100"): "63113", ("Clichy-sous-Bois", "93390"): "93014",
    ("Colomiers", "31770"): "31149", ("Corbeil-Essonnes", "91100"): "91174",
    ("Dembéni", "97660"): "97607", ("Dijon", "21000"): "21231",
    ("Dunkerque", "59140"): "59183", ("Dzaoudzi-Labattoir", "97615"): "97608",
    ("Fort-de-France", "97200"): "97209", ("Garges-lès-Gonesse", "95140"): "95268",
    ("Grenoble", "38100"): "38185", ("Grigny", "91350"): "91286",
    ("Hérouville-Saint-Clair", "14200"): "14327", ("Koungou", "97690"): "97610",
    ("Kourou", "97310"): "97304", ("La Courneuve", "93120"): "93027",
    ("La Seyne-sur-Mer", "83500"): "83126", ("Le François", "97240"): "97210",
    ("Le Havre", "76600"): "76351", ("Le Lamentin", "97232"): "97213",
    ("Le Mans", "72100"): "72181", ("Le Moule", "97160"): "97117",
    ("Le Port", "97420"): "97407", ("Le Robert", "97231"): "97222",
    ("Le Tampon", "97430"): "97422", ("Les Abymes", "97139"): "97101",
    ("Les Mureaux", "78130"): "78440", ("Les Ulis", "91940"): "91692",
    ("Lille", "59000"): "59350", ("Limoges", "87100"): "87085", ("Lormont", "33310"): "33249",
    ("Lyon", "69008"): "69123", ("Lyon", "69009"): "69123", ("Mamoudzou", "97600"): "97611",
    ("Mantes-la-Jolie", "78200"): "78361", ("Marseille", "13013"): "13055",
    ("Marseille", "13014"): "13055", ("Marseille", "13015"): "13055",
    ("Massy", "91300"): "91377", ("Matoury", "97351"): "97307", ("Maubeuge", "59600"): "59392",
    ("Metz", "57070"): "57463", ("Miramas", "13140"): "13063", ("Montauban", "82000"): "82121",
    ("Montbéliard", "25200"): "25388", ("Montpellier", "34070"): "34172",
    ("Montpellier", "34080"): "34172", ("Montreuil", "93100"): "93048",
    ("Mulhouse", "68200"): "68224", ("Nancy", "54000"): "54395", ("Nantes", "44100"): "44109",
    ("Nantes", "44300"): "44109", ("Nevers", "58000"): "58194", ("Nice", "06300"): "06088",
    ("Nîmes", "30900"): "30189", ("Orléans", "45100"): "45234", ("Paris", "75007"): "75056",
    ("Paris", "75019"): "75056", ("Pau", "64000"): "64445", ("Perpignan", "66000"): "66136",
    ("Pointe-à-Pitre", "97110"): "97120", ("Poitiers", "86000"): "86194",
    ("Reims", "51100"): "51454", ("Rennes", "35200"): "35238", ("Rennes", "35700"): "35238",
    ("Ris-Orangis", "91130"): "91521", ("Roubaix", "59100"): "59512",
    ("Rouen", "76000"): "76540", ("Rémire-Montjoly", "97354"): "97309",
    ("Sada", "97640"): "97616", ("Saint-André", "97440"): "97409",
    ("Saint-Benoît", "97470"): "97410", ("Saint-Denis", "93200"): "93066",
    ("Saint-Denis", "97490"): "97411", ("Saint-Laurent-du-Maroni", "97320"): "97311",
    ("Saint-Nazaire", "44600"): "44184", ("Saint-Pierre", "97410"): "97416",
    ("Saint-Étienne", "42000"): "42218", ("Sainte-Marie", "97230"): "97228",
    ("Saintes", "17100"): "17415", ("Sarcelles", "95200"): "95585",
    ("Schœlcher", "97233"): "97229", ("Sevran", "93270"): "93071",
    ("Strasbourg", "67100"): "67482", ("Strasbourg", "67200"): "67482",
    ("Sète", "34200"): "34301", ("Sélestat", "67600"): "67462", ("Tarbes", "65000"): "65440",
    ("Toulouse", "31100"): "31555", ("Toulouse", "31200"): "31555",
    ("Tourcoing", "59200"): "59599", ("Tours", "37000"): "37261",
    ("Trappes", "78190"): "78621", ("Valenciennes", "59300"): "59606",
    ("Vaulx-en-Velin", "69120"): "69256", ("Vierzon", "18100"): "18279",
    ("Viry-Châtillon", "91170"): "91687", ("Vénissieux", "69200"): "69259",
    ("Évreux", "27000"): "27229", ("Évry-Courcouronnes", "91000"): "91228",
}


@lru_cache(maxsize=None)
def code_of(city: str, postcode: str) -> str | None:
    """The INSEE code of a city, told apart from its homonyms by its postcode."""
    if (city, postcode) in CODES:
        return CODES[(city, postcode)]
    from normalize.geo import geography

    named = geography().named(city)
    for commune in named:
        if postcode in commune.postcodes:
            return commune.code
    pool = [c for c in geography().of_postcode(postcode) if c.nom == city] or named
    return pool[0].code if pool else None


@lru_cache(maxsize=1)
def _banks() -> tuple[dict[str, str], dict[str, str]]:
    """City name → code, and quartier name → code for quartiers of one city only."""
    cities: dict[str, str] = {}
    quartiers: dict[str, set[str]] = {}
    for places in C.PLACES.values():
        for city, postcode, qpvs, _ in places:
            code = code_of(city, postcode)
            if code is None:
                continue
            cities.setdefault(city, code)
            for qpv in qpvs:
                quartiers.setdefault(qpv, set()).add(code)
    # A quartier named like a partner of the banks ("la maison de quartier Arc-en-ciel") or
    # like another city's quartier says nothing of the city.
    partners = " ".join(C.PARTNERS)
    unique = {q: next(iter(codes)) for q, codes in quartiers.items()
              if len(codes) == 1 and q not in partners}
    return cities, unique


@lru_cache(maxsize=None)
def _pattern(name: str) -> re.Pattern:
    words = re.escape(name)
    if name.startswith(("Le ", "Les ")):  # "au Havre", "du Mans", "des Abymes"
        article, rest = name.split(" ", 1)
        contracted = "(?:au|du)" if article == "Le" else "(?:aux|des)"
        words = rf"(?:{re.escape(name)}|{contracted} {re.escape(rest)})"
    return re.compile(rf"(?<![\w-]){words}(?![\w-])")


def named_communes(item) -> list[str]:
    """Sorted INSEE codes of the communes `item` (a mirror Item) is about."""
    cities, quartiers = _banks()
    text = "\n".join([item.title, item.summary or "", *item.paragraphs])
    codes = set()
    for city, code in cities.items():
        if _pattern(city).search(text):
            codes.add(code)
    for qpv, code in quartiers.items():
        if qpv not in cities and _pattern(qpv).search(text):
            codes.add(code)
    place = item.place or {}
    if place.get("city"):
        code = code_of(place["city"], place.get("postcode") or "")
        if code:
            codes.add(code)
    return sorted(codes)


def score_places(db, truth: dict) -> dict:
    """Actions and communes of a harvested database against the truth, over the truth's
    items found in the database (matched by URL or alias, as `mirror.compare` does).

    Returns counts and rates: actions (true/false positives, misses, fiches expérience
    found), communes (pairs item × commune agreed, given, expected), and the baseline of
    the event's city alone (what the portal knew of places before `item_places`)."""
    from mirror.compare import load_rows
    from normalize.geo import geography
    from normalize.urls import canonicalize_url

    geo = geography()
    origins = {row["id"]: row["url"] for row in db.query("select id, url from centres")}
    actions = set(r[0] for r in db.execute("select item_id from item_actions"))
    places: dict[str, set[str]] = {}
    for item_id, code in db.execute("select item_id, commune from item_places"):
        places.setdefault(item_id, set()).add(code)
    cities: dict[str, set[str]] = {}
    for item_id, city, postcode in db.execute("select item_id, city, postcode from events where city is not null"):
        named = [c for c in geo.named(city) if not postcode or postcode in c.postcodes] or geo.named(city)
        if named:
            cities.setdefault(item_id, set()).add(max(named, key=lambda c: c.population).code)
    out = {"items": 0, "tp": 0, "fp": 0, "fn": 0, "fiches": 0, "fiches_found": 0,
           "agreed": 0, "given": 0, "expected": 0, "base_agreed": 0, "base_given": 0,
           "misses": [], "false_actions": [], "wrong_places": []}
    for centre_id, part in truth["centres"].items():
        origin = origins.get(centre_id)
        if not origin:
            continue
        origin = origin.rstrip("/")
        items, aliases = load_rows(db, centre_id)
        for entry in part["items"]:
            item_id = None
            for path in [entry["path"], *(entry.get("aliases") or [])]:
                url = canonicalize_url(origin + path)
                item_id = (items[url]["id"] if url in items else aliases.get(url))
                if item_id:
                    break
            if not item_id:
                continue
            out["items"] += 1
            is_action = item_id in actions
            fiche = entry["title"].lower().startswith("fiche expérience")
            out["fiches"] += fiche
            out["fiches_found"] += fiche and is_action
            if entry.get("action") and is_action:
                out["tp"] += 1
            elif is_action:
                out["fp"] += 1
                out["false_actions"].append(entry["title"])
            elif entry.get("action"):
                out["fn"] += 1
                out["misses"].append(entry["title"])
            want, got = set(entry.get("communes") or []), places.get(item_id, set())
            out["agreed"] += len(want & got)
            out["given"] += len(got)
            out["expected"] += len(want)
            base = cities.get(item_id, set())
            out["base_agreed"] += len(want & base)
            out["base_given"] += len(base)
            if want != got:
                out["wrong_places"].append((entry["title"], sorted(want), sorted(got)))
    rate = lambda a, b: a / b if b else 1.0  # noqa: E731
    out["action_precision"] = rate(out["tp"], out["tp"] + out["fp"])
    out["action_recall"] = rate(out["tp"], out["tp"] + out["fn"])
    out["precision"] = rate(out["agreed"], out["given"])
    out["recall"] = rate(out["agreed"], out["expected"])
    out["base_precision"] = rate(out["base_agreed"], out["base_given"])
    out["base_recall"] = rate(out["base_agreed"], out["expected"])
    return out
