"""The centre registry (`data/centres.yaml`): loading and validation in one place.

Every command reads the registry through `load_registry()`. A problem raises
`RegistryError` whose message is one line naming the centre and the field, so the
CLI can print it and exit 2 without a traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "centres.yaml"
DEFAULT_TIMEZONE = "Europe/Paris"
CONTENT_KINDS = ("news", "event", "document")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

# Keys understood at the centre level; anything else is an error so that a typo
# ("timzone") never silently falls back to a default.
CENTRE_KEYS = {
    "id", "name", "url", "timezone", "sources", "short_name", "territory",
    "region_code", "city", "cms", "latitude", "longitude", "verified", "aliases",
    "schedule", "notes", "contact", "reuse",
}
CONTACT_KEYS = {"address", "phone", "email", "url"}
# What the portal may republish of a centre's items: the excerpt (title, summary, link to
# the original; the default) or the full text. The full text is searchable either way.
REUSE_VALUES = ("excerpt", "full")
SOURCE_KEYS = {"url", "content", "notes"}
SCHEDULE_KEYS = {"light_every_minutes", "full_at", "enabled"}
CMS_VALUES = {"wordpress", "drupal", "spip", "custom", "unknown"}


class RegistryError(ValueError):
    """A registry that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Source:
    url: str
    content: str | None = None  # news | event | document: the crawl's hint
    action: bool = False  # `content: action`: a section of actions (experiences, projects)


@dataclass(frozen=True)
class Schedule:
    """Harvest cadences of one centre (the scheduler's defaults when absent)."""

    light_every_minutes: int = 60
    full_at: str | None = None  # "HH:MM" local to the scheduler; None = staggered default
    enabled: bool = True


@dataclass(frozen=True)
class Centre:
    id: str
    name: str
    url: str
    timezone: str = DEFAULT_TIMEZONE
    sources: tuple[Source, ...] = ()
    short_name: str | None = None
    territory: str | None = None
    region_code: str | None = None
    city: str | None = None
    cms: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    verified: bool = True
    aliases: tuple[str, ...] = ()
    schedule: Schedule = field(default_factory=Schedule)
    # Contact block of the centre page (`contact:` in the registry), each optional.
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    contact_url: str | None = None
    reuse: str = "excerpt"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def as_row(self) -> dict:
        """The `centres` table row for this centre."""
        return {
            "id": self.id,
            "name": self.name,
            "short_name": self.short_name or self.name,
            "url": self.url,
            "timezone": self.timezone,
            "territory": self.territory,
            "region_code": self.region_code,
            "city": self.city,
            "cms": self.cms,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "verified": int(self.verified),
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
            "contact_url": self.contact_url,
            "reuse": self.reuse,
            # Sections hinted `content: action`: their pages are actions (pipelines/places.py).
            "action_sections": json.dumps([s.url for s in self.sources if s.action]) if any(
                s.action for s in self.sources) else None,
        }


