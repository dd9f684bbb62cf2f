"""SQL behind the public pages and feeds: one async function per page.

Every function takes a database with Datasette's `execute(sql, params)` (the public pages'
own pool, `pool.PagePool`) and returns plain dicts. Only active items are public.

Nothing here sorts or filters on a function of the harvest's columns: lists walk the
indexes of the publication's side file (`publication.elements` by `tri`, the stored UTC sort
key; `publication.seances` by `debut`, upcoming meaning `fin >= now`, both computed at
publication by `portail.publish`), then fetch the few rows shown from the harvest tables by
rowid. Counts come from the small tables computed at publication. A search takes a bounded
number of matches from FTS5 before joining anything, and its facets are GROUP BYs over those
result ids. "Upcoming" keeps its meaning: an all-day event until the end of its last day in
Paris, a timed event until its end (its start when it has none).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from normalize.event_types import event_type as event_type_of, vocabulary as _event_vocabulary
from normalize.geo import departement_name
from normalize.search import build_match_query, mark_query_words
from portail.publish import session_end

from .formatting import MARK_CLOSE, MARK_OPEN, days_since, has_mark

PORTAL_TZ = ZoneInfo("Europe/Paris")
SEARCH_CAP = 1000  # newest item matches ranked; beyond, counts are lower bounds
DOC_CAP = 500  # newest PDF-text matches considered
BROWSE_PAGES = 250  # pages offered when listing without words (newest first)
PAGE_SIZE = 20
AGENDA_LIMIT = 500  # sessions in the agenda's Atom feed
AGENDA_PAGE = 100  # sessions on one page of the agenda (a month may take several)
ICS_LIMIT = 1000  # sessions in agenda.ics: the soonest (a subscription shows what comes next)
ATOM_LIMIT = 50
ITEM_DATE = "coalesce(i.published_at, i.first_seen_at)"
_YEAR = re.compile(r"^\d{4}$")


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
KINDS_ACCEPTED = ("news", "event", "document")
FACET_PARAMS = ("centre", "territoire", "theme", "type", "annee")  # several values each
AGENDA_PARAMS = ("type_evenement", "departement")  # several values each
MAX_VALUES = 20  # values of one filter kept (a longer list is someone playing)


def _values(value) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if v)


def _day(value) -> str | None:
    """A YYYY-MM-DD date as typed in a date field, or None."""
    value = (value or "").strip()[:10]
    try:
        return datetime.strptime(value, "%Y-%m-%d").date().isoformat() if _DAY.match(value) else None
    except ValueError:
        return None


@dataclass
class Filters:
    """Visitor filters shared by search, agenda and feeds (query-string names in French).

    The facet filters hold several values each (one of them must match: `?centre=a&centre=b`);
    two filters must both match. `du`/`au` bound the item's date (or the session's start on
    the agenda), `depuis` the day the portal first saw the item, `tri` asks for the newest
    first instead of the best match."""

    centre: tuple = ()
    territoire: tuple = ()
    theme: tuple = ()
    type: tuple = ()
    annee: tuple = ()
    du: str | None = None
    au: str | None = None
    depuis: str | None = None
    tri: str | None = None  # "date": newest first; default: relevance (with words)
    type_evenement: tuple = ()
    departement: tuple = ()
    mode: str | None = None  # "en_ligne" | "sur_place"
    mois: str | None = None  # the agenda's month (YYYY-MM)
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in FACET_PARAMS + AGENDA_PARAMS:
            setattr(self, name, _values(getattr(self, name))[:MAX_VALUES])
        self.type = tuple(k for k in self.type if k in KINDS_ACCEPTED)

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Read the filters from request.args (empty values ignored)."""
        def many(name):
            getlist = getattr(args, "getlist", None)
            found = getlist(name) if getlist else _values(args.get(name))
            seen = []
            for value in found:
                value = (value or "").strip()[:200]
                if value and value not in seen:
                    seen.append(value)
            return tuple(seen)

        def one(name):
            return (args.get(name) or "").strip()[:200] or None
        mode = one("mode")
        month = one("mois")
        return cls(*(many(n) for n in FACET_PARAMS), du=_day(one("du")), au=_day(one("au")),
                   depuis=_day(one("depuis")), tri="date" if one("tri") == "date" else None,
                   type_evenement=many("type_evenement"), departement=many("departement"),
                   mode=mode if mode in ("en_ligne", "sur_place") else None,
                   mois=month if month and _MONTH.match(month) else None)

    def facet_filters(self) -> dict[str, tuple]:
        return {name: getattr(self, name) for name in FACET_PARAMS if getattr(self, name)}

    def has_dates(self) -> bool:
        return bool(self.du or self.au or self.depuis)

    def without(self, *names: str) -> "Filters":
        """The same filters less the named ones."""
        values = {name: getattr(self, name) for name in FACET_PARAMS + AGENDA_PARAMS + (
            "du", "au", "depuis", "tri", "mode", "mois")}
        for name in names:
            values[name] = () if name in FACET_PARAMS + AGENDA_PARAMS else None
        return Filters(**values)

    def accepts(self, row: dict, skip: str | None = None) -> bool:
        """Does a side-file row (facet columns) pass the facet filters (less `skip`)?"""
        for name, column in (("centre", "centre_id"), ("territoire", "territoire"),
                             ("type", "kind"), ("annee", "annee")):
            if name != skip and getattr(self, name) and row[column] not in getattr(self, name):
                return False
        if skip != "theme" and self.theme:
            themes = json.loads(row["themes"] or "[]")
            if not any(t in themes for t in self.theme):
                return False
        return True

    def sql(self, alias: str = "e", with_year_range: bool = True, facets: bool = True,
            date_column: str = "tri") -> tuple[str, dict]:
        """Conditions over a side-file row (`publication.elements` or `.seances`) and params
        (`facets=False`: the date filters only)."""
        clauses, params = [], {}

        def among(column: str, name: str, values: tuple) -> None:
            if len(values) == 1:
                clauses.append(f"{alias}.{column} = :f_{name}")
                params[f"f_{name}"] = values[0]
            elif values:
                # Unary +: several values never drive the index choice (the rows of two
                # centres would then be sorted by date); the date index walks, they filter.
                names = [f"f_{name}_{i}" for i in range(len(values))]
                clauses.append(f"+{alias}.{column} in ({', '.join(':' + n for n in names)})")
                params.update(zip(names, values))

        if facets:
            among("centre_id", "centre", self.centre)
            among("territoire", "territoire", self.territoire)
            if self.theme:  # `themes` holds the item's theme ids as a JSON array
                names = [f"f_theme_{i}" for i in range(len(self.theme))]
                clauses.append("(" + " or ".join(f"instr({alias}.themes, :{n}) > 0" for n in names) + ")")
                params.update({n: json.dumps(t) for n, t in zip(names, self.theme)})
            among("kind", "type", self.type)
            among("annee", "annee", self.annee)
            years = [int(y) for y in self.annee if _YEAR.match(y)]
            if with_year_range and years and len(years) == len(self.annee):
                # The year as written is local; its UTC sort keys lie within a day of it:
                # a range on the indexed key first, the exact year after.
                clauses.append(f"{alias}.{date_column} >= :f_from and {alias}.{date_column} < :f_to")
                params.update(f_from=f"{min(years) - 1}-12-31", f_to=f"{max(years) + 1}-01-02")
        if self.du:
            clauses.append(f"{alias}.{date_column} >= :f_du")
            params["f_du"] = self.du
        if self.au:  # the whole last day: every instant before the next one
            clauses.append(f"{alias}.{date_column} < :f_au")
            params["f_au"] = (date.fromisoformat(self.au) + timedelta(days=1)).isoformat()
        if date_column == "debut":  # the agenda's own filters (publication.seances)
            among("type_evenement", "type_evenement", self.type_evenement)
            among("departement", "departement", self.departement)
            if self.mode:
                clauses.append(f"{alias}.en_ligne = {1 if self.mode == 'en_ligne' else 0}")
        if self.depuis and date_column == "tri":
            clauses.append(f"{alias}.vu >= :f_depuis")
            params["f_depuis"] = self.depuis
        return "".join(f" and {c}" for c in clauses), params

    def as_params(self) -> dict:
        """The active filters as query-string parameters (a list for several values)."""
        out: dict = {}
        for name in FACET_PARAMS + ("du", "au", "depuis", "tri") + AGENDA_PARAMS + ("mode",):
            value = getattr(self, name)
            if value:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def pairs(self) -> list[tuple[str, str]]:
        """The active filters as (name, value) pairs, one per value (hidden form fields)."""
        return [(k, v) for k, values in self.as_params().items()
                for v in (values if isinstance(values, list) else [values])]

    def first(self, name: str) -> str | None:
        values = getattr(self, name)
        return values[0] if values else None


