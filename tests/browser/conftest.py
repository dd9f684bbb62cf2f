"""Browser fixtures: a real `datasette` on loopback over the fixture DB, Debian's Chromium.

Playwright's own browser download does not work on these machines, so the tests drive the
system Chromium; they skip (with the reason) only when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from portail.publish import publish
from portail.serve import datasette_command
from portal.fixture_db import build_fixture_db

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_published(published: Path, base: Path):
    """Run `datasette` on a publication on a free loopback port; yield its base URL, then stop
    it (a generator for session and module fixtures alike)."""
    port = _free_port()
    log = open(base / "datasette.log", "wb")
    proc = subprocess.Popen(datasette_command(published, "127.0.0.1", port),
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("datasette did not start: " + (base / "datasette.log").read_text()[-2000:])
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 AA violations on the page as loaded (axe is
    injected by the `page` fixture); skips when axe-core is not installed."""
    if not AXE.exists():
        pytest.skip(f"axe-core missing: run `npm ci --prefix tests/browser` ({AXE})")
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""", AXE_TAGS)
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="session")
def portal_url(tmp_path_factory):
    """Start `datasette` as a subprocess on a free loopback port; yield its base URL."""
    base = tmp_path_factory.mktemp("browser")
    source = Path(os.environ["CRPV_PORTAL_DB"]) if os.environ.get("CRPV_PORTAL_DB") else \
        build_fixture_db(base / "harvest.db")
    yield from serve_published(publish(source, base / "publish"), base)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="crpv-chromium-")
    with sync_playwright() as p:
        # A persistent context is the way to give Chromium a fresh --user-data-dir.
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            locale="fr-FR", viewport={"width": 1280, "height": 900},
        )
        # Nothing leaves loopback: map tiles fail as they would offline (markers must still show).
        context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/])"), lambda route: route.abort())
        if AXE.exists():
            # Injected through the DevTools protocol, so the portal's CSP does not block it.
            context.add_init_script(path=str(AXE))
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    """A fresh tab that fails the test on any dialog (alert/confirm/prompt) or page error."""
    tab = browser.new_page()
    tab.dialogs = []
    tab.errors = []

    def on_dialog(dialog):
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    assert tab.dialogs == [], f"a dialog fired: {tab.dialogs}"
    tab.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def fixture_only():
    if os.environ.get("CRPV_PORTAL_DB"):
        pytest.skip("exact values belong to the fixture database (CRPV_PORTAL_DB is set)")
