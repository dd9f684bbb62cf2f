"""NormalizePipeline: raw records of the crawl → records ready to store, with the pure
functions of `normalize/` and the centre's context (time zone, harvest day): ids, feed and
event dates, places, sanitised HTML, summaries, themes, PDFs. The one normalisation pass."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urlsplit

from crawlers.context import CentreContext
from crawlers.items import CalendarItem, DocumentItem, PageItem
from normalize.dates import EventTime, parse_event_dates, parse_jsonld_datetime, parse_published, to_utc
from normalize.dedup import fingerprint, item_id
from normalize.documents import DocumentFacts, read_pdf
from normalize.event_types import event_type
from normalize.folding import fold_key
from normalize.html import html_to_text, sanitize_html
from normalize.page import is_date_line, without_stamp
from normalize.places import parse_place
from normalize.prose import event_sentence, split_when_where
from normalize.search import stem_text
from normalize.structured import events_of, location_text
from normalize.themes import classify as classify_themes, load_vocabulary
from pipelines.pdf_worker import read_pdf_isolated

SUMMARY_CHARS = 400


@dataclass
class Record:
    """One item ready for the store: its row and the rows that hang from it."""

    item: dict
    aliases: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    themes: list = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)


@dataclass
class AttachedDocument:
    """A file that belongs to an item page already stored."""

    centre_id: str
    parent_id: str
    parent_url: str
    document: dict
    error: str | None = None


@dataclass
class CalendarSessions:
    """New sessions of a stored item, from a calendar export read after its page."""

    centre_id: str
    item_id: str
    url: str
    events: list[dict]


class NormalizePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.vocabulary = load_vocabulary()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        context: CentreContext = self.crawler.spider.context
        if isinstance(item, PageItem):
            return normalize_page(item, context, self.vocabulary)
        if isinstance(item, DocumentItem):
            if _is_pdf(item):
                return self._pdf(item)  # awaited by Scrapy; other responses go on meanwhile
            return normalize_document(item, self.vocabulary)
        if isinstance(item, CalendarItem):
            return normalize_calendar(item, context)
        return item  # SeenItem, GoneItem, ErrorItem go through unchanged

    async def _pdf(self, item: DocumentItem) -> Record | AttachedDocument:
        facts = await read_pdf_isolated(item.body)
        return normalize_document(item, self.vocabulary, facts)


def normalize_calendar(raw: CalendarItem, context: CentreContext) -> CalendarSessions:
    page = PageItem(centre_id=raw.centre_id, url=raw.url, canonical_url=raw.url,
                    kind_hint="event", method="ical", source_url=None, fetched_at="",
                    calendar_events=raw.events)
    return CalendarSessions(raw.centre_id, item_id(raw.centre_id, raw.url), raw.url,
                            event_rows(page, context.timezone, None, context.today))


def normalize_page(raw: PageItem, context: CentreContext | str, vocabulary,
                   today: date | None = None) -> Record:
    """A page item (with its feed entry and calendar occurrences, if any) → Record, read in
    the centre's context: its zone for feed dates and event times, the harvest's day as the
    reference of year-less event dates on undated pages. (A zone name may stand for the
    context in tests.)"""
    tz = context if isinstance(context, str) else context.timezone
    today = today if isinstance(context, str) else context.today
    facts, entry = raw.facts, raw.feed_entry
    url = raw.canonical_url
    # A page title is already plain text (entities decoded): "<script>" in it is text to
    # show, not markup to strip. Feed titles may carry markup and are flattened.
    title = _space(getattr(facts, "title", None)) or _plain(getattr(entry, "title", None))
    if not title and raw.calendar_events:
        title = _plain(raw.calendar_events[0].summary)
    published = getattr(facts, "published", None)
    if not published and entry is not None:
        published = parse_published(entry.published_raw or "", tz) if entry.published_raw else None
        published = published or entry.published
    body_html = sanitize_html(getattr(facts, "body_html", None) or "", url)
    body_text = getattr(facts, "body_text", None) or ""
    if not body_text and entry is not None:
        fragment = entry.content_html or entry.summary_html or ""
        body_html = sanitize_html(fragment, url)
        body_text = html_to_text(fragment)
    if not body_text and raw.calendar_events:
        body_text = raw.calendar_events[0].description or ""
    summary = getattr(facts, "summary", None) or ""
    if not summary and entry is not None and entry.summary_html:
        summary = html_to_text(entry.summary_html)
    summary = _shorten(summary or opening(body_text, title), SUMMARY_CHARS)
    categories = list(getattr(facts, "categories", None) or []) + list(getattr(entry, "categories", None) or [])

    kind = raw.kind_hint or "news"
    record = Record(item={
        "id": item_id(raw.centre_id, url),
        "centre_id": raw.centre_id,
        "kind": kind,
        "url": url,
        "title": title,
        "summary": summary or None,
        "body_html": body_html or None,
        "body_text": body_text or None,
        "published_at": published,
        "updated_at": getattr(facts, "modified", None),
        "image_url": getattr(facts, "image_url", None),
        "language": getattr(facts, "language", None) or "fr",
        "source_url": raw.source_url,
        "method": raw.method,
        "fetched_at": raw.fetched_at,
    }, aliases=[a for a in raw.aliases if a != url])

    if kind == "event":
        record.events = event_rows(raw, tz, published, today)
        if not record.events:
            record.errors.append(("parse", "event page without a readable date"))
    if raw.calendar_events and kind != "event":
        record.item["kind"] = "event"
        record.events = event_rows(raw, tz, published, today)

    record.themes = classify_themes(vocabulary, title or "", f"{summary}\n{body_text}",
                                    categories=categories, centre_id=raw.centre_id)
    finish(record)
    return record


def event_rows(raw: PageItem, tz: str, published: str | None, today: date | None = None) -> list[dict]:
    """Sessions of an event: from the calendar export, else JSON-LD, else the page's prose."""
    item = item_id(raw.centre_id, raw.canonical_url)
    place = _place(raw)
    sessions: list[tuple[EventTime, str]] = []
    for occurrence in raw.calendar_events:
        sessions.append((EventTime(occurrence.starts_at, occurrence.ends_at, occurrence.all_day),
                         occurrence.timezone or tz))
        if occurrence.location and not place.get("city"):
            from_calendar = _place_from_text(occurrence.location)
            if from_calendar.get("city") or not place.get("location_name"):
                place = from_calendar  # the calendar's LOCATION names the town
    if not sessions:
        for obj in events_of(getattr(raw.facts, "jsonld", None) or []):
            start = parse_jsonld_datetime(str(obj.get("startDate") or ""), tz)
            if not start:
                continue
            end = parse_jsonld_datetime(str(obj.get("endDate") or ""), tz) if obj.get("endDate") else None
            ends_at = end[0] if end else None
            if not start[1] and ends_at == start[0]:
                ends_at = None  # a zero-length timed event: the end is simply unknown
            if start[1] and ends_at is None:
                ends_at = start[0]  # a single all-day date ends on that same day
            sessions.append((EventTime(start[0], ends_at, start[1]), tz))
            if not place.get("location_name"):
                place = _place_from_jsonld(obj.get("location")) or place
    if not sessions and getattr(raw.facts, "event_times", None):
        sessions = [(t, tz) for t in machine_sessions(raw.facts.event_times, raw.facts.date_text, tz)]
    date_text = getattr(raw.facts, "date_text", None)
    if not sessions and raw.facts is not None and not date_text:
        # No date block: the event's date (and maybe its place) is in a sentence of the body.
        sentence = event_sentence(raw.facts.body_text or "")
        if sentence:
            date_text, prose_place = split_when_where(sentence)
            if prose_place and not place:
                place = _place_from_text(prose_place)
    if not sessions and date_text:
        reference = date.fromisoformat(published[:10]) if published else today
        sessions = [(t, tz) for t in parse_event_dates(date_text, tz, reference)]
    kind_of_event = _event_type(raw) if sessions else None
    rows = []
    for when, zone in sessions:
        if not when.all_day and when.ends_at == when.starts_at:
            when = EventTime(when.starts_at, None, False)  # zero length: the end is unknown
        rows.append({
            "id": f"{item}/{when.starts_at}",
            "item_id": item,
            "starts_at": when.starts_at,
            "ends_at": when.ends_at,
            "all_day": int(when.all_day),
            "timezone": zone,
            "starts_at_utc": when.starts_at if when.all_day else to_utc(when.starts_at),
            "event_type": kind_of_event,
            **place,
        })
    return list({row["id"]: row for row in rows}.values())


