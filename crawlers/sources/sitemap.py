"""XML sitemaps and sitemap indexes: every URL of the site, with its lastmod."""

from __future__ import annotations

from urllib.parse import urljoin

from crawlers.discovery import section_kind
from crawlers.items import ErrorItem
from crawlers.sources import Link, Reading
from normalize.feeds import read_sitemap
from normalize.urls import canonicalize_url, is_document_url


def read(response, context) -> Reading:
    sitemap = read_sitemap(response.body)  # entities never expanded (lxml resolve_entities=False)
    reading = Reading()
    if b"<!entity" in _prolog(response.body).lower():
        # No sitemap needs entities; a DTD declaring them is a billion-laughs bomb or junk.
        reading.records.append(ErrorItem(context.id, response.url, "parse",
                                         "sitemap declares XML entities: read without expanding them"))
    for loc in sitemap.sitemaps:
        reading.links.append(Link(loc, "sitemap", source=response.url))
    for loc, lastmod in sitemap.urls:
        try:
            url = canonicalize_url(urljoin(response.url, loc))
        except ValueError:
            continue
        if not context.on_site(url):
            continue
        role = "document" if is_document_url(url) else "page"
        reading.links.append(Link(url, role, hint=section_kind(url), source=response.url,
                                  lastmod=lastmod))
    return reading


def _prolog(body: bytes) -> bytes:
    """What comes before the root element, where a DTD and its entities are declared."""
    head = body[:65536]
    for root in (b"<urlset", b"<sitemapindex"):
        at = head.find(root)
        if at >= 0:
            return head[:at]
    return head
