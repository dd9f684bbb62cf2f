"""Steps that need every centre at once, run after the crawl: clusters of near-duplicates
across centres, themes vocabulary, and the date of the last harvest."""

from __future__ import annotations

from crawlers.state import utc_now
from normalize.dedup import ClusterInput, cluster
from normalize.themes import load_vocabulary


def after_harvest(db, run_id: str) -> None:
    with db.conn:
        store_vocabulary(db)
        assign_clusters(db)
        db["meta"].upsert({"key": "last_harvest_at", "value": utc_now()}, pk="key")
        db["meta"].upsert({"key": "last_run_id", "value": run_id}, pk="key")


def store_vocabulary(db) -> None:
    vocabulary = load_vocabulary()
    db["themes"].upsert_all(
        [{"id": t.id, "label": t.label, "description": t.description} for t in vocabulary.themes],
        pk="id", alter=False,
    )


def assign_clusters(db) -> int:
    """Group the same news relayed by several centres (and the same PDF by checksum)."""
    rows = db.query(
        "select i.id, i.centre_id, i.fingerprint, i.title, i.published_at, "
        "(select min(sha256) from documents d where d.item_id = i.id) as sha "
        "from items i where i.status = 'active'"
    )
    inputs = [ClusterInput(r["id"], r["centre_id"], r["fingerprint"] or "", r["title"],
                           r["published_at"], r["sha"]) for r in rows]
    clusters = cluster(inputs)
    db.execute("update items set cluster_id = null where cluster_id is not null")
    for item, cluster_id in clusters.items():
        db.execute("update items set cluster_id = ? where id = ?", [cluster_id, item])
    return len(set(clusters.values()))
