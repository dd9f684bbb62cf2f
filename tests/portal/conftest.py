"""Fixtures for the portal tests: a published fixture database and an in-process client.

Set CRPV_PORTAL_DB to a harvested database (e.g. the demo's data/portail.db) to run the
invariant tests on it as well; the exact-value tests need the fixture and skip otherwise.
"""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from portail.publish import publish
from portail.serve import datasette_app
from .fixture_db import build_fixture_db


class Client:
    """A synchronous face over `ds.client` (tests stay plain functions, no async plugin).

    The client's event loop runs in a thread of its own: Playwright's sync API keeps a loop
    running in the main thread for the whole session when the browser tests run first."""

    def __init__(self, ds):
        self.ds = ds
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="portal-client", daemon=True)
        self.thread.start()

    def get(self, path: str, **kwargs):
        future = asyncio.run_coroutine_threadsafe(self.ds.client.get(path, **kwargs), self.loop)
        return future.result(timeout=120)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()


@pytest.fixture(scope="session")
def source_db(tmp_path_factory) -> Path:
    """The harvested database under test: CRPV_PORTAL_DB, else the fixture."""
    real = os.environ.get("CRPV_PORTAL_DB")
    if real:
        return Path(real)
    return build_fixture_db(tmp_path_factory.mktemp("fixture") / "harvest-fixture.db")


@pytest.fixture(scope="session")
def is_fixture(source_db) -> bool:
    return not os.environ.get("CRPV_PORTAL_DB")


@pytest.fixture(scope="session")
def published(source_db, tmp_path_factory) -> Path:
    return publish(source_db, tmp_path_factory.mktemp("publish"))


@pytest.fixture(scope="session")
def client(published):
    c = Client(datasette_app(published))
    yield c
    c.close()


@pytest.fixture
def fixture_only(is_fixture):
    if not is_fixture:
        pytest.skip("exact values belong to the fixture database (CRPV_PORTAL_DB is set)")