def _event_type(raw: PageItem) -> str | None:
    """The event's type from the publisher's categories, the title, the page text."""
    facts, entry = raw.facts, raw.feed_entry
    categories = [c for occ in raw.calendar_events for c in (getattr(occ, "categories", None) or [])]
    categories += list(getattr(facts, "categories", None) or []) + list(getattr(entry, "categories", None) or [])
    title = getattr(facts, "title", None) or getattr(entry, "title", None) or next(
        (occ.summary for occ in raw.calendar_events if getattr(occ, "summary", None)), None)
    text = getattr(facts, "body_text", None) or next(
        (occ.description for occ in raw.calendar_events if getattr(occ, "description", None)), None)
    return event_type(_plain(title) if title else None, categories, text)


_HOUR = re.compile(r"\d\s*h|\d:\d{2}", re.IGNORECASE)


def machine_sessions(times: list[str], shown: str | None, tz: str) -> list[EventTime]:
    """Sessions from the ISO values of an event's date block: a start and an end make one
    session, more make pairs. A block that shows no hour is all-day (Drupal stores a date-only
    value at noon UTC)."""
    parsed = [parse_jsonld_datetime(t, tz) for t in times]
    if not parsed or any(p is None for p in parsed):
        return []
    all_day = bool(shown) and not _HOUR.search(shown)
    values = [(p[0][:10] if all_day else p[0], p[1] or all_day) for p in parsed]
    if len(values) == 2 or (len(values) > 2 and len(values) % 2 == 0):
        pairs = list(zip(values[::2], values[1::2]))
    else:
        pairs = [(v, None) for v in values]
    sessions = []
    for (start, start_all_day), end in pairs:
        if start_all_day:
            sessions.append(EventTime(start[:10], (end[0] if end else start)[:10], True))
        else:
            sessions.append(EventTime(start, end[0] if end and end[0] > start else None, False))
    return sessions


