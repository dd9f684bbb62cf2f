"""French formatting of dates, event times, sizes and highlighted snippets for the templates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nh3
from markupsafe import Markup, escape

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
KINDS = {"news": "Actualité", "event": "Événement", "document": "Publication"}
KIND_TERMS = {"news": "actualite", "event": "evenement", "document": "publication"}  # feeds
KINDS_PLURAL = {"news": "Actualités", "event": "Événements", "document": "Publications"}
ZONE_LABELS = {
    "Europe/Paris": "heure de Paris",
    "America/Martinique": "heure de la Martinique",
    "America/Guadeloupe": "heure de la Guadeloupe",
    "America/Cayenne": "heure de la Guyane",
    "Indian/Reunion": "heure de La Réunion",
    "Indian/Mayotte": "heure de Mayotte",
    "Pacific/Noumea": "heure de Nouméa",
}
# Snippet markers: control characters that never survive into harvested plain text
# (and if one did, the worst outcome is a stray <mark>, never markup from the source).
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x01\x04-\x08\x0b\x0c\x0e-\x1f]")


def parse_when(value: str | None) -> date | datetime | None:
    """An ISO date or datetime string → date or aware/naive datetime (None if unreadable)."""
    if not value:
        return None
    value = str(value).strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _day(day: date) -> str:
    return "1er" if day.day == 1 else str(day.day)


def date_fr(value: str | None, with_weekday: bool = False) -> str:
    """'2026-10-14' or '2026-10-14T09:30:00+02:00' → '14 octobre 2026' (1er for the first)."""
    when = parse_when(value)
    if when is None:
        return value or ""
    day = when.date() if isinstance(when, datetime) else when
    text = f"{_day(day)} {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]} {text}" if with_weekday else text


def hour_fr(moment: datetime) -> str:
    """9 h 30, 14 h."""
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def _local(moment: datetime, tz: str | None) -> datetime:
    if tz and moment.tzinfo is not None:
        try:
            return moment.astimezone(ZoneInfo(tz))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return moment


def event_when(starts_at: str | None, ends_at: str | None, all_day, tz: str | None) -> str:
    """Human French wording of an event session, in the local time of its place."""
    start = parse_when(starts_at)
    if start is None:
        return starts_at or ""
    end = parse_when(ends_at)
    if all_day or not isinstance(start, datetime):
        first = start.date() if isinstance(start, datetime) else start
        last = end.date() if isinstance(end, datetime) else end
        if last is None or last == first:
            return f"{date_fr(first.isoformat(), True)} (toute la journée)"
        if (first.year, first.month) == (last.year, last.month):
            return f"du {DAYS[first.weekday()]} {_day(first)} au {date_fr(last.isoformat(), True)}"
        return f"du {date_fr(first.isoformat(), True)} au {date_fr(last.isoformat(), True)}"
    start = _local(start, tz)
    zone = ZONE_LABELS.get(tz or "", f"heure locale ({tz})" if tz else "heure locale")
    text = f"{date_fr(start.isoformat(), True)}, {hour_fr(start)}"
    if isinstance(end, datetime):
        end = _local(end, tz)
        if end.date() == start.date():
            text += f" – {hour_fr(end)}"
        else:
            text += f" – {date_fr(end.isoformat(), True)}, {hour_fr(end)}"
    return f"{text} ({zone})"


def size_fr(size: int | None) -> str:
    """A file size in French units: 2,3 Mo, 812 ko."""
    if not size:
        return ""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} Mo".replace(".", ",")
    if size >= 1000:
        return f"{round(size / 1000)} ko"
    return f"{size} octets"


def pages_fr(pages: int | None) -> str:
    """12 pages, 1 page."""
    if not pages:
        return ""
    return f"{pages} page" + ("s" if pages > 1 else "")


def days_since(value: str | None, today: date) -> int | None:
    """Whole days from the date of `value` to `today`."""
    when = parse_when(value)
    if when is None:
        return None
    day = when.date() if isinstance(when, datetime) else when
    return (today - day).days


def highlight(snippet: str | None) -> Markup:
    """Escape an FTS snippet, then turn its private markers into <mark> elements."""
    text = _CONTROL.sub("", snippet or "")
    escaped = str(escape(text))
    return Markup(escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))


def has_mark(snippet: str | None) -> bool:
    """True when an FTS snippet holds at least one highlighted term."""
    return bool(snippet) and MARK_OPEN in snippet


def safe_body(fragment: str | None) -> Markup:
    """Harvested body HTML, sanitised again here (defence in depth) before it is shown."""
    if not fragment:
        return Markup("")
    cleaned = nh3.clean(
        fragment,
        tags={"p", "br", "a", "strong", "b", "em", "i", "ul", "ol", "li", "h2", "h3", "h4",
              "blockquote", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td"},
        attributes={"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan", "scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
    )
    return Markup(cleaned)


def iso_day(moment: datetime) -> str:
    """YYYY-MM-DD of a datetime."""
    return moment.date().isoformat()


def add_days(day: date, n: int) -> date:
    """`day` + n days."""
    return day + timedelta(days=n)


# --- Datasette's own pages in French --------------------------------------------------------

NARROW_NBSP = "\u202f"  # the thousands separator of French typography


def number_fr(value) -> str:
    """1234567 → '1 234 567' (narrow no-break spaces); anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if isinstance(value, float) and not value.is_integer():
        return decimal_fr(value)
    return f"{int(value):,}".replace(",", NARROW_NBSP)


