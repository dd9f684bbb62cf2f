"""Source adapters: one per kind of response (feed, sitemap, iCalendar, HTML page, document).

Each adapter is a function `read(response, context) -> Reading` that turns one response into
raw records for the pipelines and links to follow. Adapters decide nothing about requests:
whether a link is fetched (robots, dedup, crawl guard, conditional requests, light mode) is
the crawl controller's business (`crawlers/spiders/centre.py`). A new kind of source (a JSON
API, say) is one new module here and one line in `ADAPTERS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

# Keys of a link worth remembering for a replay after a 304 (plain JSON values).
REMEMBERED = ("url", "role", "hint", "source", "parent", "link_text", "orphan")


@dataclass
class Link:
    """A URL a response points to, with what the response says about it."""

    url: str
    role: str  # page | document | feed | sitemap | ical
    hint: str | None = None  # news | event | document: what the item there should be
    source: str | None = None  # the response that gave the link
    parent: str | None = None  # for a document: canonical URL of the item page it belongs to
    link_text: str | None = None
    orphan: bool = False  # a file listed on a non-item page: fetched last, unless claimed
    feed_entry: Any = None  # normalize.feeds.FeedEntry announcing the page
    lastmod: str | None = None  # the sitemap's lastmod for the URL
    calendar_events: list = field(default_factory=list)  # normalize.ics.CalendarEvent

    def remembered(self) -> dict:
        """The plain part of the link, kept in `fetch_state.links` for a replay."""
        return {k: getattr(self, k) for k in REMEMBERED if getattr(self, k) not in (None, False)}

    @classmethod
    def from_memory(cls, row: dict) -> "Link":
        return cls(**{k: row[k] for k in REMEMBERED if k in row})


@dataclass
class Reading:
    """What one response gave: records for the pipelines and links to follow."""

    records: list = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    item_url: str | None = None  # canonical URL of the item page this response is, if any


def adapters() -> dict[str, Callable]:
    """Adapter by sniffed response kind (`crawlers.discovery.sniff`)."""
    from crawlers.sources import calendar, document, feed, page, sitemap

    return {"feed": feed.read, "sitemap": sitemap.read, "ical": calendar.read,
            "pdf": document.read, "office": document.read, "html": page.read}