def document_id(owner_id: str, file_url: str) -> str:
    """The `documents` row of one file under one item (a file linked by two pages has two)."""
    return f"{owner_id}/{hashlib.sha256(file_url.encode()).hexdigest()[:12]}"


def normalize_document(raw: DocumentItem, vocabulary,
                       facts: DocumentFacts | None = None) -> Record | AttachedDocument:
    """A downloaded file: attached to its page, or an item of its own when no page claims it.
    A PDF's `facts` may come already read (in the PDF reader's process); else it is read here."""
    if facts is None and _is_pdf(raw):
        facts = read_pdf(raw.body)
    file_name = unquote(urlsplit(raw.file_url).path.rsplit("/", 1)[-1])
    document = {
        "file_url": raw.file_url,
        "media_type": (facts.media_type if facts else None) or (raw.content_type or "").split(";")[0] or None,
        "size_bytes": len(raw.body),
        "pages": facts.pages if facts else None,
        "title": facts.title if facts else None,
        "created_at": facts.created_at if facts else None,
        "sha256": hashlib.sha256(raw.body).hexdigest(),
        "text": facts.text if facts else None,
        "error": facts.error if facts else None,
    }
    if raw.parent_url:
        parent = item_id(raw.centre_id, raw.parent_url)
        document["id"] = document_id(parent, raw.file_url)
        document["item_id"] = parent
        return AttachedDocument(raw.centre_id, parent, raw.parent_url, document, document["error"])
    title = _plain(raw.link_text) or (facts.title if facts and facts.title else None) or file_name
    text = document["text"] or ""
    summary = opening(text, title)
    ident = item_id(raw.centre_id, raw.file_url)
    document["id"] = document_id(ident, raw.file_url)
    document["item_id"] = ident
    record = Record(item={
        "id": ident,
        "centre_id": raw.centre_id,
        "kind": "document",
        "url": raw.file_url,
        "title": title,
        "summary": _shorten(summary, SUMMARY_CHARS) or None,
        "body_html": None,
        "body_text": None,  # the text lives in documents.text (searched through documents_fts)
        "published_at": (document["created_at"] or "")[:10] or None,
        "updated_at": None,
        "image_url": None,
        "language": "fr",
        "source_url": raw.source_url,
        "method": "pdf",
        "fetched_at": raw.fetched_at,
    }, documents=[document])
    if document["error"]:
        record.errors.append(("pdf", f"{raw.file_url}: {document['error']}"))
    record.themes = classify_themes(vocabulary, title, text[:20000], categories=(), centre_id=raw.centre_id)
    finish(record)
    return record