@dataclass(frozen=True)
class Registry:
    centres: tuple[Centre, ...]
    path: Path | None = None

    def get(self, centre_id: str) -> Centre:
        for centre in self.centres:
            if centre.id == centre_id:
                return centre
        raise RegistryError(f"{self._where()}: no centre with id {centre_id!r}")

    def select(self, ids: list[str] | tuple[str, ...] | None) -> list[Centre]:
        """The centres named by `ids` (all of them when `ids` is empty), in registry order."""
        if not ids:
            return list(self.centres)
        known = {c.id for c in self.centres}
        for centre_id in ids:
            if centre_id not in known:
                raise RegistryError(f"{self._where()}: no centre with id {centre_id!r}")
        return [c for c in self.centres if c.id in set(ids)]

    def _where(self) -> str:
        return str(self.path) if self.path else "registry"


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate a registry file; raise RegistryError with one clear line."""
    path = Path(path) if path else DEFAULT_REGISTRY
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError(f"{path}: registry file not found") from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 text (byte {exc.start}); save the registry as UTF-8") from None
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read registry ({_short(exc)})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise RegistryError(f"{path}: invalid YAML{where}: {problem}") from None
    return parse_registry(data, path)


def parse_registry(data: object, path: Path | None = None) -> Registry:
    """Validate already-parsed YAML data (a mapping with a `centres` list)."""
    where = str(path) if path else "registry"
    if not isinstance(data, dict) or "centres" not in data:
        raise RegistryError(f"{where}: expected a mapping with a 'centres' list at the top")
    entries = data["centres"]
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{where}: 'centres' must be a non-empty list")
    centres: list[Centre] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        centre = _parse_centre(entry, index, where)
        if centre.id in seen:
            raise RegistryError(f"{where}: centre {centre.id!r}: duplicate id")
        seen.add(centre.id)
        centres.append(centre)
    return Registry(tuple(centres), path)


def _parse_centre(entry: object, index: int, where: str) -> Centre:
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: centre #{index}: expected a mapping of keys")
    label = f"centre #{index}"
    raw_id = entry.get("id")
    if raw_id is None or str(raw_id).strip() == "":
        raise RegistryError(f"{where}: {label}: missing required field 'id'")
    centre_id = str(raw_id).strip()
    if not ID_PATTERN.match(centre_id):
        raise RegistryError(
            f"{where}: {label}: field 'id' must be a lowercase slug "
            f"(a-z, 0-9, '_' or '-'), got {centre_id!r}"
        )
    label = f"centre {centre_id!r}"

    def fail(field_name: str, problem: str) -> RegistryError:
        return RegistryError(f"{where}: {label}: field {field_name!r} {problem}")

    unknown = sorted(set(entry) - CENTRE_KEYS)
    if unknown:
        raise fail(unknown[0], "is not a known registry key")
    for required in ("name", "url"):
        value = entry.get(required)
        if not isinstance(value, str) or not value.strip():
            raise RegistryError(f"{where}: {label}: missing required field {required!r}")
    url = _check_url(entry["url"].strip(), lambda p: fail("url", p))
    timezone = entry.get("timezone") or DEFAULT_TIMEZONE
    if not isinstance(timezone, str):
        raise fail("timezone", f"must be an IANA time zone name, got {timezone!r}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail("timezone", f"is not a known IANA time zone: {timezone!r}") from None

    sources = _parse_sources(entry.get("sources"), fail)
    cms = entry.get("cms")
    if cms is not None and cms not in CMS_VALUES:
        raise fail("cms", f"must be one of {', '.join(sorted(CMS_VALUES))}, got {cms!r}")
    latitude = _number(entry.get("latitude"), -90, 90, lambda p: fail("latitude", p))
    longitude = _number(entry.get("longitude"), -180, 180, lambda p: fail("longitude", p))
    verified = entry.get("verified", True)
    if not isinstance(verified, bool):
        raise fail("verified", f"must be true or false, got {verified!r}")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise fail("aliases", "must be a list of names")
    contact = _parse_contact(entry.get("contact"), fail)
    reuse = entry.get("reuse", "excerpt")
    if reuse not in REUSE_VALUES:
        raise fail("reuse", f"must be one of {', '.join(REUSE_VALUES)}, got {reuse!r}")
    return Centre(
        id=centre_id,
        name=entry["name"].strip(),
        url=url,
        timezone=timezone,
        sources=sources,
        short_name=_optional_text(entry.get("short_name")),
        territory=_optional_text(entry.get("territory")),
        region_code=_optional_text(entry.get("region_code")),
        city=_optional_text(entry.get("city")),
        cms=cms,
        latitude=latitude,
        longitude=longitude,
        verified=verified,
        aliases=tuple(aliases),
        schedule=_parse_schedule(entry.get("schedule"), fail),
        address=contact.get("address"),
        phone=contact.get("phone"),
        email=contact.get("email"),
        contact_url=contact.get("url"),
        reuse=reuse,
    )


def _parse_contact(raw: object, fail) -> dict:
    """`contact: {address, phone, email, url}`, every key optional, all text."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fail("contact", "must be a mapping (address, phone, email, url)")
    unknown = sorted(set(raw) - CONTACT_KEYS)
    if unknown:
        raise fail(f"contact.{unknown[0]}", "is not a known contact key")
    contact = {key: _optional_text(value) for key, value in raw.items()}
    if contact.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", contact["email"]):
        raise fail("contact.email", f"is not an e-mail address: {contact['email']!r}")
    if contact.get("url"):
        contact["url"] = _check_url(contact["url"], lambda p: fail("contact.url", p))
    return contact


def _parse_sources(raw: object, fail) -> tuple[Source, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise fail("sources", "must be a list of {url, content} mappings")
    sources = []
    for number, item in enumerate(raw, start=1):
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict):
            raise fail(f"sources[{number}]", "must be a mapping with 'url' and 'content'")
        unknown = sorted(set(item) - SOURCE_KEYS)
        if unknown:
            raise fail(f"sources[{number}].{unknown[0]}", "is not a known source key")
        if not isinstance(item.get("url"), str) or not item["url"].strip():
            raise fail(f"sources[{number}].url", "is missing")
        url = _check_url(item["url"].strip(), lambda p: fail(f"sources[{number}].url", p))
        content = item.get("content")
        if content is not None and content not in CONTENT_KINDS + ("action",):
            raise fail(
                f"sources[{number}].content",
                f"must be one of {', '.join(CONTENT_KINDS + ('action',))}, got {content!r}",
            )
        # An action section is crawled like an unhinted one (its pages are news or documents,
        # as the centre publishes them); the pipeline marks its items as actions.
        action = content == "action"
        sources.append(Source(url=url, content=None if action else content, action=action))
    return tuple(sources)


def _parse_schedule(raw: object, fail) -> Schedule:
    if raw is None:
        return Schedule()
    if not isinstance(raw, dict):
        raise fail("schedule", "must be a mapping (light_every_minutes, full_at, enabled)")
    unknown = sorted(set(raw) - SCHEDULE_KEYS)
    if unknown:
        raise fail(f"schedule.{unknown[0]}", "is not a known schedule key")
    every = raw.get("light_every_minutes", 60)
    if not isinstance(every, int) or isinstance(every, bool) or not 5 <= every <= 10080:
        raise fail("schedule.light_every_minutes", f"must be minutes from 5 to 10080, got {every!r}")
    full_at = raw.get("full_at")
    if full_at is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(full_at)):
        raise fail("schedule.full_at", f"must be a time HH:MM, got {full_at!r}")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise fail("schedule.enabled", f"must be true or false, got {enabled!r}")
    return Schedule(light_every_minutes=every, full_at=full_at, enabled=enabled)


def _check_url(url: str, fail) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise fail(f"must be an absolute http(s) URL, got {url!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise fail(f"has an invalid port: {url!r}") from None
    return url


def _number(value: object, low: float, high: float, fail) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise fail(f"must be a number from {low} to {high}, got {value!r}")
    return float(value)


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value).strip() or None


def _short(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or exc.__class__.__name__
