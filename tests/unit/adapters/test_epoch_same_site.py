"""The code-held table of clusters that are a data centre's site, checked row by row on the files."""

from __future__ import annotations

import re

import pytest

from stackline.adapters.epoch import SAME_SITES, AssetRef, EpochReading, Org, SameSite
from tests.unit.adapters.conftest import records
from tests.unit.adapters.variants import CLUSTERS, DATA_CENTRES


def clean(cell: str) -> str:
    return " ".join(cell.replace('"', " ").split())


def untagged(cell: str) -> str:
    return clean(re.sub(r"#\w+", "", cell))


def cluster_row(name: str) -> dict[str, str]:
    return next(r for r in records(CLUSTERS) if clean(r["Name"]) == name)


def centre_row(handle: str) -> dict[str, str]:
    return next(r for r in records(DATA_CENTRES) if r["Handle"] == handle)


def first_word(name: str) -> str:
    return name.split()[0].casefold()


@pytest.mark.parametrize("site", SAME_SITES, ids=lambda site: site.cluster)
def test_each_mapped_cluster_and_data_centre_exist_and_their_owners_agree(site: SameSite) -> None:
    cluster, centre = cluster_row(site.cluster), centre_row(site.data_centre)
    assert cluster["Builds Upon"] == "", "the table names the root of a chain"
    assert cluster["Possible Duplicate Of"] == "" and cluster["Owner"].strip()
    assert untagged(centre["Owner"]) == site.owner
    cluster_owners = {first_word(owner) for owner in cluster["Owner"].split(",")}
    if site.owners_differ is None:
        assert first_word(site.owner) in cluster_owners
    else:
        assert first_word(site.owner) not in cluster_owners


def address_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def test_every_cluster_at_a_data_centres_address_is_mapped_to_it() -> None:
    centres = {
        address_key(r["Address"]): r["Handle"] for r in records(DATA_CENTRES) if r["Owner"].strip()
    }
    mapped = {(site.cluster, site.data_centre) for site in SAME_SITES}
    rows = {clean(r["Name"]): r for r in records(CLUSTERS)}
    found = 0
    for name, row in rows.items():
        handle = centres.get(address_key(row["Location"]))
        if handle is None or row["Possible Duplicate Of"]:
            continue
        while row["Builds Upon"]:
            name, row = clean(row["Builds Upon"]), rows[clean(row["Builds Upon"])]
        assert (name, handle) in mapped
        found += 1
    assert found >= 8


def test_a_mapped_cluster_and_its_phases_give_no_facility_or_capacity_of_their_own(
    reading: EpochReading,
) -> None:
    handles = {site.data_centre for site in SAME_SITES}
    mapped = [c for c in reading.candidates_of("epoch-ai/gpu-clusters") if c.key in _mapped_keys()]
    assert len(mapped) > len(SAME_SITES)
    for candidate in mapped:
        types = {event.type for event in candidate.events}
        assert not types & {"compute.launched", "compute.expanded", "asset.retired"}
        for event in candidate.events:
            named = event.payload.get("asset") or event.payload["from"]
            assert (named.name if isinstance(named, AssetRef) else named) in handles


def _mapped_keys() -> set[str]:
    rows = {clean(r["Name"]): r for r in records(CLUSTERS)}
    roots = {site.cluster for site in SAME_SITES}
    keys = set()
    for name, row in rows.items():
        root = name
        while rows[root]["Builds Upon"] and clean(rows[root]["Builds Upon"]) in rows:
            root = clean(rows[root]["Builds Upon"])
        if root in roots and not row["Possible Duplicate Of"]:
            keys.add(name)
    return keys


def test_a_mapped_clusters_users_and_chips_are_the_data_centres_owned_by_its_owner(
    reading: EpochReading,
) -> None:
    site = next(s for s in SAME_SITES if s.cluster.startswith("OpenAI Stargate Abilene"))
    abilene = next(
        c for c in reading.candidates_of("epoch-ai/gpu-clusters") if c.key == site.cluster
    )
    owner = Org(site.owner, "owner")
    microsoft = abilene.event("user:microsoft")
    assert microsoft.payload["parties"] == [owner, Org("Microsoft", "user")]
    assert microsoft.payload["asset"] == site.data_centre
    chip = cluster_row(site.cluster)["Chip type (primary)"]
    built = abilene.event("built_with").payload
    assert built["from"] == AssetRef("compute", site.data_centre, owner)
    assert built["on"] == AssetRef("hardware", chip, None)
    assert ("same site as a data centre", site.cluster) in {(n.topic, n.key) for n in reading.notes}


def test_the_data_centre_of_each_mapped_site_gives_its_facility(reading: EpochReading) -> None:
    launched = {
        c.key
        for c in reading.candidates_of("epoch-ai/data-centers")
        if c.events[0].type == "compute.launched"
    }
    assert {site.data_centre for site in SAME_SITES} <= launched
