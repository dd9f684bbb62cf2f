"""The one spider: harvests a centre's site from its home URL and registry hints.

It discovers feeds (`<link rel=alternate>`, CMS conventions), sitemaps (robots.txt,
conventional paths), iCalendar exports, listings and their pagination, detail pages
and the documents they link, then yields raw items (`crawlers/items.py`). It decides
what a response *is*; everything else (dates, places, themes, ids) is normalised in
the pipelines.

Modes: `full` explores the whole site; `light` reads only feeds, calendars and
sitemaps and the pages they announce. Both send conditional requests (see
`crawlers/middlewares.py`) and, on 304, replay the links remembered for the page.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import date
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError as TxTimeoutError

from crawlers.discovery import (
    PROBES, SECTION_WORDS, CrawlGuard, is_document_url, is_ical_url, is_skipped_asset, section_kind, sniff,
)
from crawlers.items import DocumentItem, ErrorItem, GoneItem, PageItem, SeenItem, UnchangedDocumentItem
from crawlers.registry import Centre
from crawlers.state import HarvestState, utc_now
from normalize.feeds import read_feed, read_sitemap
from normalize.html import decode_html, extract_page
from normalize.ics import CalendarError, parse_calendar
from normalize.prose import event_sentence, split_when_where
from normalize.urls import canonicalize_url

logger = logging.getLogger(__name__)

# Request priorities: sources that list many items first, so their hints reach the
# detail pages before a menu link does; the endless tail of a site last.
PRIORITY = {"robots": 100, "ical": 60, "feed": 50, "sitemap": 45, "source": 40,
            "probe": 35, "home": 30, "page": 10, "document": 5, "revisit": 0}
# Keys of request meta worth remembering for a replay after a 304.
REPLAY_KEYS = ("role", "hint", "parent", "link_text", "source")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/feed+json", "text/xml", "application/xml")


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
        parts = urlsplit(centre.url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.netloc = parts.netloc.lower()
        self.allowed_domains = [parts.hostname]
        self.guard = CrawlGuard(today or date.today())
        self.calendar_by_url: dict[str, list] = {}
        self.items_by_url: dict[str, PageItem] = {}
        self.claimed_documents: set[str] = set()
        self.orphan_documents: dict[str, dict] = {}
        self._idle_rounds = 0
        self._requested: set[str] = set()
        # URLs the site itself announces (robots.txt sitemaps): their failure is an error
        # even when a CMS probe asked for the same URL first.
        self._declared: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    # -- start ---------------------------------------------------------------------
    async def start(self):
        for request in [self._request(self.centre.url, role="home"),
                        *(self._request(s.url, role="source", hint=s.content) for s in self.centre.sources)]:
            if request is not None:
                yield request
        profile = PROBES.get(self.centre.cms or "", PROBES["generic"])
        for path in profile:
            request = self._request(self.origin + path, role="probe")
            if request is not None:
                yield request

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
            req = self._request(sitemap, role="sitemap", source=self.origin + "/robots.txt")
            if req is not None:
                self.crawler.engine.crawl(req)

    # -- one place that decides whether a URL is requested ---------------------------
    def _request(self, url: str, role: str, hint: str | None = None, source: str | None = None,
                 parent: str | None = None, link_text: str | None = None, **meta) -> Request | None:
        url = canonicalize_url(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != self.netloc:
            return None  # only the centre's own host, only http(s)
        target = self.state.permanent_redirect(url)
        if target and urlsplit(target).netloc.lower() == self.netloc:
            meta.setdefault("alias_of", url)  # known to move: ask for the target directly
            url = target
        if role != "revisit" and self.state.recently_missing(url):
            self.crawler.stats.inc_value("crpv/skipped_missing")
            return None
        if role not in ("document", "ical", "feed", "sitemap") and is_skipped_asset(url):
            return None
        if role == "page":
            allowed, reason = self.guard.allows(url)
            if not allowed:
                self.crawler.stats.inc_value(f"crpv/guard/{reason}")
                return None
        if url in self._requested:
            return None
        self._requested.add(url)
        meta.update({"role": role, "hint": hint, "source": source, "parent": parent,
                     "link_text": link_text})
        return Request(url, callback=self.parse, errback=self.on_error, meta=meta,
                       priority=PRIORITY.get(role, 0))

    # -- dispatch --------------------------------------------------------------------
    def parse(self, response):
        meta = response.meta
        if response.status == 304:
            yield from self._replay(response)
            return
        kind = sniff(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))
        if kind == "feed":
            yield from self.parse_feed(response)
        elif kind == "sitemap":
            yield from self.parse_sitemap(response)
        elif kind == "ical":
            yield from self.parse_ical(response)
        elif kind in ("pdf", "office"):
            yield from self.parse_document(response)
        elif kind == "html":
            yield from self.parse_html(response)
        elif meta.get("role") not in ("probe",):
            logger.debug("ignored %s response at %s", kind, response.url)

    def _replay(self, response):
        """An unchanged response: the item is still there and its links are followed again."""
        url = canonicalize_url(response.url)
        self.crawler.stats.inc_value("crpv/replayed")
        yield from self._still_held(url, response.meta.get("role"), response.meta.get("parent"))
        for link in self.state.links_of(url) or []:
            role = link.get("role") or "page"
            if self.mode == "light":
                if role == "page" and not link.get("hint"):
                    continue  # light mode follows what feeds and calendars announce, not menus
                if self._settled(link["url"]):
                    yield from self._already_held(link)
                    continue
            req = self._request(link["url"], role=role, hint=link.get("hint"),
                                source=link.get("source"), parent=link.get("parent"),
                                link_text=link.get("link_text"))
            if req is not None:
                if role == "document" and link.get("parent"):
                    self.claimed_documents.add(req.url)
                yield req

    def _settled(self, url: str) -> bool:
        """Light mode: a link of an unchanged page that an earlier run fetched whole brings
        nothing new. The hourly job is after new items; changed pages are the nightly
        full crawl's (conditional requests there cost a 304 each)."""
        row = self.state.fetches.get(canonicalize_url(url)) or self.state.fetches.get(url)
        return bool(row and row.get("status") == 200)

    def _still_held(self, url: str, role: str | None, parent: str | None):
        """What an unchanged URL stands for: a known item still published, and, for a file
        linked by `parent`, the copy stored earlier."""
        if self.state.known_item(url):
            self.state.mark_seen(url)
            yield SeenItem(self.centre.id, url)
        if role == "document" and parent:
            yield UnchangedDocumentItem(self.centre.id, url, parent)

    def _already_held(self, link: dict):
        """Light mode: a link fetched whole by an earlier run, taken as unchanged without
        asking for it again."""
        self.crawler.stats.inc_value("crpv/light_skipped")
        yield from self._still_held(canonicalize_url(link["url"]), link.get("role"), link.get("parent"))

    def _follow(self, response, links: list[dict]):
        """Request `links` and remember them for a replay of this response."""
        self.state.remember_links(canonicalize_url(response.url), links)
        for link in links:
            if self.mode == "light" and self._settled(link["url"]):
                yield from self._already_held(link)
                continue
            req = self._request(link["url"], role=link["role"], hint=link.get("hint"),
                                source=link.get("source"), parent=link.get("parent"),
                                link_text=link.get("link_text"))
            if req is not None:
                yield req

    # -- feeds, sitemaps, calendars ----------------------------------------------------
    def parse_feed(self, response):
        feed = read_feed(response.body, response.url,
                         response.headers.get("Content-Type", b"").decode("latin-1") or None)
        if feed.problem:
            yield ErrorItem(self.centre.id, response.url, "feed", f"malformed feed read as far as possible: {feed.problem}")
        hint = response.meta.get("hint") or section_kind(response.url)
        links = []
        for entry in feed.entries:
            if not entry.link:
                continue
            link = canonicalize_url(urljoin(response.url, entry.link))
            if urlsplit(link).netloc.lower() != self.netloc:
                continue  # relayed from elsewhere: that centre's own harvest has it
            if self._feed_entry_unchanged(link, entry):
                self.state.mark_seen(link)
                yield SeenItem(self.centre.id, link)
                continue
            entry_hint = hint or section_kind(link)
            if is_document_url(link):
                self.claimed_documents.add(link)
                links.append({"url": link, "role": "document", "hint": "document",
                              "source": response.url, "link_text": entry.title})
                continue
            req = self._request(link, role="page", hint=entry_hint, source=response.url,
                                feed_entry=entry)
            if req is not None:
                yield req
            links.append({"url": link, "role": "page", "hint": entry_hint, "source": response.url})
        # Remembered so that a 304 on the feed still reaches every entry's page.
        self.state.remember_links(canonicalize_url(response.url), links)
        for link in links:
            if link["role"] == "document":
                req = self._request(link["url"], role="document", hint="document",
                                    source=response.url, link_text=link.get("link_text"))
                if req is not None:
                    yield req

    def _feed_entry_unchanged(self, link: str, entry) -> bool:
        """A known item whose feed entry carries the same date and title needs no download."""
        if self.mode != "light" or not self.state.known_item(link):
            return False
        stored = self.state.item_lastmod.get(link)
        announced = entry.updated_raw or entry.published_raw
        return bool(stored and announced and entry.published and stored[:10] == (entry.published or "")[:10])

    def parse_sitemap(self, response):
        sitemap = read_sitemap(response.body)
        links = [{"url": u, "role": "sitemap", "source": response.url} for u in sitemap.sitemaps]
        for loc, lastmod in sitemap.urls:
            url = canonicalize_url(urljoin(response.url, loc))
            if urlsplit(url).netloc.lower() != self.netloc:
                continue
            if lastmod and self.state.known_item(url):
                previous = (self.state.fetches.get(url) or {}).get("sitemap_lastmod")
                if previous == lastmod:
                    self.state.mark_seen(url)
                    yield SeenItem(self.centre.id, url)
                    continue
            if lastmod:
                self.state.db["fetch_state"].upsert(
                    {"url": url, "centre_id": self.centre.id, "sitemap_lastmod": lastmod},
                    pk="url", alter=False,
                )
                self.state.fetches.setdefault(url, {"url": url, "centre_id": self.centre.id})["sitemap_lastmod"] = lastmod
            role = "document" if is_document_url(url) else "page"
            if role == "document":
                self.claimed_documents.add(url)
            links.append({"url": url, "role": role, "hint": section_kind(url), "source": response.url})
        yield from self._follow(response, links)

    def parse_ical(self, response):
        today = self.guard.today
        from datetime import timedelta

        try:
            # Occurrences from a month back to six months ahead: the agenda's horizon.
            events = parse_calendar(response.body, self.centre.timezone,
                                    today - timedelta(days=30), today + timedelta(days=180))
        except CalendarError as exc:
            yield ErrorItem(self.centre.id, response.url, "ical", str(exc))
            return
        links = []
        standalone: dict[str, list] = {}
        for event in events:
            if event.url and urlsplit(urljoin(response.url, event.url)).netloc.lower() == self.netloc:
                url = canonicalize_url(urljoin(response.url, event.url))
                self.calendar_by_url.setdefault(url, []).append(event)
            else:
                standalone.setdefault(event.uid or event.summary, []).append(event)
        for url, occurrences in self.calendar_by_url.items():
            done = self.items_by_url.get(url)
            if done is not None:
                # The page came first: send it again with the calendar's exact times.
                done.calendar_events = occurrences
                yield done
            else:
                links.append({"url": url, "role": "page", "hint": "event", "source": response.url})
        for uid, occurrences in standalone.items():
            yield PageItem(
                centre_id=self.centre.id, url=response.url,
                canonical_url=f"{canonicalize_url(response.url)}#{uid}", kind_hint="event",
                method="ical", source_url=response.url, fetched_at=utc_now(),
                calendar_events=occurrences,
            )
        yield from self._follow(response, links)

    # -- documents ------------------------------------------------------------------
    def parse_document(self, response):
        meta = response.meta
        yield DocumentItem(
            centre_id=self.centre.id,
            file_url=canonicalize_url(response.url),
            parent_url=meta.get("parent"),
            body=response.body,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
            link_text=meta.get("link_text"),
            source_url=meta.get("source"),
            fetched_at=utc_now(),
        )

    # -- HTML pages -------------------------------------------------------------------
    def parse_html(self, response):
        meta = response.meta
        role = meta.get("role")
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        html = decode_html(response.body, _charset(content_type))
        try:
            facts = extract_page(html, response.url)
        except Exception as exc:  # a hostile page must not stop the harvest
            yield ErrorItem(self.centre.id, response.url, "parse", f"page could not be read: {exc!r}"[:500])
            return
        url = canonicalize_url(response.url)
        canonical = canonicalize_url(urljoin(response.url, facts.canonical_url or response.url))
        if urlsplit(canonical).netloc.lower() != self.netloc:
            canonical = url  # a canonical link to another host is not trusted
        previous = set(meta.get("redirect_urls", [])) | ({meta["alias_of"]} if meta.get("alias_of") else set())
        # Drupal's /node/N and WordPress's /?p=N announce themselves as shortlinks.
        previous |= {urljoin(response.url, href) for href in response.css(
            "link[rel~=shortlink]::attr(href)").getall()
            if urlsplit(urljoin(response.url, href)).netloc.lower() == self.netloc}
        aliases = sorted({canonicalize_url(u) for u in previous} | {url} - {canonical})

        if role == "home" or role == "probe":
            yield from self._discover_sources(response)

        hint = meta.get("hint") or section_kind(canonical)
        documents = _merge_links(facts.document_links, _content_document_links(response))
        facts.document_links = documents
        if not facts.date_text and (category_kind(facts.categories) or hint) == "event":
            # No date block: the event's date and place are in a sentence of the body.
            sentence = event_sentence(facts.body_text or "")
            if sentence:
                facts.date_text, place = split_when_where(sentence)
                facts.place_text = facts.place_text or place
        teasers = _teaser_count(response, canonical)
        paginated = bool(teasers) and _paginates(response, canonical)
        kind = classify(facts, canonical, hint, role, self.origin, teasers, paginated)
        links: list[dict] = []
        if kind is not None:
            item = PageItem(
                centre_id=self.centre.id, url=url, canonical_url=canonical, kind_hint=kind,
                method="feed" if meta.get("feed_entry") is not None else
                       "ical" if canonical in self.calendar_by_url else
                       "sitemap" if (meta.get("source") or "").endswith(".xml") else "html",
                source_url=meta.get("source"), fetched_at=utc_now(), facts=facts,
                aliases=aliases, feed_entry=meta.get("feed_entry"),
                calendar_events=self.calendar_by_url.get(canonical, []),
                etag=_header(response, "ETag"), last_modified=_header(response, "Last-Modified"),
            )
            self.items_by_url[canonical] = item
            self.state.mark_seen(canonical)
            yield item
            for doc_url, text in facts.document_links:
                doc_url = canonicalize_url(urljoin(response.url, doc_url))
                self.claimed_documents.add(doc_url)
                self.orphan_documents.pop(doc_url, None)
                links.append({"url": doc_url, "role": "document", "parent": canonical,
                              "link_text": text, "source": canonical})
        if self.mode == "full" or role in ("home", "source"):
            links.extend(self._page_links(response, facts, kind, hint, canonical))
        yield from self._follow(response, links)

    def _discover_sources(self, response):
        """Feeds and calendars a page announces in its head or links."""
        for link in response.css("link[rel~=alternate][href]"):
            mime = (link.attrib.get("type") or "").lower()
            href = urljoin(response.url, link.attrib["href"])
            if mime in FEED_TYPES or "rss" in mime or "atom" in mime:
                req = self._request(href, role="feed", source=response.url)
                if req is not None:
                    yield req
            elif "calendar" in mime:
                req = self._request(href, role="ical", source=response.url)
                if req is not None:
                    yield req

    def _page_links(self, response, facts, kind, hint, canonical) -> list[dict]:
        """Links worth following from a page, with the role and hint they carry."""
        is_listing = kind is None
        child_hint = hint if is_listing else None
        links = []
        for anchor in response.css("a[href]"):
            href = (anchor.attrib.get("href") or "").strip()
            if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
                continue
            if href.startswith("webcal://"):
                href = "http://" + href[len("webcal://"):]
            absolute = canonicalize_url(urljoin(response.url, href))
            if urlsplit(absolute).netloc.lower() != self.netloc or absolute == canonical:
                continue
            rel = (anchor.attrib.get("rel") or "").lower()
            if "nofollow" in rel and not (is_ical_url(absolute) or _is_pagination_of(absolute, canonical)):
                continue  # SPIP marks its own pagination nofollow: that one is followed
            text = " ".join(anchor.css("::text").getall()).strip()[:300]
            if is_ical_url(absolute):
                links.append({"url": absolute, "role": "ical", "source": canonical})
            elif is_document_url(absolute):
                if is_listing and absolute not in self.claimed_documents:
                    self.orphan_documents.setdefault(
                        absolute, {"url": absolute, "role": "document", "hint": "document",
                                   "link_text": text, "source": canonical})
            elif _is_feed_link(absolute):
                links.append({"url": absolute, "role": "feed", "source": canonical})
            else:
                links.append({"url": absolute, "role": "page",
                              "hint": section_kind(absolute) or child_hint, "source": canonical})
        return links

    # -- failures and the end of the crawl ---------------------------------------------
    def on_error(self, failure):
        request = failure.request
        meta = request.meta
        url = canonicalize_url(request.url)
        role = meta.get("role")
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # forbidden by robots.txt or filtered: not a failure of the site
        if failure.check(HttpError):
            status = failure.value.response.status
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
        if role == "probe":
            return
        if failure.check(DNSLookupError):
            kind, message = "network", "DNS lookup failed"
        elif failure.check(TxTimeoutError, TCPTimedOutError):
            kind, message = "timeout", "request timed out"
        else:
            kind, message = "network", f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500]
        if meta.get("feed_entry") is not None:
            yield self._feed_only_item(request)
        yield ErrorItem(self.centre.id, request.url, kind, message)

    def _feed_only_item(self, request) -> PageItem:
        """When a feed entry's page cannot be fetched, the feed's own text still makes an item."""
        entry = request.meta["feed_entry"]
        url = canonicalize_url(request.url)
        return PageItem(centre_id=self.centre.id, url=url, canonical_url=url,
                        kind_hint=request.meta.get("hint") or "news", method="feed",
                        source_url=request.meta.get("source"), fetched_at=utc_now(),
                        feed_entry=entry)

    def on_idle(self):
        """Before closing: documents found only on listings, then known items not met."""
        if self._idle_rounds >= 2:
            return
        self._idle_rounds += 1
        requests = []
        if self._idle_rounds == 1:
            for url, link in sorted(self.orphan_documents.items()):
                if url not in self.claimed_documents:
                    req = self._request(url, role="document", hint="document",
                                        source=link.get("source"), link_text=link.get("link_text"))
                    if req is not None:
                        requests.append(req)
        if self._idle_rounds == 2 and self.mode == "full":
            for url in self.state.unseen_item_urls():
                req = self._request(url, role="revisit")
                if req is not None:
                    requests.append(req)
        for req in requests:
            self.crawler.engine.crawl(req)
        if requests or self._idle_rounds == 1:
            raise DontCloseSpider


