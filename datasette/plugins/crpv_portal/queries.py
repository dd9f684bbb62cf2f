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
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from normalize.search import build_match_query

from .formatting import MARK_CLOSE, MARK_OPEN, days_since, has_mark

PORTAL_TZ = ZoneInfo("Europe/Paris")
SEARCH_CAP = 1000  # newest item matches ranked; beyond, counts are lower bounds
DOC_CAP = 500  # newest PDF-text matches considered
BROWSE_PAGES = 250  # pages offered when listing without words (newest first)
PAGE_SIZE = 20
AGENDA_LIMIT = 500
ICS_LIMIT = 1000  # sessions in agenda.ics: the soonest (a subscription shows what comes next)
ATOM_LIMIT = 50
ITEM_DATE = "coalesce(i.published_at, i.first_seen_at)"
_YEAR = re.compile(r"^\d{4}$")


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

    def sql(self, alias: str = "e", with_year_range: bool = True) -> tuple[str, dict]:
        """Conditions over a side-file row (`publication.elements` or `.seances`) and params."""
        clauses, params = [], {}
        if self.centre:
            clauses.append(f"{alias}.centre_id = :f_centre")
            params["f_centre"] = self.centre
        if self.territoire:
            clauses.append(f"{alias}.territoire = :f_territoire")
            params["f_territoire"] = self.territoire
        if self.theme:  # `themes` holds the item's theme ids as a JSON array
            clauses.append(f"instr({alias}.themes, :f_theme) > 0")
            params["f_theme"] = json.dumps(self.theme)
        if self.type:
            clauses.append(f"{alias}.kind = :f_type")
            params["f_type"] = self.type
        if self.annee:
            clauses.append(f"{alias}.annee = :f_annee")
            params["f_annee"] = self.annee
            if with_year_range and _YEAR.match(self.annee):
                # The year as written is local; its UTC sort keys lie within a day of it:
                # a range on the indexed key first, the exact year after.
                year = int(self.annee)
                clauses.append(f"{alias}.tri >= :f_from and {alias}.tri < :f_to")
                params.update(f_from=f"{year - 1}-12-31", f_to=f"{year + 1}-01-02")
        return "".join(f" and {c}" for c in clauses), params

    def as_params(self) -> dict:
        """The active filters as query-string parameters."""
        return {k: v for k, v in (("centre", self.centre), ("territoire", self.territoire),
                                   ("theme", self.theme), ("type", self.type),
                                   ("annee", self.annee)) if v}


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
        select {ITEM_COLUMNS}, i.body_html, i.updated_at, i.first_seen_at, i.last_seen_at
        from page p join items i on i.rowid = p.item_rowid join centres c on c.id = i.centre_id
        where i.status = 'active'
        order by p.tri desc, i.id""", {**params, "limit": limit})


async def upcoming_events(db, filters: Filters | None = None, now: datetime | None = None,
                          limit: int = 1000) -> list[dict]:
    """Upcoming event sessions with their item and centre, soonest first."""
    where, params = (filters or Filters()).sql("s", with_year_range=False)
    return await rows(db, f"""
        with page as (
          select s.event_rowid, s.item_rowid, s.debut, s.titre, s.event_id
          from publication.seances s
          where s.fin >= :now {where} order by s.debut, s.titre, s.event_id limit :limit)
        select e.id as event_id, e.starts_at, e.ends_at, e.all_day, e.timezone,
          e.location_name, e.address, e.postcode, e.city, e.online, e.event_type,
          {ITEM_COLUMNS}, i.first_seen_at, i.last_seen_at, c.timezone as centre_timezone
        from page p join events e on e.rowid = p.event_rowid join items i on i.rowid = p.item_rowid
          join centres c on c.id = i.centre_id
        where i.status = 'active'
        order by p.debut, p.titre, p.event_id""", {**params, "now": now_text(now), "limit": limit})


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
    item["related"] = []
    if item["cluster_id"]:
        item["related"] = await rows(db, f"""
            select {ITEM_COLUMNS} from items i join centres c on c.id = i.centre_id
            where i.cluster_id = :cluster and i.id != :id and i.status = 'active'
            order by sort_date limit 50""", {"cluster": item["cluster_id"], "id": item_id})
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


FACET_COLUMNS = "e.item_rowid, e.id, e.tri, e.centre_id, e.territoire, e.kind, e.annee, e.themes"


async def search(db, query: str, filters: Filters, page: int = 1) -> SearchResult:
    """Full-text search over items and PDF text, with facets and snippets; or, without
    words, every item newest first with exact facets from the publication's counts."""
    match = build_match_query(query)
    match_docs = build_match_query(query, stems_column=None)
    if not match:
        return await _browse(db, query, filters, page)
    where, fparams = filters.sql("e", with_year_range=False)
    # FTS5 walks its matches newest rowid first and stops at the cap: nothing is scored or
    # joined beyond it. Each match is checked against the filters on its compact side-file
    # row (the CROSS JOIN keeps FTS5 the outer loop); bm25 is computed for the rows kept.
    found = await rows(db, f"""
        select {FACET_COLUMNS}, bm25(items_fts, 10.0, 5.0, 1.0, 2.0) as score
        from items_fts f cross join publication.elements e on e.item_rowid = f.rowid
        where items_fts match :match {where}
        order by f.rowid desc limit :cap""", {"match": match, "cap": SEARCH_CAP, **fparams})
    # PDF text: the newest matching files, then their items through the same filters.
    found_docs = await rows(db, """
        select d.item_id, bm25(documents_fts, 5.0, 1.0) + 0.5 as score
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
    # Best score first, then newest, then id (three stable sorts).
    ranked = sorted(by_rowid.values(), key=lambda r: r["id"])
    ranked.sort(key=lambda r: r["tri"], reverse=True)
    ranked.sort(key=lambda r: r["score"])
    facets = _facets_of_rows(ranked, await _labels(db))
    total = len(ranked)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    window = [r["item_rowid"] for r in ranked[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]]
    hits = await _hydrate(db, window, match, match_docs)
    return SearchResult(query, match, total, hits, facets, page, pages, capped=capped)


def _facets_of_rows(result: list[dict], labels: dict[tuple, str]) -> list[dict]:
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
            values.sort(key=lambda v: (-v["count"], v["value"]))
    return out


async def _labels(db) -> dict[tuple, str]:
    labels = {("centre", r["id"]): r["label"] for r in await rows(
        db, "select id, coalesce(short_name, name) as label from centres")}
    labels.update({("theme", r["id"]): r["label"] for r in await rows(
        db, "select id, label from themes")})
    return labels


async def _browse(db, query: str, filters: Filters, page: int) -> SearchResult:
    """No words to search: every matching item, newest first; exact totals and facets from
    the counts computed at publication (a GROUP BY over at most a few thousand rows)."""
    facets = await _cube_facets(db, filters)
    total = sum(v["count"] for v in facets["type"])
    pages = max(1, min(BROWSE_PAGES, -(-total // PAGE_SIZE)))
    page = min(max(page, 1), pages)
    ewhere, eparams = filters.sql("e")
    window = await rows(db, f"""
        select e.item_rowid from publication.elements e where 1 {ewhere}
        order by e.tri desc, e.id limit :limit offset :offset""",
        {**eparams, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    hits = await _hydrate(db, [r["item_rowid"] for r in window], None, None)
    return SearchResult(query, None, total, hits, facets, page, pages, capped=False)


async def _cube_facets(db, filters: Filters) -> dict[str, list[dict]]:
    """Facets of every item matching `filters`, from `publication.cube*` (exact counts)."""
    conditions, params = [], {}
    for name, column in (("centre", "centre_id"), ("territoire", "territoire"), ("type", "kind")):
        value = getattr(filters, name)
        if value:
            conditions.append(f"{column} = :{name}")
            params[name] = value
    if filters.theme:
        params["theme"] = filters.theme
        year_column = "annee"
        source = "publication.cube_themes where theme_id = :theme"
        themes_source = "publication.cube_paires where theme_id = :theme"
        theme_column = "autre_theme"
    else:
        year_column = "substr(mois, 1, 4)"
        source = "publication.cube where 1"
        themes_source = "publication.cube_themes where 1"
        theme_column = "theme_id"
    if filters.annee:
        params["annee"] = filters.annee
    where = "".join(f" and {c}" for c in conditions)
    year_where = f" and {year_column} = :annee" if filters.annee else ""
    theme_year_where = " and annee = :annee" if filters.annee else ""
    counted = await rows(db, f"""
        with k as (select centre_id, territoire, kind, {year_column} as annee, n
                   from {source} {where} {year_where})
        select 'centre' as facette, centre_id as valeur, sum(n) as n from k group by centre_id
        union all select 'territoire', territoire, sum(n) from k group by territoire
        union all select 'type', kind, sum(n) from k group by kind
        union all select 'annee', annee, sum(n) from k group by annee
        union all select 'theme', {theme_column}, sum(n) from {themes_source} {where}
          {theme_year_where} group by {theme_column}""", params)
    return _facet_lists(counted, await _labels(db))


async def _hydrate(db, item_rowids: list[int], match: str | None, match_docs: str | None) -> list[dict]:
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
        item["snippet"] = next((s for s in (snip.get("body_snip"), snip.get("summary_snip"),
                                            snip.get("doc_snip")) if has_mark(s)), None)
        item["snippet_from_pdf"] = item["snippet"] is not None and item["snippet"] == snip.get("doc_snip")
        item["session"] = next_sessions.get(item["id"])
        hits.append(item)
    return hits
