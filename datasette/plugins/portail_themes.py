"""Datasette plugin: the didactic entry of the portal, by theme and by place.

- `/themes`: the themes of the shared vocabulary, each with its page;
- `/themes/<id>`: the theme explained in two sentences, its latest actions with their place,
  the centres active on it, its upcoming events, its key publications, the map of its
  actions;
- `/actions`: the map and list of actions (items of `item_actions`), filtered by theme,
  région, centre and commune; `/actions.atom` is the same filter as an Atom feed.

Every map is the portal's own base map (`crpv_portal/fond.py`): no tile, no script.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from crpv_portal import DB_NAME, feeds  # noqa: E402
from crpv_portal.fond import carte  # noqa: E402
from crpv_portal.pool import PagePool  # noqa: E402
from crpv_portal.queries import now_text  # noqa: E402
from normalize.geo import geography  # noqa: E402
from normalize.themes import load_vocabulary  # noqa: E402

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "strict-origin-when-cross-origin"}
FEED_LIMIT = 50

# The public title of each theme's page and what it covers, in two sentences.
EXPLICATIONS: dict[str, tuple[str, str]] = {
    "participation": ("Participation et citoyenneté dans les quartiers",
                      "Les habitants des quartiers prioritaires prennent part aux décisions qui les concernent : conseils citoyens, budgets participatifs, tables de quartier. "
                      "Les centres de ressources outillent les collectivités et les associations pour que cette parole pèse vraiment sur les projets."),
    "education_jeunesse": ("Éducation et jeunesse dans les quartiers",
                           "Réussite éducative, cités éducatives, accompagnement à la scolarité : l'école et ses partenaires cherchent à donner aux enfants des quartiers les mêmes chances qu'ailleurs. "
                           "Les actions présentées ici vont de la petite enfance à l'insertion des jeunes adultes."),
    "sante": ("Santé dans les quartiers",
              "On vit en moins bonne santé et on accède moins aux soins dans les quartiers prioritaires. "
              "Contrats locaux de santé, ateliers santé ville, médiation en santé : voici comment les territoires s'organisent pour réduire ces écarts."),
    "egalite_discriminations": ("Égalité et lutte contre les discriminations",
                                "À compétences égales, habiter un quartier prioritaire, porter un nom ou être une femme ferme encore des portes. "
                                "Les actions présentées ici repèrent ces inégalités de traitement et les combattent, dans l'emploi, le logement ou l'espace public."),
    "emploi_economie": ("Emploi et développement économique des quartiers",
                        "Le chômage reste bien plus élevé dans les quartiers prioritaires que dans le reste des agglomérations. "
                        "Insertion, création d'activité, clauses sociales, commerce de proximité : ce sont les leviers que les territoires mobilisent."),
    "renouvellement_urbain": ("Renouvellement urbain et habitat",
                              "Démolir, reconstruire, réhabiliter : le renouvellement urbain transforme le cadre de vie de centaines de quartiers. "
                              "Les centres de ressources aident à y associer les habitants et à penser la gestion du quotidien au-delà des travaux."),
    "pilotage_contrat_de_ville": ("Piloter et évaluer le contrat de ville",
                                  "Le contrat de ville engage l'État, les collectivités et leurs partenaires pour les quartiers prioritaires. "
                                  "Observation, ingénierie, évaluation : les pages de ce thème montrent comment on le conduit et ce qu'on en apprend."),
    "transitions": ("Transitions écologique et numérique dans les quartiers",
                    "Les quartiers populaires sont en première ligne face aux fortes chaleurs, à la précarité énergétique et à la fracture numérique. "
                    "Nature en ville, rénovation énergétique, médiation numérique : des réponses s'y inventent."),
    "culture_memoire": ("Culture et mémoire des quartiers",
                        "Les quartiers ont une histoire et une vie culturelle que les habitants veulent transmettre. "
                        "Résidences d'artistes, collectes de mémoire, pratiques artistiques partagées en sont des exemples."),
    "acces_aux_droits": ("Accès aux droits et cohésion sociale",
                         "Beaucoup d'habitants ne perçoivent pas les aides auxquelles ils ont droit, faute d'information ou d'accompagnement. "
                         "Aller vers les publics, simplifier les démarches, tisser du lien : ce thème rassemble ces démarches."),
    "immigration_integration": ("Immigration et intégration",
                                "Les quartiers prioritaires accueillent une part importante des personnes arrivées récemment en France. "
                                "Apprentissage du français, accès aux droits, accompagnement des parcours : les actions de ce thème facilitent leur intégration."),
    "developpement_territorial": ("Développement territorial",
                                  "Les quartiers prioritaires ne sont pas qu'urbains : centres-bourgs et petites villes connaissent aussi la pauvreté. "
                                  "Ce thème rassemble les démarches qui pensent le quartier dans son territoire, sa ville et son bassin de vie."),
    "securite_prevention": ("Sécurité et prévention de la délinquance",
                            "La tranquillité publique est une attente forte des habitants des quartiers. "
                            "Médiation sociale, prévention de la délinquance et de la radicalisation, liens avec la police : voici ce que font les territoires."),
    "outre_mer": ("Les quartiers des outre-mer",
                  "Dans les outre-mer, la politique de la ville rencontre des réalités propres : habitat informel, jeunesse nombreuse, chômage élevé. "
                  "Les centres de ressources des Antilles, de la Guyane, de La Réunion et de Mayotte partagent ici leurs expériences."),
}


def _pool(datasette) -> PagePool:
    """The public pages' read pool (shared with portail_pages when it made one first)."""
    pool = getattr(datasette, "_crpv_pages", None)
    if pool is None:
        try:
            database = datasette.get_database(DB_NAME)
        except KeyError:
            database = next(db for name, db in datasette.databases.items() if name != "_internal")
        pool = PagePool(database.path, time_limit_ms=datasette.setting("sql_time_limit_ms") or 3000)
        datasette._crpv_pages = pool
    return pool


