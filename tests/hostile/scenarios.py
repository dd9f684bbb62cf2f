"""The hostile scenarios: one site each, served beside a healthy site, and what the
harvester must do about it (the `expected` line and its machine-checkable form).

The names of error kinds, run statuses and settings are the ones the crawler side
implements (issue "Reliability and security"):

- error kinds (`harvest_errors.kind`): `ical`, `http`, `network`, `timeout`, `redirect`
  (loop, chain or off-host), `size` (a page or file over a limit, a decompression bomb),
  `trap` (a budget reached: pages per centre, links per page, sitemaps), `parse`, `robots`
  (and the existing `feed`, `pdf`);
- run statuses (`harvest_runs.status`): `completed`, `failed`, `interrupted`, `truncated`
  (a budget or the page cap reached), `suspect` (most known items suddenly 404 or no items
  at all: nothing tombstoned);
- settings (`CRPV_*`, lowered in `FAULT_ENV` for speed): `CRPV_MAX_PAGES`,
  `CRPV_MAX_LINKS_PER_PAGE`, `CRPV_MAX_SITEMAPS`, `CRPV_MAX_OCCURRENCES`,
  `CRPV_MAX_PAGE_BYTES`, `CRPV_GIVE_UP_AFTER_TIMEOUTS`, `CRPV_DOWNLOAD_TIMEOUT`.

A per-file limit (a page or PDF over its size, a calendar over its occurrences) costs that
file only: an error row, and the run may still be `completed`. A budget of the crawl (pages,
links, sitemaps) makes the run `truncated`, with a `trap` row.

Every hostile site is a small real site (a home page and two articles, which must be
harvested whatever else happens) plus its trap.
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass, field
from functools import cache
from typing import Callable

from hostile.server import (
    ARTICLE_TEXT, HostileServer, Request, SiteSpec, Wire, article, calendar, deflate_repeated, escape,
    gzip_repeated, listing, not_found, pdf, redirect, router, rss, simple_pdf, sitemap_index,
    static, stream, urlset, vevent,
)

TODAY = "2026-11-25"  # the harvest day of every fault run (calendar window, year-less dates)
HEALTHY = "healthy"

# What the bench and the tests set: low enough to keep a run short, high enough for the
# healthy site. The settings the crawler does not read yet are the names.
FAULT_ENV = {
    "CRPV_DOWNLOAD_DELAY": "0",
    "CRPV_MAX_CRAWL_DELAY": "0.05",
    "CRPV_LOG_LEVEL": "ERROR",
    "CRPV_TODAY": TODAY,
    "CRPV_DOWNLOAD_TIMEOUT": "3",
    "CRPV_GIVE_UP_AFTER_TIMEOUTS": "3",
    "CRPV_MAX_PAGES": "500",
    "CRPV_MAX_LINKS_PER_PAGE": "200",
    "CRPV_MAX_SITEMAPS": "20",
    "CRPV_MAX_OCCURRENCES": "1000",
    "CRPV_MAX_PAGE_BYTES": "5000000",
}
LINKS_CAP = int(FAULT_ENV["CRPV_MAX_LINKS_PER_PAGE"])
SITEMAPS_CAP = int(FAULT_ENV["CRPV_MAX_SITEMAPS"])
OCCURRENCES_CAP = int(FAULT_ENV["CRPV_MAX_OCCURRENCES"])
GIVE_UP = int(FAULT_ENV["CRPV_GIVE_UP_AFTER_TIMEOUTS"])
# Requests an ordinary small site costs besides its trap: robots.txt, home, CMS probes,
# articles, a revisit or two.
SLACK = 30
# Peak resident memory allowed to a harvest of two small sites (an ordinary one: ~210 MB).
MAX_RSS_MB = 450


# --- the healthy site --------------------------------------------------------------------

HEALTHY_NEWS = [
    ("/actualites/forum-emploi-quartiers/", "Forum de l'emploi dans les quartiers prioritaires",
     "Mon, 02 Nov 2026 09:00:00 +0100", "2 novembre 2026"),
    ("/actualites/conseils-citoyens-bilan/", "Conseils citoyens : le bilan de l'année",
     "Wed, 04 Nov 2026 09:00:00 +0100", "4 novembre 2026"),
    ("/actualites/sante-mentale-jeunes/", "Santé mentale des jeunes : un appel à projets",
     "Mon, 09 Nov 2026 09:00:00 +0100", "9 novembre 2026"),
    ("/actualites/renouvellement-urbain-lille/", "Renouvellement urbain : la concertation s'ouvre",
     "Thu, 12 Nov 2026 09:00:00 +0100", "12 novembre 2026"),
]
HEALTHY_EVENTS = [
    ("sain-1@healthy", "Atelier mémoire des quartiers", "20261203T140000", "20261203T170000"),
    ("sain-2@healthy", "Séminaire annuel de la politique de la ville", "20270114T093000", "20270114T170000"),
]
HEALTHY_ITEMS = len(HEALTHY_NEWS) + len(HEALTHY_EVENTS)
# Each answer of the healthy site takes this long: like a real centre (one request a second),
# its crawl lasts long enough to be under way when a hostile site stalls the harvest.
HEALTHY_LATENCY = 0.2


def healthy_site(server: HostileServer) -> Callable:
    origin = server.origins[HEALTHY]
    routes = {
        "/robots.txt": static(f"User-agent: *\nDisallow: /prive/\nSitemap: {origin}/sitemap.xml\n".encode(),
                              "text/plain"),
        "/": static(listing("Centre de ressources en bonne santé",
                            [(p, t) for p, t, _d, _day in HEALTHY_NEWS] + [("/agenda.ics", "Agenda (iCal)")],
                            head="<link rel='alternate' type='application/rss+xml' href='/feed/'>")),
        "/feed/": static(rss(origin, "Actualités", [(p, t, d) for p, t, d, _day in HEALTHY_NEWS]),
                         "application/rss+xml; charset=utf-8"),
        "/sitemap.xml": static(urlset(origin, [p for p, *_ in HEALTHY_NEWS]), "application/xml"),
        "/agenda.ics": static(calendar([vevent(*e) for e in HEALTHY_EVENTS]), "text/calendar; charset=utf-8"),
    }
    for path, title, _date, day in HEALTHY_NEWS:
        routes[path] = static(article(title, day))
    site = router(routes)

    def handler(request: Request, wire: Wire) -> None:
        if wire.wait(HEALTHY_LATENCY):
            site(request, wire)

    return handler


# --- the base of every hostile site ------------------------------------------------------

BASE_ARTICLES = [
    ("/actualites/premier-article/", "Premier article : la rénovation de l'école du quartier", "5 novembre 2026"),
    ("/actualites/second-article/", "Second article : un jardin partagé au pied des tours", "6 novembre 2026"),
]


def base_site(links: list[tuple[str, str]] = (), routes: dict | None = None,
              robots: bytes | Callable | None = None, head: str = "",
              prefixes: dict[str, Callable] | None = None) -> Callable:
    """A small real site (home, two articles, robots.txt) plus the scenario's own routes."""
    table = {
        "/robots.txt": robots if callable(robots) else static(robots or b"User-agent: *\nDisallow: /prive/\n",
                                                             "text/plain"),
        "/": static(listing("Centre de ressources", [(p, t) for p, t, _d in BASE_ARTICLES] + list(links),
                            head=head)),
    }
    for path, title, day in BASE_ARTICLES:
        table[path] = static(article(title, day))
    table.update(routes or {})
    fallback = not_found
    if prefixes:
        def fallback(request: Request, wire: Wire) -> None:
            for prefix, handler in prefixes.items():
                if request.path.startswith(prefix):
                    return handler(request, wire)
            return not_found(request, wire)
    return router(table, fallback)