def event_type_labels() -> dict[str, str]:
    return _event_vocabulary().labels


def now_text(now: datetime | None = None) -> str:
    """`now` in UTC as the side file writes its instants ('YYYY-MM-DDTHH:MM:SSZ')."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


async def rows(db, sql: str, params: dict | None = None) -> list[dict]:
    """Run a read query and return dict rows."""
    result = await db.execute(sql, params or {})
    return [dict(r) for r in result.rows]


async def one(db, sql: str, params: dict | None = None) -> dict | None:
    found = await rows(db, sql, params)
    return found[0] if found else None


ITEM_COLUMNS = f"""i.id, i.kind, i.title, i.summary, i.url, i.centre_id, i.published_at,
  i.themes, {ITEM_DATE} as sort_date, c.name as centre_name,
  coalesce(c.short_name, c.name) as centre_short, c.territory"""


async def latest_items(db, kind: str | None, limit: int = 6, filters: Filters | None = None) -> list[dict]:
    """The newest active items (of one kind when given), newest first."""
    where, params = (filters or Filters()).sql("e")
    if kind:
        where += " and e.kind = :kind"
        params["kind"] = kind
    return await rows(db, f"""
        with page as (
          select e.item_rowid, e.tri from publication.elements e
          where 1 {where} order by e.tri desc, e.id limit :limit)
        select {ITEM_COLUMNS}, i.body_html, i.updated_at, i.first_seen_at, i.last_seen_at,
          i.cluster_id
        from page p join items i on i.rowid = p.item_rowid join centres c on c.id = i.centre_id
        where i.status = 'active'
        order by p.tri desc, i.id""", {**params, "limit": limit})


async def upcoming_events(db, filters: Filters | None = None, now: datetime | None = None,
                          limit: int = 1000, month: str | None = None, offset: int = 0) -> list[dict]:
    """Upcoming event sessions with their item and centre, soonest first (of one local
    month when given)."""
    where, params = (filters or Filters()).sql("s", with_year_range=False, date_column="debut")
    if month:
        where += " and s.mois = :month"
        params["month"] = month
    return await rows(db, f"""
        with page as (
          select s.event_rowid, s.item_rowid, s.debut, s.titre, s.event_id, s.groupe,
            s.type_evenement
          from publication.seances s
          where s.fin >= :now {where} order by s.debut, s.titre, s.event_id
          limit :limit offset :offset)
        select e.id as event_id, e.starts_at, e.ends_at, e.all_day, e.timezone,
          e.location_name, e.address, e.postcode, e.city, e.online, p.type_evenement as event_type,
          p.groupe, p.debut, {ITEM_COLUMNS}, i.first_seen_at, i.last_seen_at,
          c.timezone as centre_timezone
        from page p join events e on e.rowid = p.event_rowid join items i on i.rowid = p.item_rowid
          join centres c on c.id = i.centre_id
        where i.status = 'active'
        order by p.debut, p.titre, p.event_id""",
        {**params, "now": now_text(now), "limit": limit, "offset": offset})


def merge_relays(sessions: list[dict]) -> list[dict]:
    """One session per relayed event: the sessions of one relay group at one instant are
    one, crediting every centre that published it (`publishers`: short names, in order)."""
    out: list[dict] = []
    seen: dict[tuple, dict] = {}
    for ev in sessions:
        key = (ev.get("groupe") or ev["id"], ev.get("debut") or ev["starts_at"])
        first = seen.get(key)
        if first is None:
            ev["publishers"] = [{"id": ev["centre_id"], "short": ev["centre_short"],
                                 "name": ev["centre_name"], "url": ev.get("url")}]
            seen[key] = ev
            out.append(ev)
        elif all(p["id"] != ev["centre_id"] for p in first["publishers"]):
            first["publishers"].append({"id": ev["centre_id"], "short": ev["centre_short"],
                                        "name": ev["centre_name"], "url": ev.get("url")})
    return out


def fold_series(sessions: list[dict], shown: int = 4) -> list[dict]:
    """A recurring event once, at its first session here, with its next sessions
    (`next_sessions`, at most `shown`, and `more_sessions` beyond)."""
    out: list[dict] = []
    first_of: dict[str, dict] = {}
    for ev in sessions:
        key = ev.get("groupe") or ev["id"]
        first = first_of.get(key)
        if first is None:
            ev["next_sessions"], ev["more_sessions"] = [], 0
            first_of[key] = ev
            out.append(ev)
        elif len(first["next_sessions"]) < shown:
            first["next_sessions"].append(ev)
        else:
            first["more_sessions"] += 1
    return out


def merge_item_relays(items: list[dict]) -> list[dict]:
    """One entry per relay group in a list of items (the first one listed), crediting every
    centre that published it (`publishers`)."""
    out: list[dict] = []
    seen: dict[str, dict] = {}
    for it in items:
        key = it.get("cluster_id") or it["id"]
        publisher = {"id": it["centre_id"], "short": it["centre_short"], "name": it["centre_name"],
                     "url": it.get("url")}
        first = seen.get(key)
        if first is None:
            it["publishers"] = [publisher]
            seen[key] = it
            out.append(it)
        elif all(p["id"] != it["centre_id"] for p in first["publishers"]):
            first["publishers"].append(publisher)
    return out


def _typed(sessions: list[dict], title: str | None) -> list[dict]:
    """Sessions with an event type of the vocabulary: as stored, else (rows harvested
    before types were read, or free text) the word of the stored value or of the title —
    the publication's rule."""
    labels = event_type_labels()
    for session in sessions:
        if session.get("event_type") not in labels:
            session["event_type"] = (event_type_of(session.get("event_type") or "")
                                     or event_type_of(title or ""))
    return sessions


