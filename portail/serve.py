"""Run the public portal: Datasette over the harvest database, publications applied live.

`serve` publishes (`portail.publish.publish`: the side file of derived tables, the analyst
views, statistics — incremental, nothing copied), then runs the Datasette app as a child
process over `publish/portail.db`, a link to the harvest database opened read-only: uvicorn
with one worker process per core (`CRPV_WORKERS`), so rendering pages uses every core. When the harvest
database changes and has been quiet for a few seconds, it publishes again, in place: the
running Datasette sees the new figures at its next query (SQLite's WAL gives every reader a
consistent snapshot), so no connection is dropped and nothing restarts. At start-up, when a
side file from an earlier run is there, Datasette starts at once and the first publication
runs beside it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from portail.publish import (
    METADATA_NAME, PORTAL_DIR, PUBLISHED_NAME, SIDE_NAME, default_publish_dir, portal_package,
    publish, published_signature, side_is_current, source_signature,
)

POLL_SECONDS = 2.0
QUIET_SECONDS = 5.0  # a harvest writes in bursts; publish once it has been quiet this long
MIN_REPUBLISH_SECONDS = 60.0  # and at most this often


def _settings() -> dict:
    return portal_package().metadata.SETTINGS


def datasette_app(published_db: Path):
    """A Datasette instance over a published file, configured exactly like the served portal."""
    from datasette.app import Datasette

    published_db = Path(published_db)
    package = portal_package()
    return Datasette(
        files=[str(published_db)],
        metadata=package.metadata.build_metadata(),
        settings=dict(package.metadata.SETTINGS),
        template_dir=str(PORTAL_DIR / "templates"),
        plugins_dir=str(PORTAL_DIR / "plugins"),
        static_mounts=[("static", str(PORTAL_DIR / "static"))],
    )


SERVED_ENV = "CRPV_SERVED_DB"


def workers() -> int:
    """Worker processes of the served portal: CRPV_WORKERS, else one per core (at most 4).
    Each renders pages in its own interpreter, so the cores share the Python work."""
    try:
        return max(1, int(os.environ.get("CRPV_WORKERS") or min(os.cpu_count() or 1, 4)))
    except ValueError:
        return 1


def asgi_app():
    """uvicorn factory (one call per worker): the portal over $CRPV_SERVED_DB."""
    return datasette_app(Path(os.environ[SERVED_ENV])).app()


def portal_command(published_db: Path, host: str = "127.0.0.1", port: int = 8001,
                   processes: int | None = None) -> tuple[list[str], dict]:
    """The command and environment `serve` runs: uvicorn with `workers()` processes, each
    with the Datasette app `datasette_app()` builds (the same as `datasette_command`'s)."""
    cmd = [sys.executable, "-m", "uvicorn", "portail.serve:asgi_app", "--factory",
           "--host", host, "--port", str(port), "--workers", str(processes or workers()),
           "--lifespan", "on", "--log-level", "warning", "--no-access-log"]
    return cmd, {**os.environ, SERVED_ENV: str(Path(published_db).absolute())}


def datasette_command(published_db: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The `datasette` command line serving a published file (used by serve and the browser tests)."""
    published_db = Path(published_db)
    cmd = [
        sys.executable, "-m", "datasette", "serve", str(published_db),
        "-m", str(published_db.parent / METADATA_NAME),
        "--template-dir", str(PORTAL_DIR / "templates"),
        "--plugins-dir", str(PORTAL_DIR / "plugins"),
        "--static", f"static:{PORTAL_DIR / 'static'}",
        "--host", host, "--port", str(port),
    ]
    for key, value in _settings().items():
        cmd += ["--setting", key, json.dumps(value) if isinstance(value, bool) else str(value)]
    return cmd


def _source_signature(db_path: Path) -> list:
    return source_signature(db_path)


def _publish_logged(db_path: Path, publish_dir: Path) -> Path:
    def log(figures: dict) -> None:
        print(f"Publication : {figures['items']} éléments, {figures['sessions']} séances à venir, "
              f"{figures['changed']} lignes dérivées modifiées, {figures['seconds']} s.", flush=True)
    return publish(db_path, publish_dir, log=log)


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
          publish_dir: Path | None = None) -> None:
    """Publish `db_path`, serve it with Datasette until Ctrl-C, republish in place on changes."""
    db_path = Path(db_path)
    publish_dir = Path(publish_dir) if publish_dir else default_publish_dir(db_path)
    # Taken before the first publication: a harvest write that lands while Datasette starts
    # is a change to publish, not part of the baseline.
    source = _source_signature(db_path)
    published = publish_dir / PUBLISHED_NAME
    ready = (published.is_symlink() and published.resolve() == db_path.resolve()
             and (publish_dir / SIDE_NAME).exists() and (publish_dir / METADATA_NAME).exists()
             and side_is_current(publish_dir))
    changed_at: float | None = None
    if ready:  # an earlier publication is there: serve it now, refresh it beside if needed
        if published_signature(publish_dir) != source:
            changed_at = float("-inf")
            print("Publication en place ; mise à jour en cours.", flush=True)
        else:
            print("Publication en place, à jour.", flush=True)
    else:
        published = _publish_logged(db_path, publish_dir)
        source = published_signature(publish_dir) or source  # its own writes are not news
    print(f"Portail : http://{host}:{port}/  (Ctrl-C pour arrêter ; base servie : {db_path})",
          flush=True)
    stop = threading.Event()
    previous = _install_stop_handlers(stop)
    child = _start(published, host, port)
    published_at = time.monotonic() - (MIN_REPUBLISH_SECONDS if ready else 0)
    try:
        while True:
            if child.poll() is not None:
                raise SystemExit(f"datasette stopped with exit code {child.returncode}")
            now_source = _source_signature(db_path)
            if now_source != source:
                source, changed_at = now_source, time.monotonic()
            elif (changed_at is not None and time.monotonic() - changed_at >= QUIET_SECONDS
                  and time.monotonic() - published_at >= MIN_REPUBLISH_SECONDS):
                changed_at, published_at = None, time.monotonic()
                try:
                    _publish_logged(db_path, publish_dir)
                    # What the publication started from (its own writes to the harvest
                    # database, views and statistics, are not a change to publish again).
                    source = published_signature(publish_dir) or source
                    print("Nouvelle publication : en ligne sans redémarrage.", flush=True)
                except Exception as exc:  # keep serving the previous figures
                    print(f"Publication impossible ({exc}) ; la précédente reste en ligne.",
                          file=sys.stderr, flush=True)
            if stop.wait(POLL_SECONDS):
                break
    except KeyboardInterrupt:
        pass
    finally:
        _stop(child)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("Portail arrêté.", flush=True)


def _install_stop_handlers(stop: threading.Event) -> dict:
    """Ctrl-C (SIGINT) and SIGTERM end the loop; explicit handlers also work when the parent
    started us with SIGINT ignored (background jobs), where KeyboardInterrupt never comes."""
    previous = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, lambda *_: stop.set())
    return previous


def _start(published: Path, host: str, port: int) -> subprocess.Popen:
    # Its own session: a terminal Ctrl-C reaches only us, and we stop the child cleanly.
    cmd, env = portal_command(published, host, port)
    child = subprocess.Popen(cmd, cwd=str(PORTAL_DIR.parent), start_new_session=True, env=env)
    _wait_listening(host, port, child)
    return child


def _wait_listening(host: str, port: int, child: subprocess.Popen, timeout: float = 30.0) -> None:
    """Block until the child accepts connections."""
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.terminate()  # uvicorn shuts down cleanly on SIGTERM
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