# --- outcome of a run (filled by hostile.runner) ----------------------------------------

@dataclass
class Outcome:
    scenario: str
    db_path: str
    centre: str
    returncode: int | None
    killed: str | None  # why the bench stopped the harvest ("time cap 45 s", "memory cap…")
    seconds: float
    peak_rss_mb: float
    healthy_status: str | None
    healthy_items: int
    status: str | None  # the hostile centre's run status (last run)
    errors: list[tuple[str, str | None, str]]  # (kind, url, message) of the last run
    requests: int  # requests the hostile site received (server log) during the measured run
    targets: list[str]  # what it was asked for, in order
    aux_requests: dict[str, int]  # requests the auxiliary sites received
    items: int  # active items of the hostile centre
    gone: int  # items of the hostile centre marked gone
    db_bytes: int
    running_rows: int
    traceback: bool
    stderr_tail: str
    first_run: "Outcome | None" = None

    def kinds(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind, _url, _message in self.errors:
            out[kind] = out.get(kind, 0) + 1
        return out

    def query(self, sql: str, params=()) -> list[tuple]:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


# --- scenarios ---------------------------------------------------------------------------

@dataclass
class Scenario:
    name: str  # the hostile centre's id too
    expected: str  # one line: what the harvester must do
    site: Callable[[HostileServer], Callable]
    errors: frozenset[str] = frozenset()  # at least one row of one of these kinds
    statuses: frozenset[str] = frozenset({"completed"})  # allowed statuses of the hostile run
    max_requests: int | None = None  # requests the hostile site may receive
    max_seconds: float = 30.0  # wall time of the whole harvest (healthy site included)
    max_rss_mb: float = MAX_RSS_MB
    min_items: int | None = 2  # active hostile items after the run (its ordinary pages)
    no_requests_to: tuple[str, ...] = ()  # auxiliary sites that must receive nothing
    check: Callable[[Outcome], list[str]] | None = None  # more failures, in words
    aux: list[SiteSpec] = field(default_factory=list)
    phases: int = 1  # 2: a first good harvest, then the site turns hostile (server.phase)
    env: dict[str, str] = field(default_factory=dict)
    cap_seconds: float = 40.0  # the bench kills the harvest after this long
    warm: tuple[Callable[[], bytes], ...] = ()  # big bodies made before the clock starts

    def judge(self, out: Outcome) -> list[str]:
        """What went wrong against the expectation (empty: pass)."""
        failures = []
        if out.killed:
            failures.append(f"harvest killed ({out.killed})")
        elif out.returncode != 0:
            failures.append(f"exit code {out.returncode}")
        if out.healthy_status != "completed" or out.healthy_items != HEALTHY_ITEMS:
            failures.append(f"healthy centre {out.healthy_status or 'never started'} with "
                            f"{out.healthy_items}/{HEALTHY_ITEMS} items")
        if out.status not in self.statuses:
            failures.append(f"run {out.status or 'missing'}, not {'/'.join(sorted(self.statuses))}")
        kinds = out.kinds()
        if self.errors and not (set(kinds) & self.errors):
            failures.append(f"no {'/'.join(sorted(self.errors))} row")
        if self.max_requests is not None and out.requests > self.max_requests:
            failures.append(f"{out.requests} requests > {self.max_requests}")
        if out.seconds > self.max_seconds:
            failures.append(f"{out.seconds:.0f} s > {self.max_seconds:.0f} s")
        if out.peak_rss_mb > self.max_rss_mb:
            failures.append(f"peak {out.peak_rss_mb:.0f} MB > {self.max_rss_mb:.0f} MB")
        if self.min_items is not None and out.items < self.min_items:
            failures.append(f"{out.items} items stored < {self.min_items}")
        for name in self.no_requests_to:
            if out.aux_requests.get(name):
                failures.append(f"{out.aux_requests[name]} requests sent to {name.split('~')[-1]}")
        if out.traceback:
            failures.append("traceback on stderr")
        if out.running_rows and not out.killed:
            failures.append(f"{out.running_rows} runs left 'running'")
        if self.check is not None:
            failures += self.check(out)
        return failures


SCENARIOS: list[Scenario] = []


def scenario(**kwargs) -> Scenario:
    made = Scenario(**kwargs)
    SCENARIOS.append(made)
    return made


def by_name(name: str) -> Scenario:
    return next(s for s in SCENARIOS if s.name == name)


# Calendars -------------------------------------------------------------------------------

NORMAL_EVENT = vevent("atelier@hostile", "Atelier cartographie sensible", "20261210T140000", "20261210T170000")


def _has_event_titled(prefix: str) -> Callable[[Outcome], list[str]]:
    def check(out: Outcome) -> list[str]:
        found = out.query("select count(*) from items where centre_id = ? and status = 'active' "
                          "and title like ?", (out.centre, prefix + "%"))[0][0]
        return [] if found else [f"the calendar's ordinary event ({prefix}…) was not stored"]
    return check


def _calendar_site(body: Callable[[], bytes]) -> Callable:
    return lambda server: base_site(
        links=[("/agenda.ics", "Agenda (iCal)")],
        routes={"/agenda.ics": static(body, "text/calendar; charset=utf-8")})


scenario(
    name="ics-secondly",
    expected=(f"RRULE:FREQ=SECONDLY without end: expansion stops at CRPV_MAX_OCCURRENCES "
              f"({OCCURRENCES_CAP}) with an `ical` row, the calendar's other event stored, "
              f"peak < {MAX_RSS_MB} MB, healthy centre completes"),
    site=_calendar_site(lambda: calendar([NORMAL_EVENT, vevent(
        "permanence@hostile", "Permanence en continu", "20261126T090000", "20261126T090001",
        "RRULE:FREQ=SECONDLY")])),
    errors=frozenset({"ical"}), statuses=frozenset({"completed", "truncated"}),
    check=_has_event_titled("Atelier cartographie"), cap_seconds=40,
)

scenario(
    name="ics-minutely",
    expected=(f"RRULE:FREQ=MINUTELY;COUNT=5000000: expansion stops at CRPV_MAX_OCCURRENCES "
              f"with an `ical` row, the other event stored, peak < {MAX_RSS_MB} MB"),
    site=_calendar_site(lambda: calendar([NORMAL_EVENT, vevent(
        "veille@hostile", "Veille minute par minute", "20261126T090000", "20261126T090030",
        "RRULE:FREQ=MINUTELY;COUNT=5000000")])),
    errors=frozenset({"ical"}), statuses=frozenset({"completed", "truncated"}),
    check=_has_event_titled("Atelier cartographie"), cap_seconds=40,
)


@cache
def _truncated_calendar() -> bytes:
    events = [vevent(f"reunion-{n}@hostile", f"Réunion publique numéro {n}",
                     f"202612{n + 1:02d}T180000", f"202612{n + 1:02d}T200000") for n in (1, 2, 3)]
    body = calendar(events, end=False)
    return body + b"BEGIN:VEVENT\r\nUID:coupe@hostile\r\nDTSTART:20261220T1800"  # cut mid-line


def _three_meetings(out: Outcome) -> list[str]:
    found = out.query("select count(*) from items where centre_id = ? and status = 'active' "
                      "and title like 'Réunion publique numéro %'", (out.centre,))[0][0]
    return [] if found == 3 else [f"{found}/3 events before the cut stored"]


scenario(
    name="ics-truncated",
    expected="an .ics cut mid-event (no END:VCALENDAR): the 3 events before the cut stored, an `ical` row",
    site=_calendar_site(_truncated_calendar),
    errors=frozenset({"ical"}), check=_three_meetings,
)


@cache
def _many_events() -> bytes:
    events = []
    for n in range(20_000):
        day = 1 + n % 28
        events.append(vevent(f"e{n}@hostile", f"Permanence d'accueil {n}", f"202612{day:02d}T{8 + n % 10:02d}0000",
                             f"202612{day:02d}T{9 + n % 10:02d}0000"))
    return calendar(events)


def _few_events(out: Outcome) -> list[str]:
    found = out.query("select count(*) from events e join items i on i.id = e.item_id "
                      "where i.centre_id = ?", (out.centre,))[0][0]
    return [] if found <= OCCURRENCES_CAP else [f"{found} events stored > {OCCURRENCES_CAP}"]


scenario(
    name="ics-20000-events",
    warm=(_many_events,),
    expected=(f"an .ics of 20,000 distinct events: at most CRPV_MAX_OCCURRENCES ({OCCURRENCES_CAP}) "
              "kept, an `ical` row, done within 45 s"),
    site=_calendar_site(_many_events),
    errors=frozenset({"ical", "trap"}), statuses=frozenset({"completed", "truncated"}),
    check=_few_events, max_seconds=45, cap_seconds=60,
)

# Crawl traps -----------------------------------------------------------------------------


def _tiny_page(request: Request, wire: Wire) -> None:
    wire.respond(request, 200, listing(f"Page {request.path}", []))


@cache
def _hundred_thousand_links() -> bytes:
    anchors = "".join(f"<a href=/l/{n}/>{n}</a>" for n in range(100_000))
    return (f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Plan du site</title>"
            f"</head><body><main><h1>Plan du site</h1>{anchors}</main></body></html>").encode()


scenario(
    name="links-100000",
    warm=(_hundred_thousand_links,),
    expected=(f"a page with 100,000 links: at most CRPV_MAX_LINKS_PER_PAGE ({LINKS_CAP}) followed, "
              f"a `trap` row, run `truncated`, ≤ {LINKS_CAP + SLACK} requests"),
    site=lambda server: base_site(links=[("/plan/", "Plan du site")],
                                  routes={"/plan/": static(_hundred_thousand_links)},
                                  prefixes={"/l/": _tiny_page}),
    errors=frozenset({"trap"}), statuses=frozenset({"truncated"}),
    max_requests=LINKS_CAP + SLACK,
)


def _endless_sitemaps(server: HostileServer, name: str) -> Callable:
    origin = server.origins[name]

    def index(request: Request, wire: Wire) -> None:
        number = int(request.path.rsplit("/", 1)[1].split(".")[0] or 0)
        children = [f"/sitemaps/{number * 10 + k}.xml" for k in range(1, 11)]
        wire.respond(request, 200, sitemap_index(origin, children), "application/xml")

    return base_site(robots=f"User-agent: *\nDisallow: /prive/\nSitemap: {origin}/sitemaps/0.xml\n".encode(),
                     prefixes={"/sitemaps/": index})


scenario(
    name="sitemap-endless",
    expected=(f"an endless sitemap index (each index lists 10 more): at most CRPV_MAX_SITEMAPS "
              f"({SITEMAPS_CAP}) read, a `trap` row, run `truncated`, ≤ {SITEMAPS_CAP + SLACK} requests"),
    site=lambda server: _endless_sitemaps(server, "sitemap-endless"),
    errors=frozenset({"trap"}), statuses=frozenset({"truncated"}),
    max_requests=SITEMAPS_CAP + SLACK,
)

PAGE_CAP = 120
SECTIONS, PER_SECTION = 3, 60


def _section(request: Request, wire: Wire) -> None:
    parts = request.path.strip("/").split("/")  # rubrique/N[/article-K]
    if len(parts) == 2:
        links = [(f"/rubrique/{parts[1]}/article-{k}/", f"Article {k} de la rubrique {parts[1]}")
                 for k in range(1, PER_SECTION + 1)]
        wire.respond(request, 200, listing(f"Rubrique {parts[1]}", links))
    else:
        wire.respond(request, 200, article(f"Article {parts[2].split('-')[1]} de la rubrique {parts[1]} "
                                           "sur la vie des quartiers"))


def _nothing_gone(out: Outcome) -> list[str]:
    return [] if out.gone == 0 else [f"{out.gone} items tombstoned"]


scenario(
    name="page-cap",
    expected=(f"a site of {SECTIONS * PER_SECTION} articles, more than CRPV_MAX_PAGES ({PAGE_CAP} here): "
              f"the crawl stops at the cap, run `truncated` (not `completed`) with a `trap` row, "
              f"≤ {PAGE_CAP + 10} requests, nothing tombstoned"),
    site=lambda server: base_site(links=[(f"/rubrique/{n}/", f"Rubrique {n}") for n in range(1, SECTIONS + 1)],
                                  prefixes={"/rubrique/": _section}),
    errors=frozenset({"trap"}), statuses=frozenset({"truncated"}),
    max_requests=PAGE_CAP + 10, check=_nothing_gone, env={"CRPV_MAX_PAGES": str(PAGE_CAP)},
)

ARCHIVE_PAGES, PER_PAGE = 15, 5


def _archives(request: Request, wire: Wire) -> None:
    if request.path == "/archives/":
        page = int((request.target.split("page=", 1) + ["1"])[1].split("&")[0] or 1)
        links = [(f"/archives/article-{page}-{k}/", f"Archive {page}.{k}") for k in range(1, PER_PAGE + 1)]
        if page < ARCHIVE_PAGES:
            links.append((f"/archives/?page={page + 1}", "Page suivante"))
        wire.respond(request, 200, listing(f"Archives, page {page}", links))
    else:
        number = request.path.strip("/").split("-", 1)[1]
        wire.respond(request, 200, article(f"Archive numéro {number} : la vie des quartiers"))


def _all_or_truncated(out: Outcome) -> list[str]:
    wanted = 2 + ARCHIVE_PAGES * PER_PAGE
    if out.items >= wanted or (out.status == "truncated" and "trap" in out.kinds()):
        return []
    return [f"{out.items}/{wanted} items and the run says {out.status} without a `trap` row"]


scenario(
    name="deep-pagination",
    expected=(f"a listing paginated over {ARCHIVE_PAGES} pages ({ARCHIVE_PAGES * PER_PAGE} articles): every "
              "article harvested, or run `truncated` with a `trap` row — never a silent `completed` with articles missing"),
    site=lambda server: base_site(links=[("/archives/", "Archives")], routes={"/archives/": _archives},
                                  prefixes={"/archives/article-": _archives}),
    statuses=frozenset({"completed", "truncated"}), check=_all_or_truncated, min_items=2,
)

# Sizes -------------------------------------------------------------------------------------


@cache
def _page_38mb() -> bytes:
    paragraph = f"<p>{escape(' '.join([ARTICLE_WORDS] * 4))}</p>\n"
    count = 38 * 1024 * 1024 // len(paragraph)
    return article("Compte rendu intégral de la concertation", extra_body=paragraph * count)


ARTICLE_WORDS = ("Les habitants et les associations du quartier ont débattu du projet de "
                 "renouvellement urbain, de l'emploi, de la santé et de l'éducation.")

scenario(
    name="page-38mb",
    warm=(_page_38mb,),
    expected=(f"a 38 MB HTML page: refused over CRPV_MAX_PAGE_BYTES with a `size` row, "
              f"peak < {MAX_RSS_MB} MB, the site's other pages harvested"),
    site=lambda server: base_site(links=[("/actualites/compte-rendu/", "Compte rendu intégral")],
                                  routes={"/actualites/compte-rendu/": static(_page_38mb)}),
    errors=frozenset({"size"}),
)


def _endless_chunks(request: Request, wire: Wire) -> None:
    wire.limit(seconds=60, max_bytes=1024 * 1024 * 1024)
    wire.head(200, [("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked"),
                    ("Connection", "close")])
    wire.write(b"%x\r\n%s\r\n" % (len(START), START))
    chunk = (f"<p>{escape(ARTICLE_WORDS)}</p>\n" * 400).encode()
    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    while wire.write(frame):
        pass


START = b"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Direct</title></head><body><main><article><h1>Direct</h1>"

scenario(
    name="chunked-endless",
    expected=(f"an endless chunked body: cut at CRPV_MAX_PAGE_BYTES with a `size` row, "
              f"peak < {MAX_RSS_MB} MB, done within 30 s"),
    site=lambda server: base_site(links=[("/actualites/direct/", "En direct")],
                                  routes={"/actualites/direct/": _endless_chunks}),
    errors=frozenset({"size"}),
)


@cache
def _gzip_bomb() -> bytes:
    return gzip_repeated(b" " * 4096, 1024 * 1024 * 1024, prefix=START)


def _bomb(request: Request, wire: Wire) -> None:
    body = _gzip_bomb()
    wire.head(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                    ("Content-Length", str(len(body))), ("Connection", "close")])
    wire.write(body)


