"""Downloader middlewares: the centre's origin only, conditional requests and the fetch
ledger, permanent redirects remembered."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest

from normalize.urls import canonicalize_url


class OffOriginRequest(IgnoreRequest):
    """A request (a redirect, mostly) that leaves the centre's site: another host, or the
    same host on another port."""


class _CrawlerMiddleware:
    """A downloader middleware that reads the running spider through its crawler."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class OriginGuardMiddleware(_CrawlerMiddleware):
    """Only the registry's origin is ever asked: Scrapy's offsite filter compares host names,
    so a redirect to the same address on another port would pass it."""

    def process_request(self, request, spider=None):
        context = getattr(self.crawler.spider, "context", None)
        if context is None or context.on_site(request.url):
            return None
        origin = request.meta.get("redirect_urls", [request.url])[0]
        raise OffOriginRequest(f"{request.url} is not on the centre's site"
                               + (f" (redirected from {origin})" if origin != request.url else ""))


class TimeoutsMiddleware(_CrawlerMiddleware):
    """Counts every attempt that times out, retries included (it sits after the retry
    middleware on the way in, so it sees each attempt's exception first on the way out)."""

    def process_request(self, request, spider=None):
        """Once the site is given up, what was already queued (the requests robots.txt held
        back, mostly) is not sent: each would cost the full timeout again."""
        if getattr(self.crawler.spider, "given_up", False):
            raise IgnoreRequest("the site was given up after its timeouts")
        return None

    def process_exception(self, request, exception, spider=None):
        from scrapy.exceptions import DownloadTimeoutError
        from twisted.internet.error import TCPTimedOutError, TimeoutError as TxTimeoutError

        if isinstance(exception, (TxTimeoutError, TCPTimedOutError, DownloadTimeoutError)):
            counter = getattr(self.crawler.spider, "timed_out", None)
            if counter is not None:
                counter(request.url)
        return None


class ConditionalRequestsMiddleware(_CrawlerMiddleware):
    """Adds If-None-Match / If-Modified-Since for every URL fetched before, and records
    the validators, size and hash of every response in `fetch_state`.

    robots.txt is always fetched in full: a 304 would reach Scrapy's robots parser as an
    empty body, which means "everything allowed".
    """

    def _state(self):
        spider = self.crawler.spider
        return getattr(spider, "state", None)

    @staticmethod
    def _exempt(request) -> bool:
        return (
            request.meta.get("dont_obey_robotstxt")
            or urlsplit(request.url).path == "/robots.txt"
            or request.meta.get("unconditional")
        )

    def process_request(self, request, spider=None):
        state = self._state()
        if state is None or self._exempt(request):
            return None
        for name, value in state.conditional_headers(canonicalize_url(request.url)).items():
            request.headers.setdefault(name, value)
        return None

    def process_response(self, request, response, spider=None):
        state = self._state()
        if state is not None and not self._exempt(request) and response.status not in (301, 302, 303, 307, 308):
            headers = {
                "etag": _text(response.headers.get("ETag")),
                "last-modified": _text(response.headers.get("Last-Modified")),
            }
            state.record_response(canonicalize_url(response.url), response.status, headers, response.body)
            stats = self.crawler.stats
            if response.status == 304:
                stats.inc_value("crpv/not_modified")
        return response


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


class PermanentRedirectsMiddleware(_CrawlerMiddleware):
    """Remembers 301/308 answers so the next harvest asks for the target directly.

    It sits before Scrapy's RedirectMiddleware on the way back (a higher number), because
    the redirected request may then be dropped as a duplicate and never reach a callback.
    """

    def process_response(self, request, response, spider=None):
        state = getattr(self.crawler.spider, "state", None)
        location = response.headers.get("Location")
        if state is not None and response.status in (301, 308) and location:
            state.record_redirect(canonicalize_url(request.url), response.status,
                                  canonicalize_url(urljoin(request.url, _text(location))))
        return response
