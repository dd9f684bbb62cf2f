"""StorePipeline: records → SQLite. Upsert by stable id, first/last seen, versions of what
changed, tombstones (never a delete), and the run ledger of the centre."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from scrapy import signals

from crawlers.items import ErrorItem, GoneItem, SeenItem, UnchangedDocumentItem
from crawlers.state import utc_now
from pipelines.db import insert_row, insert_rows, shared_database, update_row, upsert_row
from pipelines.ledger import RunLedger
from pipelines.normalize import AttachedDocument, CalendarSessions, Record, document_id
from pipelines.transactions import write_transaction

# Below this many active items, a centre losing most of them is believed (a small site may
# well retire three of its four pages); from it on, losing most at once is suspect.
MIN_KNOWN_FOR_SUSPICION = 5
# Fields whose previous values are kept in item_versions when they change.
VERSIONED = ("kind", "title", "summary", "body_text", "published_at", "updated_at", "url")


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.db = shared_database(settings["CRPV_DB_PATH"])
        self.run_id = settings["CRPV_RUN_ID"]
        self.mode = settings.get("CRPV_MODE", "full")
        self.ledger: RunLedger | None = None
        self.written: set[str] = set()  # item ids whose record was stored during this run
        self.counted: dict[str, str] = {}  # item id → how the run ledger counted it

    @classmethod
    def from_crawler(cls, crawler):
        store = cls(crawler)
        # The close reason reaches the stats only after pipelines close: the ledger is
        # finished on spider_closed, which carries it ("shutdown" = interrupted).
        crawler.signals.connect(store.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(store.spider_error, signal=signals.spider_error)
        return store

    def spider_error(self, failure, response, spider):
        """A bug met on one page: a row of harvest_errors, and the crawl goes on."""
        with write_transaction(self.db):
            self.ledger.error(response.url, "parse", f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500])

    def open_spider(self):
        centre = self.crawler.spider.centre
        with write_transaction(self.db):
            self.db["centres"].upsert(centre.as_row(), pk="id", alter=False)
            self.ledger = RunLedger(self.db, self.run_id, centre.id, self.mode)
        self.active_before = self.db.execute(
            "select count(*) from items where centre_id = ? and status = 'active'", [centre.id]
        ).fetchone()[0]
        self.vanished: list[GoneItem] = []  # 404/410 answers, applied at the end if believable

    def spider_closed(self, spider, reason):
        self.close_spider(reason)

    def close_spider(self, reason: str | None = None):
        if reason is None:
            return  # Scrapy's own call: the ledger waits for spider_closed and its reason
        stats = self.crawler.stats.get_stats()
        requests = stats.get("downloader/request_count", 0)
        undrained = getattr(self.crawler.spider, "undrained", list)
        with write_transaction(self.db):
            for error in undrained():
                self.ledger.error(error.url, error.kind, error.message)
        suspect = self._suspect(reason)
        with write_transaction(self.db):
            if suspect is None:
                for gone in self.vanished:
                    self._mark_gone(gone)
            # Only a complete, mostly healthy full crawl may conclude that an item vanished.
            if suspect is None and self.mode == "full" and reason == "finished" \
                    and not self.ledger.truncated \
                    and self.ledger.counts["failed"] <= 0.2 * max(requests, 1):
                grace = self.crawler.settings.getfloat("CRPV_GONE_GRACE_DAYS", 7.0)
                gone = mark_unlisted_gone(self.db, self.crawler.spider.centre.id, grace)
                self.ledger.counts["gone"] += gone
        self.ledger.finish(reason, stats, suspect)

    def _suspect(self, reason: str) -> str | None:
        """Why this run's view of the site is not to be believed, if it is not: most known
        items answering 404 at once, or a complete crawl meeting few of them, is a site moved
        or misconfigured overnight, not a centre deleting its archive. Nothing is marked gone."""
        known = self.active_before
        if known < MIN_KNOWN_FOR_SUSPICION:
            return None
        home = getattr(self.crawler.spider, "home_failure", None)
        if home and (self.vanished or reason == "finished"):
            return f"the home page answered {home}: nothing marked gone"
        if len(self.vanished) > 0.5 * known:
            return (f"{len(self.vanished)} of {known} known items answered 404/410 in one run: "
                    "nothing marked gone")
        met = sum(self.ledger.counts[k] for k in ("new", "updated", "unchanged"))
        if self.mode == "full" and reason == "finished" and met < 0.2 * known:
            return f"a complete crawl met {met} of {known} known items: nothing marked gone"
        return None

    def process_item(self, item):
        try:
            self._process(item)
        except Exception as exc:  # one bad record must not cost the others: it becomes a row
            url = getattr(item, "item", {}).get("url") if isinstance(item, Record) else getattr(item, "url", None)
            with write_transaction(self.db):
                self.ledger.error(url, "store", f"{type(exc).__name__}: {exc}")
        return item

    def _process(self, item) -> None:
        ledger = self.ledger
        with write_transaction(self.db):
            if isinstance(item, Record):
                self._store_record(item)
            elif isinstance(item, AttachedDocument):
                self._store_attached(item)
            elif isinstance(item, SeenItem):
                self._touch(item.url)
            elif isinstance(item, UnchangedDocumentItem):
                self._attach_unchanged(item)
            elif isinstance(item, CalendarSessions):
                self._store_sessions(item)
            elif isinstance(item, GoneItem):
                self.vanished.append(item)  # believed at the end of the run (`_suspect`)
            elif isinstance(item, ErrorItem):
                ledger.error(item.url, item.kind, item.message)

    # -- items ------------------------------------------------------------------
    def _store_record(self, record: Record) -> None:
        row = record.item
        now = utc_now()
        existing = self._existing(row)
        if existing is None:
            row.update(first_seen_at=now, last_seen_at=now, status="active", gone_since=None)
            insert_row(self.db, "items", row)
            self._count(row["id"], "new")
        else:
            row["id"] = existing["id"]  # an alias (old URL) keeps the item's identity
            # A record stored twice in a run (a page and then its calendar) is one version;
            # an item only *seen* earlier in the run (a listing's 304) still gets its version.
            first_time_this_run = row["id"] not in self.written
            row.update(first_seen_at=existing["first_seen_at"], last_seen_at=now,
                       status="active", gone_since=None)
            changed = existing["content_hash"] != row["content_hash"]
            if changed and first_time_this_run:
                self._keep_version(existing, row, now)
            if changed or existing["status"] != "active":
                update_row(self.db, "items", "id", existing["id"], row)
                self._count(row["id"], "updated")
            else:
                update_row(self.db, "items", "id", existing["id"],
                           {"last_seen_at": now, "fetched_at": row["fetched_at"],
                            "source_url": row["source_url"]})
                self._count(row["id"], "unchanged")
        self.written.add(row["id"])
        self._complete([row["url"], *record.aliases, *(d["file_url"] for d in record.documents)])
        self.ledger.observe(record)
        unchanged = existing is not None and existing["content_hash"] == row["content_hash"]
        self._store_children(row["id"], record, rewrite=not unchanged)
        for kind, message in record.errors:
            self.ledger.error(row["url"], kind, message)

    def _count(self, ident: str, outcome: str) -> None:
        """Count an item once per run, by its strongest outcome (new > updated > unchanged)."""
        rank = {"unchanged": 0, "updated": 1, "new": 2}
        previous = self.counted.get(ident)
        if previous is not None and rank[previous] >= rank[outcome]:
            return
        if previous is not None:
            self.ledger.counts[previous] -= 1
        self.ledger.count(outcome)
        self.counted[ident] = outcome

    def _existing(self, row: dict) -> dict | None:
        found = list(self.db.query("select * from items where id = ?", [row["id"]]))
        if found:
            return found[0]
        # The same page reached by a new canonical URL: follow the alias table.
        for url in [row["url"]]:
            alias = list(self.db.query(
                "select i.* from item_urls u join items i on i.id = u.item_id where u.url = ?", [url]))
            if alias:
                return alias[0]
        return None

    def _store_children(self, ident: str, record: Record, rewrite: bool) -> None:
        """Aliases always; sessions, documents and themes only when the item changed."""
        now = utc_now()
        insert_rows(self.db, "item_urls", [{"url": url, "item_id": ident, "first_seen_at": now}
                                           for url in [record.item["url"], *record.aliases]],
                    conflict="ignore")
        if not rewrite:
            return
        self.db.execute("delete from events where item_id = ?", [ident])
        if record.events:
            for event in record.events:
                event["item_id"] = ident
            for event in record.events:
                insert_row(self.db, "events", event, conflict="replace")
        for document in record.documents:
            upsert_row(self.db, "documents", document, "id")
        self.db.execute("delete from item_themes where item_id = ?", [ident])
        if record.themes:
            insert_rows(self.db, "item_themes",
                        [{"item_id": ident, "theme_id": t.theme_id, "method": t.method, "score": t.score}
                         for t in record.themes], conflict="replace")

    def _keep_version(self, old: dict, new: dict, now: str) -> None:
        changed = [f for f in VERSIONED if old.get(f) != new.get(f)]
        insert_row(self.db, "item_versions", {
            "item_id": old["id"],
            "changed_at": now,
            "valid_from": old.get("fetched_at") or old.get("first_seen_at"),
            "changed_fields": json.dumps(changed),
            "previous": json.dumps({f: old.get(f) for f in changed}, ensure_ascii=False),
            "previous_hash": old["content_hash"],
            "content_hash": new["content_hash"],
        })

    def _attach_unchanged(self, item: UnchangedDocumentItem) -> None:
        """A page links a file that answered 304: copy the row stored for that file (under
        whichever item read it) to this page, unless the page has it already."""
        parent = self._item_by_url(item.parent_url)
        if parent is None:
            return
        ident = document_id(parent["id"], item.file_url)
        if list(self.db.query("select 1 from documents where id = ?", [ident])):
            return
        stored = list(self.db.query(
            "select d.* from documents d join items i on i.id = d.item_id "
            "where d.file_url = ? and i.centre_id = ? order by d.id limit 1",
            [item.file_url, item.centre_id]))
        if stored:
            insert_row(self.db, "documents", {**stored[0], "id": ident, "item_id": parent["id"]})

    def _store_sessions(self, sessions: CalendarSessions) -> None:
        """A calendar's sessions for an item stored before: they replace the item's own when
        they differ (the calendar has the exact times; its page may only have prose)."""
        row = self._item_by_url(sessions.url)
        if row is None or not sessions.events:
            return
        stored = sorted((e["starts_at"], e["ends_at"] or "") for e in self.db.query(
            "select starts_at, ends_at from events where item_id = ?", [row["id"]]))
        wanted = sorted((e["starts_at"], e["ends_at"] or "") for e in sessions.events)
        if stored == wanted and row["kind"] == "event":
            return
        self.db.execute("delete from events where item_id = ?", [row["id"]])
        for event in sessions.events:
            event["item_id"] = row["id"]
            event["id"] = f"{row['id']}/{event['starts_at']}"
        for event in sessions.events:
            insert_row(self.db, "events", event, conflict="replace")
        if row["kind"] != "event":
            update_row(self.db, "items", "id", row["id"], {"kind": "event"})

    def _complete(self, urls) -> None:
        """The downloads these URLs stand for are stored, in the same transaction: their
        validators may now be used (`HarvestState.conditional_headers`)."""
        state = getattr(self.crawler.spider, "state", None)
        if state is not None:
            for url in urls:
                state.mark_complete(url)

    def _store_attached(self, attached: AttachedDocument) -> None:
        if not list(self.db.query("select 1 from items where id = ?", [attached.parent_id])):
            self.ledger.error(attached.document["file_url"], "pdf",
                              f"document linked from a page that was not stored ({attached.parent_url})")
            return
        upsert_row(self.db, "documents", attached.document, "id")
        self._complete([attached.document["file_url"]])
        if attached.error:
            self.ledger.error(attached.document["file_url"], "pdf", attached.error)

    def _touch(self, url: str) -> None:
        now = utc_now()
        row = self._item_by_url(url)
        if row is None:
            return
        self._count(row["id"], "unchanged")
        update_row(self.db, "items", "id", row["id"], {"last_seen_at": now, "status": "active",
                                                        "gone_since": None})

    def _mark_gone(self, gone: GoneItem) -> None:
        row = self._item_by_url(gone.url)
        if row is None or row["status"] == "gone":
            return
        update_row(self.db, "items", "id", row["id"], {"status": "gone", "gone_since": utc_now()})
        self.ledger.count("gone")

    def _item_by_url(self, url: str) -> dict | None:
        found = list(self.db.query(
            "select i.* from items i where i.url = ? union "
            "select i.* from item_urls u join items i on i.id = u.item_id where u.url = ? limit 1",
            [url, url]))
        return found[0] if found else None


def mark_unlisted_gone(db, centre_id: str, grace_days: float, now: datetime | None = None) -> int:
    """Items a complete crawl has not met for `grace_days` become gone (never deleted)."""
    now = now or datetime.now(timezone.utc)
    limit = (now - timedelta(days=grace_days)).replace(microsecond=0).isoformat()
    cursor = db.execute(
        "update items set status = 'gone', gone_since = ? where centre_id = ? and status = 'active' "
        "and last_seen_at < ?",
        [now.replace(microsecond=0).isoformat(), centre_id, limit],
    )
    return cursor.rowcount