scenario(
    name="gzip-bomb",
    warm=(_gzip_bomb,),
    expected=(f"~1 MB of gzip that inflates to 1 GB (Content-Encoding: gzip): a `size` row, "
              f"peak < {MAX_RSS_MB} MB, the other pages harvested"),
    site=lambda server: base_site(links=[("/actualites/archive/", "Archive")],
                                  routes={"/actualites/archive/": _bomb}),
    errors=frozenset({"size"}),
)


@cache
def _huge_pdf() -> bytes:
    filler = stream(b"0" * (45 * 1024 * 1024))
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>", filler])


@cache
def _pdf_bomb() -> bytes:
    data = deflate_repeated(b"BT /F1 12 Tf 72 720 Td (Quartiers) Tj ET\n", 1024 * 1024 * 1024)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               stream(data, "/Filter /FlateDecode "),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return pdf(objects)


def _report_page(pdf_path: str) -> bytes:
    return article("Rapport annuel de l'observatoire des quartiers",
                   extra_body=f"<p><a href='{pdf_path}'>Télécharger le rapport (PDF)</a></p>")


scenario(
    name="pdf-bomb",
    warm=(_pdf_bomb,),
    expected=(f"a 1 MB PDF whose content stream inflates to 1 GB: a `size` (or `pdf`) row, "
              f"peak < {MAX_RSS_MB} MB, done within 30 s, the page linking it stored"),
    site=lambda server: base_site(
        links=[("/publications/rapport/", "Rapport annuel")],
        routes={"/publications/rapport/": static(_report_page("/docs/rapport.pdf")),
                "/docs/rapport.pdf": static(_pdf_bomb, "application/pdf")}),
    errors=frozenset({"size", "pdf"}), min_items=3,
)