def decimal_fr(value, digits: int = 1) -> str:
    """9.1 → '9,1'; 1234.5 → '1 234,5'."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    text = f"{number:,.{digits}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def rows_fr(count) -> str:
    """'1 ligne', '1 234 lignes'."""
    if count is None:
        return "nombre de lignes inconnu"
    return f"{number_fr(count)} ligne" + ("" if count in (0, 1) else "s")


# Datasette's filter operators (datasette/filters.py), keyed by lookup.
OPERATORS = {
    "exact": "=", "not": "≠", "contains": "contient", "endswith": "se termine par",
    "startswith": "commence par", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤",
    "like": "ressemble à (motif SQL)", "notlike": "ne ressemble pas à (motif SQL)", "glob": "correspond au motif glob",
    "in": "parmi (liste)", "notin": "hors de (liste)", "arraycontains": "le tableau contient",
    "arraynotcontains": "le tableau ne contient pas", "date": "à la date",
    "isnull": "est vide (NULL)", "notnull": "n'est pas vide (non NULL)",
    "isblank": "est vide ou blanc", "notblank": "n'est ni vide ni blanc",
}


def _display_keys() -> dict[str, str]:
    """Datasette's English display name of each operator → its key ('not like' → 'notlike')."""
    try:
        from datasette.filters import Filters
    except ImportError:  # formatting is used outside Datasette too
        return {}
    return {f.display: f.key for f in Filters._filters}


_DISPLAY_KEYS = _display_keys()


def operator_fr(key_or_display: str) -> str:
    """A Datasette filter operator (key or English display name) in French."""
    text = str(key_or_display or "")
    return OPERATORS.get(text) or OPERATORS.get(_DISPLAY_KEYS.get(text, ""), text)


_NO_ARGUMENT = {"isnull", "notnull", "isblank", "notblank"}


def filter_description_fr(selections=(), search: str | None = None, sort: str | None = None,
                          sort_desc: str | None = None) -> str:
    """The French twin of Datasette's `human_description_en` for a table page:
    'où kind = « news » et title contient « emploi », triées par published_at (décroissant)'."""
    parts = []
    for column, lookup, value in selections or ():
        if lookup in _NO_ARGUMENT:
            parts.append(f"{column} {operator_fr(lookup)}")
        else:
            parts.append(f"{column} {operator_fr(lookup)} « {value} »")
    text = ("où " + " et ".join(parts)) if parts else ""
    if search:
        text += (", " if text else "") + f"contenant « {search} »"
    if sort or sort_desc:
        text += (", " if text else "") + (
            f"triées par {sort}" if sort else f"triées par {sort_desc} (décroissant)")
    return text


# SQLite's and Datasette's error messages, in French (the raw message stays available).
_SQL_ERRORS = tuple((re.compile(pattern, re.I), french) for pattern, french in (
    (r"^no such column: (.+)$", "colonne inconnue : {0}"),
    (r"^no such table: (.+)$", "table inconnue : {0}"),
    (r"^no such function: (.+)$", "fonction inconnue : {0}"),
    (r'^near "(.+)": syntax error$', "erreur de syntaxe près de « {0} »"),
    (r"^ambiguous column name: (.+)$", "nom de colonne ambigu : {0} (précisez la table)"),
    (r"^incomplete input$", "requête incomplète (une parenthèse ou un guillemet n'est pas fermé ?)"),
    (r"^unrecognized token: (.+)$", "symbole non reconnu : {0}"),
    (r"^wrong number of arguments to function (.+)\(\)$", "mauvais nombre d'arguments pour la fonction {0}()"),
        (r"^(?:SQL Interrupted|.*interrupted.*)$", "la requête a dépassé le temps permis et a été interrompue"),
    (r"^attempt to write a readonly database$", "la base est en lecture seule"),
    (r"^Statement must be a SELECT$", "seules les requêtes SELECT sont permises"),
    (r"^Statement may not contain PRAGMA$", "les instructions PRAGMA ne sont pas permises"),
    (r"^You can only execute one statement at a time\.?$", "une seule instruction à la fois"),
    (r"^Incorrect number of bindings supplied.*$", "nombre de paramètres incorrect"),
    (r"^(?:Table|View) not found: (.+)$", "table introuvable : {0}"),
    (r"^Database not found: (.+)$", "base introuvable : {0}"),
))


