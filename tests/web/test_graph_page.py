"""Page `/graph` through the test client on the seed: `company` as a slug, a name or an alias in
any case (with a list of names to pick from), a neighbourhood that holds only that company's
edges, the edge list sorted by kind or date, and the day cut into pages that link to each other."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from stackline.domain.dates import PartialDate
from tests.web.helpers import Element, main_text, page

DAY = "2026-07-01"
EDGE_WORDS = ("owns", "holds a stake in", "is supplied by", "runs on", "is trained on",
              "is fine-tuned from", "is built with")  # fmt: skip


def edge_rows(document: Element) -> list[list[str]]:
    """(from, relation, to, since, status) of each row of the edge list."""
    table = document.one("table", class_="graph-edges")
    return [
        [cell.text().strip() for cell in row.find_all("td")]
        for row in table.one("tbody").find_all("tr")
    ]


def heading(document: Element) -> str:
    return " ".join(document.one("h1").text().split())


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("anthropic", "Anthropic"),
        ("Anthropic", "Anthropic"),
        ("ANTHROPIC", "Anthropic"),
        ("  anthropic  ", "Anthropic"),
        ("Alphabet", "Google"),  # an alias
        ("google deepmind", "DeepMind"),  # an alias, in another case
        ("Mistral  AI", "Mistral AI"),  # a name, its spaces doubled
        ("Facebook", "Meta"),  # a former name
    ],
)
def test_company_takes_a_slug_a_name_or_an_alias_in_any_case(
    client: FlaskClient, typed: str, name: str
) -> None:
    response = client.get("/graph", query_string={"as_of": DAY, "company": typed})

    assert response.status_code == 200
    document = page(response)
    assert heading(document).endswith(f"around {name}")
    assert document.one("input", id="company").get("value") == name


def test_an_unknown_company_is_a_404_naming_it_and_suggesting_close_names(
    client: FlaskClient,
) -> None:
    response = client.get("/graph", query_string={"as_of": DAY, "company": "Antropic"})

    assert response.status_code == 404
    text = main_text(response)
    assert "no company is named 'Antropic'" in text and "did you mean Anthropic?" in text
    assert "slug" not in text  # it says nothing of slugs the person never typed

    nothing = client.get("/graph", query_string={"company": "Zzyzx Qqq"})
    assert nothing.status_code == 404
    assert "no company is named 'Zzyzx Qqq'" in main_text(nothing)


def test_the_company_box_offers_every_company_by_name_and_refuses_no_name(
    client: FlaskClient,
) -> None:
    document = page(client.get("/graph", query_string={"as_of": DAY}))

    box = document.one("input", id="company")
    assert box.get("pattern") is None
    options = document.one("datalist", id=box.get("list") or "").find_all("option")
    names = [option.get("value") for option in options]
    assert {"Anthropic", "Google", "Meta", "Mistral AI", "xAI"} <= set(names)
    assert names == sorted(names, key=str.casefold) and "anthropic" not in names


def test_a_neighbourhood_lists_only_edges_with_an_end_at_the_company(client: FlaskClient) -> None:
    document = page(client.get("/graph", query_string={"as_of": DAY, "company": "Anthropic"}))

    rows = edge_rows(document)
    assert rows
    for source, _, target, _, _ in rows:
        assert "Anthropic" in source or "Anthropic" in target, (source, target)
    assert not any(row[0] == "Nvidia" and row[2] == "TSMC" for row in rows)
    assert any(row[:3] == ["Anthropic", "is supplied by", "Google"] for row in rows)
    nvidia = edge_rows(page(client.get("/graph", query_string={"as_of": DAY, "company": "Nvidia"})))
    assert ["Nvidia", "is supplied by", "TSMC"] in [row[:3] for row in nvidia]


def test_a_neighbourhood_holds_the_edges_of_the_companys_subsidiaries(client: FlaskClient) -> None:
    rows = edge_rows(page(client.get("/graph", query_string={"as_of": DAY, "company": "spacex"})))

    owners = ("SpaceX", "xAI", "Anysphere")
    assert any(row[:3] == ["SpaceX", "owns", "xAI"] for row in rows)
    assert any("· xAI" in row[0] for row in rows)  # an xAI asset's edge
    for source, _, target, _, _ in rows:
        assert any(owner in source or owner in target for owner in owners), (source, target)


def since_days(rows: list[list[str]]) -> list[tuple[object, object]]:
    return [(PartialDate.parse(row[3]).start, PartialDate.parse(row[3]).end) for row in rows]


def test_the_edge_list_sorts_by_kind_by_date_and_by_date_newest_first(client: FlaskClient) -> None:
    query = {"as_of": DAY, "company": "openai"}
    by_kind = edge_rows(page(client.get("/graph", query_string=query)))
    by_date = edge_rows(page(client.get("/graph", query_string={**query, "sort": "date"})))
    newest = edge_rows(page(client.get("/graph", query_string={**query, "sort": "-date"})))

    kinds = [EDGE_WORDS.index(row[1]) for row in by_kind]
    assert kinds == sorted(kinds) and len(set(kinds)) > 2
    assert since_days(by_date) == sorted(since_days(by_date))
    assert since_days(newest) == sorted(since_days(newest), reverse=True)
    assert sorted(map(tuple, by_kind)) == sorted(map(tuple, by_date)) == sorted(map(tuple, newest))
    assert client.get("/graph", query_string={**query, "sort": "size"}).status_code == 400


def test_the_sort_links_work_without_javascript_and_keep_the_company(client: FlaskClient) -> None:
    document = page(client.get("/graph", query_string={"as_of": DAY, "company": "Anthropic"}))

    links = {
        a.text().strip(): a.get("href") or ""
        for a in document.one("p", class_="graph-sort").find_all("a")
    }
    assert set(links) == {"date, oldest first", "date, newest first"}
    query = parse_qs(urlsplit(links["date, newest first"]).query)
    assert query == {"as_of": [DAY], "company": ["Anthropic"], "sort": ["-date"]}


def test_a_large_day_is_paged_by_ownership_group_with_links_between_pages(
    client: FlaskClient,
) -> None:
    document = page(client.get("/graph", query_string={"as_of": DAY}))

    nav = document.one("nav", class_="graph-pages")
    titles = [a.text() for a in nav.one("ol").find_all("a")]
    assert len(titles) > 5 and "Google, DeepMind" in titles
    assert any(title.startswith("SpaceX") and "xAI" in title for title in titles)
    number = titles.index("Google, DeepMind") + 1
    google = page(client.get("/graph", query_string={"as_of": DAY, "page": str(number)}))
    assert heading(google).endswith("· Google, DeepMind")
    for source, _, target, _, _ in edge_rows(google):
        assert any(name in source or name in target for name in ("Google", "DeepMind"))
    nav = google.one("nav", class_="graph-pages")
    assert nav.find("a", rel="prev") is not None and nav.find("a", rel="next") is not None
    assert nav.one("a", **{"aria-current": "page"}).text() == "Google, DeepMind"
    every_page = {
        tuple(row)
        for index in range(1, len(titles) + 1)
        for row in edge_rows(
            page(client.get("/graph", query_string={"as_of": DAY, "page": str(index)}))
        )
    }
    api = client.get("/api/v1/graph", query_string={"as_of": DAY}).get_json()
    # Two edges alike but for their events (two deals between the same pair on one day) make
    # one row of the list.
    distinct = {
        (edge["from"], edge["kind"], edge["to"], edge["since"], edge["status"])
        for edge in api["edges"]
        if edge["kind"] != "has"
    }
    assert len(every_page) == len(distinct)


def test_a_page_past_the_last_is_refused_naming_the_field(client: FlaskClient) -> None:
    response = client.get("/graph", query_string={"as_of": DAY, "page": "999"})

    assert response.status_code == 400 and "page" in main_text(response)


def test_a_day_with_few_companies_is_one_page(client: FlaskClient) -> None:
    document = page(client.get("/graph", query_string={"as_of": "1998-01-01"}))

    assert document.find("nav", class_="graph-pages") is None
    assert document.find("svg", class_="graph") is not None
