"""Datasette metadata, settings and analyst views, generated from `pipelines.schema`.

Table and column descriptions come from the one declaration in `pipelines/schema.py`, so
the analysts' documentation never drifts from the real schema. The views are created in
the published copy only (the harvest database stays as the pipeline left it).
"""

from __future__ import annotations

from pipelines.schema import TABLES

from . import DB_NAME

LICENCE = "Licence Ouverte 2.0 (données du portail) ; contenus © chaque centre"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

# Served as `--setting` values: fast, read-only, no surprise facets on big tables.
SETTINGS = {
    "suggest_facets": False,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "default_facet_size": 20,
    "allow_download": True,
    "allow_facet": True,
    "num_sql_threads": 3,
    "truncate_cells_html": 300,
    "default_cache_ttl": 60,
}

UPCOMING_SQL = """(
    (e.all_day = 1 and coalesce(e.ends_at, e.starts_at) >= date('now', 'localtime'))
    or (coalesce(e.all_day, 0) = 0 and datetime(coalesce(e.ends_at, e.starts_at)) >= datetime('now'))
  )"""

VIEWS: dict[str, tuple[str, str, dict[str, str]]] = {
    "vue_actualites": (
        "Actualités actives de tous les centres, les plus récentes d'abord.",
        """select i.id, coalesce(i.published_at, i.first_seen_at) as date_publication,
  i.centre_id, coalesce(c.short_name, c.name) as centre, c.territory as territoire,
  i.title as titre, i.summary as resume, i.themes as themes, i.url
from items i join centres c on c.id = i.centre_id
where i.kind = 'news' and i.status = 'active'
order by date_publication desc""",
        {"date_publication": "Date de publication (ou de première découverte).",
         "centre": "Nom court du centre.", "territoire": "Territoire du centre.",
         "titre": "Titre.", "resume": "Résumé.", "themes": "Thèmes (tableau JSON).",
         "url": "Lien vers la page d'origine.", "id": "Identifiant de l'élément.",
         "centre_id": "Identifiant du centre."},
    ),
    "vue_agenda": (
        "Toutes les séances d'événements (passées et à venir) avec le centre et le lieu, "
        "dans l'ordre chronologique.",
        """select e.id as seance_id, e.item_id, e.starts_at as debut, e.ends_at as fin,
  e.all_day as journee_entiere, e.timezone as fuseau, e.location_name as lieu, e.city as ville,
  e.postcode as code_postal, e.online as en_ligne, i.title as titre, i.centre_id,
  coalesce(c.short_name, c.name) as centre, c.territory as territoire, i.themes as themes, i.url
from events e join items i on i.id = e.item_id join centres c on c.id = i.centre_id
where i.status = 'active'
order by datetime(coalesce(e.starts_at_utc, e.starts_at))""",
        {"seance_id": "Identifiant de la séance.", "item_id": "Événement (→ items.id).",
         "debut": "Début, heure locale du lieu avec décalage UTC (ou date seule).",
         "fin": "Fin, heure locale avec décalage (ou dernier jour inclus).",
         "journee_entiere": "1 pour un événement sur des journées entières.",
         "fuseau": "Fuseau horaire du lieu.", "lieu": "Nom du lieu.", "ville": "Commune.",
         "code_postal": "Code postal.", "en_ligne": "1 pour un événement en ligne.",
         "titre": "Titre.", "centre_id": "Identifiant du centre.", "centre": "Nom court du centre.",
         "territoire": "Territoire du centre.", "themes": "Thèmes (tableau JSON).",
         "url": "Lien vers la page d'origine."},
    ),
    "vue_documents": (
        "Publications et fichiers (PDF) avec leur taille, leur nombre de pages et leurs thèmes.",
        """select i.id, coalesce(i.published_at, i.first_seen_at) as date_publication,
  coalesce(c.short_name, c.name) as centre, i.title as titre, d.file_url as fichier,
  d.media_type as type_media, d.pages, d.size_bytes as taille_octets, i.themes, i.url
from documents d join items i on i.id = d.item_id join centres c on c.id = i.centre_id
where i.status = 'active'
order by date_publication desc""",
        {"id": "Identifiant de l'élément.", "date_publication": "Date de publication.",
         "centre": "Nom court du centre.", "titre": "Titre.", "fichier": "URL du fichier.",
         "type_media": "Type de média.", "pages": "Nombre de pages.",
         "taille_octets": "Taille en octets.", "themes": "Thèmes (tableau JSON).",
         "url": "Page d'origine."},
    ),
    "vue_sources": (
        "Source et licence de chaque centre, avec sa dernière moisson réussie.",
        """select c.id as centre_id, c.name as centre, c.url as source, c.territory as territoire,
  'Contenus © ' || c.name || ' ; le portail reprend titres, résumés et liens avec mention de la source'
    as licence,
  (select max(r.finished_at) from harvest_runs r where r.centre_id = c.id
     and r.status = 'completed') as derniere_moisson_reussie,
  (select count(*) from items i where i.centre_id = c.id and i.status = 'active') as elements
from centres c order by c.name""",
        {"centre_id": "Identifiant du centre.", "centre": "Nom du centre.",
         "source": "Site d'origine des contenus.", "territoire": "Territoire couvert.",
         "licence": "Conditions de réutilisation des contenus du centre.",
         "derniere_moisson_reussie": "Fin de la dernière moisson réussie (UTC).",
         "elements": "Éléments actifs publiés par le centre."},
    ),
}