async def _rows(datasette, sql: str, params: dict | None = None) -> list[dict]:
    result = await _pool(datasette).execute(sql, params or {})
    return [dict(r) for r in result.rows]


async def _render(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    context.setdefault("page", "themes")
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status, headers=HEADERS)


def _themes() -> list[dict]:
    out = []
    for theme in load_vocabulary().themes:
        title, text = EXPLICATIONS.get(theme.id, (theme.label, theme.description or ""))
        out.append({"id": theme.id, "label": theme.label, "titre": title, "explication": text})
    return out


def _regions() -> list[dict]:
    return [{"id": code, "label": name} for code, name in sorted(geography().regions.items(), key=lambda r: r[1])
            if code not in ("975", "977", "978", "984", "986", "987", "988", "989")]


class ActionFilters:
    """The filters of /actions and /actions.atom: theme, région, centre, commune (one value each)."""

    def __init__(self, args):
        def one(name):
            return (args.get(name) or "").strip()[:60] or None
        self.theme, self.region, self.centre, self.commune = one("theme"), one("region"), one("centre"), one("commune")

    def params(self, **changes) -> dict:
        values = {"theme": self.theme, "region": self.region, "centre": self.centre, "commune": self.commune}
        values.update(changes)
        return {k: v for k, v in values.items() if v}

    def query(self, **changes) -> str:
        params = self.params(**changes)
        return ("?" + urlencode(params)) if params else ""

    def sql(self) -> tuple[str, dict]:
        where, params = [], {}
        if self.theme:
            where.append("exists (select 1 from item_themes t where t.item_id = i.id and t.theme_id = :theme)")
            params["theme"] = self.theme
        if self.centre:
            where.append("i.centre_id = :centre")
            params["centre"] = self.centre
        if self.region:
            where.append("exists (select 1 from item_places p join communes co on co.code = p.commune "
                         "where p.item_id = i.id and co.region = :region)")
            params["region"] = self.region
        if self.commune:
            where.append("exists (select 1 from item_places p where p.item_id = i.id and p.commune = :commune)")
            params["commune"] = self.commune
        return "".join(" and " + w for w in where), params