async def item_sessions(db, item_id: str) -> list[dict]:
    """Every session of one active event with its item and centre (its own .ics)."""
    found = await rows(db, f"""
        select e.id as event_id, e.starts_at, e.ends_at, e.all_day, e.timezone,
          e.location_name, e.address, e.postcode, e.city, e.online, e.event_type,
          {ITEM_COLUMNS}, i.first_seen_at, i.last_seen_at, c.timezone as centre_timezone
        from items i join centres c on c.id = i.centre_id join events e on e.item_id = i.id
        where i.id = :id and i.status = 'active'
        order by e.starts_at_utc, e.id limit 500""", {"id": item_id})
    return _typed(found, found[0]["title"] if found else None)


async def _agenda_figures(db, name: str) -> dict[str, int]:
    found = await one(db, "select valeur from publication.chiffres where cle = :k",
                      {"k": f"agenda:{name}"})
    return json.loads(found["valeur"]) if found and found["valeur"] else {}


async def agenda_months(db, filters: Filters, now: datetime | None = None) -> list[dict]:
    """The months holding upcoming sessions that pass the filters, with their counts
    (without a filter: as counted at publication, no scan of every upcoming session)."""
    if not filters.without("mois", "tri").as_params():
        return [{"mois": m, "n": n} for m, n in (await _agenda_figures(db, "mois")).items()]
    where, params = filters.sql("s", with_year_range=False, date_column="debut")
    return await rows(db, f"""
        select s.mois, count(distinct s.groupe || '|' || s.debut) as n from publication.seances s
        where s.fin >= :now {where} group by s.mois order by s.mois""",
        {**params, "now": now_text(now)})