scenario(
    name="pdf-huge",
    warm=(_huge_pdf,),
    expected="a 45 MB PDF (over the download limit): a `size` row, the page linking it stored",
    site=lambda server: base_site(
        links=[("/publications/annexe/", "Annexes")],
        routes={"/publications/annexe/": static(_report_page("/docs/annexe.pdf")),
                "/docs/annexe.pdf": static(_huge_pdf, "application/pdf")}),
    errors=frozenset({"size"}), min_items=3,
)


@cache
def _slow_pdf() -> bytes:
    operators = b"BT /F1 12 Tf 72 720 Td (Quartiers) Tj ET\n" + b" 0 0 m" * (2 * 1024 * 1024)
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                stream(zlib.compress(operators, 9), "/Filter /FlateDecode "),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


scenario(
    name="pdf-slow-page",
    warm=(_slow_pdf,),
    expected=(f"a 20 KB PDF whose one page inflates to 12 MB (under the 64 MB bound; 6 s and "
              f"250 MB of pypdf): stopped at CRPV_PDF_SECONDS=2 in the PDF reader's process with "
              f"a `pdf` row, the harvest's peak < {MAX_RSS_MB} MB, the page linking it stored"),
    site=lambda server: base_site(
        links=[("/publications/synthese/", "Synthèse")],
        routes={"/publications/synthese/": static(_report_page("/docs/synthese.pdf")),
                "/docs/synthese.pdf": static(_slow_pdf, "application/pdf")}),
    env={"CRPV_PDF_SECONDS": "2"},
    errors=frozenset({"pdf"}), min_items=3,
    check=lambda out: [] if any("délai dépassé" in m for k, _u, m in out.errors if k == "pdf")
    else ["no PDF stopped at its deadline"],
)


