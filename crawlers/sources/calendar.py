"""iCalendar exports: occurrences within the agenda's window, attached to their event pages.

An occurrence whose URL is a page of the centre belongs to that page's item (the page gives
the text, the calendar the exact times); an occurrence without such a URL is an item of its
own, identified by its UID within the calendar.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urljoin

from crawlers.items import ErrorItem, PageItem
from crawlers.sources import Link, Reading
from crawlers.state import utc_now
from normalize.ics import CalendarError, read_calendar
from normalize.urls import canonicalize_url

# The agenda's horizon: a month back, six months ahead.
WINDOW_BACK = timedelta(days=30)
WINDOW_AHEAD = timedelta(days=180)


def read(response, context) -> Reading:
    reading = Reading()
    limits = context.limits
    try:
        calendar = read_calendar(response.body, context.timezone, context.today - WINDOW_BACK,
                                 context.today + WINDOW_AHEAD, max_per_series=limits.per_series,
                                 max_occurrences=limits.occurrences,
                                 time_budget_s=limits.calendar_seconds)
    except CalendarError as exc:
        reading.records.append(ErrorItem(context.id, response.url, "ical", str(exc)))
        return reading
    if calendar.problem:
        # Read as far as it could be: the events kept are kept, and the failure is a row.
        reading.records.append(ErrorItem(context.id, response.url, "ical", calendar.problem))
    events = calendar.events
    by_page: dict[str, list] = {}
    standalone: dict[str, list] = {}
    for event in events:
        url = None
        if event.url:
            try:
                url = canonicalize_url(urljoin(response.url, event.url))
            except ValueError:
                url = None
        if url and context.on_site(url):
            by_page.setdefault(url, []).append(event)
        else:
            standalone.setdefault(event.uid or event.summary or "", []).append(event)
    for url, occurrences in by_page.items():
        reading.links.append(Link(url, "page", hint="event", source=response.url,
                                  calendar_events=occurrences))
    calendar_url = canonicalize_url(response.url)
    for uid, occurrences in standalone.items():
        reading.records.append(PageItem(
            centre_id=context.id, url=response.url, canonical_url=f"{calendar_url}#{uid}",
            kind_hint="event", method="ical", source_url=response.url, fetched_at=utc_now(),
            calendar_events=occurrences))
    return reading
