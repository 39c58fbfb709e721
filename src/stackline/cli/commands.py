"""Every `stackline` subcommand (DESIGN §4, CLI)."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

import click

from stackline.cli.render import print_matrix, print_stack, progress_bar
from stackline.config import SettingError, database_url, setting, settings_from_environment
from stackline.domain.errors import StacklineError, UnknownCompany
from stackline.services import (
    accounts,
    checkpoints,
    integrity,
    parameters,
    runtime,
    stacks,
    timeline,
)
from stackline.services.clock import Clock, clock_from_setting, today
from stackline.services.files import event_files, read_events
from stackline.services.parameters import BadParameter
from stackline.services.recording import ImportFailed, import_events
from stackline.store.database import has_schema, shown_url
from stackline.store.failures import StoreUnavailable
from stackline.store.units_of_work import Database

LAYER_CHOICE = click.Choice(["hardware", "compute", "model", "application"])


def _database(migrate: bool = True, create: bool = False) -> Database:
    """The configured database, named on standard error; one without a Stackline schema is
    refused unless the command may `create` it (init, import, restore)."""
    url = database_url()
    click.echo(f"database: {shown_url(url)}", err=True)
    if not create and not has_schema(url):
        _fail(
            f"{shown_url(url)} holds no Stackline database: run `stackline init` (or "
            "`stackline serve`) there first, or set STACKLINE_DATABASE_URL to the database "
            "you meant"
        )
    database = runtime.open_database(migrate=migrate)
    click.get_current_context().call_on_close(database.dispose)
    return database


def _clock() -> Clock:
    """The clock the command runs by: `STACKLINE_CLOCK`, else the system's."""
    return clock_from_setting(setting("CLOCK"))


EX_TEMPFAIL = 75  # sysexits.h: try again later


class _Commands(click.Group):
    """Commands that say so, in words, when the database cannot serve now or a setting is bad."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            settings_from_environment()  # every setting checked before any command runs
            return super().invoke(ctx)
        except StoreUnavailable as error:
            click.echo(f"error: {error.cause} (try again in {error.retry_after} s)", err=True)
            sys.exit(EX_TEMPFAIL)
        except SettingError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="stackline")
def main() -> None:
    """Stackline: an event-sourced timeline of the AI stack."""


@main.command()
def init() -> None:
    """Create or upgrade the database schema."""
    _database(create=True)
    click.echo("schema is up to date")


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate everything, write nothing.")
@click.option("--as", "recorded_by", default=None, help="Recorded-by name (default: your login).")
def import_command(paths: tuple[Path, ...], dry_run: bool, recorded_by: str | None) -> None:
    """Import event files or folders, all or nothing (already stored events are skipped)."""
    database = _database(create=True)
    try:
        files = event_files(list(paths))
        with progress_bar(sum(path.stat().st_size for path in files), "importing") as advance:
            items = read_events(files, on_read=advance)  # streamed: the bar counts bytes read
            report = import_events(
                database, items, recorded_by or _login(), dry_run, now=_clock().now()
            )
    except ImportFailed as failure:
        _fail(f"import failed, nothing was written: {failure}")
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {report.created} new events ({report.unchanged} already stored)")


@main.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option(
    "--format", "export_format", type=click.Choice(timeline.EXPORT_FORMATS), default="stackline"
)
@click.option("--company", default=None)
@click.option(
    "--include-subsidiaries", is_flag=True, help="With --company: events of what it owned then too."
)
@click.option("--layer", type=LAYER_CHOICE, default=None)
@click.option("--type", "types", default=None, help="Comma-separated event types.")
@click.option(
    "--from", "from_day", default=None, help="Earliest effective date (a period: its first day)."
)
@click.option(
    "--to", "to_day", default=None, help="Latest effective date (a period: its last day)."
)
@click.option("-q", "--query", default=None, help="Text the summary contains.")
@click.option(
    "--origin",
    default=None,
    help="none: curated events only; a dataset (epoch-ai) or one of its files: derived events.",
)
@click.option(
    "--voided/--live-only",
    "voided",
    default=None,
    help="Include voided events (the default, but for timelinejs) or leave them out.",
)
def export_command(
    output: Path | None, export_format: str, company: str | None, include_subsidiaries: bool,
    layer: str | None, types: str | None, from_day: str | None, to_day: str | None,
    query: str | None, origin: str | None, voided: bool | None,
) -> None:  # fmt: skip
    """Export the timeline as JSON, TimelineJS3 JSON or CSV (streamed; memory stays flat as the
    log grows)."""
    options = {"company": company, "layer": layer, "type": types, "from": from_day,
               "to": to_day, "q": query, "origin": origin}  # fmt: skip
    include_voided = export_format != "timelinejs" if voided is None else voided
    try:
        chosen = parameters.event_filter(options, include_voided, include_subsidiaries)
        chunks = timeline.export_chunks(_database(), chosen, export_format, _clock().now())
    except StacklineError as error:
        _fail(str(error))
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(chunk)
    partial.replace(output)
    click.echo(f"wrote {output}", err=True)


@main.command()
@click.argument("company")
@click.option("--as-of", default=None, help="Day to look at (YYYY-MM-DD, default today).")
@click.option("--known-on", default=None, help="Only what was recorded by then.")
@click.option("--json", "as_json", is_flag=True)
def stack(company: str, as_of: str | None, known_on: str | None, as_json: bool) -> None:
    """A company's stack footprint as of a day."""
    try:
        day = parameters.day_until(as_of, "as_of", today(_clock()))
        result = stacks.stack_of(_database(), company, day, parameters.known_on(known_on))
    except (BadParameter, UnknownCompany) as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        print_stack(result)


