"""The store: new/updated/unchanged counts, versions, and the gone/active transitions
(frozen clock). An item is never deleted; a failed or partial run marks nothing gone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from freezegun import freeze_time
from scrapy.settings import Settings

from crawlers.items import ErrorItem, GoneItem, SeenItem, UnchangedDocumentItem
from crawlers.registry import Centre
from pipelines.normalize import AttachedDocument, Record, document_id, finish
from pipelines.store import StorePipeline, mark_unlisted_gone
from normalize.dedup import item_id

CENTRE = Centre(id="irev", name="Institut Régional de la Ville", url="https://www.irev.fr/")
URL = "https://www.irev.fr/actualites-0/la-cite-educative-de-roubaix"


class Stats:
    def __init__(self, reason="finished", requests=10):
        self.reason = reason
        self.values = {"downloader/request_count": requests, "response_received_count": requests}

    def get_value(self, key, default=None):
        return self.values.get(key, default)

    def get_stats(self):
        return dict(self.values)


def pipeline(db_path, run_id, mode="full", reason="finished", requests=10):
    settings = Settings({"CRPV_DB_PATH": str(db_path), "CRPV_RUN_ID": run_id, "CRPV_MODE": mode})
    crawler = SimpleNamespace(settings=settings, spider=SimpleNamespace(centre=CENTRE),
                              stats=Stats(reason, requests))
    store = StorePipeline(crawler)
    store.open_spider()
    return store


def close(store):
    """What Scrapy does: close_spider(), then the spider_closed signal with the reason."""
    store.close_spider()
    store.spider_closed(store.crawler.spider, store.crawler.stats.reason)


def record(title="La cité éducative de Roubaix", url=URL):
    rec = Record(item={
        "id": item_id("irev", url), "centre_id": "irev", "kind": "news", "url": url,
        "title": title, "summary": "Résumé.", "body_html": None, "body_text": "Texte de l'article.",
        "published_at": "2026-11-02", "updated_at": None, "image_url": None, "language": "fr",
        "source_url": "https://www.irev.fr/actualites-0", "method": "html",
        "fetched_at": "2026-11-02T08:00:00+00:00",
    })
    finish(rec)
    return rec


def row(store, url=URL):
    return next(store.db.query("select * from items where url = ?", [url]))


def run_row(store):
    return next(store.db.query("select * from harvest_runs where id = ?", [store.ledger.row_id]))


@pytest.fixture
def db_path(tmp_path):
    from pipelines import db as shared

    shared._OPEN.clear()
    return tmp_path / "store.db"


def test_new_unchanged_updated_with_versions(db_path):
    with freeze_time("2026-11-02 08:00:00"):
        store = pipeline(db_path, "r1")
        store.process_item(record())
        close(store)
        assert (run_row(store)["new"], row(store)["first_seen_at"]) == (1, "2026-11-02T08:00:00+00:00")
    with freeze_time("2026-11-03 08:00:00"):
        store = pipeline(db_path, "r2")
        store.process_item(record())
        close(store)
        assert (run_row(store)["unchanged"], run_row(store)["updated"]) == (1, 0)
        assert row(store)["last_seen_at"] == "2026-11-03T08:00:00+00:00"
    with freeze_time("2026-11-04 08:00:00"):
        store = pipeline(db_path, "r3")
        store.process_item(record(title="La cité éducative de Roubaix s'agrandit"))
        close(store)
        assert run_row(store)["updated"] == 1
        assert row(store)["first_seen_at"] == "2026-11-02T08:00:00+00:00"
        version, = store.db.query("select * from item_versions")
        assert version["changed_at"] == "2026-11-04T08:00:00+00:00"
        assert '"La cité éducative de Roubaix"' in version["previous"]


def test_gone_on_404_then_active_again(db_path):
    with freeze_time("2026-11-02 08:00:00"):
        store = pipeline(db_path, "r1")
        store.process_item(record())
        close(store)
    with freeze_time("2026-11-05 10:00:00"):
        store = pipeline(db_path, "r2")
        store.process_item(GoneItem("irev", URL, 404))
        close(store)
        gone = row(store)
        assert (gone["status"], gone["gone_since"]) == ("gone", "2026-11-05T10:00:00+00:00")
        assert run_row(store)["gone"] == 1
    with freeze_time("2026-11-06 10:00:00"):
        store = pipeline(db_path, "r3")
        store.process_item(SeenItem("irev", URL))  # the page answers again (304)
        close(store)
        back = row(store)
        assert (back["status"], back["gone_since"]) == ("active", None)
        assert store.db.execute("select count(*) from items").fetchone()[0] == 1


def test_unlisted_items_gone_after_the_grace_period_only(db_path):
    with freeze_time("2026-11-01 08:00:00"):
        store = pipeline(db_path, "r1")
        store.process_item(record())
        store.process_item(record(title="Autre", url=URL + "-2"))
        close(store)
    with freeze_time("2026-11-05 08:00:00"):  # 4 days later, grace 7: nothing gone
        store = pipeline(db_path, "r2")
        store.process_item(record())
        close(store)
        assert row(store, URL + "-2")["status"] == "active"
    with freeze_time("2026-11-09 08:00:00"):  # the second item unseen for 8 days
        store = pipeline(db_path, "r3")
        store.process_item(record())
        close(store)
        assert row(store, URL + "-2")["status"] == "gone"
        assert row(store)["status"] == "active"


@pytest.mark.parametrize("mode,reason,errors", [
    ("full", "shutdown", 0),  # interrupted
    ("light", "finished", 0),  # a light run sees only feeds: it proves nothing gone
    ("full", "finished", 5),  # more than a fifth of the requests failed
])
def test_partial_or_failed_runs_mark_nothing_gone(db_path, mode, reason, errors):
    with freeze_time("2026-11-01 08:00:00"):
        store = pipeline(db_path, "r1")
        store.process_item(record())
        close(store)
    with freeze_time("2026-12-01 08:00:00"):
        store = pipeline(db_path, "r2", mode=mode, reason=reason, requests=10)
        for n in range(errors):
            store.process_item(ErrorItem("irev", f"{URL}/{n}", "network", "connection refused"))
        close(store)
        assert row(store)["status"] == "active"
        assert run_row(store)["status"] == ("interrupted" if reason == "shutdown" else "completed")


def test_mark_unlisted_gone_is_a_flag_not_a_delete(memory_db):
    from datetime import datetime, timezone

    memory_db["centres"].insert(CENTRE.as_row())
    memory_db["items"].insert({**record().item, "first_seen_at": "2026-01-01T00:00:00+00:00",
                               "last_seen_at": "2026-01-01T00:00:00+00:00", "status": "active"})
    assert mark_unlisted_gone(memory_db, "irev", 7, now=datetime(2026, 2, 1, tzinfo=timezone.utc)) == 1
    assert memory_db.execute("select status, gone_since from items").fetchone() == (
        "gone", "2026-02-01T00:00:00+00:00")


def test_a_page_linking_a_stored_file_that_answered_304_gets_its_row(db_path):
    other = URL + "-relais"
    pdf = "https://www.irev.fr/sites/default/files/guide.pdf"
    store = pipeline(db_path, "r1")
    store.process_item(record())
    store.process_item(AttachedDocument("irev", item_id("irev", URL), URL, {
        "id": document_id(item_id("irev", URL), pdf), "item_id": item_id("irev", URL), "file_url": pdf,
        "media_type": "application/pdf", "size_bytes": 5000, "pages": 4, "title": "Guide",
        "created_at": None, "sha256": "ab" * 32, "text": "Le guide des cités éducatives.", "error": None}))
    store.process_item(record("Le guide relayé", other))
    for _ in range(2):  # a second 304 for the same page adds nothing
        store.process_item(UnchangedDocumentItem("irev", pdf, other))
    store.process_item(UnchangedDocumentItem("irev", pdf + "?jamais-lu", other))  # nothing stored
    close(store)
    rows = list(store.db.query("select item_id, file_url, pages, text from documents order by id"))
    by_item = {r["item_id"]: r for r in rows}
    assert len(rows) == 2
    assert by_item[item_id("irev", other)] == {**by_item[item_id("irev", URL)], "item_id": item_id("irev", other)}
    assert store.db.execute("select count(*) from documents_fts where documents_fts match 'cités'").fetchone()[0] == 2
