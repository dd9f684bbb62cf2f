"""Steps that need every centre at once, run after the crawl: groups of relays across
centres, themes vocabulary, places and actions of the items, and the date of the last
harvest."""

from __future__ import annotations

from crawlers.state import utc_now
from normalize.themes import load_vocabulary
from pipelines.places import update_places
from pipelines.places_alongside import PlacesAlongside
from pipelines.relays import update_relays
from pipelines.transactions import write_transaction


def after_harvest(db, run_id: str, places: PlacesAlongside | None = None) -> None:
    with write_transaction(db):
        store_vocabulary(db)
    update_relays(db)  # commits in slices of its own
    if places is not None:
        places.finish()  # the centres read beside the crawl (the last ones during the relays)
    update_places(db)  # what is left (commits in batches of its own)
    with write_transaction(db):
        db["meta"].upsert({"key": "last_harvest_at", "value": utc_now()}, pk="key")
        db["meta"].upsert({"key": "last_run_id", "value": run_id}, pk="key")


def store_vocabulary(db) -> None:
    vocabulary = load_vocabulary()
    db["themes"].upsert_all(
        [{"id": t.id, "label": t.label, "description": t.description} for t in vocabulary.themes],
        pk="id", alter=False,
    )
