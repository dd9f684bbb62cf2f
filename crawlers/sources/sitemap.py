"""XML sitemaps and sitemap indexes: every URL of the site, with its lastmod."""

from __future__ import annotations

from urllib.parse import urljoin

from crawlers.discovery import section_kind
from crawlers.sources import Link, Reading
from normalize.feeds import read_sitemap
from normalize.urls import canonicalize_url, is_document_url


def read(response, context) -> Reading:
    sitemap = read_sitemap(response.body)
    reading = Reading()
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
