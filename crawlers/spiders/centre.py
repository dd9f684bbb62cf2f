"""The crawl controller: one spider harvests a centre's site from its home URL and hints.

It owns every decision about requests: which URL is asked for (only the centre's own
host, robots.txt, crawl-trap guards, no URL twice), conditional requests and the replay of
an unchanged response's links, light mode, the files fetched at the end, the known items
revisited. What a response *is* and what it contains is read by the source adapters
(`crawlers/sources/`): feeds, sitemaps, iCalendar exports, HTML pages, documents. Records go
to the pipelines, where they are normalised once with the centre's context.

Modes: `full` explores the whole site; `light` reads only feeds, calendars and sitemaps and
the pages they newly announce. Both send conditional requests (`crawlers/middlewares.py`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from scrapy import Request, Spider, signals
from scrapy.exceptions import (CannotResolveHostError, DontCloseSpider, DownloadCancelledError,
                               DownloadTimeoutError, IgnoreRequest)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError as TxTimeoutError

from crawlers.context import CentreContext, HarvestLimits
from crawlers.middlewares import OffOriginRequest
from crawlers.discovery import PROBES, CrawlGuard, is_skipped_asset, sniff
from crawlers.items import (CalendarItem, DocumentItem, ErrorItem, GoneItem, PageItem, SeenItem,
                            UnchangedDocumentItem)
from crawlers.registry import Centre
from crawlers.sources import Link, Reading, adapters
from crawlers.state import HarvestState, utc_now
from normalize.folding import fold_words
from normalize.html import html_to_text
from normalize.urls import canonicalize_url

logger = logging.getLogger(__name__)

# Request priorities: sources that list many items first, so their hints reach the
# detail pages before a menu link does; the endless tail of a site last.
PRIORITY = {"robots": 100, "ical": 60, "feed": 50, "sitemap": 45, "source": 40,
            "probe": 35, "home": 30, "page": 10, "document": 5, "revisit": 0}


class CentreSpider(Spider):
    name = "centre"
    # 304 reaches the callback (replay); 404/410 reach the errback (gone, missing probe).
    handle_httpstatus_list = [304]

    def __init__(self, centre: Centre, state: HarvestState, mode: str = "full",
                 today: date | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.state = state
        self.mode = mode
        self.context = CentreContext(centre, today or date.today(), mode, template=state.template)
        self.origin = self.context.origin
        self.netloc = self.context.netloc
        # No `allowed_domains`: Scrapy's offsite filter drops an off-host redirect silently
        # when it is scheduled; the origin guard (crawlers/middlewares.py) refuses it through
        # the errback instead, as a `redirect` row, with the port compared too.
        self.guard = CrawlGuard(self.context.today)
        self.adapters = adapters()
        self.items_read: set[str] = set()  # canonical URLs of the item pages read this run
        self.claimed_documents: set[str] = set()  # files an item page attaches
        self.orphan_documents: dict[str, Link] = {}  # files only listings link to
        self._idle_rounds = 0
        self._requested: set[str] = set()
        self._sitemaps = 0
        self._budget_used = 0  # requests the controller sent, against CRPV_MAX_PAGES
        self.given_up = False  # a silent site: nothing more is sent (`TimeoutsMiddleware`)
        self.home_failure: str | None = None  # how the home page failed, if it did
        self._timeouts = 0  # attempts that timed out, retries included
        self._notes: dict[str, ErrorItem] = {}  # failures met outside a response, said once
        # URLs the site itself announces (robots.txt sitemaps): their failure is an error
        # even when a CMS probe asked for the same URL first.
        self._declared: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.context.limits = HarvestLimits.from_settings(crawler.settings)
        crawler.signals.connect(spider.on_robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        return spider

    # -- start and end -----------------------------------------------------------------
    async def start(self):
        for request in [self._request(Link(self.centre.url, "home")),
                        *(self._request(Link(s.url, "source", hint=s.content))
                          for s in self.centre.sources)]:
            if request is not None:
                yield request
        profile = PROBES.get(self.centre.cms or "", PROBES["generic"])
        for path in profile:
            request = self._request(Link(self.origin + path, "probe"))
            if request is not None:
                yield request

    def on_closed(self, spider, reason):
        if spider is self:
            self.state.save_template(self.context.template)
            if reason == "finished":
                self.state.release_held()

    def on_robots_parsed(self, robotparser, request, **kwargs):
        """Sitemaps declared in robots.txt, and its Crawl-delay applied to this site's slot."""
        if urlsplit(request.url).netloc.lower() != self.netloc:
            return
        parser = getattr(robotparser, "rp", None)
        if parser is None:
            return
        delay = parser.crawl_delay(self.settings.get("USER_AGENT")) or parser.crawl_delay("*")
        if delay:
            delay = min(float(delay), self.settings.getfloat("CRPV_MAX_CRAWL_DELAY", 30.0))
            for slot in self.crawler.engine.downloader.slots.values():
                slot.delay = max(slot.delay, delay)
            self.crawler.stats.set_value("crpv/crawl_delay", delay)
        for sitemap in parser.sitemaps:
            self._declared.add(canonicalize_url(sitemap))
            req = self._request(Link(sitemap, "sitemap", source=self.origin + "/robots.txt"))
            if req is not None:
                self.crawler.engine.crawl(req)

    # -- one place that decides whether a URL is requested ---------------------------
    def _request(self, link: Link, **meta) -> Request | None:
        try:
            url = canonicalize_url(link.url)
        except ValueError:
            return None
        if not self.context.on_site(url):
            return None  # only the centre's own host, only http(s)
        target = self.state.permanent_redirect(url)
        if target and self.context.on_site(target):
            meta.setdefault("alias_of", url)  # known to move: ask for the target directly
            url = target
        role = link.role
        if role != "revisit" and self.state.recently_missing(url):
            self.crawler.stats.inc_value("crpv/skipped_missing")
            return None
        if role not in ("document", "ical", "feed", "sitemap") and is_skipped_asset(url):
            return None
        if url in self._requested:
            # Before the guard: a menu links the same agenda on every page, and each mention
            # counted against its shape's budget would call a plain site a trap.
            return None
        if role in ("page", "sitemap", "feed", "ical", "document"):
            allowed, reason = self.guard.allows(url)
            if not allowed:
                self.crawler.stats.inc_value(f"crpv/guard/{reason}")
                if reason == "shape budget exhausted":
                    self.note("trap", f"more than {self.guard.shape_budget} addresses of one "
                                       f"shape ({role}s like {url}): the rest not followed", url)
                return None
        if role == "sitemap":
            if self._sitemaps >= self.context.limits.sitemaps:
                self.note("trap", f"more than {self.context.limits.sitemaps} sitemaps: the rest "
                                   "not read", url)
                return None
            self._sitemaps += 1
        if self._budget_used >= self.context.limits.pages:
            self.note("trap", f"page budget reached ({self.context.limits.pages} requests): "
                               "the crawl stopped there", url)
            return None
        self._budget_used += 1
        self._requested.add(url)
        if role != "document":
            # Files may be large; a page or a feed this big is a trap. A calendar holding
            # years of events may be twice that: its occurrences are capped when read.
            meta.setdefault("download_maxsize",
                            self.context.limits.page_bytes * (2 if role == "ical" else 1))
        meta.update({"role": role, "hint": link.hint, "source": link.source,
                     "parent": link.parent, "link_text": link.link_text})
        if link.feed_entry is not None:
            meta["feed_entry"] = link.feed_entry
        return Request(url, callback=self.parse, errback=self.on_error, meta=meta,
                       priority=PRIORITY.get(role, 0))

    # -- dispatch --------------------------------------------------------------------
    def parse(self, response):
        if response.status == 304:
            yield from self._replay(response)
            return
        kind = sniff(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))
        read = self.adapters.get(kind)
        if read is None:
            if response.meta.get("role") != "probe":
                logger.debug("ignored %s response at %s", kind, response.url)
            return
        reading: Reading = read(response, self.context)
        if kind == "ical":
            self.state.hold_until_finished(canonicalize_url(response.url))
        # Remembered before the records go: once the item is stored its validators are used,
        # and a 304 then replays these links (a harvest killed in between would have none).
        self.state.remember_links(canonicalize_url(response.url),
                                  [link.remembered() for link in reading.links])
        yield from self._records(reading)
        for link in reading.links:
            yield from self._one_link(link)
        if not any(isinstance(r, (PageItem, DocumentItem)) for r in reading.records):
            # A listing, a feed, a calendar: its links are remembered, nothing else to store.
            # An item or a file is complete when the store has written it.
            self.state.mark_complete(canonicalize_url(response.url))
        yield from self._drain()

    def note(self, kind: str, message: str, url: str | None = None) -> None:
        """A failure met while deciding on a request: a harvest_errors row, once per message."""
        key = f"{kind}:{message.split(':')[0]}"
        if key not in self._notes:
            self._notes[key] = ErrorItem(self.centre.id, url, kind, message[:500])

    def undrained(self) -> list[ErrorItem]:
        """Notes not yet yielded: the store writes them when the spider closes (a note made
        by the last response, a signal or a give-up has no later callback to carry it)."""
        return list(self._drain())

    def on_dropped(self, request, spider):
        """A request the scheduler dropped as already seen: a redirect back to an address of
        its own chain is a loop (Scrapy's dupe filter ends it before REDIRECT_MAX_TIMES)."""
        chain = request.meta.get("redirect_urls") or []
        if spider is self and request.url in chain:
            self.note("redirect", f"redirect loop: {chain[0]} leads back to {request.url}",
                       chain[0])

    def _drain(self):
        for key, error in list(self._notes.items()):
            if error is not None:
                self._notes[key] = None  # said: never again this run
                yield error

    def _records(self, reading: Reading):
        for record in reading.records:
            if isinstance(record, PageItem):
                self.items_read.add(record.canonical_url)
                self.state.mark_seen(record.canonical_url)
            yield record

    def _one_link(self, link: Link):
        url = canonicalize_url(link.url)
        if link.role == "document" and link.parent:
            self.claimed_documents.add(url)
            self.orphan_documents.pop(url, None)
            if url in self._requested:
                # Asked for already, for another page: this page gets the stored copy too
                # (else which page holds a file shared by two would depend on their order).
                yield UnchangedDocumentItem(self.centre.id, url, link.parent)
                return
        if link.orphan:
            if self.mode == "light" and self._settled(url):
                return  # held since an earlier run: the hourly job never asks again
            if url not in self.claimed_documents:
                self.orphan_documents.setdefault(url, link)
            return  # fetched when the crawl is idle, unless an item page attaches it
        if link.calendar_events:
            self.context.calendars[url] = link.calendar_events
            if url in self.items_read:
                # The page came first: its item gets the calendar's exact times.
                yield CalendarItem(self.centre.id, url, link.calendar_events)
                return
        announced_change = False
        if link.feed_entry is not None and self.mode == "light" and self.state.known_item(url):
            if self._feed_entry_unchanged(url, link.feed_entry):
                self.state.mark_seen(url)
                yield SeenItem(self.centre.id, url)
                return
            announced_change = True  # retitled or redated: read again, even in light mode
        if link.lastmod:
            if self.state.known_item(url) and self.state.sitemap_lastmod(url) == link.lastmod:
                self.state.mark_seen(url)
                yield SeenItem(self.centre.id, url)
                return
            self.state.note_sitemap_lastmod(url, link.lastmod)
        if self.mode == "light" and self._settled(url) and not announced_change:
            yield from self._already_held(link)
            return
        request = self._request(link)
        if request is not None:
            yield request

    # -- unchanged responses and light mode ------------------------------------------
    def _replay(self, response):
        """An unchanged response: the item is still there and its links are followed again."""
        url = canonicalize_url(response.url)
        self.crawler.stats.inc_value("crpv/replayed")
        yield from self._still_held(url, response.meta.get("role"), response.meta.get("parent"))
        for row in self.state.links_of(url) or []:
            link = Link.from_memory(row)
            if self.mode == "light" and link.role == "page" and not link.hint:
                continue  # light mode follows what feeds and calendars announce, not menus
            yield from self._one_link(link)
        yield from self._drain()

    def _settled(self, url: str) -> bool:
        """Light mode: a link that an earlier run fetched whole brings nothing new. The hourly
        job is after new items; changed pages are the nightly full crawl's (conditional
        requests there cost a 304 each)."""
        row = self.state.fetches.get(canonicalize_url(url)) or self.state.fetches.get(url)
        return bool(row and row.get("status") == 200)

    def _still_held(self, url: str, role: str | None, parent: str | None):
        """What an unchanged URL stands for: a known item still published (with the sessions
        a calendar gives it), and, for a file linked by `parent`, the copy stored earlier."""
        if self.state.known_item(url):
            self.state.mark_seen(url)
            yield SeenItem(self.centre.id, url)
            if self.context.calendars.get(url):
                yield CalendarItem(self.centre.id, url, self.context.calendars[url])
        if role == "document" and parent:
            yield UnchangedDocumentItem(self.centre.id, url, parent)

    def _already_held(self, link: Link):
        """Light mode: a link fetched whole by an earlier run, taken as unchanged without
        asking for it again."""
        self.crawler.stats.inc_value("crpv/light_skipped")
        yield from self._still_held(canonicalize_url(link.url), link.role, link.parent)

    def _feed_entry_unchanged(self, url: str, entry) -> bool:
        """Light mode: a known item whose feed entry carries the same title and the same
        publication instant needs no download (a retitled post is fetched again)."""
        title, published = self.state.item_signature.get(url, (None, None))
        announced_title = html_to_text(entry.title) if entry.title and "<" in entry.title else entry.title
        if fold_words(announced_title or "") != fold_words(title or ""):
            return False
        return same_moment(entry.published, published, self.centre.timezone)

    # -- failures and the end of the crawl ---------------------------------------------
    def on_error(self, failure):
        request = failure.request
        meta = request.meta
        url = canonicalize_url(request.url)
        role = meta.get("role")
        if failure.check(OffOriginRequest):
            yield ErrorItem(self.centre.id, request.url, "redirect",
                            f"redirect to another site refused: {failure.value}"[:500])
            return
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            message = str(failure.value)
            if "max redirections" in message:
                yield ErrorItem(self.centre.id, request.url, "redirect",
                                f"redirect loop: more than {self.settings.getint('REDIRECT_MAX_TIMES')} "
                                f"redirects ({role})")
            elif "DOWNLOAD_MAXSIZE" in message or "max size" in message:
                yield ErrorItem(self.centre.id, request.url, "size", message[:500])
            return  # otherwise forbidden by robots.txt or filtered: not a failure of the site
        if failure.check(HttpError):
            status = failure.value.response.status
            if role == "home":
                self.home_failure = f"HTTP {status}"
            if status in (404, 410) and self.state.known_item(url):
                yield GoneItem(self.centre.id, url, status)
                return
            if url in self._declared:
                role = "sitemap"  # announced by robots.txt, whichever request came first
            if role == "probe" or (role == "feed" and status == 404 and meta.get("source") is None):
                return  # a CMS convention this site does not follow
            if meta.get("feed_entry") is not None and status >= 400:
                yield self._feed_only_item(request)
            yield ErrorItem(self.centre.id, request.url, "http", f"HTTP {status} ({role})")
            return
        # Cut at its announced size ("max size"), or while streaming past it (no message).
        if failure.check(DownloadCancelledError) and ("max size" in str(failure.value)
                                                      or not str(failure.value)):
            limit = meta.get("download_maxsize") or self.settings.getint("DOWNLOAD_MAXSIZE")
            yield ErrorItem(self.centre.id, request.url, "size",
                            f"{role} larger than {limit} bytes: not read")
            return
        timed_out = failure.check(TxTimeoutError, TCPTimedOutError, DownloadTimeoutError)
        yield from self._drain()
        if role == "home":
            self.home_failure = "timeout" if timed_out else "network error"
        if role == "probe":
            return
        if failure.check(DNSLookupError, CannotResolveHostError):
            kind, message = "network", "DNS lookup failed"
        elif timed_out:
            kind, message = "timeout", "request timed out"
        else:
            kind, message = "network", f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500]
        if meta.get("feed_entry") is not None:
            yield self._feed_only_item(request)
        yield ErrorItem(self.centre.id, request.url, kind, message)

    def timed_out(self, url: str) -> None:
        """One more attempt timed out (retries count: `TimeoutsMiddleware`). A site that lets
        requests time out again and again is given up for this run: each further request would
        cost the full timeout times the retries."""
        self._timeouts += 1
        if self._timeouts == self.context.limits.timeouts:
            self.given_up = True
            self.note("timeout", f"{self._timeouts} attempts timed out: the site is given up "
                                  "for this run", url)
            self.crawler.engine.close_spider(self, "gave_up")

    def _feed_only_item(self, request) -> PageItem:
        """When a feed entry's page cannot be fetched, the feed's own text still makes an item."""
        url = canonicalize_url(request.url)
        return PageItem(centre_id=self.centre.id, url=url, canonical_url=url,
                        kind_hint=request.meta.get("hint") or "news", method="feed",
                        source_url=request.meta.get("source"), fetched_at=utc_now(),
                        feed_entry=request.meta["feed_entry"])

    def on_idle(self):
        """Before closing: documents found only on listings, then known items not met.

        A round that has nothing to ask for goes straight on to the next: raising
        DontCloseSpider with nothing scheduled would leave the crawl idle until Scrapy's
        next heartbeat (5 s), holding its place among the centres crawled at once."""
        while self._idle_rounds < 2:
            self._idle_rounds += 1
            requests = self._idle_requests(self._idle_rounds)
            if requests:
                for req in requests:
                    self.crawler.engine.crawl(req)  # schedules the engine's next call
                raise DontCloseSpider

    def _idle_requests(self, round_: int) -> list[Request]:
        requests = []
        if round_ == 1:
            for url, link in sorted(self.orphan_documents.items()):
                if url not in self.claimed_documents:
                    req = self._request(link)
                    if req is not None:
                        requests.append(req)
        if round_ == 2 and self.mode == "full":
            for url in self.state.unseen_item_urls():
                req = self._request(Link(url, "revisit"))
                if req is not None:
                    requests.append(req)
        return requests


def same_moment(announced: str | None, stored: str | None, timezone: str) -> bool:
    """Whether a feed's date and a stored one say the same: the same instant when both
    carry a time, else the same day in the centre's zone (a date-only page and its feed)."""
    if not announced or not stored:
        return False
    try:
        first, second = datetime.fromisoformat(announced), datetime.fromisoformat(stored)
    except ValueError:
        return False
    timed = "T" in announced and "T" in stored
    if timed and first.tzinfo and second.tzinfo:
        return first == second

    def day(value: datetime) -> date:
        return value.astimezone(ZoneInfo(timezone)).date() if value.tzinfo else value.date()

    return day(first) == day(second)
