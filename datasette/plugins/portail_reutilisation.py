"""Datasette plugin: the reuse policy of each centre (registry `reuse: excerpt | full`).

The portal republishes the title, the summary and the link to the original of every item;
the full text only of the centres whose registry entry says `reuse: full`. Here:

- Datasette's tables and exports (HTML, JSON, CSV) never carry the harvested full texts:
  `items.body_html`, `items.body_text`, `documents.text` and the previous values of
  `item_versions` are left out (`_nocol`), a row's JSON or CSV is its table's filtered by
  its key (answered in place), and the full-text index tables are not browsable. The texts stay in the
  database, so the search (the portal's and Datasette's `_search`) finds words in them.
- The policy itself (crpv_portal/reutilisation.py) is read again from `centres` at most
  every 30 s; the item page, the footer and the Atom feeds ask it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from crpv_portal import DB_NAME, reutilisation  # noqa: E402

# The columns holding harvested full texts, by table.
FULL_TEXT_COLUMNS = {
    "items": ("body_html", "body_text"),
    "documents": ("text",),
    "item_versions": ("previous",),
}
_TABLE = re.compile(rf"^/{DB_NAME}/(?P<table>{'|'.join(FULL_TEXT_COLUMNS)})(?P<ext>\.json|\.csv)?$")
_ROW = re.compile(rf"^/{DB_NAME}/(?P<table>{'|'.join(FULL_TEXT_COLUMNS)})/(?P<pk>[^/]+?)(?P<ext>\.json|\.csv)$")
_FTS = re.compile(r"_fts(_\w+)?$")


def without_full_texts(table: str, query_string: bytes) -> bytes:
    """The query string of a table page or export, its full-text columns left out."""
    hidden = FULL_TEXT_COLUMNS[table]
    pairs = [(k, v) for k, v in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
             if not (k == "_col" and v in hidden) and not (k == "_nocol" and v in hidden)]
    pairs += [("_nocol", column) for column in hidden]
    return urlencode(pairs).encode("latin-1")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def policy(scope, receive, send):
            if scope.get("type") == "http":
                await reutilisation.refresh(datasette, DB_NAME)  # cached: one query per 30 s
                path = scope.get("path") or ""
                row = _ROW.match(path)
                if row:  # a row's JSON/CSV: its table's, filtered by its key
                    table, ext = row.group("table"), row.group("ext")
                    pairs = urlencode([("id", tilde_decode(row.group("pk")))]).encode("latin-1")
                    query = without_full_texts(table, scope.get("query_string") or b"")
                    path = f"/{DB_NAME}/{table}{ext}"
                    scope = dict(scope, path=path, raw_path=path.encode("latin-1"),
                                 query_string=pairs + b"&" + query)
                    await app(scope, receive, send)
                    return
                found = _TABLE.match(path)
                if found:
                    scope = dict(scope, query_string=without_full_texts(
                        found.group("table"), scope.get("query_string") or b""))
            await app(scope, receive, send)
        return policy
    return wrap


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    """The full-text index tables (items_fts, documents_fts and their shadows) are not pages."""
    if action in ("view-table",) and isinstance(resource, tuple) and len(resource) == 2 \
            and _FTS.search(resource[1] or ""):
        return False
    return None


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.globals["reutilisation_integrale"] = reutilisation.full_text
    env.globals["centres_texte_integral"] = reutilisation.full_text_names
    env.globals["colonnes_texte_integral"] = lambda table: FULL_TEXT_COLUMNS.get(table or "", ())