QUERIES = {
    "dernieres_actualites": {
        "title": "Dernières actualités",
        "description": "Les 100 actualités les plus récentes, tous centres confondus.",
        "sql": """select coalesce(i.published_at, i.first_seen_at) as date_publication,
  coalesce(c.short_name, c.name) as centre, i.title as titre, i.url, i.themes
from publication.elements e join items i on i.rowid = e.item_rowid
  join centres c on c.id = i.centre_id
where e.kind = 'news' and i.status = 'active'
order by e.tri desc, e.id limit 100""",
    },
    "evenements_a_venir": {
        "title": "Événements à venir",
        "description": "Séances d'événements non terminées, de la plus proche à la plus lointaine "
                       "(heures locales du lieu, avec leur décalage UTC).",
        "sql": """select e.starts_at as debut, e.ends_at as fin, e.all_day as journee_entiere,
  e.timezone as fuseau, i.title as titre, coalesce(c.short_name, c.name) as centre,
  e.location_name as lieu, e.city as ville, i.url
from publication.seances s join events e on e.rowid = s.event_rowid
  join items i on i.rowid = s.item_rowid join centres c on c.id = i.centre_id
where s.fin >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now') and i.status = 'active'
order by s.debut, s.titre, s.event_id""",
    },
    "documents_par_theme": {
        "title": "Documents par thème",
        "description": "Publications d'un thème (identifiant de thème, voir la table themes) ; "
                       "laisser vide pour compter les documents de chaque thème.",
        "sql": """select t.id as theme, t.label as libelle, i.title as titre,
  coalesce(c.short_name, c.name) as centre, coalesce(i.published_at, i.first_seen_at) as date_publication,
  d.pages, d.size_bytes as taille_octets, d.file_url as fichier
from item_themes it join themes t on t.id = it.theme_id
  join items i on i.id = it.item_id join centres c on c.id = i.centre_id
  left join documents d on d.item_id = i.id
where i.kind = 'document' and i.status = 'active' and (:theme = '' or t.id = :theme)
order by t.label, date_publication desc""",
    },
    "activite_par_centre_par_mois": {
        "title": "Activité par centre et par mois",
        "description": "Nombre d'éléments publiés par centre, par mois et par nature "
                       "(calculé à chaque publication).",
        "sql": """select k.centre_id, coalesce(c.short_name, c.name) as centre, k.mois,
  sum(case when k.kind = 'news' then k.n else 0 end) as actualites,
  sum(case when k.kind = 'event' then k.n else 0 end) as evenements,
  sum(case when k.kind = 'document' then k.n else 0 end) as documents, sum(k.n) as total
from publication.cube k join centres c on c.id = k.centre_id
group by k.centre_id, k.mois order by k.mois desc, centre""",
    },
    "actions_par_theme_et_par_region": {
        "title": "Actions par thème et par région",
        "description": "Nombre d'actions (fiches expériences, retours d'expériences, portraits de "
                       "projets : table item_actions) par thème et par région des communes dont "
                       "elles parlent (table item_places) ; une action menée dans deux régions "
                       "compte dans chacune.",
        "sql": """select t.label as theme, co.region_nom as region, count(distinct a.item_id) as actions,
  count(distinct i.centre_id) as centres, count(distinct p.commune) as communes
from item_actions a join items i on i.id = a.item_id
  join item_themes it on it.item_id = i.id join themes t on t.id = it.theme_id
  join item_places p on p.item_id = i.id join communes co on co.code = p.commune
where i.status = 'active'
group by t.label, co.region_nom order by t.label, actions desc""",
    },
    "communes_les_plus_citees": {
        "title": "Communes les plus citées",
        "description": "Les communes dont parlent le plus d'éléments actifs (confiance de la "
                       "lecture d'au moins 0,5), avec le nombre d'actions et de centres qui les "
                       "citent.",
        "sql": """select co.code as code_insee, co.nom as commune, co.departement_nom as departement,
  co.region_nom as region, count(*) as elements,
  sum(exists (select 1 from item_actions a where a.item_id = p.item_id)) as actions,
  count(distinct i.centre_id) as centres
from item_places p join items i on i.id = p.item_id join communes co on co.code = p.commune
where i.status = 'active'
group by co.code order by elements desc, commune limit 200""",
    },
}