async def past_sessions(db, item_ids: list[str], now: datetime | None = None) -> dict[str, int]:
    """How many sessions of each item already took place (a running series)."""
    if not item_ids:
        return {}
    found = await rows(db, """
        select e.item_id, count(*) as n from events e
        where e.item_id in (select value from json_each(:ids)) and e.starts_at_utc < :now
        group by e.item_id""", {"ids": json.dumps(item_ids), "now": now_text(now)[:19]})
    return {r["item_id"]: r["n"] for r in found}


async def event_types(db) -> list[dict]:
    """The event types of upcoming sessions, with their French labels and counts (as
    counted at publication)."""
    found = [{"id": k, "n": n} for k, n in (await _agenda_figures(db, "types")).items()]
    labels = event_type_labels()
    found.sort(key=lambda r: list(labels).index(r["id"]) if r["id"] in labels else 99)
    return [{"id": r["id"], "label": labels.get(r["id"], r["id"]), "n": r["n"]} for r in found]


async def departements(db) -> list[dict]:
    found = [{"id": k, "n": n} for k, n in (await _agenda_figures(db, "departements")).items()]
    return [{"id": r["id"], "label": f"{r['id']} – {departement_name(r['id']) or r['id']}"}
            for r in found]


async def counts(db) -> dict:
    """Counts shown on the home page: centres, active items by kind, last harvest."""
    found = {r["cle"]: r["valeur"] for r in await rows(db, "select cle, valeur from publication.chiffres")}
    by_kind = {k: found.get(k) or 0 for k in ("news", "event", "document") if found.get(k)}
    return {"centres": found.get("centres") or 0, "by_kind": by_kind,
            "total": found.get("total") or 0, "last_harvest": found.get("derniere_moisson")}


async def centres(db) -> list[dict]:
    """All centres, by name, with their number of active items."""
    return await rows(db, """
        select c.*, coalesce(k.elements, 0) as items
        from centres c left join publication.centres_chiffres k on k.centre_id = c.id
        order by coalesce(c.short_name, c.name) collate nocase""")


async def filter_choices(db) -> dict:
    """Choices for the filter menus: centres, territories, themes."""
    return {
        "centres": await rows(db, "select id, coalesce(short_name, name) as label from centres "
                                  "order by label collate nocase"),
        "territoires": [r["territory"] for r in await rows(
            db, "select distinct territory from centres where territory is not null "
                "order by territory")],
        "themes": await rows(db, "select id, label from themes order by label"),
    }


async def item_page(db, item_id: str) -> dict | None:
    """Everything the item page shows, or None for an unknown id."""
    item = await one(db, f"""
        select {ITEM_COLUMNS}, i.body_html, i.body_text, i.status, i.gone_since,
          i.updated_at, i.first_seen_at, i.cluster_id, c.url as centre_url
        from items i join centres c on c.id = i.centre_id where i.id = :id""", {"id": item_id})
    if item is None:
        return None
    item["theme_list"] = await rows(db, """
        select t.id, t.label from item_themes it join themes t on t.id = it.theme_id
        where it.item_id = :id order by coalesce(it.score, 0) desc, t.label""", {"id": item_id})
    item["events"] = await rows(db, "select * from events e where e.item_id = :id "
                                    "order by datetime(coalesce(e.starts_at_utc, e.starts_at)) "
                                    "limit 200", {"id": item_id})
    item["documents"] = await rows(db, "select id, file_url, media_type, size_bytes, pages, title, "
                                       "error from documents where item_id = :id order by file_url "
                                       "limit 50", {"id": item_id})
    _typed(item["events"], item["title"])
    now = now_text()
    for session in item["events"]:  # over: as the agenda decides it (publication's rule)
        over = session_end(session["starts_at"], session.get("ends_at"), session.get("all_day"))
        session["past"] = over is not None and over < now
    item["related"] = []
    if item["cluster_id"]:
        related = await rows(db, f"""
            select {ITEM_COLUMNS} from items i join centres c on c.id = i.centre_id
            where i.cluster_id = :cluster and i.id != :id and i.status = 'active'
              and i.centre_id != :centre
            order by sort_date, i.id limit 50""",
            {"cluster": item["cluster_id"], "id": item_id, "centre": item["centre_id"]})
        once: dict[str, dict] = {}  # "aussi publié par": each other centre once
        for r in related:
            once.setdefault(r["centre_id"], r)
        item["related"] = list(once.values())
    return item


async def centre_page(db, centre_id: str) -> dict | None:
    """A centre, its harvest state and its latest items, or None for an unknown id."""
    centre = await one(db, "select * from centres where id = :id", {"id": centre_id})
    if centre is None:
        return None
    states = await sources_state(db, only=centre_id)
    centre["state"] = states[0] if states else None
    centre["latest"] = await latest_items(db, None, 20, Filters(centre=centre_id))
    centre["upcoming"] = await upcoming_events(db, Filters(centre=centre_id), limit=10)
    return centre


ERRORS_SHOWN = 5


