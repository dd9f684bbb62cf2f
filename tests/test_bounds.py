"""The harvest's bounds, one by one and in-process (fast): what each hostile input of
tests/hostile meets before any harvest. `tests/test_faults.py` then checks them in real
harvests; these fail first, and say which bound broke."""

from __future__ import annotations

import threading
import time
from datetime import date

from scrapy import Request
from scrapy.http import HtmlResponse, Response

from crawlers.context import CentreContext, HarvestLimits
from crawlers.depth import ListingDepthMiddleware
from crawlers.items import DocumentItem, ErrorItem, PageItem
from crawlers.registry import Centre
from crawlers.robots import MAX_ROBOTS_BYTES, CappedRobotParser
from crawlers.sources import document, page, sitemap
from hostile.scenarios import (_entity_bomb, _hundred_thousand_links, _huge_robots, _many_events,
                               _pdf_bomb, _slow_pdf, simple_pdf)
from normalize.ics import read_calendar
from pipelines.ledger import RunLedger

ORIGIN = "http://127.0.0.1:9"


def _context(**limits) -> CentreContext:
    return CentreContext(Centre(id="x", name="X", url=ORIGIN + "/"), date(2026, 11, 25),
                         limits=HarvestLimits(**limits))


def _response(path: str, body: bytes, kind=Response, role="page", **headers) -> Response:
    url = ORIGIN + path
    return kind(url, body=body, headers=headers, request=Request(url, meta={"role": role}))


def test_a_page_of_100000_links_is_read_for_its_first_links_only():
    started = time.monotonic()
    reading = page.read(_response("/plan/", _hundred_thousand_links(), HtmlResponse,
                                  **{"Content-Type": "text/html; charset=utf-8"}), _context(links_per_page=200))
    assert time.monotonic() - started < 10  # extracting it as a page took a minute
    assert len(reading.links) == 200
    assert not [r for r in reading.records if isinstance(r, PageItem)]
    assert [r.kind for r in reading.records] == ["trap"]


def test_a_pdf_bomb_is_not_handed_to_the_pdf_reader():
    bomb = document.read(_response("/docs/rapport.pdf", _pdf_bomb()), _context())
    assert [(type(r), r.kind) for r in bomb.records] == [(ErrorItem, "size")]
    plain = document.read(_response("/docs/note.pdf", simple_pdf("Note d'information")), _context())
    assert [type(r) for r in plain.records] == [DocumentItem]


def test_a_stream_ending_inside_the_fed_chunk_is_measured_and_the_check_ends():
    """A stream inflating past 1 MB whose end lies in the 64 KB fed to zlib: past the end,
    zlib kept the bytes after it as an unconsumed tail that never shrank, and the check
    looped forever on this 20 KB file (the harvest with it)."""
    answers = []
    checking = threading.Thread(target=lambda: answers.append(
        document.inflates_past(_slow_pdf(), document.MAX_INFLATED_BYTES)), daemon=True)
    checking.start()
    checking.join(10)
    assert answers == [False]  # 12 MB inflated: under the bound, handed to the PDF reader
    assert document.inflates_past(_slow_pdf(), 12 * 1024 * 1024)  # and counted in full
    read = document.read(_response("/docs/synthese.pdf", _slow_pdf()), _context())
    assert [type(r) for r in read.records] == [DocumentItem]


class _Spider:
    origin = ORIGIN

    def __init__(self):
        self.notes = []

    def note(self, kind, message, url=None):
        self.notes.append((kind, message, url))


class _Crawler:
    def __init__(self):
        self.spider = _Spider()


