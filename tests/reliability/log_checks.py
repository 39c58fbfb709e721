"""What every suite asks of a log after the fact: which ids it holds, that `seq` has no gap,
and that `stackline verify` passes; and plans of valid events for writers to post."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from stackline.store.tables import events
from tests.integration.builders import invested, launched, partnered, registered
from tests.reliability.server import Deployment

# Seeded companies (events/00-companies.json), all founded before 2024.
SEEDED = ("openai", "google", "nvidia", "microsoft", "meta", "amazon", "anthropic", "xai")
LAUNCH_KINDS = ("chip", "compute", "model", "product")
LAYERS = ("hardware", "compute", "model", "application")
FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2026, 10, 31)


def stored_ids(deployment: Deployment) -> dict[str, int]:
    """Every stored event id and its seq."""
    with deployment.engine.connect() as connection:
        return {row.id: row.seq for row in connection.execute(select(events.c.id, events.c.seq))}


def seq_gaps(deployment: Deployment) -> list[int]:
    """The seqs missing from 1..max (an empty list when `seq` is gapless)."""
    seqs = sorted(stored_ids(deployment).values())
    expected = set(range(1, (seqs[-1] if seqs else 0) + 1))
    return sorted(expected - set(seqs))


def verify(deployment: Deployment, *options: str) -> tuple[int, str]:
    """`stackline verify`'s exit status and what it said."""
    done = deployment.cli("verify", *options)
    return done.returncode, (done.stdout + done.stderr).strip()


def some_day(rng: random.Random) -> str:
    return (FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))).isoformat()


def own_events(
    rng: random.Random, prefix: str, count: int, companies: int = 5
) -> list[dict[str, Any]]:
    """`count` valid events: `companies` registrations named `prefix-cN`, then launches,
    investments and partnerships by them and the seeded companies (ids on all but a few)."""
    own = [f"{prefix}-c{i}" for i in range(companies)]
    made = [registered(slug, "2019", name=f"{slug} Labs") for slug in own]
    while len(made) < count:
        roll, day, who = rng.random(), some_day(rng), rng.choice(own)
        if roll < 0.55:
            company = who if rng.random() < 0.6 else rng.choice(SEEDED)
            name = f"{prefix} asset {len(made)}"
            made.append(launched(rng.choice(LAUNCH_KINDS), company, name, day))
        elif roll < 0.8:
            made.append(invested(who, rng.choice(SEEDED), day))
        else:
            provider = rng.choice(SEEDED)
            made.append(partnered([who, provider], rng.choice(LAYERS), day, provider=provider))
        if rng.random() < 0.1:
            del made[-1]["id"]  # the server assigns one
    return made