@main.command()
@click.option("--as-of", default=None, help="Day to look at (YYYY-MM-DD, default today).")
@click.option("--known-on", default=None, help="Only what was recorded by then.")
@click.option("--include-subsidiaries", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
def matrix(
    as_of: str | None, known_on: str | None, include_subsidiaries: bool, as_json: bool
) -> None:
    """Every company × the four layers, ranked by integration."""
    try:
        day = parameters.day_until(as_of, "as_of", today(_clock()))
        known = parameters.known_on(known_on)
    except BadParameter as error:
        _fail(str(error))
    rows = stacks.matrix_of(_database(), day, known, include_subsidiaries).rows
    if as_json:
        document = {"as_of": day.isoformat(), "companies": [row.as_dict() for row in rows]}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print_matrix(day, rows)


@main.command()
def rebuild() -> None:
    """Rebuild every projection table from the log."""
    database = _database()
    with progress_bar(integrity.count_events(database), "rebuilding") as advance:
        count = integrity.rebuild(database, advance)
    click.echo(f"rebuilt projections from {count} events")


@main.group()
def users() -> None:
    """Editors who sign in to the web UI."""


@users.command("create")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(name: str, password_stdin: bool) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            _fail("the passwords differ")
    try:
        user = accounts.create_user(_database(), name, password)
    except accounts.AccountError as error:
        _fail(str(error))
    click.echo(f"created user {user.name}")


@users.command("disable")
@click.argument("name")
def users_disable(name: str) -> None:
    """Stop an editor signing in, and end their open sessions."""
    try:
        accounts.disable_user(_database(), name)
    except accounts.AccountError as error:
        _fail(str(error))
    click.echo(f"disabled user {name}; their sessions have ended")


@main.command()
def checkpoint() -> None:
    """Sign the log's head (seq, hash, time) with the checkpoint key, store it (served at
    /api/v1/checkpoint) and print it as JSON: publish it where the database cannot reach."""
    key = _checkpoint_key(required=True)
    assert key is not None
    try:
        made = checkpoints.make_checkpoint(_database(), key, _clock().now())
    except StacklineError as error:
        _fail(str(error))
    click.echo(json.dumps(made.as_dict()))


def _checkpoint_key(required: bool) -> bytes | None:
    """STACKLINE_CHECKPOINT_KEY: a key of its own, never the session secret (whoever checks a
    signature holds the key, and must not be able to forge a session with it)."""
    configured = setting("CHECKPOINT_KEY")
    if not configured and required:
        _fail("set STACKLINE_CHECKPOINT_KEY, a key kept outside the database, to sign checkpoints")
    return configured.encode() if configured else None


@main.group()
def tokens() -> None:
    """API tokens for writing through /api/v1."""


@tokens.command("create")
@click.argument("name")
def tokens_create(name: str) -> None:
    """Create a token and print it (only now: it is stored hashed)."""
    try:
        token = accounts.create_token(_database(), name)
    except accounts.AccountError as error:
        _fail(str(error))
    click.echo(token)


@tokens.command("revoke")
@click.argument("name")
def tokens_revoke(name: str) -> None:
    """Revoke the API tokens created with NAME: writes with them get 401 from now on."""
    try:
        count = accounts.revoke_token(_database(), name)
    except accounts.AccountError as error:
        _fail(str(error))
    click.echo(f"revoked {count} token{'s' if count != 1 else ''} named {name}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="Processes; with more than one, set STACKLINE_RATELIMIT_STORAGE_URI to Redis.",
)
@click.option(
    "--no-datasets",
    is_flag=True,
    help="Into an empty database, load the seed timeline only (not the bundled Epoch AI data).",
)
def serve(host: str, port: int, threads: int, workers: int, no_datasets: bool) -> None:
    """Migrate, load the seed (and the bundled Epoch AI snapshot) into an empty database, and
    serve the web UI and API."""
    from stackline.cli.server import run_server

    run_server(host, port, threads, workers, datasets=not no_datasets)


def _login() -> str:
    try:
        return getpass.getuser()
    except OSError:
        return "cli"


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)
