"""The commands that keep the log safe to trust: `verify` (and `--against` a published
checkpoint), `backup` and `restore`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from stackline.cli.commands import _checkpoint_key, _database, _fail, main
from stackline.cli.fetching import DEFAULT_DEADLINE_S, FetchRefused, fetch_checkpoint
from stackline.domain.checkpoints import Checkpoint
from stackline.domain.errors import StacklineError
from stackline.services import backups, checkpoints, integrity


@main.command()
@click.option("--chain-only", is_flag=True, help="Skip the projection check.")
@click.option(
    "--against",
    "source",
    default=None,
    metavar="FILE|URL",
    help="A checkpoint (from `stackline checkpoint` or /api/v1/checkpoint) the log must extend.",
)
@click.option(
    "--unsigned-ok",
    is_flag=True,
    help="With --against and no STACKLINE_CHECKPOINT_KEY: accept a check of the checkpoint "
    "without its signature (else that is a failure).",
)
@click.option(
    "--timeout",
    default=DEFAULT_DEADLINE_S,
    show_default=True,
    type=click.FloatRange(min=0.1, max=3600),
    help="Seconds the whole fetch of an --against URL may take.",
)
def verify(chain_only: bool, source: str | None, unsigned_ok: bool, timeout: float) -> None:
    """Check the hash chain and that the projections match the log (and, with --against, that
    the log still extends a published checkpoint)."""
    if source is not None:
        _verify_against(source, unsigned_ok, timeout)
    report = integrity.verify(_database(migrate=False), check_projections=not chain_only)
    if report.chain_problem is not None:
        _fail(f"seq {report.chain_problem.seq}: {report.chain_problem.message}")
    if report.stale_projections:
        _fail(
            "projections differ from the log: "
            + report.describe_mismatches()
            + " (run `stackline rebuild`)"
        )
    click.echo(f"ok: {report.events} events, hash chain intact, projections match the log")


def _verify_against(source: str, unsigned_ok: bool, timeout: float) -> None:
    key = _checkpoint_key(required=False)
    if key is None and not unsigned_ok:
        _fail(
            "cannot check the checkpoint's signature: set STACKLINE_CHECKPOINT_KEY, or pass "
            "--unsigned-ok to accept a check without it"
        )
    try:
        if source.startswith(("http://", "https://")):
            document = json.loads(fetch_checkpoint(source, timeout))
        else:
            document = json.loads(Path(source).read_text(encoding="utf-8"))
        published = Checkpoint.of(document)
    except FetchRefused as refused:
        _fail(f"cannot read the checkpoint: {refused}")
    except (OSError, ValueError) as error:
        _fail(f"cannot read the checkpoint {source}: {error}")
    result = checkpoints.extends(_database(migrate=False), published, key)
    if not result.ok:
        _fail(f"the log does not extend the checkpoint at seq {published.seq}: {result.problem}")
    signed = "signature checked" if result.signature_checked else "signature NOT checked (no key)"
    click.echo(
        f"ok: the log extends the checkpoint at seq {published.seq} "
        f"(now at seq {result.head_seq}; {signed})"
    )


@main.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(target: Path) -> None:
    """Copy the SQLite database to TARGET from one snapshot, while writes go on."""
    try:
        count = backups.backup(_database(migrate=False), target)
    except StacklineError as error:
        _fail(str(error))
    click.echo(f"backed up {count} events to {target}")


@main.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--with-accounts",
    is_flag=True,
    help="Also restore the backup's users and API tokens (whoever could edit the file could "
    "have planted some).",
)
def restore(source: Path, with_accounts: bool) -> None:
    """Restore the backup SOURCE into an empty database: its events only (and with
    --with-accounts its users and tokens), checked, under this version's schema and triggers;
    nothing when they do not verify."""
    try:
        restored = backups.restore(_database(create=True), source, with_accounts)
    except StacklineError as error:
        _fail(str(error))
    held = backups.accounts_description(restored.users, restored.tokens)
    if with_accounts:
        click.echo(
            f"WARNING: restored {held} from {source}, as --with-accounts asked: anyone who "
            "could write to that file could have planted a password or a token; disable any "
            "you do not know (`stackline users disable NAME`, `stackline tokens revoke NAME`)",
            err=True,
        )
    click.echo(
        f"restored {restored.report.events} events from {source}; hash chain intact, "
        "projections rebuilt and matching the log"
    )
    if not with_accounts:
        click.echo(
            f"no users or API tokens were restored (the backup held {held}): create them with "
            "`stackline users create` and `stackline tokens create`, or restore with "
            "--with-accounts"
        )
