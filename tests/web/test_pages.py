"""The read-only pages (DESIGN §4, Web pages): the matrix, a company's stack, the timeline and one
event, read through the test client against the seeded timeline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stackline.domain.dates import PartialDate
from stackline.domain.filters import EventFilter
from stackline.services import accounts, timeline
from stackline.services.clock import SystemClock, today
from stackline.services.files import event_files, read_events, seed_directory
from stackline.services.recording import record_event
from stackline.store.units_of_work import Database
from tests.web.conftest import EDITOR, make_app
from tests.web.helpers import Element, login, main_text, page

COLOSSUS = "549a995f-e9c5-50e4-b09d-9abacd724713"
SPACEX_TAKES_XAI = "9fb6f0ce-8a78-53ef-828c-36c58be496c9"
SPACEX_ANNOUNCES_XAI = "d6a1d996-74db-5ee0-8676-39e74ebe4d22"
RENTS_COLOSSUS = "9bb159f5-a237-5c8a-b72d-85fa04558012"
SEED_DOCUMENTS = [item.raw for item in read_events(event_files([seed_directory()]))]
SEED_EVENT_COUNT = len(SEED_DOCUMENTS)


def matrix_rows(document: Element) -> list[tuple[str, list[str]]]:
    """(company name, [presence per layer]) for each row of the matrix, top to bottom."""
    table = document.one("table", class_="matrix")
    rows = []
    for row in table.one("tbody").find_all("tr"):
        heading = row.find("th")
        if heading is None:
            continue
        name = heading.one("a").text()
        cells = [cell.text() for cell in row.find_all("td", class_="cell")]
        rows.append((name, cells))
    return rows


def event_rows(element: Element) -> list[dict[str, str]]:
    """The event rows (date, type, summary, seq, class; on the timeline also companies and
    layer) of the tables inside `element`."""
    rows = []
    for row in element.find_all("tr"):
        cells = row.find_all("td")
        if len(cells) not in (4, 6):
            continue
        extra = {}
        if len(cells) == 6:
            extra = {"companies": cells[1].text(), "layer": cells[2].text()}
            cells = [cells[0], *cells[3:]]
        rows.append(
            {
                "date": cells[0].text(),
                "type": cells[1].text(),
                "summary": (cells[2].find("a") or cells[2]).text(),
                "seq": cells[3].text(),
                "class": row.get("class") or "",
                **extra,
            }
        )
    return rows


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# --- the matrix --------------------------------------------------------------------------------


def test_the_matrix_in_november_2026_shows_the_four_companies_owning_all_four_layers_first(
    client: FlaskClient,
) -> None:
    response = client.get("/?as_of=2026-11-01")

    assert response.status_code == 200
    rows = matrix_rows(page(response))
    # The corrected seed has four full-stack companies on this day, not Google alone; equal
    # rows rank by name, so Amazon leads them.
    full = ["Owned", "Owned", "Owned", "Owned"]
    assert rows[:4] == [(name, full) for name in ("Amazon", "Google", "Meta", "Microsoft")]
    assert rows[4][1].count("Owned") < 4
    assert "The AI stack as of 1 November 2026" in main_text(response)


def test_the_matrix_ranks_companies_by_the_number_of_layers_they_own(client: FlaskClient) -> None:
    rows = matrix_rows(page(client.get("/?as_of=2026-11-01")))

    owned = [cells.count("Owned") for _, cells in rows]
    assert owned == sorted(owned, reverse=True)


def test_a_date_before_googles_founding_leaves_google_out_of_the_matrix(
    client: FlaskClient,
) -> None:
    before = [name for name, _ in matrix_rows(page(client.get("/?as_of=1998-08-31")))]
    founded = [name for name, _ in matrix_rows(page(client.get("/?as_of=1998-09-01")))]

    assert "Google" not in before
    assert "Microsoft" in before
    assert "Google" in founded


def test_a_partial_as_of_means_the_last_day_of_its_period(client: FlaskClient) -> None:
    response = client.get("/?as_of=1998")

    assert response.status_code == 200
    assert "The AI stack as of 31 December 1998" in main_text(response)
    assert "Google" in [name for name, _ in matrix_rows(page(response))]


def test_a_date_before_any_company_says_none_existed(client: FlaskClient) -> None:
    response = client.get("/?as_of=1900-01-01")

    assert response.status_code == 200
    assert "No company existed on this date." in main_text(response)


@pytest.mark.parametrize("as_of", ["garbage", "2026-13-01", "2026-02-30", "26-01-01"])
def test_a_malformed_as_of_is_a_400_page_naming_the_accepted_forms(
    client: FlaskClient, as_of: str
) -> None:
    response = client.get(f"/?as_of={as_of}")

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    text = main_text(response)
    assert "That request did not make sense" in text
    assert "YYYY-MM-DD" in text


def event_days(database: Database) -> list[date]:
    """Every effective date of a live event, from the export (not from the code under test)."""
    with database.reading() as uow:
        rows = uow.connection.exec_driver_sql(
            "SELECT DISTINCT effective_on FROM events WHERE id NOT IN "
            "(SELECT event_id FROM voids) ORDER BY effective_on"
        )
        return [date.fromisoformat(str(row[0])) for row in rows]


def test_the_slider_position_redirects_to_the_end_of_that_month(
    client: FlaskClient, database: Database
) -> None:
    first = event_days(database)[0]

    response = client.get("/?at=3")

    assert response.status_code == 302
    month = first.month - 1 + 3
    start = date(first.year + month // 12, month % 12 + 1, 1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1) - timedelta(days=1)
    assert response.headers["Location"] == f"/?as_of={end.isoformat()}"


def test_the_slider_keeps_the_other_choices_and_stops_at_this_month(
    client: FlaskClient, database: Database
) -> None:
    last_day = max(event_days(database)[-1], today(SystemClock()))
    end = date(last_day.year + last_day.month // 12, last_day.month % 12 + 1, 1) - timedelta(days=1)

    response = client.get("/?at=100000&include_subsidiaries=1")

    assert response.status_code == 302
    location = response.headers["Location"]
    assert urlsplit(location).path == "/"
    assert query_of(location) == {"as_of": [end.isoformat()], "include_subsidiaries": ["1"]}


def test_the_slider_points_at_the_month_shown_and_the_steps_at_the_events_around_it(
    client: FlaskClient, database: Database
) -> None:
    days = event_days(database)
    shown = days[10]
    document = page(client.get(f"/?as_of={shown.isoformat()}"))

    slider = document.one("input", id="at")
    first = days[0]
    assert slider.get("value") == str((shown.year - first.year) * 12 + shown.month - first.month)
    last = max(days[-1], today(SystemClock()))
    assert slider.get("max") == str((last.year - first.year) * 12 + last.month - first.month)
    assert slider.get("data-first-month") == first.strftime("%Y-%m")
    assert document.one("output", id="at-month").text() == shown.strftime("%b %Y")
    steps = document.one("nav", class_="time-steps")
    assert f"as_of={days[9].isoformat()}" in str(steps.one("a", rel="prev").get("href"))
    later = next(day for day in days if day > shown)
    assert f"as_of={later.isoformat()}" in str(steps.one("a", rel="next").get("href"))


def test_subsidiaries_appear_in_the_matrix_only_when_asked_for(client: FlaskClient) -> None:
    plain = page(client.get("/?as_of=2026-07-01"))
    with_subsidiaries = page(client.get("/?as_of=2026-07-01&include_subsidiaries=1"))

    assert "xAI" not in [name for name, _ in matrix_rows(plain)]
    assert "xAI" in [name for name, _ in matrix_rows(with_subsidiaries)]
    xai_row = next(
        row
        for row in with_subsidiaries.one("table", class_="matrix").find_all("tr")
        if row.find("a", href="/companies/xai?as_of=2026-07-01")
    )
    assert "part of spacex" in xai_row.text().lower()
    checkbox = with_subsidiaries.one("input", name="include_subsidiaries", type="checkbox")
    assert "checked" in checkbox.attrs


def test_each_matrix_row_links_to_the_company_as_of_the_same_day(client: FlaskClient) -> None:
    document = page(client.get("/?as_of=2026-07-01"))

    links = [row.one("a").get("href") for row in document.one("tbody").find_all("th")]
    assert "/companies/spacex?as_of=2026-07-01" in links
    assert all(str(link).endswith("?as_of=2026-07-01") for link in links)


# --- one company -------------------------------------------------------------------------------


def stack_entries(document: Element) -> dict[str, list[Element]]:
    """The entries listed in each layer band of the stack diagram, by layer title."""
    bands = {}
    for band in document.find_all("section", class_="band"):
        title = band.one("h3").text()
        bands[title] = band.find_all("li", class_="entry")
    return bands


def test_spacex_in_july_2026_owns_colossus_through_xai_with_links_to_the_events_behind_it(
    client: FlaskClient,
) -> None:
    response = client.get("/companies/spacex?as_of=2026-07-01")

    assert response.status_code == 200
    compute = stack_entries(page(response))["Compute"]
    # Colossus is also listed as a partnership (SpaceX-Anysphere, April 2026): take the owned one.
    [colossus] = [
        e
        for e in compute
        if e.one("span", class_="asset").text() == "Colossus"
        and e.one("span", class_="relation").text() == "owned"
    ]
    via = colossus.one("span", class_="via")
    assert [a.get("href") for a in via.find_all("a")] == ["/companies/xai?as_of=2026-07-01"]
    provenance = [a.get("href") for a in colossus.one("span", class_="provenance").find_all("a")]
    assert provenance == [f"/events/{COLOSSUS}", f"/events/{SPACEX_TAKES_XAI}"]


def test_the_provenance_links_open_the_events_that_put_the_entry_there(
    client: FlaskClient,
) -> None:
    launch = main_text(client.get(f"/events/{COLOSSUS}"))
    takeover = main_text(client.get(f"/events/{SPACEX_TAKES_XAI}"))

    assert "xAI brings its Colossus supercomputer in Memphis online" in launch
    assert "SpaceX completes its takeover of xAI" in takeover


def test_the_company_page_names_its_parent_and_its_subsidiaries(client: FlaskClient) -> None:
    spacex = page(client.get("/companies/spacex?as_of=2026-07-01"))
    xai = page(client.get("/companies/xai?as_of=2026-07-01"))

    lede = spacex.one("p", class_="lede")
    assert "/companies/xai?as_of=2026-07-01" in [a.get("href") for a in lede.find_all("a")]
    assert "owned layers: 3/4" in lede.text()
    xai_lede = xai.one("p", class_="lede")
    assert "part of SpaceX" in xai_lede.text()
    assert xai_lede.find("a", href="/companies/spacex?as_of=2026-07-01") is not None


def test_comparing_with_an_earlier_date_lists_the_added_entries_and_the_events_in_between(
    client: FlaskClient,
) -> None:
    response = client.get("/companies/spacex?as_of=2026-07-01&compare=2026-01-01")

    assert response.status_code == 200
    document = page(response)
    diff = document.one("section", aria_labelledby="diff-heading")
    assert diff.one("h2").text() == "Changes from 2026-01-01 to 2026-07-01"
    added = [item.text() for item in diff.one("ul", class_="diff-added").find_all("li")]
    assert "compute: Colossus — owned via xAI (available)" in added
    # The Anysphere deal was signed in June 2026 but had not closed: Cursor is not SpaceX's.
    assert not [item for item in added if "Cursor" in item]
    assert "Removed (0)" in diff.text()
    between = {a.get("href") for a in diff.one("table").find_all("a")}
    assert {f"/events/{SPACEX_ANNOUNCES_XAI}", f"/events/{SPACEX_TAKES_XAI}"} <= between
    assert f"/events/{COLOSSUS}" not in between  # effective in 2024, before the compared range


def test_a_compare_date_after_the_as_of_date_shows_the_same_changes_in_date_order(
    client: FlaskClient,
) -> None:
    forward = page(client.get("/companies/spacex?as_of=2026-07-01&compare=2026-01-01"))
    backward = page(client.get("/companies/spacex?as_of=2026-01-01&compare=2026-07-01"))

    heading = "Changes from 2026-01-01 to 2026-07-01"
    assert backward.one("h2", id="diff-heading").text() == heading
    assert (
        backward.one("ul", class_="diff-added").text()
        == forward.one("ul", class_="diff-added").text()
    )


def test_a_known_on_before_the_seed_was_recorded_hides_every_entry(
    client: FlaskClient,
) -> None:
    response = client.get("/companies/spacex?as_of=2026-07-01&known_on=2020-01-01")

    assert response.status_code == 200
    document = page(response)
    assert all(entries == [] for entries in stack_entries(document).values())
    presences = [
        band.one("span", class_="presence").text()
        for band in document.find_all("section", class_="band")
    ]
    assert presences == ["None", "None", "None", "None"]
    assert "Nothing had been recorded by 2020-01-01" in document.one("p", class_="lede").text()
    assert document.one("input", id="known_on").get("value") == "2020-01-01"


def test_a_known_on_after_the_seed_was_recorded_shows_what_is_known_now(
    client: FlaskClient,
) -> None:
    tomorrow = (today(SystemClock()) + timedelta(days=1)).isoformat()

    response = client.get(f"/companies/spacex?as_of=2026-07-01&known_on={tomorrow}")

    compute = stack_entries(page(response))["Compute"]
    # Owned Colossus and Colossus 2 (through xAI). Anysphere is not SpaceX's (the deal had not
    # closed), so its Colossus training partnership no longer rolls up into SpaceX's stack.
    assert [e.one("span", class_="asset").text() for e in compute] == ["Colossus", "Colossus 2"]


def test_a_known_on_before_the_seed_was_recorded_also_empties_the_layers_over_time_chart(
    client: FlaskClient,
) -> None:
    document = page(client.get("/companies/spacex?as_of=2026-07-01&known_on=2020-01-01"))

    chart = document.one("section", aria_labelledby="chart-heading")
    assert chart.find_all("rect") == []
    assert "No history yet." in chart.text()


def test_a_company_page_before_its_founding_says_it_was_not_founded_yet(
    client: FlaskClient,
) -> None:
    response = client.get("/companies/xai?as_of=2020-01-01")

    assert response.status_code == 200
    document = page(response)
    assert "Not founded yet on this date" in document.one("p", class_="lede").text()
    assert all(entries == [] for entries in stack_entries(document).values())


def test_the_company_page_lists_the_events_naming_it(client: FlaskClient) -> None:
    document = page(client.get("/companies/spacex?as_of=2026-07-01"))

    events = document.one("section", aria_labelledby="events-heading")
    summaries = [row["summary"] for row in event_rows(events)]
    assert "SpaceX is founded" in summaries
    assert (
        "SpaceX completes its takeover of xAI, making the lab and its Colossus clusters SpaceX subsidiaries"
        in summaries
    )
    assert events.find("a", href="/timeline?company=spacex") is not None


def test_the_layers_over_time_chart_is_inline_svg_with_a_title(client: FlaskClient) -> None:
    document = page(client.get("/companies/google?as_of=2026-07-01"))

    svg = document.one("svg", class_="chart")
    assert svg.get("role") == "img"
    assert "Presence of Google in each layer over time" in svg.one("title", id="chart-title").text()
    assert len(svg.find_all("rect")) >= 4


def test_an_unknown_company_is_a_404_page(client: FlaskClient) -> None:
    response = client.get("/companies/no-such-company")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    text = main_text(response)
    assert "Not found" in text
    assert "no-such-company" in text


@pytest.mark.parametrize(
    "query", ["as_of=yesterday", "compare=2026-99", "known_on=soon", "as_of=2026-02-30"]
)
def test_a_malformed_date_on_the_company_page_is_a_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/companies/spacex?{query}")

    assert response.status_code == 400
    assert "That request did not make sense" in main_text(response)


# --- the timeline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "company=xai",
            {
                "xAI is founded",
                "xAI announces Grok, its first large language model, offered as a closed model",
                "xAI makes the Grok chatbot available to premium subscribers on X",
                "xAI's Grok chatbot on X runs on its first Grok language model",
                "xAI publishes the weights of Grok-1, a 314B-parameter mixture-of-experts model",
                "xAI brings its Colossus supercomputer in Memphis online, built from 100,000 Nvidia H100 GPUs in 122 days",
                "xAI's Colossus supercomputer in Memphis is built from about 100,000 Nvidia H100 GPUs",
                "xAI launches Grok 3, trained on the Colossus supercomputer",
                "xAI trains Grok 3 on the Colossus supercomputer",
                "xAI buys a million-square-foot Memphis building to house Colossus 2, planned as the first gigawatt-scale AI cluster",
                "xAI brings Colossus 2 online as a gigawatt-class Blackwell training cluster",
                "xAI releases Grok-2 and Grok-2 mini in beta to X Premium subscribers, adding image generation",
                "The Grok assistant on X starts offering Grok-2 and Grok-2 mini in beta to Premium subscribers",
                "xAI takes over X in an all-stock deal valuing X at $33B ($45B less $12B of debt) and xAI at $80B",
                "xAI unveils Grok 4 and the multi-agent Grok 4 Heavy in a livestream, trained on the Colossus supercomputer",
                "Epoch AI lists Colossus as xAI Colossus 1, xAI Colossus 1 Memphis Tennessee, xAI Colossus Memphis Phase 1",
                "Epoch AI lists Colossus 2 as xAI Colossus 2, xAI Colossus 2 Memphis Tennessee, xAI Colossus 2 Memphis Phase 1",
                "SpaceX signs an all-stock agreement to merge with Elon Musk's AI lab xAI, valuing the pair at $1.25T",
                "SpaceX completes its takeover of xAI, making the lab and its Colossus clusters SpaceX subsidiaries",
                # Names xAI through the asset it runs on: Colossus 1 is xAI's.
                "Anthropic starts running Claude on SpaceX's Colossus 1, using it mainly for inference",
            },
        ),
        (
            "company=xai&layer=compute",
            {
                "xAI brings its Colossus supercomputer in Memphis online, built from 100,000 Nvidia H100 GPUs in 122 days",
                "xAI's Colossus supercomputer in Memphis is built from about 100,000 Nvidia H100 GPUs",
                "xAI buys a million-square-foot Memphis building to house Colossus 2, planned as the first gigawatt-scale AI cluster",
                "xAI brings Colossus 2 online as a gigawatt-class Blackwell training cluster",
                "Epoch AI lists Colossus as xAI Colossus 1, xAI Colossus 1 Memphis Tennessee, xAI Colossus Memphis Phase 1",
                "Epoch AI lists Colossus 2 as xAI Colossus 2, xAI Colossus 2 Memphis Tennessee, xAI Colossus 2 Memphis Phase 1",
            },
        ),
        (
            "type=acquisition.announced",
            {
                "Facebook agrees to buy Instagram for about $1B in cash and stock",
                "Facebook agrees to acquire WhatsApp for about $19B in cash and stock",
                "SpaceX signs an all-stock agreement to merge with Elon Musk's AI lab xAI, valuing the pair at $1.25T",
                "SpaceX signs a definitive agreement to buy Cursor maker Anysphere for $60B in stock, expected to close in Q3 2026",
            },
        ),
        (
            "from=2026-05-01&to=2026-05-31",
            {
                "Anysphere ships Composer 2.5, Cursor's in-house coding model fine-tuned from Kimi K2.5 on its own usage data",
                "Cursor's Composer 2.5 is built by further training Moonshot AI's open-weight Kimi K2.5",
                "Cursor starts using Composer 2.5 as its in-house model for agent work",
                "SpaceX rents all of Colossus 1 to Anthropic for $1.25B a month, in a contract running to May 2029",
                "SpaceX agrees to rent Colossus capacity to Anthropic; its S-1 later prices the deal at $1.25B a month through May 2029",
                "SpaceX's cloud agreements with Anthropic also cover the Colossus II cluster in Memphis, per the company's S-1",
                "Anthropic starts running Claude on SpaceX's Colossus 1, using it mainly for inference",
                "Google launches Gemini 3.5 Flash at I/O 2026 and makes it the default model in the Gemini app and Search AI Mode",
                "The Gemini app switches its default model to Gemini 3.5 Flash on launch day",
                "Anthropic releases Claude Opus 4.8, its top-tier closed model, 41 days after Opus 4.7",
            },
        ),
        (
            "q=COLOSSUS",
            {
                "xAI brings its Colossus supercomputer in Memphis online, built from 100,000 Nvidia H100 GPUs in 122 days",
                "xAI's Colossus supercomputer in Memphis is built from about 100,000 Nvidia H100 GPUs",
                "xAI launches Grok 3, trained on the Colossus supercomputer",
                "xAI trains Grok 3 on the Colossus supercomputer",
                "xAI buys a million-square-foot Memphis building to house Colossus 2, planned as the first gigawatt-scale AI cluster",
                "xAI brings Colossus 2 online as a gigawatt-class Blackwell training cluster",
                "SpaceX completes its takeover of xAI, making the lab and its Colossus clusters SpaceX subsidiaries",
                "SpaceX and Anysphere team up to train coding models on Colossus, with SpaceX holding an option to buy Cursor for $60B",
                "SpaceX rents all of Colossus 1 to Anthropic for $1.25B a month, in a contract running to May 2029",
                "SpaceX agrees to rent Colossus capacity to Anthropic; its S-1 later prices the deal at $1.25B a month through May 2029",
                "SpaceX's cloud agreements with Anthropic also cover the Colossus II cluster in Memphis, per the company's S-1",
                "Anthropic starts running Claude on SpaceX's Colossus 1, using it mainly for inference",
                "xAI unveils Grok 4 and the multi-agent Grok 4 Heavy in a livestream, trained on the Colossus supercomputer",
                "Epoch AI lists Colossus as xAI Colossus 1, xAI Colossus 1 Memphis Tennessee, xAI Colossus Memphis Phase 1",
                "Epoch AI lists Colossus 2 as xAI Colossus 2, xAI Colossus 2 Memphis Tennessee, xAI Colossus 2 Memphis Phase 1",
            },
        ),
    ],
)
def test_the_timeline_filters_events(client: FlaskClient, query: str, expected: set[str]) -> None:
    response = client.get(f"/timeline?{query}&include_voided=1")

    assert response.status_code == 200
    document = page(response)
    rows = event_rows(document)
    assert {row["summary"] for row in rows} == expected, [row["summary"] for row in rows]
    count = len(rows)  # a corrected event is listed (struck through) beside its correction
    lede = document.one("p", class_="lede").text()
    assert lede.startswith(f"{count} event{'' if count == 1 else 's'} match")


def test_the_layer_filter_includes_partnerships_in_that_layer(client: FlaskClient) -> None:
    rows: list[dict[str, str]] = []
    href: str | None = "?layer=hardware&include_voided=1"
    while href is not None:
        document = page(client.get("/timeline" + href))
        rows += event_rows(document)
        link = document.find("a", rel="next")
        href = str(link.get("href")) if link is not None else None

    assert {"chip.launched", "partnership.formed"} <= {row["type"] for row in rows}
    assert {row["type"] for row in rows} <= {
        "chip.launched", "partnership.formed", "partnership.activated", "asset.aliased",
    }  # fmt: skip
    chips = [d for d in SEED_DOCUMENTS if d["type"] == "chip.launched"]
    partnerships = [
        d for d in SEED_DOCUMENTS
        if d["type"] == "partnership.formed" and d["payload"]["layer"] == "hardware"
    ]  # fmt: skip
    assert len([r for r in rows if r["type"] in ("chip.launched", "partnership.formed")]) == len(
        chips
    ) + len(partnerships)
    assert (
        "OpenAI and Broadcom agree to co-develop and deploy 10 GW of custom AI accelerators designed by OpenAI"
        in {row["summary"] for row in rows}
    )


def test_a_partial_from_date_starts_at_the_beginning_of_its_period(client: FlaskClient) -> None:
    month = event_rows(page(client.get("/timeline?from=2026-05&to=2026-05&include_voided=1")))
    days = event_rows(page(client.get("/timeline?from=2026-05-01&to=2026-05-31&include_voided=1")))

    assert len(days) == len([d for d in SEED_DOCUMENTS if d["occurred_on"].startswith("2026-05")])
    assert month == days


def test_an_unknown_type_filter_is_a_400_page(client: FlaskClient) -> None:
    response = client.get("/timeline?type=bogus")

    assert response.status_code == 400
    assert "bogus" in main_text(response)


def test_the_timeline_shows_the_chosen_filters_in_its_form(client: FlaskClient) -> None:
    document = page(
        client.get(
            "/timeline?company=xai&layer=model&from=2023-01-01&to=2024-12-31&q=grok&include_voided=1"
        )
    )

    def selected(select_id: str) -> str | None:
        chosen = [
            o
            for o in document.one("select", id=select_id).find_all("option")
            if "selected" in o.attrs
        ]
        return chosen[0].get("value") if chosen else None

    assert selected("company") == "xai"
    assert selected("layer") == "model"
    assert document.one("input", id="from").get("value") == "2023-01-01"
    assert document.one("input", id="to").get("value") == "2024-12-31"
    assert document.one("input", id="q").get("value") == "grok"
    rows = event_rows(document)
    assert [(row["type"], row["summary"]) for row in rows] == [
        ("model.released", "xAI announces Grok, its first large language model, offered as a closed model"),
        # Grok-1's weights, listed twice: the seed's event (struck through) and its restatement.
        ("model.released", "xAI publishes the weights of Grok-1, a 314B-parameter mixture-of-experts model"),
        ("model.released", "xAI publishes the weights of Grok-1, a 314B-parameter mixture-of-experts model"),
        ("model.released", "xAI releases Grok-2 and Grok-2 mini in beta to X Premium subscribers, adding image generation"),
    ]  # fmt: skip


def test_the_timeline_pages_through_the_log_with_a_next_link(client: FlaskClient) -> None:
    document = page(client.get("/timeline?sort=seq&include_voided=1"))
    assert [int(row["seq"]) for row in event_rows(document)] == list(range(1, 51))

    # The seed fills several pages of 50: each next link leads to the following 50 seqs.
    start = 51
    while start <= SEED_EVENT_COUNT:
        next_link = document.one("a", rel="next")
        assert set(query_of(str(next_link.get("href")))) == {"sort", "cursor", "include_voided"}

        document = page(client.get("/timeline" + str(next_link.get("href"))))

        end = min(start + 50, SEED_EVENT_COUNT + 1)
        assert [int(row["seq"]) for row in event_rows(document)] == list(range(start, end))
        assert "First page" in document.one("nav", class_="pager").text()
        start = end
    assert document.find("a", rel="next") is None


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_the_timeline_sorts_by_effective_date_across_pages(client: FlaskClient, sort: str) -> None:
    listed: list[dict[str, str]] = []
    href: str | None = f"?sort={sort}&include_voided=1"
    while href is not None:
        document = page(client.get("/timeline" + href))
        listed += event_rows(document)
        link = document.find("a", rel="next")
        href = str(link.get("href")) if link is not None else None

    assert len(listed) == SEED_EVENT_COUNT
    assert len({row["seq"] for row in listed}) == SEED_EVENT_COUNT
    keys = [(PartialDate.parse(row["date"]).start, int(row["seq"])) for row in listed]
    assert keys == sorted(keys, reverse=sort == "-date")


def test_the_timeline_reads_oldest_first_by_default_with_companies_and_layers(
    client: FlaskClient,
) -> None:
    rows = event_rows(page(client.get("/timeline?from=2018")))

    days = [PartialDate.parse(row["date"]).start for row in rows]
    assert days == sorted(days)
    assert all(row["companies"] for row in rows if row["type"] != "event.retracted")
    layers = {row["layer"] for row in rows}
    assert {"Hardware", "Compute", "Model", "Application"} <= layers | {"—"}


def test_the_next_page_link_keeps_the_filters(client: FlaskClient) -> None:
    document = page(client.get("/timeline?from=1900-01-01&include_voided=1"))

    href = str(document.one("a", rel="next").get("href"))

    assert set(query_of(href)) == {"from", "include_voided", "cursor"}
    assert query_of(href)["from"] == ["1900-01-01"]


def retract(database: Database, event_id: str, reason: str = "It was wrong") -> str:
    appended = record_event(
        database,
        {
            "type": "event.retracted",
            "occurred_on": today(SystemClock()).isoformat(),
            "summary": "Retracted in a test",
            "sources": [{"title": "Test"}],
            "payload": {"event": event_id, "reason": reason},
        },
        EDITOR[0],
    )
    return appended.event_id


def test_a_voided_event_is_struck_through_with_a_link_to_the_event_that_voided_it(
    client: FlaskClient, database: Database
) -> None:
    retraction = retract(database, COLOSSUS)

    document = page(client.get("/timeline?company=xai&layer=compute&include_voided=1"))

    # Six events match (Colossus, its GPUs, Colossus 2 twice, Epoch's names of both); only the
    # retracted one is voided.
    rows = document.one("tbody").find_all("tr")
    assert len(rows) == 6
    [row] = [r for r in rows if "voided" in r.classes]
    struck = row.one("s")
    assert struck.one("a").get("href") == f"/events/{COLOSSUS}"
    voided_by = [a for a in row.find_all("a") if a.get("href") == f"/events/{retraction}"]
    assert len(voided_by) == 1
    assert "voided by" in row.text()


def test_the_timeline_leaves_voided_events_out_by_default(
    client: FlaskClient, database: Database
) -> None:
    retract(database, COLOSSUS)

    response = client.get("/timeline?company=xai&layer=compute")

    document = page(response)
    assert document.find("a", href=f"/events/{COLOSSUS}") is None
    assert len(event_rows(document)) == 5  # the other five
    # Colossus is the only compute launch of xAI in 2024: left out, nothing matches.
    narrow = "/timeline?company=xai&type=compute.launched&to=2024"
    shown = page(client.get(narrow + "&include_voided=1"))
    assert [row["class"] for row in event_rows(shown)] == ["voided"]
    response = client.get(narrow)
    assert event_rows(page(response)) == []
    assert "No events match." in main_text(response)


def test_the_export_links_carry_the_current_filters(client: FlaskClient) -> None:
    document = page(
        client.get("/timeline?company=xai&layer=model&from=2023-01-01&q=grok&after_seq=3")
    )

    json_link = str(document.one("a", id="export-json").get("href"))
    timelinejs_link = str(document.one("a", id="export-timelinejs").get("href"))

    filters = {
        "company": ["xai"], "layer": ["model"], "from": ["2023-01-01"], "q": ["grok"],
        "include_voided": ["false"],
    }  # fmt: skip
    assert urlsplit(json_link).path == "/api/v1/export"
    assert query_of(json_link) == filters
    assert query_of(timelinejs_link) == {**filters, "format": ["timelinejs"]}


def test_the_json_export_link_exports_the_events_the_page_lists(client: FlaskClient) -> None:
    document = page(client.get("/timeline?company=xai&layer=model"))
    href = str(document.one("a", id="export-json").get("href"))

    exported = client.get(href)

    assert exported.status_code == 200
    # The export is in log order, the page in date order: the same events.
    assert sorted(e["summary"] for e in exported.get_json()["events"]) == sorted(
        row["summary"] for row in event_rows(document)
    )


def test_a_malformed_timeline_date_is_a_400(client: FlaskClient) -> None:
    response = client.get("/timeline?from=last-week")

    assert response.status_code == 400
    assert "from" in main_text(response)


# --- one event ---------------------------------------------------------------------------------


def definitions(document: Element) -> dict[str, str]:
    """The event page's top-level field list, term → text."""
    fields = document.one("dl", class_="fields")
    terms = [child for child in fields.children if isinstance(child, Element) and child.tag == "dt"]
    result = {}
    for term in terms:
        siblings = term.parent.children if term.parent else []
        position = siblings.index(term)
        description = next(
            s for s in siblings[position + 1 :] if isinstance(s, Element) and s.tag == "dd"
        )
        result[term.text()] = description.text()
    return result


