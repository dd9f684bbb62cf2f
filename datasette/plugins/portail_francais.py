"""Datasette plugin: Datasette's own pages in French.

The template overrides in datasette/templates/ (database, table, row, query…) use these
filters for what Datasette computes in English: numbers ("1 234", "9,1"), filter
operators, the description of a filtered table, SQLite's error messages (the raw message
stays on the page for analysts, in a details element). The stylesheet datasette-fr.css
gives Datasette's pages the contrast and focus ring of the public pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from datasette import hookimpl

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from crpv_portal import formatting  # noqa: E402


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["nombre_fr"] = formatting.number_fr
    env.filters["decimal_fr"] = formatting.decimal_fr
    env.filters["operateur_fr"] = formatting.operator_fr
    env.filters["erreur_sql_fr"] = formatting.sql_error_fr
    env.filters["lignes_fr"] = formatting.rows_fr
    env.globals["description_filtre_fr"] = formatting.filter_description_fr
    # The public state page: harvest errors and runs in French.
    env.filters["moment_fr"] = formatting.moment_fr
    env.filters["nature_erreur_fr"] = formatting.error_kind_fr
    env.globals["erreur_moisson_fr"] = formatting.harvest_error_fr
    env.globals["statut_passage_fr"] = formatting.RUN_STATUS_FR
    env.globals["message_passage_fr"] = formatting.run_message_fr


@hookimpl
def extra_css_urls():
    return ["/static/datasette-fr.css"]
