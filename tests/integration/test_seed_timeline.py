"""The seed timeline loads on every backend and shows what an analyst expects of it, date by date:
the article's thesis, each company's real coverage across the four layers, asset statuses that
follow announcements and availability, the supply chain, and a source beyond the article for
every event."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from stackline.domain.values import Layer
from stackline.services import integration, stacks, supply_chain
from stackline.services.files import event_files, read_events, seed_directory
from stackline.services.runtime import load_seed
from stackline.store.units_of_work import Database

ARTICLE_URL = (
    "https://bdtechtalks.com/2026/06/30/"
    "how-the-ai-arms-race-moved-from-smart-models-to-full-stack-infrastructure/"
)


@pytest.fixture
def seeded(database: Database) -> Database:
    report = load_seed(database)
    assert report.created > 200
    return database


def seed_documents() -> list[dict[str, Any]]:
    return [item.raw for item in read_events(event_files([seed_directory()]))]


def presence(database: Database, slug: str, day: str) -> dict[str, str]:
    stack = stacks.stack_of(database, slug, date.fromisoformat(day))
    return {layer.value: stack.presence(layer) for layer in Layer}


def entries(database: Database, slug: str, day: str, layer: str) -> list[dict[str, Any]]:
    stack = stacks.stack_of(database, slug, date.fromisoformat(day)).as_dict()
    found: list[dict[str, Any]] = stack["layers"][layer]["entries"]
    return found


def owned(database: Database, slug: str, day: str, layer: str) -> dict[str, str]:
    """The company's own assets in the layer on the day (not through a subsidiary): status."""
    return {
        e["asset"]: e["status"]
        for e in entries(database, slug, day, layer)
        if e["relation"] == "owned" and not e["via"]
    }


def test_loading_the_seed_twice_changes_nothing(seeded: Database) -> None:
    again = load_seed(seeded)
    assert again.created == 0 and again.unchanged > 200


# The article's thesis, over time.


def test_four_companies_own_all_four_layers_on_2026_11_01_google_first_since_2016(
    seeded: Database,
) -> None:
    rows = stacks.matrix_of(seeded, date(2026, 11, 1), include_subsidiaries=True).rows
    full = sorted(row.slug for row in rows if len(row.owned_layers) == 4)
    assert full == ["amazon", "google", "meta", "microsoft"]
    series = integration.integration(seeded, None, date(2026, 11, 1)).series
    first_full = {
        s.slug: next((c.on for c in s.changes if len(c.owned_layers) == 4), None) for s in series
    }
    assert first_full["google"] == date(2016, 5, 18)  # the first TPU
    assert first_full["meta"] == date(2024, 4, 1)  # MTIA in production
    assert first_full["amazon"] == date(2024, 12, 1)  # Nova
    assert first_full["microsoft"] == date(2026, 1, 1)  # Maia 200
    assert min(d for d in first_full.values() if d) == first_full["google"]


def test_spacex_owns_three_layers_through_xai_from_february_2026(seeded: Database) -> None:
    assert presence(seeded, "spacex", "2026-01-31")["compute"] == "none"
    compute = entries(seeded, "spacex", "2026-02-02", "compute")
    colossus = [e for e in compute if e["asset"] == "Colossus" and e["relation"] == "owned"]
    assert colossus and colossus[0]["via"] == ["xai"]
    held = presence(seeded, "spacex", "2026-02-02")
    assert [layer for layer, p in held.items() if p == "owned"] == [
        "compute", "model", "application",
    ]  # fmt: skip


def test_the_spacex_anysphere_deal_is_announced_and_its_closing_disputed(
    seeded: Database,
) -> None:
    def cursor(day: str) -> list[dict[str, Any]]:
        apps = entries(seeded, "spacex", day, "application")
        return [e for e in apps if e["asset"] == "Cursor" and e["relation"] == "owned"]

    assert cursor("2026-06-15") == []
    june = cursor("2026-06-16")
    assert june and june[0]["via"] == ["anysphere"]
    deal = [
        d for d in seed_documents()
        if d["type"].startswith("acquisition.") and d["payload"].get("target") == "anysphere"
    ]  # fmt: skip
    by_type = {d["type"]: d for d in deal}
    assert by_type["acquisition.announced"]["occurred_on"] == "2026-06-16"
    assert by_type["acquisition.announced"]["payload"]["target_on"] == "2026-Q3"
    completed = by_type["acquisition.completed"]
    assert completed["confidence"] == "likely"
    assert "disagree" in completed["details"]
    assert len([s for s in completed["sources"] if s.get("url")]) >= 3