def test_the_event_page_shows_every_field_and_the_hash(
    client: FlaskClient, database: Database
) -> None:
    stored = timeline.get_event(database, COLOSSUS)
    assert stored is not None

    response = client.get(f"/events/{COLOSSUS}")

    assert response.status_code == 200
    document = page(response)
    assert document.one("h1").text() == stored["summary"]
    assert f"compute.launched · seq {stored['seq']}" in main_text(response)
    fields = definitions(document)
    assert fields["Occurred on"] == "2024-09"
    assert fields["Confidence"] == "likely"
    assert fields["Details"] == " ".join(stored["details"].split())
    assert fields["Id"] == COLOSSUS
    assert (
        fields["Position in the log"] == f"seq {stored['seq']} · schema v{stored['schema_version']}"
    )
    assert fields["Recorded"] == f"{stored['recorded_at']} by stackline-seed"
    assert fields["Hash"] == stored["hash"]
    assert fields["Previous hash"] == stored["prev_hash"]
    for key in ("Colossus", "supercomputer", "Memphis, Tennessee", "available", "xAI"):
        assert key in fields["Payload"]
    assert document.one("dl", class_="payload").find("a", href="/companies/xai") is not None


def test_the_event_page_lists_its_sources_with_safe_links(client: FlaskClient) -> None:
    document = page(client.get(f"/events/{COLOSSUS}"))

    sources = document.one("ul", class_="sources").find_all("li")
    assert len(sources) == 4  # the article, Wikipedia, Teslarati and Semafor
    assert (
        "How the AI arms race moved from smart models to full-stack infrastructure"
        in sources[0].text()
    )
    link = sources[1].one("a")
    assert link.get("href") == "https://en.wikipedia.org/wiki/Colossus_(supercomputer)"
    assert set(str(link.get("rel")).split()) == {"noopener", "nofollow"}
    assert "— Wikipedia" in sources[1].text()
    assert "— Semafor (2024-09-27)" in sources[3].text()
    for source in sources:
        assert set(str(source.one("a").get("rel")).split()) == {"noopener", "nofollow"}


