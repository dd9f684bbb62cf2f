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
from normalize.page import PageContext
from normalize.template import SiteTemplate


@dataclass
class CentreContext:
    centre: Centre
    today: date
    mode: str = "full"  # full | light
    template: SiteTemplate = field(default_factory=SiteTemplate)
    # Occurrences an iCalendar export gave for an event page, by the page's canonical URL:
    # the page reader attaches them to the page's item.
    calendars: dict[str, list] = field(default_factory=dict)

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
        """An http(s) URL on the centre's own host and port."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and parts.netloc.lower() == self.netloc

    def page_context(self) -> PageContext:
        return PageContext(timezone=self.timezone, today=self.today, template=self.template,
                           site_names=tuple(n for n in (self.centre.name, self.centre.short_name) if n))