def test_robots_txt_is_read_up_to_500_kb():
    crawler = _Crawler()
    started = time.monotonic()
    parser = CappedRobotParser.from_crawler(crawler, _huge_robots())
    assert time.monotonic() - started < 5
    assert not parser.allowed(ORIGIN + "/prive/secret/", "PortailCRPV")
    assert parser.allowed(ORIGIN + "/actualites/", "PortailCRPV")
    assert [n[0] for n in crawler.spider.notes] == ["robots"]
    small = CappedRobotParser.from_crawler(_Crawler(), b"User-agent: *\nDisallow: /prive/\n")
    assert not small.allowed(ORIGIN + "/prive/x", "PortailCRPV") and MAX_ROBOTS_BYTES == 512000


def test_a_sitemap_declaring_entities_is_a_parse_row_and_is_not_expanded():
    class Server:
        origins = {"bomb": ORIGIN}

    bomb = _entity_bomb(Server(), "bomb")
    captured = {}

    class Wire:
        def respond(self, request, status, body, *args, **kwargs):
            captured["body"] = body

    class Asked:
        path = "/sitemap.xml"
        target = path

    bomb(Asked(), Wire())
    reading = sitemap.read(_response("/sitemap.xml", captured["body"]), _context())
    assert [r.kind for r in reading.records] == ["parse"]
    assert all(len(link.url) < 200 for link in reading.links)


def test_a_calendar_of_20000_events_is_cut_before_it_is_parsed():
    started = time.monotonic()
    calendar = read_calendar(_many_events(), "Europe/Paris", date(2026, 10, 26), date(2027, 5, 24),
                             max_occurrences=1000)
    assert time.monotonic() - started < 30  # parsing all of it took minutes
    assert len(calendar.events) == 1000 and "1000" in calendar.problem


def test_pagination_does_not_deepen_and_a_dropped_link_is_a_row():
    class Stats:
        def inc_value(self, *a):
            pass

        max_value = inc_value

    middleware = ListingDepthMiddleware(maxdepth=2, stats=Stats(), verbose_stats=False, prio=1)
    middleware.crawler = _Crawler()
    listing = _response("/archives/?page=7", b"")
    listing.meta["depth"] = 2
    assert middleware.get_processed_request(Request(ORIGIN + "/archives/?page=8"), listing) is not None
    assert middleware.get_processed_request(Request(ORIGIN + "/archives/article-7-1/"), listing) is None
    assert [n[0] for n in middleware.crawler.spider.notes] == ["trap"]
    # The months of an endless calendar: bounded by the agenda's window, dropped without a row.
    month = _response("/agenda/calendrier/2027-06/", b"")
    month.meta["depth"] = 2
    assert middleware.get_processed_request(Request(ORIGIN + "/agenda/calendrier/2027-07/"), month) is None
    assert len(middleware.crawler.spider.notes) == 1


def test_a_trap_row_makes_the_run_truncated(memory_db):
    memory_db["centres"].insert(_context().centre.as_row())
    ledger = RunLedger(memory_db, "run", "x", "full")
    ledger.error(None, "trap", "more than 20 sitemaps: the rest not read")
    assert ledger.finish("finished", {"downloader/request_count": 3, "response_received_count": 3}) == "truncated"
    other = RunLedger(memory_db, "run2", "x", "full")
    other.error(None, "http", "HTTP 404 (page)")
    assert other.finish("finished", {"downloader/request_count": 3, "response_received_count": 3}) == "completed"


def test_a_calendars_validators_wait_for_the_end_of_the_run(memory_db):
    """A calendar vouches for sessions stored on other items as their pages come: a harvest
    killed in between must fetch it in full again, not get a 304 that replays no sessions."""
    from crawlers.state import HarvestState

    memory_db["centres"].insert(_context().centre.as_row())
    state = HarvestState(memory_db, "x")
    url = ORIGIN + "/agenda.ics"
    state.record_response(url, 200, {"etag": '"v1"'}, b"BEGIN:VCALENDAR")
    state.hold_until_finished(url)
    state.mark_complete(url)
    assert state.conditional_headers(url) == {}
    state.release_held()
    assert state.conditional_headers(url) == {"If-None-Match": '"v1"'}
