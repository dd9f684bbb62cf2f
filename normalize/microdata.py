"""schema.org microdata (`itemscope itemtype=…/Event`) as JSON-LD-shaped dicts.

Some agenda pages describe their events with microdata rather than JSON-LD. extruct reads
the microdata; this module reshapes each item like a JSON-LD object ("@type",
"startDate", "location": {...}) so the rest of the pipeline reads one format only.
"""

from __future__ import annotations

from extruct.w3cmicrodata import MicrodataExtractor

_EXTRACTOR = MicrodataExtractor()


def microdata_objects(page, url: str) -> list[dict]:
    """Every top-level microdata item of a page (its HTML, or its parsed tree), JSON-LD-shaped
    (empty on any failure)."""
    if isinstance(page, str) and "itemscope" not in page:
        return []
    if not isinstance(page, str) and not page.xpath("//*[@itemscope][1]"):
        return []
    try:
        items = _EXTRACTOR.extract(page, base_url=url) if isinstance(page, str) \
            else _EXTRACTOR.extract_items(page, base_url=url)
    except Exception:  # noqa: BLE001 - malformed markup: no structured data, not an error
        return []
    return [_as_jsonld(item) for item in items if isinstance(item, dict)]


def _as_jsonld(item: dict) -> dict:
    types = item.get("type") or []
    types = types if isinstance(types, list) else [types]
    out: dict = {"@type": [t.rstrip("/").rsplit("/", 1)[-1] for t in types]}
    if len(out["@type"]) == 1:
        out["@type"] = out["@type"][0]
    for key, value in (item.get("properties") or {}).items():
        out[key] = _value(value)
    return out


def _value(value):
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict) and ("type" in value or "properties" in value):
        return _as_jsonld(value)
    return value