@cache
def _million_entries() -> bytes:
    entries = b"".join(b"<item><link>/n/%d/</link></item>" % n for n in range(1_000_000))
    return (b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Flux</title>"
            + entries + b"</channel></rss>")


scenario(
    name="feed-million",
    warm=(_million_entries,),
    expected=(f"an RSS feed of 1,000,000 entries (35 MB): a `size` or `trap` row, at most "
              f"CRPV_MAX_LINKS_PER_PAGE entries followed (≤ {LINKS_CAP + SLACK} requests), peak < {MAX_RSS_MB} MB"),
    site=lambda server: base_site(head="<link rel='alternate' type='application/rss+xml' href='/flux.rss'>",
                                  routes={"/flux.rss": static(_million_entries, "application/rss+xml")},
                                  prefixes={"/n/": _tiny_page}),
    errors=frozenset({"size", "trap"}), statuses=frozenset({"completed", "truncated"}),
    max_requests=LINKS_CAP + SLACK, max_seconds=45, cap_seconds=60,
)


@cache
def _deep_html() -> bytes:
    depth = 100_000
    return article("Une page imbriquée à l'infini",
                   extra_body="<div>" * depth + "<p>Au fond du puits.</p>" + "</div>" * depth)


def _deep_page_read(out: Outcome) -> list[str]:
    stored = out.query("select count(*) from items where centre_id = ? and url like '%/imbriquee/'",
                       (out.centre,))[0][0]
    return [] if stored or "parse" in out.kinds() else ["deep page neither stored nor a `parse` row"]


