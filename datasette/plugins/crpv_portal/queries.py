"""SQL behind the public pages and feeds: one async function per page, over the portail DB.

Every function takes a Datasette `Database` and returns plain dicts. Only active items are
public. "Upcoming" means not yet finished: an all-day event until the end of its last day,
a timed event until its end (its start when it has none); SQLite's datetime() reads the
UTC offsets stored with each time, so Paris and Martinique events compare correctly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from normalize.search import build_match_query

from .formatting import MARK_CLOSE, MARK_OPEN, days_since, has_mark

PORTAL_TZ = ZoneInfo("Europe/Paris")
SEARCH_CAP = 5000  # hits considered for ranking and facets; enough for any useful query
PAGE_SIZE = 20

UPCOMING = """(
  (e.all_day = 1 and coalesce(e.ends_at, e.starts_at) >= :today)
  or (coalesce(e.all_day, 0) = 0
      and datetime(coalesce(e.ends_at, e.starts_at)) >= datetime(:now))
)"""
EVENT_ORDER = "datetime(coalesce(e.starts_at_utc, e.starts_at)), i.title, e.id"
ITEM_DATE = "coalesce(i.published_at, i.first_seen_at)"


@dataclass
class Filters:
    """Visitor filters shared by search, agenda and feeds (query-string names in French)."""

    centre: str | None = None
    territoire: str | None = None
    theme: str | None = None
    type: str | None = None
    annee: str | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Read the filters from request.args (empty values ignored)."""
        def get(name):
            value = (args.get(name) or "").strip()
            return value[:200] or None
        kind = get("type")
        return cls(get("centre"), get("territoire"), get("theme"),
                   kind if kind in ("news", "event", "document") else None, get("annee"))

    def sql(self) -> tuple[str, dict]:
        """SQL conditions over items i / centres c, and their parameters."""
        clauses, params = [], {}
        if self.centre:
            clauses.append("i.centre_id = :f_centre")
            params["f_centre"] = self.centre
        if self.territoire:
            clauses.append("c.territory = :f_territoire")
            params["f_territoire"] = self.territoire
        if self.theme:
            clauses.append("exists (select 1 from item_themes t where t.item_id = i.id "
                           "and t.theme_id = :f_theme)")
            params["f_theme"] = self.theme
        if self.type:
            clauses.append("i.kind = :f_type")
            params["f_type"] = self.type
        if self.annee:
            clauses.append(f"substr({ITEM_DATE}, 1, 4) = :f_annee")
            params["f_annee"] = self.annee
        return "".join(f" and {c}" for c in clauses), params

    def as_params(self) -> dict:
        """The active filters as query-string parameters."""
        return {k: v for k, v in (("centre", self.centre), ("territoire", self.territoire),
                                   ("theme", self.theme), ("type", self.type),
                                   ("annee", self.annee)) if v}


