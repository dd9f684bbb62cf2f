"""`crpv`: the command line of Portail CRPV (harvest, serve, status, schedule, demo)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crawlers.registry import RegistryError, load_registry
from portail.database import DatabasePathError, DEFAULT_DB, check_database_path

EXIT_USAGE = 2

registry_option = click.option(
    "--registry", "registry_path", type=click.Path(dir_okay=False, path_type=Path),
    default=None, help="Centre registry (default: data/centres.yaml of the project).",
)
db_option = click.option(
    "--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB,
    show_default=True, help="SQLite database file.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portail-crpv")
def cli() -> None:
    """Portail CRPV: harvest the centres de ressources politique de la ville and
    publish them as one searchable portal.

    Example: crpv harvest && crpv serve
    """


@cli.command()
@registry_option
@db_option
@click.option("--centre", "centres", multiple=True, metavar="ID",
              help="Harvest only this centre (repeatable). Default: every centre.")
@click.option("--mode", type=click.Choice(["light", "full"]), default="full", show_default=True,
              help="light: feeds, calendars and sitemaps only; full: explore the whole site.")
def harvest(registry_path: Path | None, db_path: Path, centres: tuple[str, ...], mode: str) -> None:
    """Harvest the centres of the registry into the database.

    Exit 0 when the run completed, even if some sources failed (each failure is a
    row of harvest_errors); exit 2 on a bad registry or an unusable database path.

    Example: crpv harvest --centre irev --centre oriv --mode light
    """
    registry = load_registry(registry_path)
    selected = registry.select(centres)
    check_database_path(db_path)
    from portail.harvest import check_limits, harvest_today, run_harvest  # Scrapy loads only once the input is known good

    try:
        today = harvest_today()
        check_limits()
    except ValueError as exc:
        _fail(str(exc))
    sys.exit(run_harvest(registry, selected, db_path, mode=mode, today=today))


@cli.command()
@db_option
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(db_path: Path, port: int, host: str) -> None:
    """Publish the database as the French Datasette portal (name: portail).

    Example: crpv serve --port 8001
    """
    check_database_path(db_path, must_exist=True)
    from portail.serve import serve as serve_portal

    serve_portal(db_path, host=host, port=port)


@cli.command()
@db_option
@registry_option
def status(db_path: Path, registry_path: Path | None) -> None:
    """Per-centre health: last success, items by kind, errors of the last run.

    Example: crpv status --db data/portail.db
    """
    registry = load_registry(registry_path)  # centres never harvested show up too
    check_database_path(db_path, must_exist=True)
    from portail.status import status_table

    click.echo(status_table(db_path, registry=registry))


@cli.command()
@registry_option
@db_option
@click.option("--list", "list_only", is_flag=True, help="Print every job and its next run, then exit.")
@click.option("--once", is_flag=True, help="Run every job once, then exit.")
def schedule(registry_path: Path | None, db_path: Path, list_only: bool, once: bool) -> None:
    """Run the scheduler that keeps the database fresh (same as python scheduler.py).

    Example: crpv schedule --list
    """
    load_registry(registry_path)  # fail fast with one line on a bad registry
    check_database_path(db_path)
    from portail.schedule import run_scheduler

    sys.exit(run_scheduler(registry_path, db_path, list_only=list_only, once=once))


@cli.command()
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535),
              help="Port of the portal.")
@click.option("--no-serve", is_flag=True, help="Stop after the harvest instead of serving the portal.")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=Path("data/demo.db"),
              show_default=True, help="Database file of the demo.")
def demo(port: int, no_serve: bool, db_path: Path) -> None:
    """Serve the bundled mirror of the centre sites on loopback, harvest it and
    publish the portal on http://127.0.0.1:8001 until Ctrl-C.

    Example: crpv demo --no-serve --db /tmp/demo.db
    """
    check_database_path(db_path)
    from portail.demo import run_demo

    sys.exit(run_demo(db_path, port=port, serve=not no_serve))


def main(argv: list[str] | None = None) -> None:
    """Entry point: every user error is one line on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="crpv", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(EXIT_USAGE)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "crpv"
        _fail(f"{exc.format_message()} (see '{command} --help')")
    except (RegistryError, DatabasePathError) as exc:
        _fail(str(exc))
    except click.Abort:
        _fail("aborted")
    except click.ClickException as exc:
        _fail(exc.format_message())
    except KeyboardInterrupt:
        click.echo("crpv: interrupted", err=True)
        sys.exit(130)


def _fail(message: str) -> None:
    click.echo(f"crpv: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


if __name__ == "__main__":
    main()