scenario(
    name="deep-html",
    warm=(_deep_html,),
    expected="100,000 nested <div>: the page stored or a `parse` row, the harvest goes on, done within 30 s",
    site=lambda server: base_site(links=[("/actualites/imbriquee/", "Imbriquée")],
                                  routes={"/actualites/imbriquee/": static(_deep_html)}),
    check=_deep_page_read,
)

INVALID_TITLE = b"Caf\xe9 \xff\xfe des habitants \x00 \xed\xa0\x80 r\xc3\xa9union \xc0\xaf finale"


@cache
def _invalid_utf8() -> bytes:
    page = article("TITLE", text=ARTICLE_TEXT)
    return (page.replace(b"TITLE", INVALID_TITLE)
            .replace(b"<p>Les habitants", b"<p>\xff\xfe\x80\x81 \x00Les habitants", 1))


def _clean_title(out: Outcome) -> list[str]:
    rows = out.query("select title, body_text from items where centre_id = ? and url like '%/octets/'",
                     (out.centre,))
    if not rows:
        return ["the page with invalid UTF-8 was not stored"]
    title, body = rows[0]
    problems = []
    for name, value in (("title", title or ""), ("body", body or "")):
        if "\x00" in value:
            problems.append(f"NUL in {name}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            problems.append(f"lone surrogate in {name}")
    if "habitants" not in (title or ""):
        problems.append(f"title unreadable: {title!r}")
    return problems


scenario(
    name="invalid-utf8",
    expected="a page declared UTF-8 with invalid bytes, NUL and surrogates: stored with a readable title, no NUL, valid text",
    site=lambda server: base_site(links=[("/actualites/octets/", "Octets")],
                                  routes={"/actualites/octets/": static(_invalid_utf8)}),
    min_items=3, check=_clean_title,
)

# Redirects -------------------------------------------------------------------------------

scenario(
    name="redirect-loop",
    expected="a redirect loop (A → B → A): a `redirect` row, ≤ 40 requests, the other pages harvested",
    site=lambda server: base_site(links=[("/actualites/boucle/", "Boucle")],
                                  routes={"/actualites/boucle/": redirect("/actualites/boucle-b/"),
                                          "/actualites/boucle-b/": redirect("/actualites/boucle/")}),
    errors=frozenset({"redirect"}), max_requests=40,
)


def _chain(request: Request, wire: Wire) -> None:
    step = int(request.path.rstrip("/").rsplit("-", 1)[1])
    if step < 12:
        wire.respond(request, 302, b"", headers=[("Location", f"/actualites/saut-{step + 1}/")], validators=False)
    else:
        wire.respond(request, 200, article("Au bout de douze redirections"))


scenario(
    name="redirect-chain",
    expected="a chain of 12 redirects (over the limit): a `redirect` row, the other pages harvested",
    site=lambda server: base_site(links=[("/actualites/saut-1/", "Sauts")],
                                  prefixes={"/actualites/saut-": _chain}),
    errors=frozenset({"redirect"}), max_requests=40,
)


def _foreign_site(server: HostileServer) -> Callable:
    return router({"/piege/": static(article("Page d'un autre site")), "/robots.txt": static(b"", "text/plain")})


scenario(
    name="offhost-redirect",
    expected="a redirect to another host: not followed (0 requests there), a `redirect` row",
    site=lambda server: base_site(
        links=[("/actualites/ailleurs/", "Ailleurs")],
        routes={"/actualites/ailleurs/": redirect(lambda: server.origins["offhost-redirect~foreign"] + "/piege/")}),
    aux=[SiteSpec("offhost-redirect~foreign", _foreign_site)],
    errors=frozenset({"redirect"}), no_requests_to=("offhost-redirect~foreign",),
)

scenario(
    name="port-redirect",
    expected="a redirect to the same IP on another port: not followed (0 requests there), a `redirect` row",
    site=lambda server: base_site(
        links=[("/actualites/autre-port/", "Autre port")],
        routes={"/actualites/autre-port/": redirect(lambda: server.origins["port-redirect~other-port"] + "/piege/")}),
    aux=[SiteSpec("port-redirect~other-port", _foreign_site, same_host_as="port-redirect")],
    errors=frozenset({"redirect"}), no_requests_to=("port-redirect~other-port",),
)

# A site that vanishes --------------------------------------------------------------------

GONE_ARTICLES = [(f"/actualites/dossier-{n}/", f"Dossier thématique numéro {n} sur les quartiers") for n in range(1, 6)]


def _vanishing(server: HostileServer, name: str, second: Callable) -> Callable:
    first_routes = {path: static(article(title)) for path, title in GONE_ARTICLES}
    first = base_site(links=GONE_ARTICLES, routes=first_routes)

    def handler(request: Request, wire: Wire) -> None:
        (first if server.phase.get(name, 1) == 1 else second)(request, wire)

    return handler


def _maintenance(request: Request, wire: Wire) -> None:
    wire.respond(request, 200, listing("Site en maintenance", []))


def _known_items_kept(out: Outcome) -> list[str]:
    failures = [] if out.gone == 0 else [f"{out.gone} items tombstoned in one run"]
    before = out.first_run.items if out.first_run else 0
    if before < 7:
        failures.append(f"first harvest stored {before} items, not 7")
    return failures


scenario(
    name="gone-everywhere",
    expected=("after a good harvest, 404 on every URL: run `suspect`, nothing tombstoned "
              "(items stay active), an `http` row"),
    site=lambda server: _vanishing(server, "gone-everywhere", not_found),
    errors=frozenset({"http"}), statuses=frozenset({"suspect"}), min_items=7,
    check=_known_items_kept, phases=2,
)

scenario(
    name="empty-everywhere",
    expected="after a good harvest, every URL answers an empty maintenance page: run `suspect`, nothing tombstoned",
    site=lambda server: _vanishing(server, "empty-everywhere", _maintenance),
    statuses=frozenset({"suspect"}), min_items=7, check=_known_items_kept, phases=2,
)

# Slow, silent and broken servers ------------------------------------------------------------


def _silent(request: Request, wire: Wire) -> None:
    wire.hang()


def _drip_body(request: Request, wire: Wire) -> None:
    wire.head(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "100000"),
                    ("Connection", "close")])
    while wire.write(b"<") and wire.wait(0.5):
        pass