async def sources_state(db, only: str | None = None) -> list[dict]:
    """Per centre: last successful harvest, last run and its errors, items by kind, newest item."""
    where = "where c.id = :only" if only else ""
    params = {"only": only} if only else {}
    centres_rows = await rows(db, f"""
        select c.id, c.name, coalesce(c.short_name, c.name) as short_name, c.url, c.territory,
          k.derniere_reussite as last_success, k.dernier_nouveau as last_new_item,
          k.news, k.event, k.document
        from centres c left join publication.centres_chiffres k on k.centre_id = c.id
        {where} order by coalesce(c.short_name, c.name) collate nocase""", params)
    # The last run of each centre: one index seek per centre on (centre_id, started_at).
    last_runs = await rows(db, f"""
        select r.* from centres c join harvest_runs r on r.id = (
          select r2.id from harvest_runs r2 where r2.centre_id = c.id
          order by r2.started_at desc, r2.id desc limit 1) {where}""", params)
    errors = await rows(db, f"""
        with last as (
          select c.id as centre_id, (select r2.run_id from harvest_runs r2 where r2.centre_id = c.id
             order by r2.started_at desc, r2.id desc limit 1) as run_id
          from centres c {where}),
        numbered as (
          select e.centre_id, e.run_id, e.url, e.kind, e.message, e.occurred_at,
            row_number() over (partition by e.centre_id order by e.occurred_at desc, e.id) as n,
            count(*) over (partition by e.centre_id) as total
          from last l join harvest_errors e on e.run_id = l.run_id and e.centre_id = l.centre_id)
        select * from numbered where n <= {ERRORS_SHOWN} order by centre_id, n""", params)
    run_by_centre = {r["centre_id"]: r for r in last_runs}
    errors_by_centre: dict[str, list[dict]] = {}
    for e in errors:
        errors_by_centre.setdefault(e["centre_id"], []).append(e)
    today = datetime.now(PORTAL_TZ).date()
    for c in centres_rows:
        c["by_kind"] = {k: c.pop(k) for k in ("news", "event", "document") if c.get(k)}
        for k in ("news", "event", "document"):
            c.pop(k, None)
        run = run_by_centre.get(c["id"])
        c["last_run"] = run
        c["errors"] = errors_by_centre.get(c["id"], []) if run else []
        c["errors_total"] = c["errors"][0]["total"] if c["errors"] else 0
        c["days_since_new"] = days_since(c["last_new_item"], today)
        c["health"] = ("jamais" if run is None else
                       "erreur" if run["status"] != "completed" else
                       "partiel" if c["errors"] else "ok")
    return centres_rows


@dataclass
class SearchResult:
    query: str
    match: str | None
    total: int
    hits: list[dict]
    facets: dict[str, list[dict]]
    page: int
    pages: int
    capped: bool = False  # more matches than SEARCH_CAP: counts are lower bounds
    sort: str = "pertinence"


FACET_COLUMNS = "e.item_rowid, e.id, e.tri, e.centre_id, e.territoire, e.kind, e.annee, e.themes"
BROWSE_FACET_CAP = 3000  # items of a date range whose facets are counted exactly
COUNT_CAP = 100000  # items counted at most for the total of a large date range


SELECTIVE_SHARE = 0.05  # a chosen centre (territory, kind) this rare is matched as a rowid list


async def _narrowing(db, filters: Filters) -> tuple[str, dict]:
    """For a search filtered by a rare centre, territory or kind: a condition on the FTS
    rowid, an in-memory list of that value's item rowids read on its covering index. FTS5
    then walks its matches checking the list, not a side-file row each (a centre holding 2 %
    of the items: 50 matches walked for one kept). Nothing for a common value: the list
    would cost more than the walk it saves. The counts come from the publication's cube."""
    candidates = [(name, column, getattr(filters, name)) for name, column in (
        ("centre", "centre_id"), ("territoire", "territoire"), ("type", "kind"))
        if getattr(filters, name)]
    if not candidates:
        return "", {}
    by = {(r["d"], r["v"]): r["n"] for r in await rows(db, """
        select 'centre' as d, centre_id as v, sum(n) as n from publication.cube group by centre_id
        union all select 'territoire', territoire, sum(n) from publication.cube group by territoire
        union all select 'type', kind, sum(n) from publication.cube group by kind""")}
    total = sum(n for (d, _v), n in by.items() if d == "type")
    count, name, column, values = min(
        (sum(by.get((name, v), 0) for v in values), name, column, values)
        for name, column, values in candidates)
    if not total or count > SELECTIVE_SHARE * total:
        return "", {}
    names = [f"n_{i}" for i in range(len(values))]
    return (f" and +f.rowid in (select e2.item_rowid from publication.elements e2 "
            f"where e2.{column} in ({', '.join(':' + n for n in names)}))", dict(zip(names, values)))


