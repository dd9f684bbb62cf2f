"""Downloaded files (PDF, office documents): the bytes, for the pipeline to read."""

from __future__ import annotations

from crawlers.items import DocumentItem
from crawlers.sources import Reading
from crawlers.state import utc_now
from normalize.urls import canonicalize_url


def read(response, context) -> Reading:
    meta = response.meta
    return Reading(records=[DocumentItem(
        centre_id=context.id,
        file_url=canonicalize_url(response.url),
        parent_url=meta.get("parent"),
        body=response.body,
        content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
        link_text=meta.get("link_text"),
        source_url=meta.get("source"),
        fetched_at=utc_now(),
    )])
