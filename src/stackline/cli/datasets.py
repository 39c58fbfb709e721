"""`stackline datasets import epoch PATH…`: open data in (DESIGN §9.2), all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from stackline.cli.commands import _clock, _database, _fail, _login, main
from stackline.cli.render import growing_bar
from stackline.domain.dates import PartialDate, PartialDateError
from stackline.services.datasets import DatasetFailed, ImportOptions, import_epoch


@main.group()
def datasets() -> None:
    """Import open datasets (Epoch AI's) and keep them in step with their snapshots."""


@datasets.command("import")
@click.argument("source", type=click.Choice(["epoch"]))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--snapshot",
    default=None,
    help="The snapshot's date (default: the folder's name, when it is a date).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan, write nothing.")
@click.option(
    "--register-unknown",
    is_flag=True,
    help="Register owners, organizations and makers no company is named by.",
)
@click.option(
    "--retract-missing",
    is_flag=True,
    help="Retract what earlier snapshots gave and this one no longer has.",
)
@click.option("--all-models", is_flag=True, help="Every model row, not only foundation models.")
@click.option("--as", "recorded_by", default=None, help="Recorded-by name (default: your login).")
def import_dataset(
    source: str, paths: tuple[Path, ...], snapshot: str | None, dry_run: bool,
    register_unknown: bool, retract_missing: bool, all_models: bool, recorded_by: str | None,
) -> None:  # fmt: skip
    """Import Epoch AI's CSV files (recognised by their headers) into the log."""
    try:
        day = PartialDate.parse(snapshot) if snapshot else None
    except PartialDateError as error:
        _fail(f"--snapshot: {error}")
    options = ImportOptions(day, dry_run, register_unknown, retract_missing, all_models)
    database = _database(create=True)
    try:
        with growing_bar("reconciling rows") as advance:
            report = import_epoch(
                database, list(paths), options, recorded_by or _login(), _clock().now(), advance
            )
    except DatasetFailed as failure:
        _fail(f"nothing was written: {failure.message}")
    for line in report.lines():
        click.echo(line)
