"""The seed timeline loads on every backend and shows what an analyst expects of it, date by date:
the article's thesis, each company's real coverage across the four layers, asset statuses that
follow announcements and availability, the supply chain, and a source beyond the article for
every event."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from stackline.domain.dates import PartialDate
from stackline.domain.values import Layer
from stackline.services import integration, stacks, supply_chain
from stackline.services.datasets import ImportOptions, import_epoch
from stackline.services.files import event_files, read_events, seed_directory
from stackline.services.runtime import bundled_snapshot, load_seed
from stackline.store.units_of_work import Database

ARTICLE_URL = (
    "https://bdtechtalks.com/2026/06/30/"
    "how-the-ai-arms-race-moved-from-smart-models-to-full-stack-infrastructure/"
)


@pytest.fixture
def seeded(database: Database) -> Database:
    report = load_seed(database)
    assert report.created == len(seed_documents())
    return database


def seed_documents() -> list[dict[str, Any]]:
    return [item.raw for item in read_events(event_files([seed_directory()]))]


def live_documents() -> list[dict[str, Any]]:
    """The seed's events that no later event supersedes or retracts."""
    documents = seed_documents()
    voided = {d["supersedes"] for d in documents if d.get("supersedes")}
    voided |= {d["payload"]["event"] for d in documents if d["type"] == "event.retracted"}
    return [d for d in documents if d["id"] not in voided]


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


def seed_event(id_prefix: str) -> dict[str, Any]:
    return next(d for d in seed_documents() if d["id"].startswith(id_prefix))


def corrections_of(id_prefix: str) -> list[dict[str, Any]]:
    """The events that supersede or retract the seed event whose id starts so."""
    target = seed_event(id_prefix)["id"]
    return [
        d for d in seed_documents()
        if d.get("supersedes") == target
        or (d["type"] == "event.retracted" and d["payload"]["event"] == target)
    ]  # fmt: skip


def graph_edges(database: Database, day: str) -> set[tuple[str, str, str]]:
    graph = supply_chain.graph_of(database, date.fromisoformat(day)).as_dict()
    return {(e["from"], e["kind"], e["to"]) for e in graph["edges"]}


def test_loading_the_seed_twice_changes_nothing(seeded: Database) -> None:
    again = load_seed(seeded)
    assert again.created == 0 and again.unchanged == len(seed_documents())


# The article's thesis, over time.


def test_four_companies_own_all_four_layers_on_2026_11_01_google_first_since_2018(
    seeded: Database,
) -> None:
    rows = stacks.matrix_of(seeded, date(2026, 11, 1), include_subsidiaries=True).rows
    full = sorted(row.slug for row in rows if len(row.owned_layers) == 4)
    assert full == ["amazon", "google", "meta", "microsoft"]
    series = integration.integration(seeded, None, date(2026, 11, 1)).series
    first_full = {
        s.slug: next((c.on for c in s.changes if len(c.owned_layers) == 4), None) for s in series
    }
    assert first_full["google"] == date(2018, 10, 31)  # BERT: AlphaGo is no foundation model
    assert first_full["meta"] == date(2024, 4, 1)  # MTIA v2 in production
    assert first_full["microsoft"] == date(2024, 10, 1)  # Cobalt 100 VMs (Maia 200: 2026-01)
    assert first_full["amazon"] == date(2024, 12, 1)  # Nova (Alexa, not Bedrock, is the app)
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


def test_the_spacex_anysphere_deal_is_signed_and_not_closed(seeded: Database) -> None:
    for day in ("2026-06-16", "2026-11-01"):
        apps = entries(seeded, "spacex", day, "application")
        assert not [e for e in apps if e["asset"] == "Cursor" and e["relation"] == "owned"]
    assert "Cursor" in owned(seeded, "anysphere", "2026-11-01", "application")
    deal = [
        d for d in seed_documents()
        if d["type"].startswith("acquisition.") and d["payload"].get("target") == "anysphere"
    ]  # fmt: skip
    by_type = {d["type"]: d for d in deal}
    assert by_type["acquisition.announced"]["occurred_on"] == "2026-06-16"
    assert by_type["acquisition.announced"]["payload"]["target_on"] == "2026-Q3"
    [retraction] = corrections_of(by_type["acquisition.completed"]["id"][:8])
    assert retraction["type"] == "event.retracted"


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


def test_narrow_systems_are_no_foundation_models(seeded: Database) -> None:
    """docs/layer-rules.md: AlphaGo and AlphaFold 2 leave the model layer; BERT is Google's first."""
    assert presence(seeded, "google", "2018-10-30")["model"] == "none"
    assert presence(seeded, "deepmind", "2026-11-01")["model"] == "none"
    for model in ("AlphaGo", "AlphaFold 2"):
        launch = next(d for d in seed_documents() if d["payload"].get("model") == model)
        assert [c["type"] for c in corrections_of(launch["id"][:8])] == ["event.retracted"]


