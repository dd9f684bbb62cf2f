"""Structured data of a page (JSON-LD scripts, microdata) as one list of JSON-LD objects.

Readers downstream (page kind, dates, events, places) ask the same few questions of it:
which objects are of a type, what their dates are, where an event takes place.
"""

from __future__ import annotations

import json
import re

from normalize.microdata import microdata_objects

__all__ = ["load_jsonld", "structured_objects", "types_of", "is_event", "events_of",
           "location_text", "first_value"]

_JSON_COMMENTS = re.compile(r"^\s*//.*$|/\*.*?\*/", re.MULTILINE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EVENT_TYPE = re.compile(r"Event$|^Event|Festival|Exhibition|Course(?:Instance)?$")


def _flatten(node, out: list[dict]) -> None:
    if isinstance(node, list):
        for item in node:
            _flatten(item, out)
    elif isinstance(node, dict):
        graph = node.get("@graph")
        if isinstance(graph, list):
            _flatten(graph, out)
            rest = {k: v for k, v in node.items() if k != "@graph"}
            if len(rest) > 1 or (rest and "@context" not in rest):
                out.append(rest)
        else:
            out.append(node)


def load_jsonld(doc) -> list[dict]:
    """Every JSON-LD object of a parsed page (graphs flattened; broken blocks repaired or skipped)."""
    out: list[dict] = []
    for script in doc.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        raw = raw.removeprefix("<!--").removesuffix("-->").strip()
        # Hand-written blocks carry comments and raw control characters: repaired once.
        for attempt in (raw, _CONTROL.sub(" ", _JSON_COMMENTS.sub("", raw))):
            try:
                data = json.loads(attempt, strict=False)
            except ValueError:
                continue
            _flatten(data, out)
            break
    return out


def structured_objects(doc, url: str) -> tuple[list[dict], list[dict]]:
    """(JSON-LD script objects, the same plus microdata items reshaped as JSON-LD)."""
    scripts = load_jsonld(doc)
    return scripts, scripts + microdata_objects(doc, url)


def types_of(obj) -> list[str]:
    """The `@type` values of one object, as strings ("Event", "NewsArticle"…)."""
    if not isinstance(obj, dict):
        return []
    kind = obj.get("@type") or []
    return [str(k) for k in (kind if isinstance(kind, list) else [kind])]


def is_event(obj) -> bool:
    return any(_EVENT_TYPE.search(t) for t in types_of(obj))


def events_of(objects) -> list[dict]:
    """The event objects (Event, BusinessEvent, Festival, CourseInstance…) among `objects`."""
    return [o for o in objects or [] if isinstance(o, dict) and is_event(o)]


def first_value(obj: dict, key: str) -> str | None:
    """A string property, or the first string of a list ("datePublished": [..])."""
    value = obj.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def location_text(location) -> str | None:
    """An event's `location` as prose: "name, street, postcode city" (", En ligne" for a
    VirtualLocation), for the place parser."""
    if isinstance(location, list):
        location = location[0] if location else None
    if isinstance(location, str):
        return " ".join(location.split()) or None
    if not isinstance(location, dict):
        return None
    parts = [location.get("name")]
    address = location.get("address")
    if isinstance(address, dict):
        parts += [address.get("streetAddress"),
                  " ".join(x for x in (address.get("postalCode"), address.get("addressLocality"))
                           if isinstance(x, str) and x)]
    elif isinstance(address, str):
        parts.append(address)
    if "virtuallocation" in " ".join(types_of(location)).lower():
        parts.append("En ligne")
    text = ", ".join(" ".join(p.split()) for p in parts if isinstance(p, str) and p.strip())
    return text or None
