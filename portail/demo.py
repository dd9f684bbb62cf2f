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


def run_demo(db_path: Path, port: int = 8001, serve: bool = True, out=None) -> int:
    out = out or sys.stdout
    print("Génération du miroir de démonstration…", file=out, flush=True)
    root = ensure_mirror()
    server, registry_path = start_mirror(root)
    try:
        centres = [c["id"] for c in (yaml.safe_load(registry_path.read_text(encoding="utf-8"))
                                     or {}).get("centres", [])]
        print(f"Miroir servi sur la boucle locale ({len(server.origins)} sites). "
              f"Moisson de {len(centres)} centres…", file=out, flush=True)
        started = time.monotonic()
        code, since = harvest_with_progress(registry_path, db_path, centres, out=out)
        print(summary(db_path, time.monotonic() - started), file=out, flush=True)
        print(centre_table(db_path, since), file=out, flush=True)
        print(where_to_look(db_path, port, serve, since), file=out, flush=True)
        if code != 0:
            print("crpv: la moisson ne s'est pas terminée normalement "
                  f"(journal : {harvest_log(db_path)})", file=sys.stderr)
            return code
        if serve:
            from portail.serve import serve as serve_portal

            serve_portal(db_path, host="127.0.0.1", port=port)
        return 0
    finally:
        server.stop()


# --- progress while harvesting ----------------------------------------------------------------

PROGRESS_EVERY = 0.5        # seconds between two looks at the database on a terminal
PLAIN_EVERY = 15.0          # seconds between two overall lines when not on a terminal
BAR_WIDTH = 24


def harvest_log(db_path: Path) -> Path:
    """Where the harvest child's own output goes while the demo shows its progress."""
    return Path(str(db_path) + ".moisson.log")


