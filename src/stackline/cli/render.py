"""Plain-text rendering of stacks and the matrix, and the progress bar, for the terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from typing import Any

import click

from stackline.domain.stack import MatrixRow, Stack
from stackline.domain.values import LAYERS

PRESENCE_MARK = {
    "owned": "■ owned",
    "partner": "◧ partner",
    "stake": "◇ stake",
    "planned": "○ planned",
    "none": "· none",
}


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; silent when output is piped or captured."""
    if not sys.stderr.isatty():
        yield lambda _step: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@contextmanager
def growing_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar whose length is known only once work starts: `advance(step, total)`."""
    if not sys.stderr.isatty():
        yield lambda _step, _total: None
        return
    with ExitStack() as stack:
        bars: list[Any] = []

        def advance(step: int, total: int) -> None:
            if not bars:
                bar = click.progressbar(length=total, label=label, file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].update(step)

        yield advance


def print_stack(stack: Stack) -> None:
    name = stack.company.name if stack.company else stack.slug
    click.echo(f"{name} ({stack.slug}) as of {stack.as_of}")
    if stack.company is None:
        click.echo("  not founded yet on that day")
        return
    if stack.company.parent:
        click.echo(f"  parent: {stack.company.parent}")
    for layer in reversed(LAYERS):
        click.echo(f"  {layer.value:<12} {PRESENCE_MARK[stack.presence(layer)]}")
        for entry in stack.entries[layer]:
            via = f" via {' › '.join(entry.via)}" if entry.via else ""
            mark = "" if entry.certain else " (uncertain)"
            click.echo(
                f"      {entry.relation:<8} {entry.asset} [{entry.status}] since {entry.since}{via}{mark}"
            )
    click.echo(
        f"  owned: {', '.join(stack.owned_layers) or '-'}; covered: {', '.join(stack.covered_layers) or '-'}"
    )


def print_matrix(day: date, rows: list[MatrixRow]) -> None:
    click.echo(f"as of {day}")
    header = f"{'company':<24}" + "".join(f"{layer.value:<13}" for layer in LAYERS)
    click.echo(header)
    for row in rows:
        cells = "".join(f"{row.presence[layer]:<13}" for layer in LAYERS)
        click.echo(f"{row.name[:23]:<24}{cells}")
