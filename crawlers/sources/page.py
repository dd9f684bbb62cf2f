"""HTML pages: the item a page is (if any), the files it attaches, the feeds it announces and
the links to follow. The page is parsed once; its text blocks also teach the site template.
"""

from __future__ import annotations

from itertools import islice
from typing import Iterator
from urllib.parse import urljoin, urlsplit

from crawlers.classify import classify
from crawlers.discovery import is_ical_url, section_kind
from crawlers.items import ErrorItem, PageItem
from crawlers.sources import Link, Reading
from crawlers.state import utc_now
from normalize.html import decode_html
from normalize.page import canonical_url, extract_page, is_pagination_of, parse_page
from normalize.template import page_blocks
from normalize.urls import canonicalize_url, is_document_url

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/feed+json", "text/xml", "application/xml")
_SKIPPED_SCHEMES = ("#", "mailto:", "tel:", "javascript:", "data:")
LEARN_FROM_PAGES = 300  # pages of one run that teach the site template


def read(response, context) -> Reading:
    meta = response.meta
    role = meta.get("role")
    reading = Reading()
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    html = decode_html(response.body, _charset(content_type))
    url = canonicalize_url(response.url)
    try:
        doc = parse_page(html)
        anchors = sum(1 for _ in doc.iter("a"))
        if anchors > context.limits.links_per_page:
            return _link_farm(doc, response, context, url, anchors)
        body = doc.find("body")
        # A page teaches the template first, so that judging it leaves itself out; it is
        # known there by the canonical address it declares, as `extract_page` names it. A
        # template is learned from a few hundred pages: beyond, reading every page's lines
        # again would cost time and teach nothing.
        if context.observed < LEARN_FROM_PAGES or role == "home":
            context.observed += 1
            context.template.observe(canonical_url(doc, response.url),
                                     page_blocks(body if body is not None else doc, url),
                                     home=role == "home")
        facts = extract_page(html, response.url, context.page_context(), doc=doc)
    except Exception as exc:  # noqa: BLE001 - a hostile page must not stop the harvest
        reading.records.append(ErrorItem(context.id, response.url, "parse",
                                         f"page could not be read: {exc!r}"[:500]))
        return reading
    canonical = _on_site(context, response.url, facts.canonical_url) or url
    aliases = _aliases(response, doc, context, url, canonical)
    if role in ("home", "probe"):
        reading.links.extend(_announced_sources(doc, response.url, context))
    hint = meta.get("hint") or section_kind(canonical)
    kind = classify(facts, canonical, hint, role)
    if kind is not None:
        entry = meta.get("feed_entry")
        calendar = context.calendars.get(canonical, [])
        reading.records.append(PageItem(
            centre_id=context.id, url=url, canonical_url=canonical, kind_hint=kind,
            method="feed" if entry is not None else "ical" if calendar else
                   "sitemap" if (meta.get("source") or "").endswith(".xml") else "html",
            source_url=meta.get("source"), fetched_at=utc_now(), facts=facts,
            aliases=aliases, feed_entry=entry, calendar_events=list(calendar),
            etag=_header(response, "ETag"), last_modified=_header(response, "Last-Modified"),
        ))
        reading.item_url = canonical
        for doc_url, text in facts.document_links:
            try:
                doc_url = canonicalize_url(urljoin(response.url, doc_url))
            except ValueError:
                continue
            reading.links.append(Link(doc_url, "document", parent=canonical, link_text=text,
                                      source=canonical))
    if context.mode == "full" or role in ("home", "source"):
        # No more links than anchors, and a page with more anchors than the budget is a
        # `_link_farm`: the budget holds here.
        reading.links.extend(_page_links(doc, response.url, canonical, context,
                                         listing=kind is None, hint=hint))
    return reading


def _link_farm(doc, response, context, url: str, anchors: int) -> Reading:
    """A page with more links than one page may have followed (a plan of the whole site, or a
    trap): never an item, and only its first links are read. Extracting the text of 100,000
    links would cost a minute and hundreds of megabytes for nothing."""
    budget = context.limits.links_per_page
    role = response.meta.get("role")
    reading = Reading(records=[ErrorItem(context.id, response.url, "trap",
                                         f"the page has {anchors} links: the first {budget} "
                                         "followed, the page not read as an item")])
    if role in ("home", "probe"):
        reading.links.extend(_announced_sources(doc, response.url, context))
    if context.mode == "full" or role in ("home", "source"):
        hint = response.meta.get("hint") or section_kind(url)
        reading.links.extend(islice(_page_links(doc, response.url, url, context, listing=True,
                                                hint=hint), budget))
    return reading


def _on_site(context, base: str, href: str | None) -> str | None:
    """`href` made absolute and canonical when it stays on the centre's site (a canonical
    link to another host is not trusted)."""
    if not href:
        return None
    try:
        url = canonicalize_url(urljoin(base, href.strip()))
    except ValueError:
        return None
    return url if context.on_site(url) else None


def _aliases(response, doc, context, url: str, canonical: str) -> list[str]:
    """Other addresses of the same item: redirects followed, a known move, shortlinks
    (Drupal's /node/N, WordPress's /?p=N)."""
    previous = set(response.meta.get("redirect_urls", []))
    if response.meta.get("alias_of"):
        previous.add(response.meta["alias_of"])
    for href in doc.xpath("//link[contains(concat(' ', @rel, ' '), ' shortlink ')]/@href"):
        found = _on_site(context, response.url, href)
        if found:
            previous.add(found)
    found = set()
    for alias in previous | {url}:
        try:
            found.add(canonicalize_url(alias))
        except ValueError:
            continue
    return sorted(found - {canonical})


def _announced_sources(doc, base: str, context) -> list[Link]:
    """Feeds and calendars a page announces in its head."""
    links = []
    for link in doc.xpath("//link[@href and contains(concat(' ', @rel, ' '), ' alternate ')]"):
        mime = (link.get("type") or "").lower()
        href = _on_site(context, base, link.get("href"))
        if href is None:
            continue
        if mime in FEED_TYPES or "rss" in mime or "atom" in mime:
            links.append(Link(href, "feed", source=base))
        elif "calendar" in mime:
            links.append(Link(href, "ical", source=base))
    return links


def _page_links(doc, base: str, canonical: str, context, listing: bool,
                hint: str | None) -> Iterator[Link]:
    """Links worth following from a page, with the role and hint they carry."""
    child_hint = hint if listing else None
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(_SKIPPED_SCHEMES):
            continue
        if href.startswith("webcal://"):
            href = "http://" + href[len("webcal://"):]
        absolute = _on_site(context, base, href)
        if absolute is None or absolute == canonical:
            continue
        rel = (anchor.get("rel") or "").lower()
        if "nofollow" in rel and not (is_ical_url(absolute) or is_pagination_of(absolute, canonical)):
            continue  # SPIP marks its own pagination nofollow: that one is followed
        text = " ".join(" ".join(anchor.itertext()).split())[:300]
        if is_ical_url(absolute):
            yield Link(absolute, "ical", source=canonical)
        elif is_document_url(absolute):
            if listing:
                yield Link(absolute, "document", hint="document", link_text=text,
                           source=canonical, orphan=True)
        elif _is_feed_link(absolute):
            yield Link(absolute, "feed", source=canonical)
        else:
            yield Link(absolute, "page", hint=section_kind(absolute) or child_hint,
                       source=canonical)


def _is_feed_link(url: str) -> bool:
    parts = urlsplit(url)
    path, query = parts.path.lower(), parts.query.lower()
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