ACTION_COLUMNS = """i.id, i.kind, i.title, i.summary, i.url, i.centre_id, i.published_at, i.updated_at,
  i.first_seen_at, i.themes, i.body_html, coalesce(i.published_at, i.first_seen_at) as sort_date,
  c.name as centre_name, coalesce(c.short_name, c.name) as centre_short,
  (select group_concat(co.nom || coalesce(' (' || p.quartiers || ')', ''), ' · ')
     from item_places p join communes co on co.code = p.commune where p.item_id = i.id) as lieux"""


async def _actions(datasette, filters: ActionFilters, limit: int) -> list[dict]:
    where, params = filters.sql()
    found = await _rows(datasette, f"""
        select {ACTION_COLUMNS}
        from item_actions a join items i on i.id = a.item_id join centres c on c.id = i.centre_id
        where i.status = 'active' {where}
        order by sort_date desc, i.id limit :limit""", {**params, "limit": limit})
    for row in found:
        row["lieux"] = (row["lieux"] or "").replace('["', "").replace('"]', "").replace('", "', ", ")
    return found


async def _action_points(datasette, filters: ActionFilters) -> list[dict]:
    """One marker per commune with actions, the number of actions beside its name."""
    where, params = filters.sql()
    rows = await _rows(datasette, f"""
        select co.code, co.nom, co.latitude, co.longitude, co.region, count(distinct i.id) as n
        from item_actions a join items i on i.id = a.item_id
          join item_places p on p.item_id = i.id join communes co on co.code = p.commune
        where i.status = 'active' {where}
        group by co.code order by n desc, co.nom limit 400""", params)
    return [{"lat": r["latitude"], "lon": r["longitude"], "short": r["nom"],
             "label": f"{r['nom']} : {r['n']} action{'s' if r['n'] > 1 else ''}",
             "href": "/actions" + filters.query(commune=r["code"]), "count": r["n"], "code": r["code"],
             "nom": r["nom"], "n": r["n"]} for r in rows]


async def themes_page(datasette, request):
    counts = {r["theme_id"]: r for r in await _rows(datasette, """
        select t.theme_id, count(*) as items,
          sum(exists (select 1 from item_actions a where a.item_id = t.item_id)) as actions
        from item_themes t join items i on i.id = t.item_id where i.status = 'active'
        group by t.theme_id""")}
    themes = _themes()
    for theme in themes:
        theme["nb_items"] = (counts.get(theme["id"]) or {}).get("items") or 0
        theme["nb_actions"] = (counts.get(theme["id"]) or {}).get("actions") or 0
    return await _render(datasette, request, "portail/themes.html", {"themes": themes})


async def theme_page(datasette, request):
    theme_id = request.url_vars["theme_id"]
    theme = next((t for t in _themes() if t["id"] == theme_id), None)
    if theme is None:
        raise NotFound("Thème inconnu")
    filters = ActionFilters({"theme": theme_id})
    params = {"theme": theme_id}
    centres = await _rows(datasette, """
        select c.id, coalesce(c.short_name, c.name) as nom, c.territory, count(*) as n,
          sum(exists (select 1 from item_actions a where a.item_id = i.id)) as actions
        from item_themes t join items i on i.id = t.item_id join centres c on c.id = i.centre_id
        where t.theme_id = :theme and i.status = 'active'
        group by c.id order by n desc, nom limit 12""", params)
    events = await _rows(datasette, """
        select i.id, i.title, i.centre_id, coalesce(c.short_name, c.name) as centre_short,
          c.timezone as centre_timezone, e.starts_at, e.ends_at, e.all_day, e.timezone,
          e.location_name, e.city, e.online, min(e.starts_at_utc) as debut
        from events e join items i on i.id = e.item_id join centres c on c.id = i.centre_id
          join item_themes t on t.item_id = i.id and t.theme_id = :theme
        where i.status = 'active' and coalesce(e.starts_at_utc, e.starts_at) >= :now
        group by i.id order by debut, i.id limit 6""", {**params, "now": now_text()})
    publications = await _rows(datasette, """
        select i.id, i.kind, i.title, i.summary, i.centre_id, coalesce(c.short_name, c.name) as centre_short,
          coalesce(i.published_at, i.first_seen_at) as sort_date,
          (select count(distinct j.centre_id) from items j where j.cluster_id = i.cluster_id
             and i.cluster_id is not null) as relais
        from items i join item_themes t on t.item_id = i.id and t.theme_id = :theme
          join centres c on c.id = i.centre_id
        where i.kind = 'document' and i.status = 'active'
        order by relais desc, sort_date desc, i.id limit 5""", params)
    actions = await _actions(datasette, filters, 8)
    points = await _action_points(datasette, filters)
    return await _render(datasette, request, "portail/theme.html", {
        "theme": theme, "centres": centres, "events": events, "publications": publications,
        "actions": actions, "points": points, "themes": _themes(),
        "carte": carte(points, map_id="carte-actions", marker_class="repere repere-action",
                       label=f"Carte des actions — {theme['titre']}")})


