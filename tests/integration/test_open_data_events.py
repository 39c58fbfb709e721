"""The third stage's additions to the event model (DESIGN §9.1, §9.7) through the real store:
aliases of companies and assets, names resolved to an asset's own, expansions, follow-ups that
reach a partnership through its correction, targets before the announcement, origins."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from stackline.domain.errors import InvalidEvent
from stackline.domain.filters import EventFilter
from stackline.domain.fold import fold_footprint
from stackline.domain.stack import compose_stack
from stackline.domain.values import Layer
from stackline.services import stacks, timeline
from stackline.services.recording import record_event
from stackline.services.timeline import export_chunks
from stackline.store.units_of_work import Database
from tests.integration.builders import event, launched, registered
from tests.integration.test_projections_match_fold import stored_events


def problems(database: Database, document: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidEvent) as caught:
        record_event(database, document, "test")
    return {p.field: p.message for p in caught.value.problems}


@pytest.fixture
def industry(database: Database) -> Database:
    for slug in ("nvidia", "google", "deepmind", "xai", "anthropic", "openai"):
        record_event(database, registered(slug, "2000"), "test")
    record_event(database, launched("chip", "nvidia", "H100", "2022-10"), "test")
    record_event(database, launched("chip", "nvidia", "A100", "2020-05"), "test")
    return database


def test_a_company_alias_belongs_to_one_company_and_is_no_other_companys_name(
    industry: Database,
) -> None:
    alias = {"company": "deepmind", "aliases": ["Google DeepMind", "DeepMind Technologies"]}
    record_event(industry, event("company.aliased", "2023-04", alias), "test")
    taken = problems(
        industry,
        event("company.aliased", "2024", {"company": "google", "aliases": ["google  deepmind"]}),
    )
    assert "deepmind" in taken["payload.aliases.0"] and "Google DeepMind" not in taken
    named = problems(
        industry, event("company.aliased", "2024", {"company": "google", "aliases": ["NVIDIA"]})
    )
    assert named == {"payload.aliases.0": "'NVIDIA' already names the company 'nvidia'"}


def test_an_asset_named_by_its_alias_is_stored_under_its_own_name(industry: Database) -> None:
    aliased = {"company": "nvidia", "layer": "hardware", "asset": "H100",
               "aliases": ["NVIDIA H100 SXM5 80GB"]}  # fmt: skip
    record_event(industry, event("asset.aliased", "2023", aliased), "test")
    record_event(industry, launched("compute", "xai", "Colossus", "2024-09"), "test")
    edge = {
        "from": {"company": "xai", "layer": "compute", "asset": "Colossus"},
        "on": {"company": "nvidia", "layer": "hardware", "asset": "nvidia h100 sxm5 80gb"},
        "kind": "built_with", "status": "active",
    }  # fmt: skip
    stored = record_event(industry, event("dependency.formed", "2024-09", edge), "test")
    assert stored.document["payload"]["on"]["asset"] == "H100"
    clash = {"company": "nvidia", "layer": "hardware", "asset": "A100", "aliases": ["H100"]}
    assert problems(industry, event("asset.aliased", "2023", clash)) == {
        "payload.aliases.0": "'H100' already names 'nvidia''s 'h100'"
    }


def test_an_expansion_needs_its_facility_and_makes_an_announced_one_available(
    industry: Database,
) -> None:
    missing = {"company": "xai", "facility": "Colossus 9", "capacity_mw": 10, "status": "available"}
    assert "payload.facility" in problems(industry, event("compute.expanded", "2025", missing))
    record_event(
        industry, launched("compute", "xai", "Colossus", "2024-06", status="announced"), "test"
    )
    phase = {"company": "xai", "facility": "colossus", "capacity_mw": 150, "h100e": 100_000,
             "status": "available"}  # fmt: skip
    record_event(industry, event("compute.expanded", "2024-09-02", phase), "test")
    stack = stacks.stack_of(industry, "xai", date(2024, 10, 1), use_cache=False)
    (entry,) = stack.entries[Layer.COMPUTE]
    assert (entry.asset, entry.status) == ("Colossus", "available")
    before = stacks.stack_of(industry, "xai", date(2024, 8, 1), use_cache=False)
    assert before.presence(Layer.COMPUTE) == "planned"


def test_an_activation_aimed_at_a_corrected_partnership_applies_to_its_correction(
    industry: Database,
) -> None:
    first = event("partnership.formed", "2025-01-21",
                  {"parties": ["openai", "google"], "layer": "compute", "provider": "google",
                   "status": "announced"})  # fmt: skip
    record_event(industry, first, "test")
    correction = event("partnership.formed", "2025-01-21",
                       {"parties": ["openai", "google", "deepmind"], "layer": "compute",
                        "provider": "google", "status": "announced"},
                       supersedes=first["id"])  # fmt: skip
    record_event(industry, correction, "test")
    activation = event("partnership.activated", "2025-09", {"partnership": first["id"]})
    record_event(industry, activation, "test")
    stack = stacks.stack_of(industry, "deepmind", date(2025, 10, 1), use_cache=False)
    assert stack.covered_layers == ["compute"]
    log = stored_events(industry)
    folded = compose_stack(fold_footprint(log, date(2025, 10, 1)), "deepmind")
    assert folded.as_dict() == stack.as_dict()
    ended_twice = event("partnership.ended", "2026", {"partnership": correction["id"]})
    record_event(industry, ended_twice, "test")
    again = event("partnership.ended", "2026-02", {"partnership": first["id"]})
    assert problems(industry, again) == {"payload.partnership": "the partnership is already ended"}


def test_a_retracted_partnership_takes_no_follow_up(industry: Database) -> None:
    formed = event("partnership.formed", "2025", {"parties": ["openai", "google"],
                                                  "layer": "compute", "status": "announced"})  # fmt: skip
    record_event(industry, formed, "test")
    record_event(
        industry,
        event("event.retracted", "2025-06", {"event": formed["id"], "reason": "wrong"}),
        "test",
    )
    activation = event("partnership.activated", "2025-09", {"partnership": formed["id"]})
    assert problems(industry, activation) == {
        "payload.partnership": "the partnership was retracted"
    }


def test_a_target_that_ends_before_the_announcement_starts_is_refused(industry: Database) -> None:
    plan = launched("chip", "nvidia", "Rubin", "2025-09-09", status="announced", target_on="2024")
    assert problems(industry, plan) == {
        "payload.target_on": "ends before the announcement (2025-09-09) starts"
    }


def test_an_unreleased_model_is_owned(industry: Database) -> None:
    model = {"company": "anthropic", "model": "Claude Mythos", "access": "unreleased"}
    record_event(industry, event("model.released", "2026-04-07", model), "test")
    stack = stacks.stack_of(industry, "anthropic", date(2026, 5, 1), use_cache=False)
    assert stack.owned_layers == ["model"]


def test_a_hand_recorded_event_cannot_claim_a_dataset_origin(industry: Database) -> None:
    claimed = {**launched("chip", "nvidia", "B200", "2024-03"),
               "origin": {"dataset": "epoch-ai/ml-hardware", "key": "NVIDIA B200",
                          "snapshot": "2026-03-06"}}  # fmt: skip
    assert set(problems(industry, claimed)) == {"origin"}


def test_the_origin_filter_tells_curated_events_from_derived_ones(industry: Database) -> None:
    curated = timeline.list_events(industry, EventFilter(origin="none"), None, 100).events
    derived = timeline.list_events(industry, EventFilter(origin="epoch-ai"), None, 100).events
    assert len(curated) == 8 and derived == []
    document = "".join(export_chunks(industry, EventFilter(origin="none", include_voided=True)))
    assert '"origin":"none"' in document.replace(" ", "")
