"""Datasette plugin: the public French pages (home, search, agenda, item, centre, source state)
and the two feeds (/portail/agenda.ics, /portail/actualites.atom)."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import escape_fts
from datasette.utils.asgi import NotFound, Response

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    # Datasette loads this file by path; the helper package beside it becomes importable.
    sys.path.insert(0, _HERE)

from crpv_portal import DB_NAME, feeds, formatting, metadata, queries  # noqa: E402
from crpv_portal.pool import PagePool, side_file, sqlite_uri  # noqa: E402
from normalize.search import build_match_query  # noqa: E402

# Harvested text is escaped by the templates; this policy is the second wall: even if some
# markup slipped through, no inline or foreign script would run on the portal's own pages.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
FEED_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                 "img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                 "form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _datasette_db(datasette):
    try:
        return datasette.get_database(DB_NAME)
    except KeyError:
        # Only when someone serves a file under another name: use the first real database.
        return next(db for name, db in datasette.databases.items() if name != "_internal")


def _db(datasette) -> PagePool:
    """The public pages' own read pool over the served file and its publication side file."""
    pool = getattr(datasette, "_crpv_pages", None)
    if pool is None:
        pool = PagePool(_datasette_db(datasette).path,
                        time_limit_ms=datasette.setting("sql_time_limit_ms") or 3000)
        datasette._crpv_pages = pool
    return pool


async def _page(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    context.setdefault("page", template.rsplit("/", 1)[-1].removesuffix(".html"))
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status, headers=SECURITY_HEADERS)


def _base_url(request) -> str:
    return f"{request.scheme}://{request.host}"


async def home(datasette, request):
    """The home page: search box, latest news, upcoming events, publications, centres, counts."""
    db = _db(datasette)
    context = {
        "counts": await queries.counts(db),
        # A relayed item or event once, a series at its next session only.
        "news": queries.merge_item_relays(await queries.latest_items(db, "news", 12))[:6],
        "events": queries.fold_series(queries.merge_relays(
            await queries.upcoming_events(db, limit=40)))[:6],
        "documents": await queries.latest_items(db, "document", 6),
        "centres": await queries.centres(db),
    }
    return await _page(datasette, request, "portail/accueil.html", context)


def _page_number(request) -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _query(q: str, filters) -> dict:
    return {"q": q, **filters.as_params()} if q else filters.as_params()


def _href(path: str, params: dict) -> str:
    params = {k: v for k, v in params.items() if v}
    return path + ("?" + urlencode(params, doseq=True) if params else "")


async def search(datasette, request):
    """Full-text search over news, events and documents (PDF text included), with facets."""
    db = _db(datasette)
    q = (request.args.get("q") or "").strip()[:300]
    filters = queries.Filters.from_args(request.args)
    result = await queries.search(db, q, filters, _page_number(request))
    params = _query(q, filters)

    def link(**changes):
        return _href("/recherche", {**params, **changes})

    def toggle(name, value):
        """The same search with one facet value added, or removed when chosen."""
        chosen = list(getattr(filters, name))
        chosen = [v for v in chosen if v != value] if value in chosen else chosen + [value]
        return link(**{name: chosen, "page": None})

    context = {"q": q, "result": result, "filters": filters, "link": link, "toggle": toggle,
               "feed_url": _href("/recherche.atom", {**params, "tri": None}),
               "choices": await queries.filter_choices(db)}
    return await _page(datasette, request, "portail/recherche.html", context)


def _atom_response(request, body: bytes) -> Response:
    """An Atom feed, typed as such for feed readers; a browser asking for HTML gets the same
    document typed as XML, so that it applies the feed's XSL stylesheet (/flux.xsl) instead
    of showing raw text."""
    if "text/html" not in (request.headers.get("accept") or ""):
        return Response(body, content_type="application/atom+xml; charset=utf-8",
                        headers={"Vary": "Accept"})
    # Not sandboxed: an opaque origin could not load the stylesheet (script-src governs it).
    return Response(body, content_type="application/xml; charset=utf-8",
                    headers={"Vary": "Accept", "Content-Security-Policy": FEED_PAGE_CSP})


