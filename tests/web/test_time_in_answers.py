"""Answers that are right about time (issue #22, DESIGN §9.5): when an entry became available,
not only when it was announced; each date at its own precision."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from stackline.domain.dates import PartialDate
from stackline.domain.events import Event
from stackline.domain.values import fold_name
from tests.web.api_support import API, all_events

LATE = "2026-03-01"


def _stack(client: FlaskClient, slug: str, as_of: str = LATE) -> dict:
    response = client.get(f"{API}/companies/{slug}/stack?as_of={as_of}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _entries(stack: dict, layer: str) -> list[dict]:
    return stack["layers"][layer]["entries"]


def _launches(events: list[Event], company: str, name: str) -> list[Event]:
    """The live launches of one asset, in date order."""
    voided = {e.payload.event for e in events if e.type == "event.retracted"}
    voided |= {e.supersedes for e in events if e.supersedes}
    found = [
        e
        for e in events
        if e.id not in voided
        and getattr(e.payload, "company", None) == company
        and fold_name(getattr(e.payload, "chip", None) or getattr(e.payload, "model", "") or "")
        == fold_name(name)
    ]
    return sorted(found, key=lambda e: e.occurred_on.start)


def test_an_asset_announced_then_shipped_is_available_from_its_shipping_date(
    client: FlaskClient,
) -> None:
    launches = _launches(all_events(client), "nvidia", "H100")
    announced = next(e for e in launches if e.payload.status == "announced")
    shipped = next(e for e in launches if e.payload.status == "available")
    assert announced.occurred_on.start < shipped.occurred_on.start
    h100 = next(e for e in _entries(_stack(client, "nvidia"), "hardware") if e["asset"] == "H100")
    assert h100["since"] == str(announced.occurred_on)
    assert h100["available_since"] == str(shipped.occurred_on)
    # While only announced, it has no availability.
    before = _stack(client, "nvidia", shipped.occurred_on.start.replace(day=1).isoformat())
    h100_then = [e for e in _entries(before, "hardware") if e["asset"] == "H100"]
    if shipped.occurred_on.start.day != 1:
        assert h100_then and h100_then[0]["available_since"] is None


def test_a_partnership_is_active_from_its_activation(client: FlaskClient) -> None:
    events = all_events(client)
    activation = next(e for e in events if e.type == "partnership.activated")
    successor = {e.supersedes: e for e in events if e.supersedes}
    live_formed = next(e for e in events if e.id == activation.payload.partnership)
    while live_formed.id in successor:  # an activation follows its target's corrections
        live_formed = successor[live_formed.id]
    party = next(p for p in live_formed.payload.parties if p != live_formed.payload.provider)
    layer = live_formed.payload.layer.value
    entries = [
        e
        for e in _entries(_stack(client, party), layer)
        if e["relation"] == "partner" and str(live_formed.id) in e["event_ids"]
    ]
    assert entries, f"{party} shows no entry of the activated partnership"
    for entry in entries:
        assert entry["status"] == "active"
        assert entry["since"] == str(live_formed.occurred_on)
        assert entry["available_since"] == str(activation.occurred_on)


def test_a_stake_is_available_since_it_counts_and_rolled_up_entries_no_earlier_than_the_link(
    client: FlaskClient,
) -> None:
    for slug in ("google", "amazon", "microsoft", "spacex", "nvidia"):
        for layer in ("hardware", "compute", "model", "application"):
            for entry in _entries(_stack(client, slug), layer):
                since = PartialDate.parse(entry["since"])
                available = entry["available_since"]
                if entry["relation"] == "stake":
                    assert available == entry["since"], entry
                elif available is not None:
                    assert entry["status"] in ("available", "active"), entry
                    assert PartialDate.parse(available).start >= since.start, entry
                else:
                    assert entry["status"] not in ("available", "active"), entry


def test_the_company_page_shows_announced_and_available_dates(client: FlaskClient) -> None:
    launches = _launches(all_events(client), "nvidia", "H100")
    announced = next(e for e in launches if e.payload.status == "announced")
    shipped = next(e for e in launches if e.payload.status == "available")
    page = client.get(f"/companies/nvidia?as_of={LATE}").get_data(as_text=True)
    assert (
        f"announced <time>{announced.occurred_on}</time> · available "
        f"<time>{shipped.occurred_on}</time>"
    ) in page


def _series(client: FlaskClient) -> dict[str, list[dict]]:
    answer = client.get(f"{API}/integration").get_json()
    return {company["slug"]: company["changes"] for company in answer["companies"]}


def test_a_leader_is_named_from_the_day_it_reached_its_count(client: FlaskClient) -> None:
    google = _series(client)["google"]
    most = max(len(change["owned_layers"]) for change in google)
    reached = next(c["on"] for c in google if len(c["owned_layers"]) == most)
    page = client.get("/trends").get_data(as_text=True)
    leaders = page.split('id="leaders-heading"', 1)[1].split("</ol>", 1)[0]
    bands = re.findall(
        r'<li>From <time datetime="([0-9-]+)">.*?</time>.*?</a>\s*<span class="muted">\((\d) owned',
        leaders,
        flags=re.S,
    )
    band = next(
        (start, owned)
        for start, owned in bands
        if int(owned) == most
        and "Google" in leaders.split(f'datetime="{start}"', 1)[1].split("</li>", 1)[0]
    )
    assert band[0] == reached


def test_change_days_are_written_at_the_precision_of_their_causes(client: FlaskClient) -> None:
    occurred = {str(e.id): e.occurred_on for e in all_events(client)}
    series = _series(client)
    first = min(change["on"] for changes in series.values() for change in changes)
    page = client.get(f"/trends?rows=200&from={first}").get_data(as_text=True)
    table = page.split('id="table-heading"', 1)[1]
    coarser = 0
    for slug, changes in series.items():
        for change in changes:
            if change["parent"] is not None:
                continue  # counted with its parent: the table lists only when it joined one
            causes = [occurred[i] for i in change["event_ids"] if i in occurred]
            starting = [c for c in causes if c.start.isoformat() == change["on"]]
            if not starting:
                continue
            finest = min(starting, key=lambda c: (c.end - c.start, c.text)).text
            coarser += finest != change["on"]
            assert f'<time datetime="{change["on"]}">{finest}</time>' in table, (slug, change)
    assert coarser, "no change in the seed is caused by a month- or year-dated event"


def _owned_since(changes: list[dict], day: str) -> str:
    """The reference: the first day of the run of changes up to `day` with the last count."""
    held = [c for c in changes if c["on"] <= day]
    count = len(held[-1]["owned_layers"])
    since = held[-1]["on"]
    for change in reversed(held):
        if len(change["owned_layers"]) != count:
            break
        since = change["on"]
    return since


def _matrix_rows(page: str) -> list[tuple[str, int, str, str]]:
    """(company, owned, the since cell's day, its text) of each row of a matrix page."""
    return [
        (name, int(owned), day, text)
        for name, owned, day, text in re.findall(
            r'<th scope="row"><a [^>]*>([^<]+)</a>.*?<td class="num">(\d)</td>\s*'
            r'<td class="nowrap"><time datetime="([^"]+)">([^<]+)</time>',
            page,
            flags=re.S,
        )
    ]


def test_the_matrix_says_since_when_each_company_has_owned_its_layers(
    client: FlaskClient,
) -> None:
    day = "2026-11-01"
    series = _series(client)
    names = {c["slug"]: c["name"] for c in client.get(f"{API}/integration").get_json()["companies"]}
    rows = _matrix_rows(client.get(f"/?as_of={day}").get_data(as_text=True))
    assert len(rows) >= 5
    for slug, changes in series.items():
        row = next((r for r in rows if r[0] == names[slug]), None)
        if row is None or not any(c["on"] <= day for c in changes):
            continue
        expected = _owned_since(changes, day)
        assert PartialDate.parse(row[3]).start.isoformat() == expected, (slug, row, expected)

    by_since = _matrix_rows(client.get(f"/?as_of={day}&sort=since").get_data(as_text=True))
    assert sorted(by_since) == sorted(rows)  # the same rows, ranked otherwise
    keys = [(-owned, PartialDate.parse(text).start) for _, owned, _, text in by_since]
    assert keys == sorted(keys)
    assert by_since != rows, "ranking by since changes nothing on this day: pick another"


def test_an_unknown_matrix_order_is_refused(client: FlaskClient) -> None:
    response = client.get("/?sort=oldest")
    assert response.status_code == 400
    assert "must be rank or since" in response.get_data(as_text=True)