def sql_error_fr(message) -> str:
    """A SQLite or Datasette error message in French; an unknown one gets a French preface."""
    text = str(message or "").strip()
    for pattern, french in _SQL_ERRORS:
        found = pattern.match(text)
        if found:
            return french.format(*found.groups())
    return "la requête n'a pas pu être exécutée"


# --- harvest errors and runs, for the public state page -------------------------------------

def moment_fr(value: str | None, tz: str = "Europe/Paris") -> str:
    """'2026-12-04T19:02:58+00:00' → '4 décembre 2026 à 20 h 02' (Paris time by default)."""
    when = parse_when(value)
    if not isinstance(when, datetime):
        return date_fr(value) if when else (value or "")
    when = _local(when, tz)
    return f"{date_fr(when.isoformat())} à {hour_fr(when)}"


HTTP_STATUS_FR = {
    400: "requête refusée", 401: "authentification demandée", 403: "accès refusé",
    404: "page introuvable", 410: "page supprimée", 429: "trop de requêtes",
    500: "erreur du serveur", 502: "passerelle en erreur", 503: "service indisponible",
    504: "délai de la passerelle dépassé",
}
ROLES_FR = {"page": "page", "feed": "flux", "sitemap": "plan du site", "document": "document",
            "ical": "agenda iCalendar", "robots": "robots.txt", "probe": "sondage",
            "source": "rubrique signalée"}
# The stable kinds of harvest_errors (crawlers/, pipelines/) → (label, French sentence).
ERROR_KINDS_FR = {
    "http": ("Réponse HTTP", "le site a répondu par une erreur"),
    "network": ("Réseau", "site injoignable (erreur réseau)"),
    "timeout": ("Délai", "le site n'a pas répondu à temps"),
    "robots": ("robots.txt", "le fichier robots.txt du site limite la moisson"),
    "feed": ("Flux", "document RSS/Atom mal formé, lu aussi loin que possible"),
    "ical": ("Agenda", "agenda iCalendar illisible ou tronqué"),
    "parse": ("Lecture", "page ou plan du site illisible"),
    "pdf": ("PDF", "document PDF illisible"),
    "validation": ("Élément écarté", "élément incomplet ou invalide, non publié"),
    "trap": ("Limite atteinte", "une limite de la moisson a été atteinte ; la suite n'a pas été suivie"),
    "size": ("Taille", "réponse trop volumineuse, tronquée ou ignorée"),
    "redirect": ("Redirection", "redirection en boucle ou hors du site du centre"),
    "bug": ("Erreur interne", "erreur du moissonneur sur cette page ; la moisson a continué"),
    "store": ("Erreur interne", "erreur du moissonneur sur cette page ; la moisson a continué"),
}


def error_kind_fr(kind: str | None) -> str:
    return ERROR_KINDS_FR.get(kind or "", (f"Autre ({kind})", ""))[0]


def harvest_error_fr(kind: str | None, message: str | None) -> str:
    """A harvest_errors row in one French sentence (the raw message is kept beside it)."""
    message = message or ""
    if kind == "http":
        found = re.match(r"HTTP (\d{3})(?: \((\w+)\))?", message)
        if found:
            status = int(found.group(1))
            what = HTTP_STATUS_FR.get(status, "réponse en erreur")
            role = ROLES_FR.get(found.group(2) or "", found.group(2) or "adresse")
            return f"{role[0].upper() + role[1:]} en erreur : {what} (HTTP {status})"
    if kind == "network" and "DNS" in message:
        return "nom de domaine introuvable (DNS)"
    if kind == "timeout" and "given up" in message:
        return "le site ne répond plus : abandonné après plusieurs délais dépassés"
    if kind == "trap" and "page budget" in message:
        return "nombre maximal de pages atteint : la moisson s'est arrêtée là"
    if kind == "redirect" and "loop" in message:
        return "redirection en boucle"
    sentence = ERROR_KINDS_FR.get(kind or "", ("", ""))[1]
    return sentence or "échec de la moisson sur cette adresse"


RUN_STATUS_FR = {
    "completed": "Réussie", "running": "En cours", "failed": "Échec",
    "interrupted": "Interrompue", "truncated": "Réussie en partie (limite atteinte)",
    "suspect": "Suspecte (rien n'a été retiré)", "timeout": "Délai dépassé", "skipped": "Sautée",
}


def run_message_fr(status: str | None, message: str | None) -> str:
    """What the state page says of a run that did not simply complete."""
    message = message or ""
    if status == "failed" and "unreachable" in message:
        return "site injoignable : aucune requête n'a reçu de réponse"
    if status == "truncated":
        return "une limite de la moisson a été atteinte (voir les erreurs « Limite atteinte »)"
    if status == "suspect":
        return ("la plupart des éléments connus ont disparu d'un coup : la moisson n'en retire "
                "aucun tant qu'un passage suivant ne le confirme pas")
    if status == "interrupted":
        return "la moisson a été arrêtée avant la fin"
    if status == "running":
        return "moisson en cours"
    if status == "failed":
        return "la moisson a échoué"
    return ""