async def search_atom(datasette, request):
    """Any search or listing as an Atom feed ("suivre cette recherche"): the same results
    as the results page, newest first, at most ATOM_LIMIT of them."""
    q = (request.args.get("q") or "").strip()[:300]
    filters = queries.Filters.from_args(request.args)
    filters.tri = "date"
    result = await queries.search(_db(datasette), q, filters, 1, page_size=queries.ATOM_LIMIT)
    base = _base_url(request)
    described = " · ".join(x for x in ([f"« {q} »"] if q else []) + [
        f"{k} : {', '.join(v) if isinstance(v, list) else v}"
        for k, v in filters.as_params().items() if k != "tri"])
    title = "Portail CRPV — " + (f"recherche {described}" if described else "tous les éléments")
    body = feeds.build_atom(result.hits, base, base + request.full_path, title,
                            alternate=base + _href("/recherche", _query(q, filters)))
    return _atom_response(request, body)


async def agenda(datasette, request):
    """Upcoming events one local month at a time, soonest first, with local times and places;
    a recurring event once with its next sessions, a relayed one once crediting every centre."""
    db = _db(datasette)
    filters = queries.Filters.from_args(request.args)
    months = await queries.agenda_months(db, filters)
    known = [m["mois"] for m in months]
    month = filters.mois if filters.mois in known else (known[0] if known else None)
    in_month = next((m["n"] for m in months if m["mois"] == month), 0)
    pages = max(1, -(-in_month // queries.AGENDA_PAGE))
    page = min(_page_number(request), pages)
    sessions = await queries.upcoming_events(db, filters, limit=queries.AGENDA_PAGE, month=month,
                                             offset=(page - 1) * queries.AGENDA_PAGE)
    events = queries.fold_series(queries.merge_relays(sessions))
    past = await queries.past_sessions(db, [ev["id"] for ev in events if ev["next_sessions"]])
    for ev in events:
        ev["past_sessions"] = past.get(ev["id"], 0)
    params = filters.as_params()
    index = known.index(month) if month in known else -1

    def month_link(value, page=None):
        return _href("/agenda", {**params, "mois": value, "page": page})

    context = {"events": events, "months": months, "month": month, "filters": filters,
               "month_link": month_link, "page": page, "pages": pages,
               "previous_month": known[index - 1] if index > 0 else None,
               "next_month": known[index + 1] if 0 <= index < len(known) - 1 else None,
               "choices": await queries.filter_choices(db),
               "event_types": await queries.event_types(db),
               "departements": await queries.departements(db),
               "ics_url": _href("/portail/agenda.ics", params),
               "atom_url": _href("/portail/agenda.atom", params)}
    return await _page(datasette, request, "portail/agenda.html", context)


async def item(datasette, request):
    """One item: centre, date, themes, summary, sessions, files, source link, relays."""
    found = await queries.item_page(_db(datasette), request.url_vars["item_id"])
    if found is None:
        raise NotFound("Élément introuvable")
    return await _page(datasette, request, "portail/element.html", {"item": found})


async def centre(datasette, request):
    """One centre: identity, source and licence, harvest state, latest items, agenda."""
    found = await queries.centre_page(_db(datasette), request.url_vars["centre_id"])
    if found is None:
        raise NotFound("Centre introuvable")
    return await _page(datasette, request, "portail/centre.html", {"centre": found})


async def state(datasette, request):
    """The public 'État des sources' page: per-centre harvest health."""
    rows = await queries.sources_state(_db(datasette))
    return await _page(datasette, request, "portail/etat.html", {"centres": rows})


async def agenda_ics(datasette, request):
    """The upcoming sessions as iCalendar (same filters as the agenda page), at most
    ICS_LIMIT of them: the soonest, which is what a calendar subscription shows. A relayed
    event is one VEVENT crediting every centre."""
    filters = queries.Filters.from_args(request.args)
    events = await queries.upcoming_events(_db(datasette), filters, limit=queries.ICS_LIMIT)
    body = feeds.build_calendar(queries.merge_relays(events), _base_url(request))
    return Response(body, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="agenda-crpv.ics"'})


async def item_ics(datasette, request):
    """One event's sessions as iCalendar ("Ajouter à mon agenda")."""
    item_id = request.url_vars["item_id"]
    found = await queries.item_sessions(_db(datasette), item_id)
    if not found:
        raise NotFound("Événement introuvable")
    body = feeds.build_calendar(found, _base_url(request))
    safe = "".join(c for c in item_id if c.isalnum() or c in "-_")[:40] or "evenement"
    return Response(body, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.ics"'})


async def news_atom(datasette, request):
    """The latest news as Atom (news only unless `type` says otherwise; filters: centre,
    territoire, theme, type); a relayed item once."""
    filters = queries.Filters.from_args(request.args)
    if not filters.type:
        filters.type = ("news",)
    items = await queries.latest_items(_db(datasette), None, queries.ATOM_LIMIT * 2, filters)
    items = queries.merge_item_relays(items)[:queries.ATOM_LIMIT]
    base = _base_url(request)
    body = feeds.build_atom(items, base, base + request.full_path,
                            "Portail CRPV — dernières actualités des centres de ressources")
    return _atom_response(request, body)


async def agenda_atom(datasette, request):
    """The agenda as Atom: the upcoming events, soonest first, each once (a series at its
    next session, a relayed event crediting every centre)."""
    filters = queries.Filters.from_args(request.args)
    sessions = await queries.upcoming_events(_db(datasette), filters, limit=queries.AGENDA_LIMIT)
    events = queries.fold_series(queries.merge_relays(sessions))[:queries.ATOM_LIMIT]
    base = _base_url(request)
    body = feeds.build_atom(events, base, base + request.full_path,
                            "Portail CRPV — agenda des centres de ressources", agenda=True)
    return _atom_response(request, body)


async def feeds_page(datasette, request):
    """The feeds and calendars a visitor can follow, explained."""
    choices = await queries.filter_choices(_db(datasette))
    return await _page(datasette, request, "portail/flux.html", {"choices": choices})


async def feed_stylesheet(datasette, request):
    """The XSL stylesheet that renders the Atom feeds readably in a browser."""
    return Response((Path(__file__).resolve().parent / "crpv_portal" / "flux.xsl").read_text(),
                    content_type="text/xml; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/$", home),
        (r"^/recherche$", search),
        (r"^/recherche\.atom$", search_atom),
        (r"^/flux$", feeds_page),
        (r"^/flux\.xsl$", feed_stylesheet),
        (r"^/agenda$", agenda),
        (r"^/elements/(?P<item_id>[^/]+)\.ics$", item_ics),
        (r"^/elements/(?P<item_id>[^/]+)$", item),
        (r"^/centres/(?P<centre_id>[^/]+)$", centre),
        (r"^/etat-des-sources$", state),
        (rf"^/{DB_NAME}/agenda\.ics$", agenda_ics),
        (rf"^/{DB_NAME}/actualites\.atom$", news_atom),
        (rf"^/{DB_NAME}/agenda\.atom$", agenda_atom),
    ]


_FACETS_CACHE: dict = {"at": 0.0, "path": None, "metadata": {}}
FACETS_REFRESH_SECONDS = 30


@hookimpl
def get_metadata(datasette, key, database, table):
    """Default facets for the tables small enough, from the row counts of the last
    publication (re-read every FACETS_REFRESH_SECONDS: a publication needs no restart)."""
    if database not in (None, DB_NAME) or key not in (None, "facets", "databases"):
        return None
    now = time.monotonic()
    try:
        path = _datasette_db(datasette).path
    except StopIteration:
        return None
    if _FACETS_CACHE["path"] != path or now - _FACETS_CACHE["at"] > FACETS_REFRESH_SECONDS:
        _FACETS_CACHE.update(at=now, path=path, metadata=metadata.default_facets(_row_counts(path)))
    return _FACETS_CACHE["metadata"]


def _row_counts(path) -> dict[str, int]:
    side = side_file(path)
    if not path or not side.exists():
        return {}
    try:
        conn = sqlite3.connect(sqlite_uri(side, mode="ro"), uri=True)
        try:
            found = conn.execute("select cle, valeur from chiffres where cle like 'lignes:%'").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return {}
    return {key.split(":", 1)[1]: value for key, value in found}


def french_fts(text):
    """Datasette's `escape_fts`, made French: the table search (`?_search=` on
    /portail/items) stems, folds and expands the words (acronyms, synonyms) like the
    portal's own search, over the same index. The expression names no column (the same
    function serves every FTS table): stems are matched as prefixes, which the stems
    column of items_fts holds whole."""
    match = build_match_query(str(text or ""), stems_column=None)
    return match if match else escape_fts(str(text or ""))


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: after Datasette's own registration of escape_fts, which this replaces.
    conn.create_function("escape_fts", 1, french_fts, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["date_fr"] = formatting.date_fr
    env.filters["taille"] = formatting.size_fr
    env.filters["pages_fr"] = formatting.pages_fr
    env.filters["surligne"] = formatting.highlight
    env.filters["corps_sur"] = formatting.safe_body
    env.globals["quand"] = formatting.event_when
    env.globals["NATURES"] = formatting.KINDS
    env.globals["NATURES_PLURIEL"] = formatting.KINDS_PLURAL
    env.globals["TYPES_EVENEMENT"] = queries.event_type_labels()
