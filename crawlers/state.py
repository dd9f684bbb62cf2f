"""What the crawler remembers of earlier harvests of one centre: validators for
conditional requests, the links each page led to, the known items.

This is what makes a second harvest cheap: an unchanged page answers 304 and the
crawl goes on from the links remembered for it instead of downloading it again.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

import sqlite_utils

from normalize.template import SiteTemplate
from pipelines.db import update_row, upsert_row
from pipelines.transactions import write_transaction
from normalize.urls import canonicalize_url

# A CMS probe that answered 404 is not asked again for this long.
PROBE_RETRY = timedelta(days=7)


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class HarvestState:
    """Per-centre view of `fetch_state` and `items`, loaded once at spider start."""

    def __init__(self, db: sqlite_utils.Database, centre_id: str):
        self.db = db
        self.centre_id = centre_id
        self.fetches: dict[str, dict] = {
            row["url"]: row
            for row in db.query("select * from fetch_state where centre_id = ?", [centre_id])
        }
        self.item_urls: dict[str, str] = {}  # any known URL of an active item -> item id
        for row in db.query(
            "select i.id, i.url, u.url as alias from items i left join item_urls u on u.item_id = i.id "
            "where i.centre_id = ? and i.status = 'active'",
            [centre_id],
        ):
            self.item_urls[row["url"]] = row["id"]
            if row["alias"]:
                self.item_urls[row["alias"]] = row["id"]
        # What a feed entry is compared with in light mode: the item's title and date.
        self.item_signature: dict[str, tuple[str | None, str | None]] = {
            row["url"]: (row["title"], row["published_at"])
            for row in db.query(
                "select url, title, published_at from items where centre_id = ? and status = 'active'",
                [centre_id],
            )
        }
        self.seen_item_ids: set[str] = set()
        # Calendars read this run: they vouch for the sessions of other items, stored as those
        # pages come, so their validators are trusted only once the run went to its end.
        self.held: set[str] = set()
        saved = list(db.query("select blocks from site_templates where centre_id = ?", [centre_id]))
        self.template = SiteTemplate.from_json(
            json.loads(saved[0]["blocks"]) if saved and saved[0]["blocks"] else None)

    # -- conditional requests -------------------------------------------------
    def conditional_headers(self, url: str) -> dict[str, str]:
        """Validators of the last full download, only when what it held was stored: after a
        crash between a download and its item, a 304 would stand for an item that is not
        there (rows from before this column have `complete` NULL: they were stored)."""
        row = self.fetches.get(url)
        if not row or row.get("status") != 200 or row.get("complete") == 0:
            return {}
        headers = {}
        if row.get("etag"):
            headers["If-None-Match"] = row["etag"]
        if row.get("last_modified"):
            headers["If-Modified-Since"] = row["last_modified"]
        return headers

    def record_response(self, url: str, status: int, headers: dict[str, str | None], body: bytes) -> None:
        now = utc_now()
        row = dict(self.fetches.get(url) or {"url": url, "centre_id": self.centre_id})
        row["checked_at"] = now
        if status == 304:
            pass  # validators unchanged
        else:
            row["status"] = status
            row["etag"] = headers.get("etag")
            row["last_modified"] = headers.get("last-modified")
            row["bytes"] = len(body)
            row["content_hash"] = hashlib.sha256(body).hexdigest() if body else None
            row["fetched_at"] = now
            row["complete"] = 0 if status == 200 else None  # until what it holds is stored
            if status != 200:
                row["links"] = None
        self.fetches[url] = row
        with write_transaction(self.db):  # at once: other harvest processes write this file too
            upsert_row(self.db, "fetch_state", row, "url")

    def is_unchanged(self, url: str, body: bytes) -> bool:
        """True when a full download returned the same bytes as last time (no validators)."""
        row = self.fetches.get(url)
        return bool(row and row.get("content_hash") == hashlib.sha256(body).hexdigest())

    # -- links remembered for replay on 304 ---------------------------------------
    def remember_links(self, url: str, links: list[dict]) -> None:
        row = self.fetches.get(url)
        if row is None:
            return
        row["links"] = json.dumps(links, ensure_ascii=False, separators=(",", ":"))
        with write_transaction(self.db):
            update_row(self.db, "fetch_state", "url", url, {"links": row["links"]})

    def hold_until_finished(self, url: str) -> None:
        """`url`'s validators wait for `release_held` (a calendar: see `held`)."""
        self.held.add(url)

    def release_held(self) -> None:
        """The run went to its end: what the held responses announced is stored."""
        held, self.held = self.held, set()
        for url in sorted(held):
            self.mark_complete(url)

    def mark_complete(self, url: str) -> None:
        """What the response at `url` held is stored: its validators may now be used."""
        if url in self.held:
            return
        row = self.fetches.get(url)
        if row is not None and row.get("complete") == 0:
            row["complete"] = 1
            with write_transaction(self.db):  # within the store's, with the item it vouches for
                update_row(self.db, "fetch_state", "url", url, {"complete": 1})

    def links_of(self, url: str) -> list[dict] | None:
        row = self.fetches.get(url)
        if not row or not row.get("links"):
            return None
        return json.loads(row["links"])

    def record_redirect(self, url: str, status: int, target: str) -> None:
        """A permanent redirect, so the next run asks for the target directly."""
        row = dict(self.fetches.get(url) or {"url": url, "centre_id": self.centre_id})
        row.update(status=status, checked_at=utc_now(), etag=None, last_modified=None,
                   links=json.dumps([{"url": target, "role": "redirect"}]))
        self.fetches[url] = row
        with write_transaction(self.db):
            upsert_row(self.db, "fetch_state", row, "url")

    def sitemap_lastmod(self, url: str) -> str | None:
        return (self.fetches.get(url) or {}).get("sitemap_lastmod")

    def note_sitemap_lastmod(self, url: str, lastmod: str) -> None:
        """The lastmod a sitemap announces for `url`, compared at the next reading."""
        row = self.fetches.setdefault(url, {"url": url, "centre_id": self.centre_id})
        row["sitemap_lastmod"] = lastmod
        with write_transaction(self.db):
            upsert_row(self.db, "fetch_state", {"url": url, "centre_id": self.centre_id,
                                                "sitemap_lastmod": lastmod}, "url")

    def save_template(self, template: SiteTemplate) -> None:
        """The site template learned so far, for the next harvest (whose unchanged pages
        answer 304 and teach nothing)."""
        data = template.to_json()
        with write_transaction(self.db):
            self.db["site_templates"].upsert(
                {"centre_id": self.centre_id, "pages": data["pages"],
                 "blocks": json.dumps(data, separators=(",", ":")), "updated_at": utc_now()},
                pk="centre_id", alter=False)

    def permanent_redirect(self, url: str) -> str | None:
        row = self.fetches.get(url)
        if row and row.get("status") in (301, 308) and row.get("links"):
            return json.loads(row["links"])[0]["url"]
        return None

    def recently_missing(self, url: str, now: datetime | None = None) -> bool:
        """True for a URL that answered 404 or 410 within PROBE_RETRY."""
        row = self.fetches.get(url)
        if not row or row.get("status") not in (404, 410) or not row.get("checked_at"):
            return False
        now = now or datetime.now(timezone.utc)
        return now - datetime.fromisoformat(row["checked_at"]) < PROBE_RETRY

    # -- known items --------------------------------------------------------------
    def known_item(self, url: str) -> str | None:
        return self.item_urls.get(canonicalize_url(url)) or self.item_urls.get(url)

    def mark_seen(self, url: str) -> None:
        item_id = self.known_item(url)
        if item_id:
            self.seen_item_ids.add(item_id)

    def unseen_item_urls(self) -> list[str]:
        """Canonical URLs of active items not met during this run (candidates for a revisit)."""
        seen = self.seen_item_ids
        return sorted(
            url for url, item_id in self.item_urls.items()
            if item_id not in seen and url in self.item_signature
        )
