"""The portal's own base map of France: the 18 régions drawn as inline SVG (metropolitan
France, and an inset for each overseas département), with labelled markers placed by
their coordinates. Built from `datasette/static/fond/regions.json` (Natural Earth, public
domain; see the README beside it): no tile, no script, no request leaves the portal.

Each marker is a link (keyboard: Tab; screen readers: its name), and the map comes with the
list of its places, so nothing is known from the drawing alone.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

FOND = Path(__file__).resolve().parent.parent.parent / "static" / "fond" / "regions.json"
# Overseas départements: (département, latitude range, longitude range).
OVERSEAS = [("971", (15.8, 16.6), (-61.9, -60.9)), ("972", (14.3, 14.95), (-61.3, -60.75)),
            ("973", (2.0, 6.0), (-55.0, -51.0)), ("974", (-21.5, -20.8), (55.1, 56.0)),
            ("976", (-13.1, -12.5), (44.9, 45.4))]
INSET_NAMES = {"971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion",
               "976": "Mayotte"}


@lru_cache(maxsize=1)
def fond() -> dict:
    return json.loads(FOND.read_text(encoding="utf-8"))


def _lambert(lon: float, lat: float) -> tuple[float, float]:
    # The projection of build_fond.py (spherical Lambert conformal conic, Lambert-93's parallels).
    p1, p2, p0, l0 = map(math.radians, (44.0, 49.0, 46.5, 3.0))
    n = math.log(math.cos(p1) / math.cos(p2)) / math.log(
        math.tan(math.pi / 4 + p2 / 2) / math.tan(math.pi / 4 + p1 / 2))
    f = math.cos(p1) * math.tan(math.pi / 4 + p1 / 2) ** n / n
    rho = f / math.tan(math.pi / 4 + math.radians(lat) / 2) ** n
    rho0 = f / math.tan(math.pi / 4 + p0 / 2) ** n
    t = n * (math.radians(lon) - l0)
    return rho * math.sin(t), -(rho0 - rho * math.cos(t))


def zone_of(lat: float, lon: float) -> str | None:
    """`metro`, an overseas département's code, or None (off the map: listed only)."""
    for code, (la0, la1), (lo0, lo1) in OVERSEAS:
        if la0 <= lat <= la1 and lo0 <= lon <= lo1:
            return code
    if 41.2 <= lat <= 51.3 and -5.5 <= lon <= 9.8:
        return "metro"
    return None


def project(lat: float | None, lon: float | None) -> tuple[str, float, float] | None:
    """(zone, x, y) of a point on the map, or None."""
    if lat is None or lon is None:
        return None
    zone = zone_of(float(lat), float(lon))
    if zone is None:
        return None
    spec = next(z for z in fond()["zones"] if z["id"] == zone)
    if spec["kind"] == "lambert":
        x, y = _lambert(float(lon), float(lat))
    else:
        x = math.radians(float(lon)) * math.cos(math.radians(spec["lat0"]))
        y = -math.radians(float(lat))
    return zone, spec["dx"] + spec["k"] * x, spec["dy"] + spec["k"] * y


def carte(points: list[dict], *, map_id: str = "carte", label: str = "Carte",
          highlight: set[str] | tuple = (), marker_class: str = "repere",
          region_links: dict[str, str] | None = None) -> Markup:
    """The SVG map with `points` (dicts: `lat`, `lon`, `label` (the marker's name), `href`,
    optional `count` (a number drawn beside the marker)). `highlight`: région codes drawn
    darker (a filter in force); `region_links`: région code → address, so a région of the
    map is a link too."""
    data = fond()
    out = [f'<figure class="fond-carte" id="{escape(map_id)}">',
           f'<svg viewBox="0 0 {data["width"]} {data["height"]}" role="group" '
           f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">']
    out.append('<g class="regions">')
    for region in data["regions"]:
        classes = "region" + (" region-choisie" if region["code"] in highlight else "")
        path = (f'<path class="{classes}" data-region="{region["code"]}" d="{region["path"]}">'
                f'<title>{escape(region["nom"])}</title></path>')
        link = (region_links or {}).get(region["code"])
        if link and region["zone"] == "metro":
            path = (f'<a href="{escape(link)}" class="lien-region" '
                    f'aria-label="{escape(region["nom"])}">{path}</a>')
        out.append(path)
    out.append("</g>")
    for zone in data["zones"]:
        if zone["id"] == "metro":
            continue
        x, y, w, h = zone["box"]
        out.append(f'<g class="encart" data-zone="{zone["id"]}"><rect x="{x}" y="{y}" width="{w}" '
                   f'height="{h}" rx="4"/><text x="{x + 6}" y="{y + 13}" class="nom-encart">'
                   f'{escape(INSET_NAMES[zone["id"]])}</text></g>')
    placed = 0
    out.append('<g class="reperes">')
    for point in points:
        where = project(point.get("lat"), point.get("lon"))
        if where is None:
            continue
        zone, x, y = where
        placed += 1
        name = escape(point["label"])
        count = point.get("count")
        radius = 5 if not count else min(12, 4 + 2.2 * math.log2(1 + count))
        out.append(f'<a href="{escape(point["href"])}" class="{escape(marker_class)}" data-zone="{zone}" '
                   f'aria-label="{name}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/>'
                   f'<title>{name}</title>'
                   + (f'<text x="{x + radius + 2:.1f}" y="{y + 4:.1f}" class="etiquette" aria-hidden="true">'
                      f'{escape(point.get("short") or point["label"])}</text>' if point.get("show_label", True) else "")
                   + "</a>")
    out.append("</g></svg>")
    out.append(f'<figcaption class="legende-carte">{escape(label)} — fond de carte : '
               'Natural Earth (domaine public), régions et départements officiels ; '
               f'<span data-marqueurs="{placed}">{placed} repère{"s" if placed > 1 else ""}</span>. '
               'La liste qui suit donne les mêmes liens.</figcaption></figure>')
    return Markup("".join(out))