def test_every_source_link_on_every_seed_event_page_is_noopener_nofollow(
    client: FlaskClient, database: Database
) -> None:
    events = timeline.list_events(database, EventFilter(), limit=1000).events
    links = 0

    for event in events:
        document = page(client.get(f"/events/{event['id']}"))
        for link in document.one("ul", class_="sources").find_all("a"):
            assert {"noopener", "nofollow"} <= set(str(link.get("rel")).split())
            links += 1

    assert links > 0


def test_the_page_of_a_voided_event_says_what_voided_it(
    client: FlaskClient, database: Database
) -> None:
    retraction = retract(database, COLOSSUS, reason="Dated wrongly")

    voided = page(client.get(f"/events/{COLOSSUS}"))
    retracting = page(client.get(f"/events/{retraction}"))

    assert voided.one("h1").find("s") is not None
    notice = voided.one("p", class_="notice")
    assert notice.one("a").get("href") == f"/events/{retraction}"
    assert "no longer counts" in notice.text()
    assert definitions(retracting)["Voids"] == COLOSSUS
    assert retracting.find("a", href=f"/events/{COLOSSUS}") is not None
    assert "Dated wrongly" in definitions(retracting)["Payload"]


def test_an_unknown_event_id_is_a_404_page(client: FlaskClient) -> None:
    for event_id in ("no-such-event", "00000000-0000-0000-0000-000000000000", "x" * 500):
        response = client.get(f"/events/{event_id}")

        assert response.status_code == 404
        assert "Not found" in main_text(response)