def harvest_with_progress(registry_path: Path, db_path: Path, centres: list[str],
                          out=None, tty: bool | None = None) -> tuple[int, str]:
    """`crpv harvest` in a child process (as `harvest_subprocess`), its progress read from
    the database it writes (harvest_runs, fetch_state, items, harvest_errors) and shown per
    centre: a bar redrawn in place on a terminal, plain lines otherwise (one per finished
    centre, and an overall line now and then). Returns (exit code, UTC start of the run)."""
    from crawlers.state import utc_now

    out = out or sys.stdout
    tty = out.isatty() if tty is None else tty
    since = utc_now()
    command = [sys.executable, "-m", "portail.cli", "harvest", "--registry", str(registry_path),
               "--db", str(db_path), "--mode", "full"]
    log_path = harvest_log(db_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    reported: set[str] = set()
    last_plain, last_line, closing = time.monotonic(), "", False
    with open(log_path, "wb") as log:
        child = subprocess.Popen(command, env={**os.environ, **DEMO_ENV}, stdout=log,
                                 stderr=subprocess.STDOUT)
        while True:
            finished = child.poll() is not None
            figures = progress(db_path, since)
            if tty:
                print("\r" + progress_line(figures, len(centres)), end="", file=out, flush=True)
            else:
                for centre_id, row in figures.items():
                    if row["done"] and centre_id not in reported:
                        reported.add(centre_id)
                        print(f"  {centre_id} : terminé — {row['pages']} pages, {row['items']} "
                              f"éléments, {row['errors']} erreur{'s' if row['errors'] > 1 else ''}",
                              file=out, flush=True)
                line = progress_line(figures, len(centres), bar=False)
                if time.monotonic() - last_plain >= PLAIN_EVERY and not finished and line != last_line:
                    last_plain, last_line = time.monotonic(), line
                    print("  " + line, file=out, flush=True)
            if figures and all(row["done"] for row in figures.values()) and not closing \
                    and len(figures) >= len(centres):
                closing = True  # the sites are read; relays and indexes are being computed
                print(("\n" if tty else "") + "  Sites moissonnés ; traitements finaux (relais "
                      "entre centres, index)…", file=out, flush=True)
            if finished:
                break
            time.sleep(PROGRESS_EVERY if tty else 1.0)
    if tty:
        print(file=out, flush=True)
    if child.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        for line in tail:
            print("  " + line, file=sys.stderr)
    return child.returncode, since


def progress(db_path: Path, since: str) -> dict[str, dict]:
    """Per centre, what the running harvest has done since `since`: pages answered, items
    stored, errors, and whether the centre is done. {} while the database is not there yet."""
    import sqlite3

    if not Path(db_path).exists():
        return {}
    try:
        conn = sqlite3.connect(f"file:{Path(db_path).absolute()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return {}
    try:
        runs = conn.execute("select centre_id, status, run_id from harvest_runs "
                            "where started_at >= ? order by id", [since]).fetchall()
        figures = {centre_id: {"done": status != "running", "pages": 0, "items": 0, "errors": 0}
                   for centre_id, status, _ in runs}
        run_ids = sorted({run_id for *_, run_id in runs})
        queries = (
            ("pages", "select centre_id, count(*) from fetch_state where checked_at >= ? "
                      "group by centre_id", [since]),
            ("items", "select centre_id, count(*) from items where last_seen_at >= ? "
                      "group by centre_id", [since]),
            ("errors", "select centre_id, count(*) from harvest_errors where run_id in (%s) "
                       "group by centre_id" % ",".join("?" * len(run_ids)), run_ids),
        )
        for name, sql, params in queries:
            if name == "errors" and not run_ids:
                continue
            for centre_id, count in conn.execute(sql, params):
                if centre_id in figures:
                    figures[centre_id][name] = count
        return figures
    except sqlite3.Error:  # the schema is being created: nothing to show yet
        return {}
    finally:
        conn.close()


def progress_line(figures: dict[str, dict], total: int, bar: bool = True) -> str:
    """'[#########-----------]  9/20 centres · 812 pages · 240 éléments · 3 erreurs'."""
    done = sum(1 for row in figures.values() if row["done"])
    pages = sum(row["pages"] for row in figures.values())
    items = sum(row["items"] for row in figures.values())
    errors = sum(row["errors"] for row in figures.values())
    text = (f"{done:>{len(str(total))}}/{total} centres · {pages} pages · {items} éléments · "
            f"{errors} erreur{'s' if errors > 1 else ''}")
    if not bar:
        return text
    filled = round(BAR_WIDTH * done / total) if total else 0
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {text}"


def centre_table(db_path: Path, since: str) -> str:
    """The closing table: one line per centre of the run (status, pages, items, errors)."""
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    rows = list(db.query("""
        select r.centre_id, coalesce(c.short_name, c.name, r.centre_id) as nom, r.status,
          r.requests, r.new, r.updated, r.items_seen,
          (select count(*) from harvest_errors e where e.run_id = r.run_id
             and e.centre_id = r.centre_id) as errors
        from harvest_runs r left join centres c on c.id = r.centre_id
        where r.started_at >= ? order by nom collate nocase""", [since]))
    statuses = {"completed": "réussie", "failed": "échec", "interrupted": "interrompue",
                "truncated": "limite atteinte", "suspect": "suspecte", "running": "en cours"}
    header = ("Centre", "Moisson", "Requêtes", "Éléments vus", "Nouveaux", "Modifiés", "Erreurs")
    lines = [(r["nom"], statuses.get(r["status"], r["status"] or ""), r["requests"] or 0,
              r["items_seen"] or 0, r["new"] or 0, r["updated"] or 0, r["errors"]) for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]

    def line(values):
        return "  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w)
                         for i, (v, w) in enumerate(zip(values, widths)))

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, lines)])


def where_to_look(db_path: Path, port: int, serve: bool, since: str) -> str:
    """Where to see the failures of the run: the state page and `crpv status`."""
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    failures = next(db.query(
        "select count(*) as n from harvest_errors e join harvest_runs r on r.run_id = e.run_id "
        "and r.centre_id = e.centre_id where r.started_at >= ?", [since]))["n"]
    status = f"crpv status --db {db_path}"
    if not failures:
        return f"Aucun échec. État détaillé : {status}"
    page = (f"http://127.0.0.1:{port}/etat-des-sources" if serve
            else f"la page « État des sources » (/etat-des-sources) une fois servi par crpv serve --db {db_path}")
    return (f"{failures} échec{'s' if failures > 1 else ''} de moisson (adresse, nature, message) : "
            f"voir {page}, ou {status}.")


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
        f"Moisson terminée en {_decimal(seconds)} s : {kinds.get('news', 0)} actualités, "
        f"{kinds.get('event', 0)} événements, {kinds.get('document', 0)} documents "
        f"({run.get('new') or 0} nouveaux, {run.get('updated') or 0} modifiés, "
        f"{run.get('failed') or 0} échecs ; {run.get('requests') or 0} requêtes, "
        f"{_decimal((run.get('bytes') or 0) / 1e6)} Mo)."
    )


def _decimal(value: float) -> str:
    """244.04 → '244,0' (French decimal comma)."""
    return f"{value:.1f}".replace(".", ",")
