"""ValidatePipeline: a record that cannot be published becomes an error row, not a row of items."""

from __future__ import annotations

from crawlers.items import ErrorItem
from pipelines.normalize import Record

KINDS = ("news", "event", "document")


def problems(record: Record) -> list[str]:
    """Why a record cannot be stored (empty when it can)."""
    item = record.item
    found = []
    if not item.get("title"):
        found.append("missing title")
    if not item.get("url", "").startswith(("http://", "https://")):
        found.append("missing or non-http url")
    if item.get("kind") not in KINDS:
        found.append(f"unknown kind {item.get('kind')!r}")
    published = item.get("published_at")
    if published and not (len(published) == 10 or "T" in published and (published.endswith("Z") or "+" in published[10:] or "-" in published[10:])):
        found.append(f"published_at without offset: {published!r}")
    for event in record.events:
        if not event["all_day"] and ("T" not in event["starts_at"]):
            found.append(f"timed event without a time: {event['starts_at']!r}")
    return found


class ValidatePipeline:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_item(self, item):
        if not isinstance(item, Record):
            return item
        found = problems(item)
        if found:
            return ErrorItem(item.item["centre_id"], item.item.get("url"), "validation", "; ".join(found))
        return item
