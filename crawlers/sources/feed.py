"""RSS, Atom and JSON feeds: each entry on the centre's host is a link to its page (or file)."""

from __future__ import annotations

from urllib.parse import urljoin

from crawlers.discovery import section_kind
from crawlers.items import ErrorItem
from crawlers.sources import Link, Reading
from normalize.feeds import read_feed
from normalize.urls import canonicalize_url, is_document_url


def read(response, context) -> Reading:
    content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
    feed = read_feed(response.body, response.url, content_type)
    reading = Reading()
    if feed.problem:
        reading.records.append(ErrorItem(context.id, response.url, "feed",
                                         f"malformed feed read as far as possible: {feed.problem}"))
    hint = response.meta.get("hint") or section_kind(response.url)
    for entry in feed.entries:
        if not entry.link:
            continue
        try:
            url = canonicalize_url(urljoin(response.url, entry.link))
        except ValueError:
            continue
        if not context.on_site(url):
            continue  # relayed from elsewhere: that centre's own harvest has it
        if is_document_url(url):
            reading.links.append(Link(url, "document", hint="document", source=response.url,
                                      link_text=entry.title))
        else:
            reading.links.append(Link(url, "page", hint=hint or section_kind(url),
                                      source=response.url, feed_entry=entry))
    return reading