async def _matches(db, match: str, match_docs: str | None, where: str, fparams: dict,
                   scored: bool = True, narrow: tuple[str, dict] = ("", {})) -> tuple[dict[int, dict], bool]:
    """Side-file rows of the items matching `match` (item text or PDF text) that pass
    `where`, by item rowid, with their best bm25 score; and whether a cap was reached."""
    score = "bm25(items_fts, 10.0, 5.0, 1.0, 2.0)" if scored else "0.0"
    # FTS5 walks its matches newest rowid first and stops at the cap: nothing is scored or
    # joined beyond it. Each match is checked against the filters on its compact side-file
    # row (the CROSS JOIN keeps FTS5 the outer loop); bm25 is computed for the rows kept.
    found = await rows(db, f"""
        select {FACET_COLUMNS}, {score} as score
        from items_fts f cross join publication.elements e on e.item_rowid = f.rowid
        where items_fts match :match {narrow[0]} {where}
        order by f.rowid desc limit :cap""", {"match": match, "cap": SEARCH_CAP, **fparams, **narrow[1]})
    # PDF text: the newest matching files, then their items through the same filters.
    doc_score = "bm25(documents_fts, 5.0, 1.0) + 0.5" if scored else "0.5"
    found_docs = await rows(db, f"""
        select d.item_id, {doc_score} as score
        from documents_fts f cross join documents d on d.rowid = f.rowid
        where documents_fts match :match order by f.rowid desc limit :cap""",
        {"match": match_docs or match, "cap": DOC_CAP})
    capped = len(found) >= SEARCH_CAP or len(found_docs) >= DOC_CAP
    by_rowid = {r["item_rowid"]: r for r in found}
    doc_scores: dict[str, float] = {}
    for r in found_docs:
        doc_scores[r["item_id"]] = min(r["score"], doc_scores.get(r["item_id"], r["score"]))
    known = {r["id"] for r in found}
    extra_ids = [i for i in doc_scores if i not in known]
    if extra_ids:
        for r in await rows(db, f"""
                select {FACET_COLUMNS}, null as score from publication.elements e
                where e.id in (select value from json_each(:ids)) {where}""",
                {"ids": json.dumps(extra_ids), **fparams}):
            by_rowid[r["item_rowid"]] = r
    for r in by_rowid.values():
        doc = doc_scores.get(r["id"])
        if doc is not None and (r["score"] is None or doc < r["score"]):
            r["score"] = doc
    return by_rowid, capped


async def search(db, query: str, filters: Filters, page: int = 1,
                 page_size: int = PAGE_SIZE) -> SearchResult:
    """Full-text search over items and PDF text, with facets and snippets; or, without
    words, every item newest first with exact facets from the publication's counts."""
    match = build_match_query(query)
    match_docs = build_match_query(query, stems_column=None)
    if not match:
        return await _browse(db, query, filters, page, page_size)
    where, fparams = filters.sql("e", with_year_range=False)
    by_rowid, capped = await _matches(db, match, match_docs, where, fparams,
                                      narrow=await _narrowing(db, filters))
    ranked = sorted(by_rowid.values(), key=lambda r: r["id"])
    ranked.sort(key=lambda r: r["tri"], reverse=True)
    if filters.tri != "date":  # best score first, then newest, then id (stable sorts)
        ranked.sort(key=lambda r: r["score"])
    labels = await _labels(db)
    facets = _facets_of_rows(ranked, labels)
    selected = filters.facet_filters()
    if selected and not capped and await _few_matches(db, match, match_docs):
        # The other values of a facet already chosen: counted without that facet's own
        # choice (one more walk, unscored, without the facet filters), so a second value
        # can be added and each count says what it would bring.
        dwhere, dparams = filters.sql("e", with_year_range=False, facets=False)
        wider, wider_capped = await _matches(db, match, match_docs, dwhere, dparams, scored=False)
        for name in selected:
            counted = _facets_of_rows(
                [r for r in wider.values() if filters.accepts(r, skip=name)], labels)[name]
            if wider_capped:  # lower bounds at best: the values are offered, not counted
                counted = _uncounted(counted, facets[name])
            facets[name] = counted
    elif selected:
        # The words match more than SEARCH_CAP items: a second walk would cost as much again
        # and be capped. The other values are offered without a count.
        everything = await _cube_facets(db, Filters(), labels=labels)
        for name in selected:
            facets[name] = _uncounted(everything[name], facets[name])
    total = len(ranked)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    window = [r["item_rowid"] for r in ranked[(page - 1) * page_size: page * page_size]]
    hits = await _hydrate(db, window, match, match_docs, query)
    return SearchResult(query, match, total, hits, facets, page, pages, capped=capped,
                        sort="date" if filters.tri == "date" else "pertinence")


async def _few_matches(db, match: str, match_docs: str | None) -> bool:
    """Whether the words match at most SEARCH_CAP items and DOC_CAP files (FTS5 doclists
    read up to the cap, nothing joined)."""
    found = await one(db, """select
        (select count(*) from (select rowid from items_fts where items_fts match :match
                               limit :cap + 1)) as items,
        (select count(*) from (select rowid from documents_fts where documents_fts match :docs
                               limit :doc_cap + 1)) as docs""",
        {"match": match, "docs": match_docs or match, "cap": SEARCH_CAP, "doc_cap": DOC_CAP})
    return found["items"] <= SEARCH_CAP and found["docs"] <= DOC_CAP


def _uncounted(values: list[dict], chosen: list[dict]) -> list[dict]:
    """The chosen values with their counts, then every other value without one."""
    counts = {v["value"]: v["count"] for v in chosen}
    out = [v for v in chosen]
    out += [{**v, "count": None} for v in values if v["value"] not in counts]
    return out


def _facets_of_rows(result: list[dict], labels: dict[tuple, str]) -> dict[str, list[dict]]:
    """Facet counts over the result rows (their side-file columns were fetched with them):
    GROUP BY centre, territory, kind, year and theme."""
    counters = {name: Counter() for name in FACET_ORDER}
    for r in result:
        counters["centre"][r["centre_id"]] += 1
        counters["territoire"][r["territoire"]] += 1
        counters["type"][r["kind"]] += 1
        counters["annee"][r["annee"]] += 1
        for theme in json.loads(r["themes"] or "[]"):
            counters["theme"][theme] += 1
    counted = [{"facette": name, "valeur": value, "n": n}
               for name, counter in counters.items() for value, n in counter.items()]
    return _facet_lists(counted, labels)


FACET_ORDER = ("centre", "territoire", "type", "theme", "annee")