def test_anthropic_computes_only_through_partners(seeded: Database) -> None:
    assert presence(seeded, "anthropic", "2026-11-01")["compute"] == "partner"
    vias = {tuple(e["via"]) for e in entries(seeded, "anthropic", "2026-11-01", "compute")}
    assert {("amazon",), ("google",), ("spacex",), ("fluidstack",), ("microsoft",)} <= vias


# Each company's real coverage, back to what made it what it is.


def test_nvidia_owned_data_centre_gpus_long_before_the_h100_and_runs_dgx_cloud(
    seeded: Database,
) -> None:
    assert owned(seeded, "nvidia", "2015-06-01", "hardware")["Tesla K40"] == "available"
    assert presence(seeded, "nvidia", "2023-03-20")["compute"] == "none"
    assert owned(seeded, "nvidia", "2023-06-01", "compute") == {"DGX Cloud": "available"}
    models = owned(seeded, "nvidia", "2026-01-01", "model")
    assert not any("Nemotron" in m for m in owned(seeded, "nvidia", "2025-11-30", "model"))
    assert any("Nemotron 3" in m for m in models)


def test_the_h100_is_announced_first_and_available_months_later(seeded: Database) -> None:
    assert owned(seeded, "nvidia", "2022-03-21", "hardware").get("H100") is None
    assert owned(seeded, "nvidia", "2022-03-22", "hardware")["H100"] == "announced"
    assert owned(seeded, "nvidia", "2022-04-01", "hardware")["H100"] == "announced"
    assert owned(seeded, "nvidia", "2023-07-01", "hardware")["H100"] == "available"
    assert owned(seeded, "nvidia", "2024-03-18", "hardware")["B200"] == "announced"
    assert owned(seeded, "nvidia", "2025-01-01", "hardware")["B200"] == "available"


def test_openai_had_gpt_3_models_when_chatgpt_launched(seeded: Database) -> None:
    models = owned(seeded, "openai", "2022-12-15", "model")
    assert models["GPT-3"] == "available" and models["GPT-3.5"] == "available"
    assert "ChatGPT" in owned(seeded, "openai", "2022-12-15", "application")


def test_google_had_models_and_applications_before_gemini(seeded: Database) -> None:
    assert owned(seeded, "google", "2019-01-01", "model")["BERT"] == "available"
    apps = owned(seeded, "google", "2019-01-01", "application")
    assert {"Google Search", "Google Workspace"} <= set(apps)
    deepmind = [e for e in entries(seeded, "google", "2019-01-01", "model") if e["via"]]
    assert deepmind and deepmind[0]["via"] == ["deepmind"]


def test_anthropic_has_its_own_applications(seeded: Database) -> None:
    apps = owned(seeded, "anthropic", "2026-11-01", "application")
    assert apps["Claude app"] == "available" and apps["Claude Code"] == "available"


def test_amazon_has_nova_and_bedrock_and_a_stake_in_anthropic(seeded: Database) -> None:
    assert owned(seeded, "amazon", "2026-11-01", "model")["Nova"] == "available"
    assert owned(seeded, "amazon", "2026-11-01", "application")["Amazon Bedrock"] == "available"
    model = entries(seeded, "amazon", "2026-11-01", "model")
    assert any(e["relation"] == "stake" and e["via"] == ["anthropic"] for e in model)


def test_microsoft_hardware_is_planned_until_maia_200_not_a_stake_through_openai(
    seeded: Database,
) -> None:
    assert presence(seeded, "microsoft", "2025-06-01")["hardware"] == "planned"
    assert owned(seeded, "microsoft", "2025-06-01", "hardware") == {"Maia 100": "announced"}
    assert owned(seeded, "microsoft", "2026-11-01", "hardware")["Maia 200"] == "available"
    assert "Microsoft 365 Copilot" in owned(seeded, "microsoft", "2026-11-01", "application")
    model = entries(seeded, "microsoft", "2026-11-01", "model")
    assert any(e["relation"] == "stake" and e["via"] == ["openai"] for e in model)


def test_meta_owns_data_centres_mtia_chips_and_the_meta_ai_app(seeded: Database) -> None:
    assert owned(seeded, "meta", "2026-11-01", "compute")["Research SuperCluster"] == "available"
    assert owned(seeded, "meta", "2026-11-01", "hardware")["MTIA v2"] == "available"
    assert owned(seeded, "meta", "2026-11-01", "application")["Meta AI"] == "available"


def test_fluidstack_broadcom_and_oracle_own_what_they_sell(seeded: Database) -> None:
    assert presence(seeded, "fluidstack", "2026-11-01")["compute"] == "owned"
    assert presence(seeded, "broadcom", "2026-11-01")["hardware"] == "owned"
    assert presence(seeded, "oracle", "2026-11-01")["compute"] == "owned"


def test_xai_runs_colossus_and_colossus_2(seeded: Database) -> None:
    compute = owned(seeded, "xai", "2026-01-01", "compute")
    assert compute["Colossus"] == "available" and compute["Colossus 2"] == "available"