def test_anthropic_has_its_own_applications(seeded: Database) -> None:
    apps = owned(seeded, "anthropic", "2026-11-01", "application")
    assert apps["Claude app"] == "available" and apps["Claude Code"] == "available"


def test_amazon_has_nova_alexa_and_stakes_in_anthropic_and_openai(seeded: Database) -> None:
    assert owned(seeded, "amazon", "2026-11-01", "model")["Nova"] == "available"
    assert owned(seeded, "amazon", "2015-01-01", "application") == {"Alexa": "announced"}
    apps = owned(seeded, "amazon", "2026-11-01", "application")
    assert apps == {"Alexa": "available"}  # Bedrock is a model marketplace: part of AWS
    model = entries(seeded, "amazon", "2026-11-01", "model")
    stakes = {tuple(e["via"]) for e in model if e["relation"] == "stake"}
    assert {("anthropic",), ("openai",)} <= stakes
    assert ("openai",) not in {
        tuple(e["via"]) for e in entries(seeded, "amazon", "2026-02-26", "model")
        if e["relation"] == "stake"
    }  # fmt: skip


def test_microsoft_hardware_is_planned_until_cobalt_100_not_a_stake_through_openai(
    seeded: Database,
) -> None:
    assert presence(seeded, "microsoft", "2024-09-30")["hardware"] == "planned"
    assert owned(seeded, "microsoft", "2024-09-30", "hardware") == {
        "Maia 100": "announced", "Cobalt 100": "announced",
    }  # fmt: skip
    assert owned(seeded, "microsoft", "2024-10-01", "hardware")["Cobalt 100"] == "available"
    assert owned(seeded, "microsoft", "2026-11-01", "hardware")["Maia 200"] == "available"
    apps = owned(seeded, "microsoft", "2026-11-01", "application")
    assert {"GitHub Copilot", "Microsoft Copilot", "Microsoft 365 Copilot"} <= set(apps)
    assert "Microsoft 365 Copilot" in owned(seeded, "microsoft", "2026-11-01", "application")
    model = entries(seeded, "microsoft", "2026-11-01", "model")
    assert any(e["relation"] == "stake" and e["via"] == ["openai"] for e in model)


def test_meta_owns_data_centres_mtia_chips_and_the_meta_ai_app(seeded: Database) -> None:
    assert owned(seeded, "meta", "2026-11-01", "compute")["Research SuperCluster"] == "available"
    assert owned(seeded, "meta", "2024-03-31", "hardware") == {"MTIA v1": "announced"}
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


# The fact-check's findings (seed-fact-check.md §3), each settled by a correcting event.


def test_stargate_is_a_joint_venture_and_oracle_rents_abilene_to_openai(seeded: Database) -> None:
    [venture] = corrections_of("004563a0")
    payload = venture["payload"]
    assert sorted(payload["parties"]) == ["mgx", "openai", "oracle", "softbank"]
    assert "provider" not in payload and payload["amount"]["amount"] == 500_000_000_000
    # The seed's activation (July 2025) still names the original: it applies to the correction.
    assert presence(seeded, "softbank", "2025-07-21")["compute"] == "planned"
    assert presence(seeded, "softbank", "2025-07-22")["compute"] == "partner"
    abilene = [e for e in entries(seeded, "openai", "2025-08-01", "compute")
               if e["asset"] == "Stargate Abilene"]  # fmt: skip
    assert abilene and abilene[0]["via"] == ["oracle"] and abilene[0]["status"] == "active"
    assert owned(seeded, "oracle", "2025-08-01", "compute")["Stargate Abilene"] == "available"


def test_tpu_v2_was_announced_in_2017_and_reached_cloud_customers_in_2018(
    seeded: Database,
) -> None:
    assert owned(seeded, "google", "2018-02-11", "hardware")["TPU v2"] == "announced"
    assert owned(seeded, "google", "2018-02-12", "hardware")["TPU v2"] == "available"


def test_ironwood_is_available_in_late_2025_at_quarter_precision(seeded: Database) -> None:
    assert owned(seeded, "google", "2025-09-30", "hardware")["Ironwood"] == "announced"
    assert owned(seeded, "google", "2025-12-31", "hardware")["Ironwood"] == "available"
    [correction] = corrections_of("2ec20f64")
    assert (correction["occurred_on"], correction["confidence"]) == ("2025-Q4", "likely")


def test_cursor_ran_on_gpt_4_from_launch_and_on_claude_from_march_2024(seeded: Database) -> None:
    cursor = "asset:anysphere|application|cursor"
    assert (cursor, "runs_on", "asset:openai|model|gpt-4") in graph_edges(seeded, "2023-04-01")
    claude = (cursor, "runs_on", "asset:anthropic|model|claude")
    assert claude not in graph_edges(seeded, "2024-02-29")
    assert claude in graph_edges(seeded, "2024-03-31")


