"""Helpers for the end-to-end harvest tests: serve sites on loopback, write the registry a
new user would write for them, run `crpv harvest` in a subprocess, score the result."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from mirror.server import MirrorServer

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
UNKNOWN_SITES = ("spip_latin1", "wp_martinique", "drupal_nofeed")
# The hand-made sites were written on this day (their calendar window and year-less dates
# hang from it): harvests of them are pinned to it, so they read the same on any later day.
SITES_TODAY = "2026-11-25"
# Our own servers on loopback: no politeness delay needed, robots Crawl-delay capped.
FAST_ENV = {"CRPV_DOWNLOAD_DELAY": "0", "CRPV_MAX_CRAWL_DELAY": "0.05", "CRPV_LOG_LEVEL": "ERROR"}


def truth_of(site_dir: Path) -> dict:
    return json.loads((site_dir / "_truth.json").read_text(encoding="utf-8"))


def new_user_registry(root: Path, sites: tuple[str, ...], origins: dict[str, str]) -> str:
    """What a new user writes: id, name, time zone, home URL and `sources` hints — no CMS."""
    centres = []
    for site in sites:
        entry = truth_of(root / site)["registry"]
        origin = origins[site]
        centres.append({
            "id": entry["id"],
            "name": entry["name"],
            "url": origin + entry.get("url", "/"),
            "timezone": entry.get("timezone", "Europe/Paris"),
            "sources": [{"url": origin + s["path"], "content": s["content"]}
                        for s in entry.get("sources", [])],
        })
    return yaml.safe_dump({"centres": centres}, allow_unicode=True, sort_keys=False)


def harvest(registry: Path, db: Path, mode: str = "full", env: dict | None = None,
            timeout: float = 900, today: str | None = SITES_TODAY) -> subprocess.CompletedProcess:
    """`crpv harvest` in a subprocess, pinned to `today` (None: the real day, for the mirror
    generated today)."""
    command = [sys.executable, "-m", "portail.cli", "harvest", "--registry", str(registry),
               "--db", str(db), "--mode", mode]
    pinned = {"CRPV_TODAY": today} if today else {}
    return subprocess.run(command, env={**os.environ, **FAST_ENV, **pinned, **(env or {})}, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


class ServedSites:
    """Sites served on loopback for a test, restartable on the same port (after a mutation)."""

    def __init__(self, root: Path, sites: tuple[str, ...] | None = None):
        self.root = Path(root)
        self.sites = list(sites) if sites else None
        self.server: MirrorServer | None = None
        self.port = 0

    def start(self) -> dict[str, str]:
        self.server = MirrorServer(self.root, sites=self.sites, port=self.port)
        origins = self.server.start()
        self.port = urlsplit(next(iter(origins.values()))).port
        return origins

    def restart(self) -> dict[str, str]:
        """Reload the files from disk, keeping every origin (so URLs stay the same)."""
        self.stop()
        return self.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    @property
    def requests(self):
        return self.server.requests if self.server else []


@dataclass
class UnknownSites:
    """Copies of the three unknown sites served on loopback, with a new user's registry."""

    root: Path
    served: ServedSites
    origins: dict[str, str]
    registry: Path
    db_path: Path


def serve_unknown_sites(root: Path) -> UnknownSites:
    """Copy the unknown sites under `root` (so a test may edit them), serve them, and write
    the registry a new user would write for them."""
    for site in UNKNOWN_SITES:
        shutil.copytree(SITES / site, root / site)
    served = ServedSites(root, UNKNOWN_SITES)
    origins = served.start()
    registry = root / "registry.yaml"
    registry.write_text(new_user_registry(root, UNKNOWN_SITES, origins), encoding="utf-8")
    return UnknownSites(root, served, origins, registry, root / "portail.db")


def load_mutate():
    """`tests/sites/mutate.py`, the site-editing helpers (tests/sites is not a package)."""
    spec = importlib.util.spec_from_file_location("mutate", SITES / "mutate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
