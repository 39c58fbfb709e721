"""Within one ownership group there are no partner or stake entries (DESIGN §9.5): a deal or an
investment between a company and its parent, subsidiary or sibling adds nothing to either side's
stack or presence — on the days they are in one group, and only then."""

from __future__ import annotations

from datetime import date

import pytest

from stackline.domain.fold import fold_footprint
from stackline.domain.stack import compose_stack
from stackline.services import stacks
from stackline.services.recording import record_event
from stackline.store.units_of_work import Database
from tests.integration.builders import acquired, invested, launched, partnered, registered
from tests.integration.test_projections_match_fold import stored_events

BEFORE, IN_GROUP, AFTER_SALE = date(2019, 6, 1), date(2021, 6, 1), date(2024, 6, 1)


@pytest.fixture
def group(database: Database) -> Database:
    """`cloudco` owns a data centre; `labco` rents it from 2019 and gets a stake from it; then
    `holdco` buys both (2021), and sells `labco` on (2023, to `buyer`)."""
    for slug in ("holdco", "cloudco", "labco", "buyer", "rival"):
        record_event(database, registered(slug, "2010"), "test")
    record_event(database, launched("compute", "cloudco", "DC1", "2018-01-01"), "test")
    record_event(database, launched("model", "labco", "L1", "2018-06-01"), "test")
    deal = partnered(["labco", "cloudco"], "compute", "2019-01-01", provider="cloudco", asset="DC1",
                     status="active")  # fmt: skip
    record_event(database, deal, "test")
    record_event(database, invested("cloudco", "labco", "2019-02-01"), "test")
    record_event(database, partnered(["labco", "rival"], "compute", "2019-03-01",
                                     provider="rival", asset="R1", status="announced"), "test")  # fmt: skip
    record_event(database, acquired("holdco", "cloudco", "2021-01-01"), "test")
    record_event(database, acquired("holdco", "labco", "2021-02-01"), "test")
    record_event(database, acquired("buyer", "labco", "2023-01-01"), "test")
    return database


def entries(database: Database, slug: str, day: date) -> set[tuple[str, str, str]]:
    stack = stacks.stack_of(database, slug, day, use_cache=False)
    return {(e.layer.value, e.relation, e.asset) for layer in stack.entries.values() for e in layer}


def presence(database: Database, slug: str, day: date) -> dict[str, str]:
    rows = stacks.matrix_of(database, day, include_subsidiaries=True).rows
    return next(row.presence for row in rows if row.slug == slug)


def test_a_deal_within_the_group_adds_nothing_while_they_are_one_group(group: Database) -> None:
    assert ("compute", "partner", "DC1") in entries(group, "labco", BEFORE)
    assert presence(group, "labco", BEFORE)["compute"] == "partner"
    assert ("model", "stake", "Labco") in entries(group, "cloudco", BEFORE)

    in_group = entries(group, "labco", IN_GROUP)
    assert ("compute", "partner", "DC1") not in in_group
    assert ("compute", "partner", "R1") in in_group  # a deal outside the group still shows
    assert presence(group, "labco", IN_GROUP)["compute"] == "planned"  # R1 is only announced
    assert not any(r == "stake" for _, r, _ in entries(group, "cloudco", IN_GROUP))
    assert not any(r == "partner" and a == "DC1" for _, r, a in entries(group, "holdco", IN_GROUP))

    # Sold on: the two are apart again, and the deal and the stake count again.
    assert ("compute", "partner", "DC1") in entries(group, "labco", AFTER_SALE)
    assert presence(group, "labco", AFTER_SALE)["compute"] == "partner"
    assert ("model", "stake", "Labco") in entries(group, "cloudco", AFTER_SALE)


def test_the_stored_answers_equal_the_reference_fold(group: Database) -> None:
    events = stored_events(group)
    for day in (BEFORE, IN_GROUP, date(2022, 12, 31), date(2023, 1, 1), AFTER_SALE):
        footprint = fold_footprint(events, day)
        for slug in ("holdco", "cloudco", "labco", "buyer"):
            stored = stacks.stack_of(group, slug, day, use_cache=False)
            folded = compose_stack(footprint, slug)
            assert stored.entries == folded.entries, (slug, day)
            assert presence(group, slug, day) == {
                layer.value: folded.presence(layer) for layer in folded.entries
            }, (slug, day)
