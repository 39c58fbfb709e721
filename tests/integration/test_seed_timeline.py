"""The seed timeline loads on every backend and shows the article's claims, date by date."""

from __future__ import annotations

from datetime import date

import pytest

from stackline.domain.values import Layer
from stackline.services import stacks
from stackline.services.runtime import load_seed
from stackline.store.units_of_work import Database


@pytest.fixture
def seeded(database: Database) -> Database:
    report = load_seed(database)
    assert report.created > 50
    return database


def presence(database: Database, slug: str, day: str) -> dict[str, str]:
    stack = stacks.stack_of(database, slug, date.fromisoformat(day))
    return {layer.value: stack.presence(layer) for layer in Layer}


def entries(database: Database, slug: str, day: str, layer: str) -> list[dict]:
    stack = stacks.stack_of(database, slug, date.fromisoformat(day)).as_dict()
    return stack["layers"][layer]["entries"]


def test_loading_the_seed_twice_changes_nothing(seeded: Database) -> None:
    again = load_seed(seeded)
    assert again.created == 0 and again.unchanged > 50


def test_google_is_the_only_company_owning_all_four_layers_on_2026_11_01(seeded: Database) -> None:
    rows = stacks.matrix_of(seeded, date(2026, 11, 1), include_subsidiaries=True).rows
    full = [row.slug for row in rows if len(row.owned_layers) == 4]
    assert full == ["google"]
    assert rows[0].slug == "google"


def test_spacex_owns_colossus_via_xai_from_february_2026(seeded: Database) -> None:
    assert presence(seeded, "spacex", "2026-01-31")["compute"] == "none"
    compute = entries(seeded, "spacex", "2026-02-02", "compute")
    colossus = [e for e in compute if e["asset"] == "Colossus" and e["relation"] == "owned"]
    assert colossus and colossus[0]["via"] == ["xai"]


def test_spacex_owns_cursor_via_anysphere_from_june_2026_but_not_on_may_31(
    seeded: Database,
) -> None:
    def cursor(day: str) -> list[dict]:
        apps = entries(seeded, "spacex", day, "application")
        return [e for e in apps if e["asset"] == "Cursor" and e["relation"] == "owned"]

    assert cursor("2026-05-31") == []
    june = cursor("2026-06-01")
    assert june and june[0]["via"] == ["anysphere"]
    assert june[0]["certain"] is False  # a month-precision deal seen from inside its month
    assert cursor("2026-07-01")[0]["certain"] is True


def test_nvidia_owns_hardware_and_gains_nemotron_3_in_december_2025(seeded: Database) -> None:
    assert presence(seeded, "nvidia", "2025-11-30")["hardware"] == "owned"
    models_before = [e["asset"] for e in entries(seeded, "nvidia", "2025-11-30", "model")]
    models_after = [e["asset"] for e in entries(seeded, "nvidia", "2026-01-01", "model")]
    assert not any("Nemotron" in m for m in models_before)
    assert any("Nemotron 3" in m for m in models_after)


def test_anthropic_computes_through_partners_fluidstack_and_spacex(seeded: Database) -> None:
    assert presence(seeded, "anthropic", "2026-06-01")["compute"] == "partner"
    vias = {tuple(e["via"]) for e in entries(seeded, "anthropic", "2026-06-01", "compute")}
    assert ("fluidstack",) in vias and ("spacex",) in vias


def test_amazon_and_microsoft_hold_model_layer_stakes_in_their_labs(seeded: Database) -> None:
    amazon = entries(seeded, "amazon", "2026-11-01", "model")
    microsoft = entries(seeded, "microsoft", "2026-11-01", "model")
    assert any(e["relation"] == "stake" and e["via"] == ["anthropic"] for e in amazon)
    assert any(e["relation"] == "stake" and e["via"] == ["openai"] for e in microsoft)


def test_meta_was_called_facebook_in_2020(seeded: Database) -> None:
    assert (
        stacks.stack_of(seeded, "meta", date(2020, 1, 1)).as_dict()["company"]["name"] == "Facebook"
    )
    assert stacks.stack_of(seeded, "meta", date(2022, 1, 1)).as_dict()["company"]["name"] == "Meta"


def test_jalapeno_is_announced_on_2026_07_01(seeded: Database) -> None:
    hardware = entries(seeded, "openai", "2026-07-01", "hardware")
    jalapeno = [e for e in hardware if e["asset"] == "Jalapeño" and e["relation"] == "owned"]
    assert jalapeno and jalapeno[0]["status"] == "announced"