def now_params(now: datetime | None = None) -> dict:
    """`now` (UTC) and `today` (Paris) for the upcoming-event condition."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {"now": now.isoformat(timespec="seconds"),
            "today": now.astimezone(PORTAL_TZ).date().isoformat()}


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
    where, params = (filters or Filters()).sql()
    if kind:
        where += " and i.kind = :kind"
        params["kind"] = kind
    return await rows(db, f"""
        select {ITEM_COLUMNS}, i.body_html, i.updated_at, i.first_seen_at, i.last_seen_at
        from items i join centres c on c.id = i.centre_id
        where i.status = 'active' {where}
        order by sort_date desc, i.id limit :limit""", {**params, "limit": limit})


async def upcoming_events(db, filters: Filters | None = None, now: datetime | None = None,
                          limit: int = 1000) -> list[dict]:
    """Upcoming event sessions with their item and centre, soonest first."""
    where, params = (filters or Filters()).sql()
    return await rows(db, f"""
        select e.id as event_id, e.starts_at, e.ends_at, e.all_day, e.timezone,
          e.location_name, e.address, e.postcode, e.city, e.online, e.event_type,
          {ITEM_COLUMNS}, i.first_seen_at, i.last_seen_at, c.timezone as centre_timezone
        from events e join items i on i.id = e.item_id join centres c on c.id = i.centre_id
        where i.status = 'active' and {UPCOMING} {where}
        order by {EVENT_ORDER} limit :limit""", {**params, **now_params(now), "limit": limit})


async def counts(db) -> dict:
    """Counts shown on the home page: centres, active items by kind, last harvest."""
    by_kind = {r["kind"]: r["n"] for r in await rows(
        db, "select kind, count(*) as n from items where status = 'active' group by kind")}
    centres = (await one(db, "select count(*) as n from centres"))["n"]
    last = await one(db, "select max(finished_at) as at from harvest_runs "
                         "where status = 'completed'")
    at = last["at"] if last else None
    if not at:  # the pipeline also records the end of each harvest in meta
        meta = await one(db, "select value from meta where key = 'last_harvest_at'")
        at = meta["value"] if meta else None
    return {"centres": centres, "by_kind": by_kind, "total": sum(by_kind.values()),
            "last_harvest": at}


async def centres(db) -> list[dict]:
    """All centres, by name, with their number of active items."""
    return await rows(db, """
        select c.*, (select count(*) from items i where i.centre_id = c.id
                     and i.status = 'active') as items
        from centres c order by coalesce(c.short_name, c.name) collate nocase""")


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
                                    f"order by datetime(coalesce(e.starts_at_utc, e.starts_at))",
                                {"id": item_id})
    item["documents"] = await rows(db, "select id, file_url, media_type, size_bytes, pages, title, "
                                       "error from documents where item_id = :id order by file_url",
                                   {"id": item_id})
    item["related"] = []
    if item["cluster_id"]:
        item["related"] = await rows(db, f"""
            select {ITEM_COLUMNS} from items i join centres c on c.id = i.centre_id
            where i.cluster_id = :cluster and i.id != :id and i.status = 'active'
            order by sort_date""", {"cluster": item["cluster_id"], "id": item_id})
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


async def sources_state(db, only: str | None = None) -> list[dict]:
    """Per centre: last successful harvest, last run and its errors, items by kind, newest item."""
    where = "where c.id = :only" if only else ""
    centres_rows = await rows(db, f"""
        select c.id, c.name, coalesce(c.short_name, c.name) as short_name, c.url, c.territory,
          (select max(finished_at) from harvest_runs r where r.centre_id = c.id
             and r.status = 'completed') as last_success,
          (select max(first_seen_at) from items i where i.centre_id = c.id) as last_new_item,
          (select max(published_at) from items i where i.centre_id = c.id
             and i.status = 'active') as last_published
        from centres c {where} order by coalesce(c.short_name, c.name) collate nocase""",
        {"only": only} if only else {})
    kinds = await rows(db, "select centre_id, kind, count(*) as n from items "
                           "where status = 'active' group by centre_id, kind")
    last_runs = await rows(db, """
        select r.* from harvest_runs r
        where r.id = (select r2.id from harvest_runs r2 where r2.centre_id = r.centre_id
                      order by r2.started_at desc, r2.id desc limit 1)""")
    errors = await rows(db, """
        select e.centre_id, e.run_id, e.url, e.kind, e.message, e.occurred_at
        from harvest_errors e order by e.occurred_at desc, e.id""")
    by_centre_kind: dict[str, dict] = {}
    for k in kinds:
        by_centre_kind.setdefault(k["centre_id"], {})[k["kind"]] = k["n"]
    run_by_centre = {r["centre_id"]: r for r in last_runs}
    today = datetime.now(PORTAL_TZ).date()
    for c in centres_rows:
        c["by_kind"] = by_centre_kind.get(c["id"], {})
        run = run_by_centre.get(c["id"])
        c["last_run"] = run
        c["errors"] = [e for e in errors if run and e["centre_id"] == c["id"]
                       and e["run_id"] == run["run_id"]]
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
    capped: bool = False  # more hits than SEARCH_CAP: counts are lower bounds


async def search(db, query: str, filters: Filters, page: int = 1) -> SearchResult:
    """Ranked full-text search over items and PDF text, with facets and snippets."""
    match = build_match_query(query)
    match_docs = build_match_query(query, stems_column=None)
    facet_cols = f"""i.id, i.kind, i.centre_id, coalesce(c.short_name, c.name) as centre_short,
        c.territory, substr({ITEM_DATE}, 1, 4) as year,
        (select group_concat(theme_id, ' ') from item_themes t where t.item_id = i.id) as theme_ids"""
    where, fparams = filters.sql()  # filters in SQL so the cap applies to the filtered set
    if match:
        candidates = await rows(db, f"""
            with hits as (
              select i.id as item_id, bm25(items_fts, 10.0, 5.0, 1.0, 2.0) as score
              from items_fts join items i on i.rowid = items_fts.rowid
              where items_fts match :match
              union all
              select d.item_id, bm25(documents_fts, 5.0, 1.0) + 0.5 as score
              from documents_fts join documents d on d.rowid = documents_fts.rowid
              where documents_fts match :match_docs
            ), ranked as (select item_id, min(score) as score from hits group by item_id)
            select {facet_cols}, r.score from ranked r
              join items i on i.id = r.item_id join centres c on c.id = i.centre_id
            where i.status = 'active' {where}
            order by r.score, {ITEM_DATE} desc limit {SEARCH_CAP}""",
            {"match": match, "match_docs": match_docs or match, **fparams})
    else:
        candidates = await rows(db, f"""
            select {facet_cols} from items i join centres c on c.id = i.centre_id
            where i.status = 'active' {where}
            order by {ITEM_DATE} desc, i.id limit {SEARCH_CAP}""", fparams)
    selected = [r for r in candidates if _keep(r, filters)]
    facets = _facets(selected)
    theme_labels = {t["id"]: t["label"] for t in await rows(db, "select id, label from themes")}
    for value in facets["theme"]:
        value["label"] = theme_labels.get(value["value"], value["value"])
    pages = max(1, -(-len(selected) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    window = selected[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    hits = await _hydrate(db, [r["id"] for r in window], match, match_docs)
    return SearchResult(query, match, len(selected), hits, facets, page, pages,
                        capped=len(candidates) >= SEARCH_CAP)


def _keep(row: dict, f: Filters) -> bool:
    themes = (row["theme_ids"] or "").split()
    return ((not f.centre or row["centre_id"] == f.centre)
            and (not f.territoire or row["territory"] == f.territoire)
            and (not f.type or row["kind"] == f.type)
            and (not f.annee or row["year"] == f.annee)
            and (not f.theme or f.theme in themes))


def _facets(selected: list[dict]) -> dict[str, list[dict]]:
    """Counts per centre, territory, kind, theme and year over the filtered hits."""
    counters: dict[str, dict] = {k: {} for k in ("centre", "territoire", "type", "theme", "annee")}
    labels: dict[tuple, str] = {}
    for r in selected:
        pairs = [("centre", r["centre_id"], r["centre_short"]),
                 ("territoire", r["territory"], r["territory"]),
                 ("type", r["kind"], r["kind"]), ("annee", r["year"], r["year"])]
        pairs += [("theme", t, t) for t in (r["theme_ids"] or "").split()]
        for name, value, label in pairs:
            if value:
                counters[name][value] = counters[name].get(value, 0) + 1
                labels[(name, value)] = label
    out = {}
    for name, counter in counters.items():
        order = (lambda kv: kv[0]) if name == "annee" else (lambda kv: (-kv[1], kv[0]))
        items = sorted(counter.items(), key=order, reverse=(name == "annee"))
        out[name] = [{"value": v, "count": n, "label": labels[(name, v)]} for v, n in items]
    return out


async def _hydrate(db, ids: list[str], match: str | None, match_docs: str | None) -> list[dict]:
    """Full rows for one page of hits, in order, with highlighted title and snippet."""
    if not ids:
        return []
    marks = {"a": MARK_OPEN, "b": MARK_CLOSE}
    placeholders = ", ".join(f":id{n}" for n in range(len(ids)))
    id_params = {f"id{n}": v for n, v in enumerate(ids)}
    found = {r["id"]: r for r in await rows(db, f"""
        select {ITEM_COLUMNS} from items i join centres c on c.id = i.centre_id
        where i.id in ({placeholders})""", id_params)}
    snippets: dict[str, dict] = {}
    if match:
        for r in await rows(db, f"""
            select i.id, highlight(items_fts, 0, :a, :b) as title_hl,
              snippet(items_fts, 1, :a, :b, '…', 24) as summary_snip,
              snippet(items_fts, 2, :a, :b, '…', 24) as body_snip
            from items_fts join items i on i.rowid = items_fts.rowid
            where items_fts match :match and i.id in ({placeholders})""",
                {**marks, **id_params, "match": match}):
            snippets[r["id"]] = r
        for r in await rows(db, f"""
            select d.item_id, snippet(documents_fts, 1, :a, :b, '…', 24) as doc_snip
            from documents_fts join documents d on d.rowid = documents_fts.rowid
            where documents_fts match :match and d.item_id in ({placeholders})""",
                {**marks, **id_params, "match": match_docs or match}):
            snippets.setdefault(r["item_id"], {})["doc_snip"] = r["doc_snip"]
    next_sessions = {r["item_id"]: r for r in await rows(db, f"""
        select e.item_id, e.starts_at, e.ends_at, e.all_day, e.timezone from events e
        where e.item_id in ({placeholders})
        order by datetime(coalesce(e.starts_at_utc, e.starts_at)) desc""", id_params)}
    hits = []
    for item_id in ids:
        item = found.get(item_id)
        if item is None:
            continue
        snip = snippets.get(item_id, {})
        item["title_hl"] = snip.get("title_hl")
        item["snippet"] = next((s for s in (snip.get("body_snip"), snip.get("summary_snip"),
                                            snip.get("doc_snip")) if has_mark(s)), None)
        item["snippet_from_pdf"] = item["snippet"] is not None and item["snippet"] == snip.get("doc_snip")
        item["session"] = next_sessions.get(item_id)
        hits.append(item)
    return hits
