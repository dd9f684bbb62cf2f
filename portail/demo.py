"""`crpv demo`: the bundled mirror of the centre sites, harvested and published on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import yaml

from crawlers.registry import DEFAULT_REGISTRY

MIRROR_DIR = Path(__file__).resolve().parent.parent / "data" / "mirror"
MIRROR_PORT = int(os.environ.get("CRPV_MIRROR_PORT", "8765"))
# The mirror is our own server on loopback: no need for a polite one-second delay there.
DEMO_ENV = {"CRPV_DOWNLOAD_DELAY": "0.02", "CRPV_MAX_CRAWL_DELAY": "0.2"}


def ensure_mirror(root: Path = MIRROR_DIR, today: date | None = None) -> Path:
    """Generate the mirror for `today` unless it is already there, written by this very
    generator (its fingerprint: a hash of the mirror's sources and of the registry)."""
    from mirror.generate import fingerprint, generate

    today = today or date.today()
    truth = root / "ground_truth.json"
    if truth.exists():
        try:
            written = json.loads(truth.read_text(encoding="utf-8"))
            if (written.get("generated_for") == today.isoformat()
                    and written.get("generator") == fingerprint()):
                return root
        except (OSError, ValueError):
            pass
    generate(root, today)
    return root


def start_mirror(root: Path = MIRROR_DIR):
    """Serve the mirror; return (server, path of a registry pointing at it).

    The mirror's port is fixed when free, so that a second `crpv demo` finds the same
    URLs and harvests incrementally; another port is picked when it is taken."""
    from mirror.server import MirrorServer

    try:
        server = MirrorServer(root, port=MIRROR_PORT)
        server.start()
    except OSError:
        server = MirrorServer(root)
        server.start()
    registry_path = root.parent / "mirror-centres.yaml"
    registry_path.write_text(server.registry_yaml(DEFAULT_REGISTRY), encoding="utf-8")
    return server, registry_path


def harvest_subprocess(registry_path: Path, db_path: Path, mode: str = "full",
                       centres: list[str] | None = None, extra_env: dict | None = None) -> int:
    """`crpv harvest` in a child process: the Twisted reactor runs once per process."""
    command = [sys.executable, "-m", "portail.cli", "harvest", "--registry", str(registry_path),
               "--db", str(db_path), "--mode", mode]
    for centre in centres or []:
        command += ["--centre", centre]
    env = {**os.environ, **DEMO_ENV, **(extra_env or {})}
    return subprocess.run(command, env=env, check=False).returncode


def run_demo(db_path: Path, port: int = 8001, serve: bool = True) -> int:
    print("Génération du miroir de démonstration…", flush=True)
    root = ensure_mirror()
    server, registry_path = start_mirror(root)
    try:
        print(f"Miroir servi sur la boucle locale ({len(server.origins)} sites). Moisson…", flush=True)
        started = time.monotonic()
        code = harvest_subprocess(registry_path, db_path)
        print(summary(db_path, time.monotonic() - started), flush=True)
        if code != 0:
            print("crpv: la moisson ne s'est pas terminée normalement", file=sys.stderr)
            return code
        if serve:
            from portail.serve import serve as serve_portal

            serve_portal(db_path, host="127.0.0.1", port=port)
        return 0
    finally:
        server.stop()


def summary(db_path: Path, seconds: float) -> str:
    """Figures of the last run: items by kind, requests, seconds."""
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    kinds = {r["kind"]: r["n"] for r in db.query(
        "select kind, count(*) as n from items where status = 'active' group by kind")}
    run = next(db.query(
        "select run_id, sum(requests) as requests, sum(bytes) as bytes, sum(new) as new, "
        "sum(updated) as updated, sum(failed) as failed from harvest_runs "
        "where run_id = (select value from meta where key = 'last_run_id')"), {})
    return (
        f"Moisson terminée en {seconds:.1f} s : {kinds.get('news', 0)} actualités, "
        f"{kinds.get('event', 0)} événements, {kinds.get('document', 0)} documents "
        f"({run.get('new') or 0} nouveaux, {run.get('updated') or 0} modifiés, "
        f"{run.get('failed') or 0} échecs ; {run.get('requests') or 0} requêtes, "
        f"{(run.get('bytes') or 0) / 1e6:.1f} Mo)."
    )
