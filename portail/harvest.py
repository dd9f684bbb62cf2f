"""`crpv harvest`: one Scrapy crawler per centre in one process, then the cross-centre steps."""

from __future__ import annotations

import logging
import os
import re
import secrets
from datetime import date, datetime, timezone
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawlers.context import HarvestLimits
from crawlers.registry import Centre, Registry
from crawlers.spiders.centre import CentreSpider
from crawlers.state import HarvestState, utc_now
from pipelines import pdf_worker
from pipelines.db import shared_database
from pipelines.places_alongside import PlacesAlongside
from pipelines.postprocess import after_harvest, store_vocabulary
from pipelines.transactions import write_transaction

logger = logging.getLogger(__name__)


def one_line_errors() -> None:
    """Log records without their traceback: every failure of a harvest is already a row of
    harvest_errors, so the log says what happened in one line (CRPV_LOG_LEVEL=DEBUG keeps
    tracebacks). A record factory, because Scrapy replaces the root handler per crawler."""
    make_record = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = make_record(*args, **kwargs)
        if record.exc_info:
            record.msg = f"{record.msg} ({record.exc_info[0].__name__})"
            record.exc_info = None
        return record

    logging.setLogRecordFactory(factory)


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def harvest_today() -> date:
    """The harvest's reference day: year-less dates and the calendar window hang from it.
    CRPV_TODAY pins it, so fixtures written for one day read the same on any later day."""
    pinned = os.getenv("CRPV_TODAY")
    if not pinned:
        return date.today()
    try:
        return date.fromisoformat(pinned)
    except ValueError:
        raise ValueError(f"CRPV_TODAY={pinned!r} is not a date (YYYY-MM-DD)") from None


def check_limits() -> None:
    """The CRPV_MAX_* bounds of the environment are positive numbers (ValueError otherwise)."""
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    HarvestLimits.from_settings(settings)


def close_interrupted_runs(db, centres: list[Centre]) -> int:
    """Runs of these centres left "running" by a harvest process that no longer exists (it
    was killed) are closed as interrupted; a run whose process is alive is left alone."""
    ids = [c.id for c in centres]
    marks = ",".join("?" * len(ids))
    stale = [row["id"] for row in db.query(
        f"select id, message from harvest_runs where status = 'running' and centre_id in ({marks})", ids)
        if not _alive(row["message"])]
    with write_transaction(db):
        for row_id in stale:
            db.execute("update harvest_runs set status = 'interrupted', finished_at = ?, "
                       "message = coalesce(message, '') || ' (closed by the next run)' where id = ?",
                       [utc_now(), row_id])
    return len(stale)


def _alive(message: str | None) -> bool:
    """Whether the process a run row names ("pid N") is still running."""
    match = re.search(r"\bpid (\d+)", message or "")
    if not match:
        return False
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def crawler_settings(db_path: Path, run_id: str, mode: str) -> Settings:
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.set("CRPV_DB_PATH", str(db_path), priority="cmdline")
    settings.set("CRPV_RUN_ID", run_id, priority="cmdline")
    settings.set("CRPV_MODE", mode, priority="cmdline")
    settings.set("CRPV_GONE_GRACE_DAYS", float(os.getenv("CRPV_GONE_GRACE_DAYS", "7")), priority="cmdline")
    return settings


# Centres crawled at once. Each crawl holds a Scrapy engine, its queues and the site's
# template (several MB): a bound keeps the harvest's memory flat however many centres there
# are. The next centre starts as soon as one ends, so the bound costs no idle time.
PARALLEL_CENTRES = 8


def parallel_centres() -> int:
    raw = os.getenv("CRPV_PARALLEL_CENTRES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else PARALLEL_CENTRES


def crawl_in_turn(process: CrawlerProcess, centres: list[Centre], db, mode: str,
                  today: date, places: PlacesAlongside | None = None) -> None:
    """Schedule the centres' crawls, `parallel_centres()` at a time; none starts once a crawl
    was stopped by a shutdown (Ctrl-C, SIGTERM). A centre whose crawl ended goes to `places`."""
    waiting = iter(centres)
    stopping = False

    def start_next(result=None, finished=None, ended: Centre | None = None):
        nonlocal stopping
        if finished is not None and finished.stats.get_value("finish_reason") == "shutdown":
            stopping = True
        elif ended is not None and places is not None:
            places.centre_done(ended.id)
        centre = None if stopping else next(waiting, None)
        if centre is not None:
            crawler = process.create_crawler(CentreSpider)
            process.crawl(crawler, centre=centre, state=HarvestState(db, centre.id), mode=mode,
                          today=today).addBoth(start_next, crawler, centre)
        return result

    for _ in range(parallel_centres()):
        start_next()


def run_harvest(registry: Registry, centres: list[Centre], db_path: Path, mode: str = "full",
                today: date | None = None) -> int:
    """Harvest `centres` into `db_path`; 0 when the run went to its end (a centre whose site
    failed is recorded as such, with its errors), 1 when it was interrupted."""
    db = shared_database(db_path)
    with write_transaction(db):
        store_vocabulary(db)  # item_themes rows point at it
        for centre in registry.centres:
            db["centres"].upsert(centre.as_row(), pk="id", alter=False)
    close_interrupted_runs(db, centres)
    run_id = new_run_id()
    today = today or harvest_today()
    if os.getenv("CRPV_LOG_LEVEL", "").upper() != "DEBUG":
        one_line_errors()
    process = CrawlerProcess(crawler_settings(db_path, run_id, mode))
    places = PlacesAlongside(db_path)
    crawl_in_turn(process, centres, db, mode, today, places)
    try:
        process.start()
    except BaseException:
        places.abandon()
        raise
    finally:
        pdf_worker.shutdown()  # its child reads nothing more once the crawls are over
    after_harvest(db, run_id, places)
    statuses = [row["status"] for row in db.query(
        "select status from harvest_runs where run_id = ?", [run_id])]
    # A centre whose site failed is a row, not a failed command; a stopped run is.
    interrupted = not statuses or "interrupted" in statuses
    return 1 if interrupted else 0