def finish(record: Record) -> None:
    """Fields derived from the others: fingerprint, search stems, themes column, content hash."""
    item = record.item
    text_for_search = " ".join(filter(None, [item["title"], item.get("summary"), item.get("body_text")]))
    item["fingerprint"] = fingerprint(item["title"] or "", item.get("body_text") or item.get("summary") or "")
    item["search_stems"] = stem_text(text_for_search)
    item["themes"] = json.dumps([t.label for t in record.themes], ensure_ascii=False)
    published = {k: item.get(k) for k in ("kind", "title", "summary", "body_text", "published_at", "updated_at")}
    published["events"] = sorted((e["starts_at"], e.get("ends_at") or "", e.get("location_name") or "") for e in record.events)
    item["content_hash"] = hashlib.sha256(
        json.dumps(published, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def opening(text: str, title: str | None) -> str:
    """The first real sentences of a text for a summary: its title (a PDF's first line, a
    feed's repeated heading) and date lines are not sentences of it."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    folded_title = fold_key(title or "")
    while lines and (is_date_line(lines[0]) or fold_key(lines[0]) == folded_title
                     or (folded_title and folded_title.startswith(fold_key(lines[0]))
                         and len(lines[0]) >= 10)):
        lines.pop(0)  # a title broken over two lines goes line by line
    joined = without_stamp(" ".join(lines))
    if folded_title and fold_key(joined[:len(title or "") + 5]).startswith(folded_title):
        joined = joined[len(title or ""):].lstrip(" :–—-|,.")
    return joined


def _place(raw: PageItem) -> dict:
    """The event's place: structured data first (it has the postcode and city), else prose."""
    for obj in events_of(getattr(raw.facts, "jsonld", None) or []):
        place = _place_from_jsonld(obj.get("location"))
        if place and (place.get("city") or place.get("online")):
            return place
    text = getattr(raw.facts, "place_text", None)
    return _place_from_text(text) if text else {}


def _place_from_text(text: str) -> dict:
    place = parse_place(text)
    return {
        "location_name": place.location_name, "address": place.address, "postcode": place.postcode,
        "city": place.city, "departement": place.departement, "region": place.region,
        "online": int(bool(place.online)),
    }


def _place_from_jsonld(location) -> dict | None:
    text = location_text(location)
    return _place_from_text(text) if text else None


def _plain(text: str | None) -> str:
    if not text:
        return ""
    return re.sub(r"\s+", " ", html_to_text(text) if "<" in text or "&" in text else text).strip()


def _space(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _shorten(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–- ") + "…"


def _is_pdf(raw: DocumentItem) -> bool:
    return raw.body[:5] == b"%PDF-" or "pdf" in (raw.content_type or "").lower()