def test_nvidia_took_a_stake_in_openai_instead_of_its_letter_of_intent(seeded: Database) -> None:
    def supplied(day: str) -> bool:
        supplies = stacks.stack_of(seeded, "nvidia", date.fromisoformat(day)).as_dict()["supplies"]
        return any("openai" in s["to"] for s in supplies)

    assert supplied("2026-01-01") and not supplied("2026-03-01")
    stakes = [e for e in entries(seeded, "nvidia", "2026-02-27", "model")
              if e["relation"] == "stake"]  # fmt: skip
    assert ["openai"] in [e["via"] for e in stakes]


def test_anthropic_rents_colossus_and_colossus_2(seeded: Database) -> None:
    rented = {e["asset"] for e in entries(seeded, "anthropic", "2026-06-01", "compute")
              if e["via"] == ["spacex"]}  # fmt: skip
    assert {"Colossus", "Colossus 2"} <= rented


def test_stale_records_are_closed(seeded: Database) -> None:
    edges = graph_edges(seeded, "2026-01-01")
    claude_app = "asset:anthropic|application|claude app"
    assert (claude_app, "runs_on", "asset:anthropic|model|claude 2") not in edges
    assert (claude_app, "runs_on", "asset:anthropic|model|claude 3") in edges
    assert "GPT-3" not in owned(seeded, "openai", "2024-01-04", "model")
    assert owned(seeded, "openai", "2024-01-04", "model")["DALL·E"] == "available"  # unreleased


# The 2025-26 moves and the chip generations.


def test_the_2025_26_deals_are_there(seeded: Database) -> None:
    investors = {
        (d["payload"]["investor"], d["payload"]["investee"]) for d in live_documents()
        if d["type"] == "investment.made" and d["occurred_on"] >= "2025"
    }  # fmt: skip
    assert {("amazon", "openai"), ("nvidia", "openai"), ("softbank", "openai"),
            ("amazon", "anthropic"), ("google", "anthropic")} <= investors  # fmt: skip
    x = stacks.stack_of(seeded, "x", date(2025, 3, 28)).as_dict()["company"]
    assert (x["name"], x["parent"]) == ("X", "xai")
    to_openai = {
        (e["asset"], tuple(e["via"])) for e in entries(seeded, "openai", "2026-03-01", "compute")
    }
    assert ("Azure", ("microsoft",)) in to_openai and ("AWS", ("amazon",)) in to_openai


def test_each_chip_family_reaches_its_latest_recorded_generation(seeded: Database) -> None:
    chips = {
        (d["payload"]["company"], d["payload"]["chip"]) for d in live_documents()
        if d["type"] == "chip.launched"
    }  # fmt: skip
    for chip in [("google", "TPU v3"), ("google", "TPU v5e"), ("nvidia", "H200"),
                 ("nvidia", "B300"), ("nvidia", "Rubin"), ("amd", "Instinct MI325X"),
                 ("amd", "Instinct MI400"), ("amazon", "Inferentia2"),
                 ("microsoft", "Cobalt 200")]:  # fmt: skip
        assert chip in chips, chip


def test_every_live_launch_is_an_asset_of_its_company_on_its_day(seeded: Database) -> None:
    layers = {"chip.launched": ("hardware", "chip"), "model.released": ("model", "model"),
              "compute.launched": ("compute", "facility"),
              "product.launched": ("application", "product")}  # fmt: skip
    retired = {(d["payload"]["company"], d["payload"]["asset"]) for d in live_documents()
               if d["type"] == "asset.retired"}  # fmt: skip
    for d in live_documents():
        if d["type"] not in layers or d["occurred_on"] < "2024":
            continue
        layer, field = layers[d["type"]]
        name = d["payload"][field]
        if (d["payload"]["company"], name) in retired:
            continue
        day = PartialDate.parse(d["occurred_on"]).end.isoformat()
        assert name in owned(seeded, d["payload"]["company"], day, layer), d["id"]


# Epoch AI's names (DESIGN §9.2, §9.7): the bundled snapshot meets the curated companies.


def test_the_bundled_epoch_snapshot_resolves_every_curated_company(seeded: Database) -> None:
    report = import_epoch(
        seeded, [bundled_snapshot()], ImportOptions(dry_run=True), "test", datetime.now(UTC)
    )
    registered = [d["payload"] for d in live_documents() if d["type"] == "company.registered"]
    names = {p["company"] for p in registered} | {p["name"] for p in registered}
    names |= {d["payload"]["name"] for d in live_documents() if d["type"] == "company.renamed"}
    curated = [
        name for name in report.unresolved
        if any(re.search(rf"\b{re.escape(n)}\b", name, re.IGNORECASE) for n in names)
    ]  # fmt: skip
    assert curated == []
    for dataset, file in (("epoch-ai/ml-hardware", "ml_hardware.csv"),
                          ("epoch-ai/notable-ai-models", "notable_ai_models.csv"),
                          ("epoch-ai/data-centers", "data_centers.csv")):  # fmt: skip
        assert report.file_of(dataset, file).matched > 0, file


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