def test_only_editors_see_correct_and_retract_on_an_event_page(client: FlaskClient) -> None:
    anonymous = page(client.get(f"/events/{COLOSSUS}"))
    login(client)
    editor = page(client.get(f"/events/{COLOSSUS}"))

    assert anonymous.find("p", class_="actions") is None
    actions = editor.one("p", class_="actions")
    assert [a.get("href") for a in actions.find_all("a")] == [
        f"/events/{COLOSSUS}/correct",
        f"/events/{COLOSSUS}/retract",
    ]


# --- reading without PUBLIC_READ ---------------------------------------------------------------


@pytest.fixture
def private_app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path, PUBLIC_READ=False)
    accounts.create_user(app.extensions["stackline.database"], *EDITOR)
    yield app
    app.extensions["stackline.database"].dispose()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?as_of=2026-01-01",
        "/timeline?company=xai",
        "/companies/spacex",
        f"/events/{COLOSSUS}",
    ],
)
def test_without_public_read_anonymous_page_reads_redirect_to_login(
    private_app: Flask, path: str
) -> None:
    response = private_app.test_client().get(path)

    assert response.status_code == 302
    location = response.headers["Location"]
    assert urlsplit(location).path == "/login"
    [target] = query_of(location)["next"]
    assert target.rstrip("?") == path


def test_without_public_read_the_login_page_stays_open_and_editors_can_read(
    private_app: Flask,
) -> None:
    client = private_app.test_client()

    assert client.get("/login").status_code == 200
    login(client)
    assert client.get("/timeline").status_code == 200
    assert client.get("/").status_code == 200
