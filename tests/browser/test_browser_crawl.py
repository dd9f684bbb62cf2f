"""Every page reachable from the home page in Chromium: axe-core finds no serious or critical
violation on any (portal and Datasette pages alike); screenshots of the public pages at a
desktop and a phone size go to tests/browser/artifacts/."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from portal.crawl import crawl, datasette_strings, english_hits

from .conftest import AXE, serious_violations

pytestmark = pytest.mark.browser
VIEWPORTS = {"bureau": (1366, 900), "mobile": (390, 844)}


def _get(base):
    def get(path):
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                return (response.status, response.headers.get("content-type", ""),
                        response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("content-type", ""), error.read().decode(
                "utf-8", "replace")
    return get


@pytest.fixture(scope="module")
def reachable(portal_url):
    """The HTML pages reachable from the home page: every link of the home page, then one
    page per path (the served portal, over HTTP)."""
    pages = list(crawl(_get(portal_url), limit=150, per_path=1))
    return pages


def test_served_crawl_is_french_and_200(reachable):
    strings = datasette_strings()
    bad = [(p, s) for p, s, _, _ in reachable if s != 200]
    english = {p: english_hits(t, strings) for p, s, c, t in reachable if "text/html" in c}
    assert bad == []
    assert {p: h for p, h in english.items() if h} == {}
    assert len(reachable) >= 30


def test_axe_on_every_reachable_page(browser, reachable, portal_url):
    if not AXE.exists():
        pytest.skip(f"axe-core missing: run `npm ci --prefix tests/browser` ({AXE})")
    tab = browser.new_page()
    failures = {}
    checked = 0
    try:
        for path, status, content_type, _ in reachable:
            if status != 200 or "text/html" not in content_type:
                continue
            tab.goto(portal_url + path)
            tab.wait_for_load_state("load")
            violations = [f"{v['id']} {' | '.join(v['nodes'][:2])}" for v in serious_violations(tab)]
            checked += 1
            if violations:
                failures[path] = violations
    finally:
        tab.close()
    assert checked >= 25
    assert failures == {}, "\n".join(f"{p}: {v}" for p, v in failures.items())


def _public_pages(reachable):
    """The public pages to capture: the portal's own, one of each kind, plus Datasette's
    database and table pages."""
    wanted = {}
    for path, status, content_type, _ in reachable:
        if status != 200 or "text/html" not in content_type:
            continue
        bare = path.split("?")[0]
        if bare in ("/", "/recherche", "/agenda", "/etat-des-sources", "/portail", "/portail/items"):
            name = {"/": "accueil"}.get(bare, bare.strip("/").replace("/", "-"))
        elif re.fullmatch(r"/(centres|elements|themes|lieux|carte)(/[^/]+)?", bare):
            name = bare.strip("/").split("/")[0]
        else:
            continue
        if path == bare:  # the page itself rather than a filtered variant, when reached
            wanted[name] = path
        else:
            wanted.setdefault(name, path)
    return wanted


def test_screenshots_of_public_pages(browser, reachable, portal_url, artifacts):
    pages = _public_pages(reachable)
    assert {"accueil", "recherche", "agenda", "etat-des-sources", "centres", "elements"} <= set(pages)
    tab = browser.new_page()
    written = []
    try:
        for label, (width, height) in VIEWPORTS.items():
            tab.set_viewport_size({"width": width, "height": height})
            for name, path in sorted(pages.items()):
                tab.goto(portal_url + path)
                tab.wait_for_load_state("load")
                target = artifacts / f"ecran-{name}-{label}-{width}x{height}.png"
                tab.screenshot(path=str(target), full_page=True)
                written.append(target)
    finally:
        tab.close()
    assert all(p.exists() and p.stat().st_size > 5000 for p in written)


def test_column_menu_by_keyboard(page, portal_url):
    """Datasette's column menu (French) opens from the keyboard on a table page."""
    page.goto(portal_url + "/portail/items")
    icon = page.locator("th svg.dropdown-menu-icon").first
    icon.focus()
    page.keyboard.press("Enter")
    menu = page.locator(".dropdown-menu").last
    assert menu.is_visible()
    assert "Trier par ordre" in menu.inner_text()
    assert icon.get_attribute("aria-label").startswith("Actions sur la colonne")
