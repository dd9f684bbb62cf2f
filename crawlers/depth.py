"""Scrapy's depth limit, as a crawl of a centre needs it.

Two changes: the next page of a listing is as deep as the listing (an archive of fifteen
pages is one level of the site, not fifteen: Scrapy's count stopped it at DEPTH_LIMIT and the
articles of the last pages were never met), and a link dropped at the limit is a `trap` row,
where Scrapy drops it with a debug line and the run said `completed`. An endless pagination
is bounded by the page budget (CRPV_MAX_PAGES), a `trap` row too. The months of an endless
calendar are dropped silently, as the crawl guard does: the agenda's window bounds them, and
a calendar reaching the limit is no sign of a missed article.
"""

from __future__ import annotations

from scrapy.spidermiddlewares.depth import DepthMiddleware

from crawlers.discovery import is_calendar_page
from normalize.page import is_pagination_of


class ListingDepthMiddleware(DepthMiddleware):
    def get_processed_request(self, request, response):
        if response is None:
            return request  # start requests
        depth = response.meta["depth"] + (0 if is_pagination_of(request.url, response.url) else 1)
        request.meta["depth"] = depth
        if self.prio:
            request.priority -= depth * self.prio
        if self.maxdepth and depth > self.maxdepth:
            self.stats.inc_value("depth/request_ignored_count")
            note = getattr(self.crawler.spider, "note", None)
            if note is not None and not is_calendar_page(request.url):
                note("trap", f"links deeper than DEPTH_LIMIT ({self.maxdepth}) not followed: "
                             f"{request.url} and maybe more", request.url)
            return None
        self.stats.max_value("request_depth_max", depth)
        return request