def _drip_headers(request: Request, wire: Wire) -> None:
    wire.write(b"HTTP/1.1 200 OK\r\n")
    while wire.write(b"X") and wire.wait(0.5):
        pass


def _timeouts_ended_early(out: Outcome) -> list[str]:
    timeouts = out.kinds().get("timeout", 0)
    return [] if timeouts <= GIVE_UP else [f"{timeouts} `timeout` rows: no give-up after {GIVE_UP}"]


GIVE_UP_EXPECTED = (f"run `failed` with `timeout` rows, the site given up after "
                    f"CRPV_GIVE_UP_AFTER_TIMEOUTS ({GIVE_UP}) timeouts: ≤ {2 * GIVE_UP} requests, "
                    f"the harvest over within 30 s (timeout 3 s)")

for _name, _what, _handler in (
        ("silent-server", "a server that accepts and never answers", _silent),
        ("drip-body", "every body drips one byte per 0.5 s", _drip_body),
        ("drip-headers", "headers drip one byte per 0.5 s", _drip_headers)):
    scenario(
        name=_name, expected=f"{_what}: {GIVE_UP_EXPECTED}", site=lambda server, h=_handler: h,
        errors=frozenset({"timeout"}), statuses=frozenset({"failed"}), max_requests=2 * GIVE_UP,
        min_items=None, check=_timeouts_ended_early, cap_seconds=60,
    )


def _malformed(request: Request, wire: Wire) -> None:
    if request.path == "/robots.txt":
        wire.write(b"\x00\xff\xfe garbage, not HTTP at all\r\n\r\n\x00\x00")
    elif request.path == "/":
        wire.write(b"HTTP/1.1 2OO Sure\r\nContent-Type: text/html\r\n\r\n<html>")
    else:
        wire.write(b"HTTP/1.1 200 OK\r\nContent-Length: -12\r\nContent-Type text/html\r\n\r\n<html>")


scenario(
    name="malformed-http",
    expected="answers that are not HTTP (garbage, bad status line, negative length): run `failed`, `network` rows, ≤ 30 requests",
    site=lambda server: _malformed,
    errors=frozenset({"network"}), statuses=frozenset({"failed"}), max_requests=30, min_items=None,
)


def _reset(request: Request, wire: Wire) -> None:
    wire.reset()


scenario(
    name="connection-reset",
    expected="every connection reset (RST) after the request: run `failed`, `network` rows, ≤ 30 requests",
    site=lambda server: _reset,
    errors=frozenset({"network"}), statuses=frozenset({"failed"}), max_requests=30, min_items=None,
)


def _huge_headers(request: Request, wire: Wire) -> None:
    body = article("Une page aux en-têtes démesurés")
    wire.head(200, [("Content-Type", "text/html; charset=utf-8"), ("X-Padding", "a" * (1024 * 1024)),
                    ("Content-Length", str(len(body))), ("Connection", "close")])
    wire.write(body)


scenario(
    name="huge-headers",
    expected="a response with a 1 MB header line: a `network` (or `size`) row for that page, the others harvested",
    site=lambda server: base_site(links=[("/actualites/entetes/", "En-têtes")],
                                  routes={"/actualites/entetes/": _huge_headers}),
    errors=frozenset({"network", "size"}),
)


def _lying_length(request: Request, wire: Wire) -> None:
    body = article("Un article dont la longueur est mensongère")
    wire.head(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "200000"),
                    ("Connection", "close")])
    wire.write(body)  # then the connection closes: 200,000 bytes promised


