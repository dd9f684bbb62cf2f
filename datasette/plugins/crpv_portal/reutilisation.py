"""The reuse policy of each centre (registry `reuse: excerpt | full`), as the portal's code
reads it: refreshed from the `centres` table by the portail_reutilisation plugin at most
every POLICY_SECONDS, and read by the item page and the Atom feeds. A database from before
the policy (no `reuse` column) means excerpt for everyone."""

from __future__ import annotations

import time

POLICY_SECONDS = 30.0
_POLICY: dict = {"at": float("-inf"), "by_centre": {}}


async def refresh(datasette, db_name: str) -> dict[str, tuple[str, str]]:
    """centre id → (reuse, display name), read again when older than POLICY_SECONDS."""
    now = time.monotonic()
    if now - _POLICY["at"] > POLICY_SECONDS:
        try:
            result = await datasette.get_database(db_name).execute("select * from centres")
            by_centre = {row["id"]: (dict(row).get("reuse") or "excerpt",
                                     dict(row).get("short_name") or row["name"])
                         for row in result.rows}
        except Exception:  # no database yet, or one being published: keep what we had
            by_centre = _POLICY["by_centre"]
        _POLICY.update(at=now, by_centre=by_centre)
    return _POLICY["by_centre"]


def full_text(centre_id: str | None) -> bool:
    """True when the centre lets the portal republish its full texts."""
    return _POLICY["by_centre"].get(centre_id or "", ("excerpt", ""))[0] == "full"


def full_text_names() -> list[str]:
    """The display names of the centres republished in full."""
    return sorted((name for reuse, name in _POLICY["by_centre"].values() if reuse == "full"),
                  key=str.lower)