def classify(facts, url: str, hint: str | None, role: str | None, origin: str,
             teasers: int = 0, paginated: bool = False) -> str | None:
    """What an HTML page is: 'news', 'event', 'document', or None for a non-item page
    (home, listing, taxonomy, contact…). Structure first, then hints, then URL words."""
    path = urlsplit(url).path
    if role == "home" or (path in ("", "/") and not urlsplit(url).query):
        return None
    page_type = facts.page_type
    if not facts.date_text and (
            page_type is None and (teasers >= 3 or len(facts.document_links) >= 3)
            or page_type in (None, "article") and paginated):
        # A list of teasers or of files without the markers of a CMS archive, or any page
        # of a paginated list (the last one may hold a single teaser).
        return None
    types = {str(t).lower() for obj in facts.jsonld or [] for t in _types(obj)}
    if page_type == "listing":
        return None
    if page_type == "event" or any(t.endswith("event") for t in types):
        return "event"
    if page_type == "document":
        return "document"
    has_dates = bool(facts.published or facts.date_text)
    # The CMS's own category or breadcrumb ("Publications", "Agenda") outweighs a menu hint.
    hint = category_kind(facts.categories) or hint
    if page_type == "article" or types & {"newsarticle", "article", "blogposting", "report"}:
        if hint == "event" and facts.date_text:
            return "event"
        if hint == "document" and facts.document_links:
            return "document"
        # A dated article is news; an undated one is a standing page (contact, about…).
        return "news" if has_dates else None
    if role in ("page", "revisit") and facts.title and (has_dates or len(facts.body_text or "") > 400):
        if hint == "event" and facts.date_text:
            return "event"
        if hint == "document" and facts.document_links:
            return "document"
        if hint in ("news", None) and facts.published:
            return "news"
    return None