async def actions_page(datasette, request):
    filters = ActionFilters(request.args)
    actions = await _actions(datasette, filters, 60)
    points = await _action_points(datasette, filters)
    centres = await _rows(datasette, """
        select c.id, coalesce(c.short_name, c.name) as label from centres c
        where exists (select 1 from items i join item_actions a on a.item_id = i.id where i.centre_id = c.id)
        order by label""")
    regions = _regions()
    themes = _themes()
    chosen = []
    if filters.theme:
        chosen.append(next((t["label"] for t in themes if t["id"] == filters.theme), filters.theme))
    if filters.region:
        chosen.append(geography().regions.get(filters.region, filters.region))
    if filters.centre:
        chosen.append(next((c["label"] for c in centres if c["id"] == filters.centre), filters.centre))
    if filters.commune:
        commune = geography().communes.get(filters.commune)
        chosen.append(commune.nom if commune else filters.commune)
    label = "Carte des actions" + (" — " + ", ".join(chosen) if chosen else "")
    region_links = {r["id"]: "/actions" + filters.query(region=r["id"], commune=None) for r in regions}
    return await _render(datasette, request, "portail/actions.html", {
        "filters": filters, "actions": actions, "points": points, "centres": centres,
        "regions": regions, "themes": themes, "chosen": chosen,
        "feed": "/actions.atom" + filters.query(),
        "carte": carte(points, map_id="carte-actions", label=label, marker_class="repere repere-action",
                       highlight={filters.region} if filters.region else (), region_links=region_links)})


async def actions_atom(datasette, request):
    filters = ActionFilters(request.args)
    items = await _actions(datasette, filters, FEED_LIMIT)
    for item in items:
        item["body_html"] = None  # the reuse policy: title, summary, place and link only
        if item.get("lieux"):
            item["summary"] = f"{item['lieux']} — {item.get('summary') or ''}".rstrip(" —")
    base = f"{request.scheme}://{request.host}"
    title = "Portail CRPV — actions locales"
    names = []
    if filters.theme:
        names.append(next((t["titre"] for t in _themes() if t["id"] == filters.theme), filters.theme))
    if filters.region:
        names.append(geography().regions.get(filters.region, filters.region))
    if filters.centre:
        names.append(filters.centre)
    if names:
        title += " — " + ", ".join(names)
    body = feeds.build_atom(items, base, base + request.full_path, title,
                            alternate=base + "/actions" + filters.query())
    if "text/html" in (request.headers.get("accept") or ""):
        return Response(body, content_type="application/xml; charset=utf-8", headers={"Vary": "Accept"})
    return Response(body, content_type="application/atom+xml; charset=utf-8", headers={"Vary": "Accept"})


def carte_centres(centres) -> object:
    """The home page's map of the centres (template function)."""
    points = [{"lat": c.get("latitude"), "lon": c.get("longitude"),
               "label": c.get("short_name") or c.get("name"), "short": c.get("short_name") or c.get("name"),
               "href": f"/centres/{c['id']}", "show_label": True} for c in centres]
    return carte(points, map_id="carte", label="Carte des centres de ressources", marker_class="repere repere-centre")


@hookimpl
def register_routes():
    return [
        (r"^/themes$", themes_page),
        (r"^/themes/(?P<theme_id>[a-z_]+)$", theme_page),
        (r"^/actions$", actions_page),
        (r"^/actions\.atom$", actions_atom),
    ]


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["carte_centres"] = carte_centres
