"""What every part of one centre's harvest knows about the centre: its id, origin, time zone,
the harvest day and mode, and the site template learned from its pages.

The crawl controller builds it once; source adapters read responses with it; the normalize
pipeline reads dates and places with it. Nothing in it is guessed from a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from crawlers.registry import Centre
from normalize.urls import same_origin
from normalize.page import PageContext
from normalize.template import SiteTemplate


@dataclass(frozen=True)
class HarvestLimits:
    """What one centre's harvest may cost: hostile or broken sites meet these bounds, and
    each bound reached is a `harvest_errors` row of kind `trap`, `size`, `ical` or `timeout`."""

    pages: int = 5000  # requests per centre (CLOSESPIDER_PAGECOUNT is only a net behind it)
    links_per_page: int = 1000  # a page listing 100,000 links: the first ones are followed
    sitemaps: int = 50  # sitemap documents read per centre (an endless sitemap index)
    page_bytes: int = 5 * 1024 * 1024  # HTML, feeds, sitemaps and calendars (files: 40 MB)
    occurrences: int = 5000  # calendar occurrences per file, within the agenda's window
    per_series: int = 400  # occurrences of one recurring event
    calendar_seconds: float = 10.0  # time to expand one calendar
    timeouts: int = 3  # timeouts before the harvest of a silent site gives up

    @classmethod
    def from_settings(cls, settings) -> "HarvestLimits":
        """The limits the settings name (unset ones keep their defaults); a value that is not
        a positive number raises ValueError with the setting's name."""
        names = {"pages": "CRPV_MAX_PAGES", "links_per_page": "CRPV_MAX_LINKS_PER_PAGE", "sitemaps": "CRPV_MAX_SITEMAPS",
                 "page_bytes": "CRPV_MAX_PAGE_BYTES", "occurrences": "CRPV_MAX_OCCURRENCES",
                 "per_series": "CRPV_MAX_SERIES_OCCURRENCES",
                 "calendar_seconds": "CRPV_CALENDAR_SECONDS",
                 "timeouts": "CRPV_GIVE_UP_AFTER_TIMEOUTS"}
        values = {}
        for field_name, setting in names.items():
            raw = settings.get(setting)
            if raw in (None, ""):
                continue
            kind = float if field_name == "calendar_seconds" else int
            try:
                value = kind(raw)
            except (TypeError, ValueError):
                value = 0
            if value <= 0:
                raise ValueError(f"{setting}={raw!r} is not a positive number")
            values[field_name] = value
        return cls(**values)


@dataclass
class CentreContext:
    centre: Centre
    today: date
    mode: str = "full"  # full | light
    template: SiteTemplate = field(default_factory=SiteTemplate)
    limits: HarvestLimits = field(default_factory=HarvestLimits)
    # Occurrences an iCalendar export gave for an event page, by the page's canonical URL:
    # the page reader attaches them to the page's item.
    calendars: dict[str, list] = field(default_factory=dict)
    observed: int = 0  # pages of this run that taught the template

    @property
    def id(self) -> str:
        return self.centre.id

    @property
    def timezone(self) -> str:
        return self.centre.timezone

    @property
    def origin(self) -> str:
        parts = urlsplit(self.centre.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def netloc(self) -> str:
        return urlsplit(self.centre.url).netloc.lower()

    def on_site(self, url: str) -> bool:
        """An http(s) URL on the centre's own origin: scheme family, host and port."""
        return same_origin(url, self.centre.url)

    def page_context(self) -> PageContext:
        return PageContext(timezone=self.timezone, today=self.today, template=self.template,
                           site_names=tuple(n for n in (self.centre.name, self.centre.short_name) if n))
