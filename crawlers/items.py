"""What the crawl hands to the pipelines: raw material, not yet normalised.

The source adapters (`crawlers/sources/`) decide what a response *is* (an item page, a
document, an error) and keep what they read as found; ids, event dates, places, themes,
sanitising and text cleaning happen once, in `pipelines/normalize.py`, with the pure
functions of `normalize/` and the centre's context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageItem:
    """An item page (news, event or publication) as found on a centre's site."""

    centre_id: str
    url: str  # the URL fetched, after redirects
    canonical_url: str  # what the page declares, restricted to the centre's own host
    kind_hint: str | None  # news | event | document, from hints, sections, structure
    method: str  # html | feed | ical | sitemap | jsonld: how the item was found
    source_url: str | None  # feed, calendar, sitemap or listing where it was found
    fetched_at: str
    facts: Any = None  # normalize.html.PageFacts of the page (None for a feed-only item)
    aliases: list[str] = field(default_factory=list)
    feed_entry: Any = None  # normalize.feeds.FeedEntry when a feed announced the item
    calendar_events: list[Any] = field(default_factory=list)  # normalize.ics.CalendarEvent
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class DocumentItem:
    """A downloaded file (PDF…): attached to its page, or an item of its own."""

    centre_id: str
    file_url: str
    parent_url: str | None  # canonical URL of the page that links it; None = standalone
    body: bytes
    content_type: str | None
    link_text: str | None
    source_url: str | None
    fetched_at: str
    kind_hint: str | None = "document"


@dataclass
class SeenItem:
    """A known item page answered 304: unchanged, still published."""

    centre_id: str
    url: str


@dataclass
class UnchangedDocumentItem:
    """A file linked from a page answered 304: the copy stored earlier (maybe for another
    page of the site) stands for it, so a new page linking an old PDF still lists it."""

    centre_id: str
    file_url: str
    parent_url: str  # canonical URL of the page that links it


@dataclass
class CalendarItem:
    """The occurrences an iCalendar export gives for an item page read earlier in the run
    or held from an earlier one: the item's sessions, at the calendar's exact times."""

    centre_id: str
    url: str  # canonical URL of the event page
    events: list  # normalize.ics.CalendarEvent


@dataclass
class GoneItem:
    """A known item page answered 404 or 410: no longer published."""

    centre_id: str
    url: str
    status: int


@dataclass
class ErrorItem:
    """One failure of the harvest, stored as a row of harvest_errors."""

    centre_id: str
    url: str | None
    kind: str  # http | network | timeout | feed | ical | parse | pdf | validation
    message: str