def _liar_not_stored(out: Outcome) -> list[str]:
    stored = out.query("select count(*) from items where centre_id = ? and url like '%/menteur/'",
                       (out.centre,))[0][0]
    return [] if not stored else ["a truncated page was stored as an item"]


scenario(
    name="content-length-lie",
    expected="Content-Length says 200,000 bytes, 3 KB come then the connection closes: a `network` row, the truncated page not stored",
    site=lambda server: base_site(links=[("/actualites/menteur/", "Menteur")],
                                  routes={"/actualites/menteur/": _lying_length}),
    errors=frozenset({"network"}), check=_liar_not_stored,
)

# robots.txt ------------------------------------------------------------------------------


@cache
def _huge_robots() -> bytes:
    lines = [b"User-agent: *", b"Disallow: /prive/"]
    lines += [b"Disallow: /archives/%d/" % n for n in range(1_200_000)]
    return b"\n".join(lines) + b"\n"


def _private_untouched(out: Outcome) -> list[str]:
    asked = [t for t in out.targets if t.startswith("/prive/")]
    return [f"robots.txt disobeyed: {asked[0]} requested"] if asked else []


scenario(
    name="robots-huge",
    warm=(_huge_robots,),
    expected="a 30 MB robots.txt: read up to its first 500 KB (as the major crawlers) with a `robots` row, /prive/ still obeyed, the site harvested, done within 30 s",
    site=lambda server: base_site(links=[("/prive/secret/", "Espace privé")],
                                  robots=static(_huge_robots, "text/plain")),
    errors=frozenset({"robots"}), check=_private_untouched,
)


def _many_sitemaps(server: HostileServer, name: str) -> Callable:
    origin = server.origins[name]
    foreign = server.origins[name + "~foreign"]
    lines = ["User-agent: *", "Disallow: /prive/"]
    lines += [f"Sitemap: {origin}/sm/{n}.xml" for n in range(5000)]
    lines += [f"Sitemap: {foreign}/sm/{n}.xml" for n in range(100)]
    paths = [p for p, _t, _d in BASE_ARTICLES]
    return base_site(robots="\n".join(lines).encode(),
                     prefixes={"/sm/": static(urlset(origin, paths), "application/xml")})


scenario(
    name="robots-5000-sitemaps",
    expected=(f"robots.txt declares 5,100 sitemaps (100 off-host): at most CRPV_MAX_SITEMAPS ({SITEMAPS_CAP}) "
              f"read, a `trap` row, run `truncated`, none off-host, ≤ {SITEMAPS_CAP + SLACK} requests"),
    site=lambda server: _many_sitemaps(server, "robots-5000-sitemaps"),
    aux=[SiteSpec("robots-5000-sitemaps~foreign", _foreign_site)],
    errors=frozenset({"trap"}), statuses=frozenset({"truncated"}), max_requests=SITEMAPS_CAP + SLACK,
    no_requests_to=("robots-5000-sitemaps~foreign",),
)

HOSTILE_ROBOTS = (b"\xff\xfe\x00\x00binary\x00junk\n" + b"User-agent: *\n" + b"Crawl-delay: 86400\n"
                  + b"Disallow: /" + b"*a" * 40 + b"*b\n" + b"Disallow: " + b"x" * 100_000 + b"\n"
                  + b"Allow: /\n" + b"Sitemap: not a url\nSitemap: javascript:alert(1)\n" + b"\x00" * 1000 + b"\n")

scenario(
    name="robots-hostile",
    expected="robots.txt with binary junk, Crawl-delay: 86400, a 40-wildcard rule, a 100 KB line: delay capped at CRPV_MAX_CRAWL_DELAY, the site harvested within 30 s",
    site=lambda server: base_site(links=[("/" + "a" * 300, "Long")], robots=static(HOSTILE_ROBOTS, "text/plain")),
)


def _entity_bomb(server: HostileServer, name: str) -> Callable:
    origin = server.origins[name]
    entities = "<!ENTITY a0 'quartier'>" + "".join(
        f"<!ENTITY a{n} '{('&a' + str(n - 1) + ';') * 10}'>" for n in range(1, 10))
    bomb = (f"<?xml version='1.0'?><!DOCTYPE urlset [{entities}]><urlset xmlns="
            f"'http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>{origin}/&a9;</loc></url></urlset>").encode()
    return base_site(robots=f"User-agent: *\nSitemap: {origin}/sitemap.xml\n".encode(),
                     routes={"/sitemap.xml": static(bomb, "application/xml")})


scenario(
    name="xml-entity-bomb",
    expected=f"a sitemap with a billion-laughs DTD: not expanded, a `parse` row, peak < {MAX_RSS_MB} MB, within 30 s",
    site=lambda server: _entity_bomb(server, "xml-entity-bomb"),
    errors=frozenset({"parse"}),
)


# Run by tests/test_faults.py (`make test`): one scenario per mechanism of the harvester's
# bounds, the cheap ones (about 10 s each on an idle machine); the others, in bench/faults.py,
# are covered in-process by tests/test_bounds.py.
FAST = ("links-100000", "page-cap", "pdf-bomb", "pdf-slow-page", "redirect-loop", "offhost-redirect",
        "gone-everywhere", "silent-server")


def fast() -> list[Scenario]:
    return [by_name(name) for name in FAST]


__all__ = ["SCENARIOS", "Scenario", "Outcome", "FAULT_ENV", "HEALTHY", "HEALTHY_ITEMS", "TODAY",
           "healthy_site", "by_name", "fast"]