def category_kind(categories) -> str | None:
    """The kind a page's categories or breadcrumb point to ("Publications" → document)."""
    for label in categories or []:
        words = re.split(r"[^a-z0-9_-]+", _fold(label))
        for kind in ("document", "event", "news"):
            if any(word in SECTION_WORDS[kind] for word in words):
                return kind
    return None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _types(obj) -> list:
    if not isinstance(obj, dict):
        return []
    value = obj.get("@type") or []
    found = value if isinstance(value, list) else [value]
    for nested in obj.get("@graph", []) or []:
        found.extend(_types(nested))
    return found


# Where an item's own attachments live; navigation and footers are left out on purpose
# (a footer link to the annual report is not an attachment of every page).
CONTENT_REGIONS = ("article", "main", "[role=main]", ".entry-content", ".node__content",
                   "#content", ".content", ".texte", ".post", ".fiche")


def _teaser_count(response, canonical: str) -> int:
    """Links to other pages of the site with a headline-long text, in the main region:
    three or more make a listing rather than an item."""
    for region in CONTENT_REGIONS:
        nodes = response.css(region)
        if not nodes:
            continue
        targets = set()
        for anchor in nodes[0].css("a[href]"):
            text = " ".join(anchor.css("::text").getall()).strip()
            href = canonicalize_url(urljoin(response.url, anchor.attrib["href"].strip()))
            if len(text) >= 20 and href != canonical and not is_document_url(href) \
                    and urlsplit(href).netloc == urlsplit(canonical).netloc:
                targets.add(href)
        return len(targets)
    return 0