SORTABLE = {
    "items": ["published_at", "id", "centre_id", "kind", "status"],
    "events": ["starts_at_utc", "city", "departement"],
    "harvest_runs": ["started_at", "centre_id"],
    "item_versions": ["changed_at"],
}
# The order of a table page without `_sort`: the newest first, by an indexed column. Datasette
# would sort by the primary key, and a filter (`?kind=event`) then made SQLite sort the
# 400,000 matching rows of a million by id, past the time limit.
DEFAULT_SORT_DESC = {"items": "published_at"}
# Facets shown by default on Datasette's table pages, where they are cheap: each one is a
# GROUP BY over the whole table, so a table past FACET_ROWS rows gets none by default (its
# facets stay one click away: ?_facet=…). Given at run time by `default_facets()` from the
# row counts of the last publication, through the plugin's get_metadata hook.
FACETS = {
    # Not the themes array: Datasette's array facet deduplicates every row first (1 s at 20k
    # items); ?_facet_array=themes stays available.
    "items": ["centre_id", "kind", "status"],
    "events": ["city"],
    "harvest_runs": ["centre_id", "status"],
    "harvest_errors": ["centre_id", "kind"],
}
FACET_ROWS = 100_000


def default_facets(row_counts: dict[str, int]) -> dict:
    """Metadata (for get_metadata) giving default facets to the tables small enough."""
    tables = {name: {"facets": list(facets)} for name, facets in FACETS.items()
              if row_counts.get(name) is not None and row_counts[name] <= FACET_ROWS}
    return {"databases": {DB_NAME: {"tables": tables}}} if tables else {}


def build_metadata() -> dict:
    """The full Datasette metadata dict: French titles, licence, sources, tables, queries."""
    tables: dict[str, dict] = {}
    for name, spec in TABLES.items():
        table = {
            "description": spec.description,
            "columns": {col: c.description for col, c in spec.columns.items()},
        }
        if spec.label_column:
            table["label_column"] = spec.label_column
        if name in SORTABLE:
            table["sortable_columns"] = SORTABLE[name]
        if name in DEFAULT_SORT_DESC:
            table["sort_desc"] = DEFAULT_SORT_DESC[name]
        tables[name] = table
    for name, (description, _sql, columns) in VIEWS.items():
        tables[name] = {"description": description, "columns": columns}
    return {
        "title": "Portail des centres de ressources politique de la ville",
        "description": "Actualités, événements et publications des centres de ressources "
                       "politique de la ville (CRPV), moissonnés sur leurs sites. Base en lecture "
                       "seule : export CSV et JSON sur chaque table et chaque requête.",
        "license": LICENCE,
        "license_url": LICENCE_URL,
        "source": "Sites web des centres de ressources (voir la vue vue_sources)",
        "source_url": "/etat-des-sources",
        "about": "Portail CRPV",
        "about_url": "/",
        "databases": {
            DB_NAME: {
                "title": "Base documentée du portail",
                "description": "Une table par nature de donnée ; chaque colonne est décrite. "
                               "Les dates sont en ISO 8601, avec le décalage UTC du lieu.",
                "license": LICENCE,
                "license_url": LICENCE_URL,
                "source": "Sites web des centres de ressources politique de la ville",
                "source_url": "/etat-des-sources",
                "tables": tables,
                "queries": QUERIES,
            }
        },
    }


def view_statements() -> list[str]:
    """CREATE VIEW statements for the analyst views (idempotent)."""
    return [f"drop view if exists {name}; create view {name} as {sql};"
            for name, (_d, sql, _c) in VIEWS.items()]
