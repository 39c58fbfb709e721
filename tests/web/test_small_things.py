"""Small things that cost trust (issue #22 item 9): names where slugs showed, each error said
once, and `known_on` explained on a database whose events were all recorded at install."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.web.api_support import API


def test_an_error_page_says_its_point_once(client: FlaskClient) -> None:
    for url, point in (
        ("/timeline?sort=oldest", "must be seq, date or -date"),
        ("/trends?from=2026-12-31&to=2026-01-01", "must be on or before"),
    ):
        response = client.get(url)
        assert response.status_code == 400
        text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
        assert text.count(point) == 1, (url, text.count(point))


def test_known_on_before_anything_was_recorded_says_what_it_means(client: FlaskClient) -> None:
    page = client.get("/companies/google?known_on=2000-01-01").get_data(as_text=True)
    assert "Not founded yet" not in page
    assert "Nothing had been recorded by 2000-01-01" in page
    assert "only the events recorded by then" in page
    heading = page.split('id="company-heading"', 1)[1].split("</h1>", 1)[0]
    assert "Google" in heading and ">google<" not in heading


def test_a_company_diff_names_the_companies_it_goes_through(client: FlaskClient) -> None:
    diff = client.get(f"{API}/companies/spacex/diff?from=2026-01-01&to=2026-06-30").get_json()
    through = {slug for e in diff["added"] for slug in e["via"]}
    assert through, "SpaceX gained nothing through a subsidiary in that span: pick another"
    names = {c["slug"]: c["name"] for c in client.get(f"{API}/companies").get_json()["companies"]}
    page = client.get("/companies/spacex?as_of=2026-06-30&compare=2026-01-01")
    changes = page.get_data(as_text=True).split('id="diff-heading"', 1)[1].split("</section>")[0]
    for slug in through:
        assert f"via {names[slug]}" in changes
        if names[slug] != slug:
            assert f"via {slug} " not in changes and f"via {slug}<" not in changes