_PAGE_PARAM = re.compile(r"(?:^|&)(?:page|paged|pg|start|offset|debut_[a-z_]+)=\d+")
_PAGE_PATH = re.compile(r"/page/\d+/?$")


def _is_pagination_of(url: str, page: str) -> bool:
    """`url` is another page of the list `page` (same path, a page number changes)."""
    here, there = urlsplit(page), urlsplit(url)
    if there.netloc != here.netloc:
        return False
    if _PAGE_PATH.search(there.path):
        return _PAGE_PATH.sub("/", there.path) == _PAGE_PATH.sub("/", here.path)
    return there.path == here.path and bool(_PAGE_PARAM.search(there.query))


def _paginates(response, canonical: str) -> bool:
    """Whether the page links to other pages of the same list (?page=N, /page/N/,
    SPIP debut_articles=N) — post-to-post navigation does not count."""
    return any(_is_pagination_of(urljoin(response.url, href.strip()), canonical)
               for href in response.css("a[href]::attr(href)").getall())


def _content_document_links(response) -> list[tuple[str, str]]:
    """Document links (PDF, office files) inside the page's main content region."""
    for region in CONTENT_REGIONS:
        nodes = response.css(region)
        if not nodes:
            continue
        found = []
        for anchor in nodes[0].css("a[href]"):
            href = urljoin(response.url, anchor.attrib["href"].strip())
            if is_document_url(href):
                found.append((href, " ".join(anchor.css("::text").getall()).strip()[:300]))
        return found
    return []


def _merge_links(*groups) -> list[tuple[str, str]]:
    merged: dict[str, str] = {}
    for group in groups:
        for url, text in group or []:
            merged.setdefault(url, text)
    return list(merged.items())


def _is_feed_link(url: str) -> bool:
    path = urlsplit(url).path.lower()
    query = urlsplit(url).query.lower()
    return path.endswith(("/feed/", "/feed", "rss.xml", "atom.xml", ".rss")) or "page=backend" in query


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