def test_the_analysts_neighbours_are_there(seeded: Database) -> None:
    rows = stacks.matrix_of(seeded, date(2026, 11, 1), include_subsidiaries=True).rows
    slugs = {row.slug for row in rows}
    assert {"amd", "tsmc", "coreweave", "oracle", "mistral", "deepseek", "alibaba"} <= slugs


def test_meta_was_called_facebook_in_2020(seeded: Database) -> None:
    assert (
        stacks.stack_of(seeded, "meta", date(2020, 1, 1)).as_dict()["company"]["name"] == "Facebook"
    )
    assert stacks.stack_of(seeded, "meta", date(2022, 1, 1)).as_dict()["company"]["name"] == "Meta"


# The supply chain.


def test_google_supplies_anthropic_with_tpus_and_its_cloud(seeded: Database) -> None:
    supplies = stacks.stack_of(seeded, "google", date(2026, 11, 1)).as_dict()["supplies"]
    to_anthropic = {(s["layer"], s["status"]) for s in supplies if "anthropic" in s["to"]}
    assert ("hardware", "announced") in to_anthropic  # the October 2025 TPU deal
    assert ("compute", "active") in to_anthropic


def test_the_microsoft_nvidia_anthropic_deal_is_there(seeded: Database) -> None:
    azure = [
        e
        for e in entries(seeded, "anthropic", "2025-11-18", "compute")
        if e["via"] == ["microsoft"]
    ]
    assert azure and azure[0]["status"] == "announced"
    investors = {
        d["payload"]["investor"]
        for d in seed_documents()
        if d["type"] == "investment.made" and d["payload"]["investee"] == "anthropic"
        and d["occurred_on"].startswith("2025-11")
    }  # fmt: skip
    assert {"microsoft", "nvidia"} <= investors


def test_the_graph_holds_the_named_dependencies(seeded: Database) -> None:
    graph = supply_chain.graph_of(seeded, date(2026, 11, 1)).as_dict()
    edges = {(e["from"], e["kind"], e["to"]) for e in graph["edges"]}
    for edge in (
        ("asset:anysphere|model|composer 2.5", "fine_tuned_from", "asset:moonshot-ai|model|kimi k2.5"),
        ("asset:anysphere|application|cursor", "runs_on", "asset:anysphere|model|composer 2.5"),
        ("asset:anysphere|application|cursor", "runs_on", "asset:anthropic|model|claude"),
        ("asset:xai|compute|colossus", "built_with", "asset:nvidia|hardware|h100"),
        ("asset:amazon|compute|aws", "built_with", "asset:amazon|hardware|trainium"),
        ("asset:google|model|gemini", "trained_on", "asset:google|hardware|trillium"),
        ("asset:anthropic|model|claude", "trained_on", "asset:amazon|compute|project rainier"),
        ("asset:anthropic|model|claude", "trained_on", "asset:google|hardware|ironwood"),
    ):  # fmt: skip
        assert edge in edges, edge


def test_jalapeno_is_announced_on_2026_07_01_and_co_designed_with_broadcom(
    seeded: Database,
) -> None:
    assert owned(seeded, "openai", "2026-07-01", "hardware")["Jalapeño"] == "announced"
    assert "Jalapeño" in {
        e["asset"] for e in entries(seeded, "broadcom", "2026-07-01", "hardware")
        if e["relation"] == "partner"
    }  # fmt: skip


# Sources.


def test_every_event_has_a_source_with_a_url_other_than_the_article() -> None:
    for document in seed_documents():
        urls = [s.get("url") for s in document["sources"]]
        others = [url for url in urls if url and url != ARTICLE_URL]
        assert others or "article" in (document.get("details") or "").lower(), document["id"]
        for source in document["sources"]:
            if source.get("url") == ARTICLE_URL:
                assert (source["publisher"], source["published_on"]) == ("TechTalks", "2026-06-30")


def test_every_event_is_dated_no_more_precisely_than_a_source_that_supports_it() -> None:
    """A day date needs a source published on or after that day; no source is dated later than
    the seed was made."""
    for document in seed_documents():
        occurred = document["occurred_on"]
        published = [s.get("published_on") for s in document["sources"] if s.get("published_on")]
        assert all(p <= "2026-12-01" for p in published), document["id"]
        if len(occurred) == 10 and published:
            assert any(p >= occurred[: len(p)] for p in published), (document["id"], occurred)


def test_summaries_are_short_and_our_own_words() -> None:
    article = json.dumps([d["summary"] for d in seed_documents()])
    assert "brutal reality of hardware costs" not in article
    assert all(len(d["summary"]) <= 200 for d in seed_documents())
