"""The run ledger: one `harvest_runs` row per centre per run, one `harvest_errors` row per failure."""

from __future__ import annotations

import json
import os

from crawlers.state import utc_now
from pipelines.db import insert_row
from pipelines.transactions import write_transaction

# Scrapy finish reasons → run status. A run cut short never marks anything gone.
# A run cut by a budget (the page cap) is "truncated": it read what it could and concludes
# nothing about what it did not reach. A silent site given up after its timeouts "failed".
STATUS_BY_REASON = {"finished": "completed", "shutdown": "interrupted",
                    "closespider_pagecount": "truncated", "gave_up": "failed"}
FILLED_FIELDS = ("published_at", "summary", "body_text", "themes")


class RunLedger:
    def __init__(self, db, run_id: str, centre_id: str, mode: str):
        self.db = db
        self.run_id = run_id
        self.centre_id = centre_id
        self.counts = {"new": 0, "updated": 0, "unchanged": 0, "gone": 0, "failed": 0}
        self.fill = {name: 0 for name in (*FILLED_FIELDS, "event_dates", "event_places")}
        self.items_seen = 0
        self.events_seen = 0
        # A budget of the crawl reached (a `trap` row: pages, links per page, sitemaps, one
        # URL shape): the run read what it could and concludes nothing about the rest.
        self.truncated = False
        self.row_id = db["harvest_runs"].insert({
            "run_id": run_id, "centre_id": centre_id, "mode": mode, "status": "running",
            "started_at": utc_now(), **self.counts, "message": f"pid {os.getpid()}",
        }, alter=False).last_pk

    def count(self, name: str) -> None:
        self.counts[name] += 1

    def error(self, url: str | None, kind: str, message: str) -> None:
        self.counts["failed"] += 1
        self.truncated = self.truncated or kind == "trap"
        insert_row(self.db, "harvest_errors", {
            "run_id": self.run_id, "centre_id": self.centre_id, "url": url, "kind": kind,
            "message": message[:2000], "occurred_at": utc_now(),
        })

    def observe(self, record) -> None:
        """Per-field fill rates, compared run to run to spot a site redesign."""
        item = record.item
        self.items_seen += 1
        for name in FILLED_FIELDS:
            value = item.get(name)
            if value and value != "[]":
                self.fill[name] += 1
        if item["kind"] == "event":
            self.events_seen += 1
            if record.events:
                self.fill["event_dates"] += 1
                if any(e.get("city") or e.get("online") for e in record.events):
                    self.fill["event_places"] += 1

    def finish(self, reason: str, stats: dict, suspect: str | None = None) -> str:
        """Close the run's row; `suspect` says why the run's view of the site is not to be
        believed (nothing was marked gone: see `StorePipeline.close_spider`)."""
        with write_transaction(self.db):
            return self._finish(reason, stats, suspect)

    def _finish(self, reason: str, stats: dict, suspect: str | None) -> str:
        status = STATUS_BY_REASON.get(reason, "failed" if "error" in reason else "completed")
        unreachable = stats.get("downloader/request_count", 0) > 0 and not stats.get("response_received_count")
        if status == "completed" and unreachable:
            status = "failed"  # not one answer: the site is down; the scheduler backs off
        if reason == "closespider_pagecount":
            self.error(None, "trap", f"page budget reached ({stats.get('response_received_count', 0)} "
                                     "responses): the crawl stopped there")
        if status == "completed" and suspect:
            status = "suspect"
        elif status == "completed" and self.truncated:
            status = "truncated"
        rates = {name: round(self.fill[name] / self.items_seen, 3)
                 for name in FILLED_FIELDS if self.items_seen}
        if self.events_seen:
            rates["event_dates"] = round(self.fill["event_dates"] / self.events_seen, 3)
            rates["event_places"] = round(self.fill["event_places"] / self.events_seen, 3)
        self.db["harvest_runs"].update(self.row_id, {
            "status": status,
            "finished_at": utc_now(),
            **self.counts,
            "requests": stats.get("downloader/request_count", 0),
            "not_modified": stats.get("downloader/response_status_count/304", 0),
            "bytes": stats.get("downloader/response_bytes", 0),
            "items_seen": self.items_seen,
            "fill_rates": json.dumps(rates),
            "message": None if status == "completed" else suspect if status == "suspect" else (
                "site unreachable: no request was answered" if unreachable and reason == "finished"
                else "a budget of the crawl was reached (see its trap rows)" if status == "truncated"
                else f"finish reason: {reason}"),
        })
        return status