def _facet_lists(counted: list[dict], labels: dict[tuple, str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {name: [] for name in FACET_ORDER}
    for r in counted:
        if r["valeur"] is None or r["valeur"] == "":
            continue
        name, value = r["facette"], r["valeur"]
        out[name].append({"value": value, "count": r["n"],
                          "label": labels.get((name, value), value)})
    for name, values in out.items():
        if name == "annee":
            values.sort(key=lambda v: v["value"], reverse=True)
        else:
            values.sort(key=lambda v: (-v["count"], v["label"].casefold(), v["value"]))
    return out


async def _labels(db) -> dict[tuple, str]:
    labels = {("centre", r["id"]): r["label"] for r in await rows(
        db, "select id, coalesce(short_name, name) as label from centres")}
    labels.update({("theme", r["id"]): r["label"] for r in await rows(
        db, "select id, label from themes")})
    return labels


async def _browse(db, query: str, filters: Filters, page: int,
                  page_size: int = PAGE_SIZE) -> SearchResult:
    """No words to search: every matching item, newest first; exact totals and facets from
    the counts computed at publication (a GROUP BY over at most a few thousand rows), or,
    within a date range, from the items of that range walked on the date index."""
    if filters.has_dates() or len(filters.theme) > 1:
        # The cube counts items by one theme: an item of two chosen themes would count twice.
        return await _browse_dates(db, query, filters, page, page_size)
    labels = await _labels(db)
    facets = await _cube_facets(db, filters, labels=labels)
    for name in filters.facet_filters():  # a chosen facet counted without its own choice
        facets[name] = (await _cube_facets(db, filters.without(name), labels=labels, only=name))[name]
    total = _cube_total(facets, filters)
    pages = max(1, min(BROWSE_PAGES, -(-total // page_size)))
    page = min(max(page, 1), pages)
    ewhere, eparams = filters.sql("e")
    window = await rows(db, f"""
        select e.item_rowid from publication.elements e where 1 {ewhere}
        order by e.tri desc, e.id limit :limit offset :offset""",
        {**eparams, "limit": page_size, "offset": (page - 1) * page_size})
    hits = await _hydrate(db, [r["item_rowid"] for r in window], None, None)
    return SearchResult(query, None, total, hits, facets, page, pages, capped=False, sort="date")


def _cube_total(facets: dict[str, list[dict]], filters: Filters) -> int:
    """The number of items matching every filter: the kinds' counts (those chosen)."""
    return sum(v["count"] for v in facets["type"] if not filters.type or v["value"] in filters.type)


async def _browse_dates(db, query: str, filters: Filters, page: int, page_size: int) -> SearchResult:
    """A listing within a date range (or new since a day, or of several themes): the items walked newest
    first on the date index, the facet filters applied to them, facets counted exactly when
    the range holds at most BROWSE_FACET_CAP items; beyond, an exact total (up to
    COUNT_CAP), the newest items on the date index, and the facets' values without counts."""
    dwhere, dparams = filters.sql("e", facets=False)
    column = "vu" if filters.depuis and not (filters.du or filters.au) else "tri"
    walked = await rows(db, f"""
        select {FACET_COLUMNS} from publication.elements e indexed by elements_{column}
        where 1 {dwhere} order by e.{column} desc, e.id desc limit :cap""",
        {**dparams, "cap": BROWSE_FACET_CAP})  # one direction: a pure walk of the index
    labels = await _labels(db)
    if len(walked) >= BROWSE_FACET_CAP:
        ewhere, eparams = filters.sql("e")
        total = (await one(db, f"""select count(*) as n from (select 1 from publication.elements e
            where 1 {ewhere} limit :most)""", {**eparams, "most": COUNT_CAP}))["n"]
        everything = await _cube_facets(db, Filters(), labels=labels)
        facets = {name: _uncounted(values, []) for name, values in everything.items()}
        pages = max(1, min(BROWSE_PAGES, -(-total // page_size)))
        page = min(max(page, 1), pages)
        window = await rows(db, f"""
            select e.item_rowid from publication.elements e indexed by elements_tri
            where 1 {ewhere} order by e.tri desc, e.id limit :limit offset :offset""",
            {**eparams, "limit": page_size, "offset": (page - 1) * page_size})
        hits = await _hydrate(db, [r["item_rowid"] for r in window], None, None)
        return SearchResult(query, None, total, hits, facets, page, pages, capped=True, sort="date")
    walked.sort(key=lambda r: r["id"])  # newest first, then by id, as every listing
    walked.sort(key=lambda r: r["tri"], reverse=True)
    result = [r for r in walked if filters.accepts(r)]
    facets = _facets_of_rows(result, labels)
    for name in filters.facet_filters():
        facets[name] = _facets_of_rows([r for r in walked if filters.accepts(r, skip=name)],
                                       labels)[name]
    total = len(result)
    pages = max(1, min(BROWSE_PAGES, -(-total // page_size)))
    page = min(max(page, 1), pages)
    window = [r["item_rowid"] for r in result[(page - 1) * page_size: page * page_size]]
    hits = await _hydrate(db, window, None, None)
    return SearchResult(query, None, total, hits, facets, page, pages, capped=False, sort="date")


async def _cube_facets(db, filters: Filters, labels: dict | None = None,
                       only: str | None = None) -> dict[str, list[dict]]:
    """Facets of every item matching `filters`, from `publication.cube*` (exact counts);
    `only`: that facet alone."""
    labels = labels if labels is not None else await _labels(db)
    conditions, params = [], {}
    for name, column in (("centre", "centre_id"), ("territoire", "territoire"), ("type", "kind")):
        values = getattr(filters, name)
        if values:
            names = [f"{name}_{i}" for i in range(len(values))]
            conditions.append(f"{column} in ({', '.join(':' + n for n in names)})")
            params.update(zip(names, values))
    if len(filters.theme) == 1:
        params["theme"] = filters.theme[0]
        year_column = "annee"
        source = "publication.cube_themes where theme_id = :theme"
        themes_source = "publication.cube_paires where theme_id = :theme"
        theme_column = "autre_theme"
    elif filters.theme:  # several themes: asked without words only from _browse_dates
        return await _theme_union_facets(db, filters, labels)
    else:
        year_column = "substr(mois, 1, 4)"
        source = "publication.cube where 1"
        themes_source = "publication.cube_themes where 1"
        theme_column = "theme_id"
    year_names = [f"annee_{i}" for i in range(len(filters.annee))]
    params.update(zip(year_names, filters.annee))
    where = "".join(f" and {c}" for c in conditions)
    in_years = ", ".join(":" + n for n in year_names)
    year_where = f" and {year_column} in ({in_years})" if year_names else ""
    theme_year_where = f" and annee in ({in_years})" if year_names else ""
    parts = {
        "centre": "select 'centre' as facette, centre_id as valeur, sum(n) as n from k group by centre_id",
        "territoire": "select 'territoire' as facette, territoire as valeur, sum(n) as n from k "
                      "group by territoire",
        "type": "select 'type' as facette, kind as valeur, sum(n) as n from k group by kind",
        "annee": "select 'annee' as facette, annee as valeur, sum(n) as n from k group by annee",
        "theme": f"""select 'theme' as facette, {theme_column} as valeur, sum(n) as n
          from {themes_source} {where} {theme_year_where} group by {theme_column}"""}
    counted = await rows(db, f"""
        with k as (select centre_id, territoire, kind, {year_column} as annee, n
                   from {source} {where} {year_where})
        """ + " union all ".join(sql for name, sql in parts.items() if only in (None, name)),
        params)
    return _facet_lists(counted, labels)


async def _theme_union_facets(db, filters: Filters, labels: dict) -> dict[str, list[dict]]:
    where, params = filters.sql("e")
    found = await rows(db, f"""
        select {FACET_COLUMNS} from publication.elements e where 1 {where}
        limit :cap""", {**params, "cap": BROWSE_FACET_CAP})
    return _facets_of_rows(found, labels)


async def _hydrate(db, item_rowids: list[int], match: str | None, match_docs: str | None,
                   query: str | None = None) -> list[dict]:
    """Full rows for one page of hits, in order, with highlighted title and snippet."""
    if not item_rowids:
        return []
    marks = {"a": MARK_OPEN, "b": MARK_CLOSE}
    ids = {"ids": json.dumps(item_rowids)}
    found = {r["rowid"]: r for r in await rows(db, f"""
        select i.rowid, {ITEM_COLUMNS} from items i join centres c on c.id = i.centre_id
        where i.rowid in (select value from json_each(:ids))""", ids)}
    snippets: dict[str, dict] = {}
    if match:
        for r in await rows(db, """
            select f.rowid, highlight(items_fts, 0, :a, :b) as title_hl,
              snippet(items_fts, 1, :a, :b, '…', 24) as summary_snip,
              snippet(items_fts, 2, :a, :b, '…', 24) as body_snip
            from items_fts f
            where items_fts match :match and f.rowid in (select value from json_each(:ids))""",
                {**marks, **ids, "match": match}):
            snippets[r["rowid"]] = r
        item_ids = {f["id"]: rowid for rowid, f in found.items()}
        for r in await rows(db, """
            select d.item_id, snippet(documents_fts, 1, :a, :b, '…', 24) as doc_snip
            from documents_fts f cross join documents d on d.rowid = f.rowid
            where documents_fts match :match and f.rowid in (
              select d2.rowid from documents d2 where d2.item_id in (select value from json_each(:item_ids)))""",
                {**marks, "item_ids": json.dumps(list(item_ids)), "match": match_docs or match}):
            snippets.setdefault(item_ids.get(r["item_id"]), {})["doc_snip"] = r["doc_snip"]
    next_sessions = {r["item_id"]: r for r in await rows(db, """
        select e.item_id, e.starts_at, e.ends_at, e.all_day, e.timezone from events e
        where e.item_id in (select i.id from items i where i.rowid in (select value from json_each(:ids)))
        order by datetime(coalesce(e.starts_at_utc, e.starts_at)) desc""", ids)}
    hits = []
    for rowid in item_rowids:
        item = found.get(rowid)
        if item is None:
            continue
        item.pop("rowid", None)
        snip = snippets.get(rowid, {})
        item["title_hl"] = snip.get("title_hl")
        if query and not has_mark(item["title_hl"]):  # found in a PDF only, or by a synonym
            item["title_hl"] = mark_query_words(item["title"], query, MARK_OPEN, MARK_CLOSE)
        item["snippet"] = next((s for s in (snip.get("body_snip"), snip.get("summary_snip"),
                                            snip.get("doc_snip")) if has_mark(s)), None)
        item["snippet_from_pdf"] = item["snippet"] is not None and item["snippet"] == snip.get("doc_snip")
        item["session"] = next_sessions.get(item["id"])
        hits.append(item)
    return hits
