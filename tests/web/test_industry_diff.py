"""What changed, industry-wide (issue #22 item 3, DESIGN §9.5): `GET /api/v1/diff` and the
matrix's compare view, entry by entry — not only the cells that flipped."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient

from stackline.domain.dates import PartialDate
from tests.web.api_support import API

SPANS = [("2025-01-01", "2026-06-30"), ("2016-01-01", "2016-12-31"), ("2026-06-30", "2024-01-01")]


def _company_diff(client: FlaskClient, slug: str, before: str, after: str) -> dict:
    return client.get(f"{API}/companies/{slug}/diff?from={before}&to={after}").get_json()


def _strip(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e["layer"], e["asset"], e["relation"], e["via"]))


@pytest.mark.parametrize(("before", "after"), SPANS)
def test_the_industry_diff_is_every_company_diff_that_is_not_empty(
    client: FlaskClient, before: str, after: str
) -> None:
    answer = client.get(f"{API}/diff?from={before}&to={after}").get_json()
    assert (answer["from"], answer["to"], answer["known_on"]) == (before, after, None)
    listed = {c["slug"]: c for c in answer["companies"]}
    every = {
        c["slug"]
        for day in (before, after)
        for c in client.get(f"{API}/companies?as_of={day}").get_json()["companies"]
    }
    assert set(listed) <= every
    for slug in sorted(every):
        one = _company_diff(client, slug, before, after)
        if not (one["added"] or one["removed"] or one["changed"]):
            assert slug not in listed, slug
            continue
        assert slug in listed, slug
        for part in ("added", "removed", "changed"):
            assert _strip(listed[slug][part]) == _strip(one[part]), (slug, part)
    # Every live event effective after the earlier day, up to the later one.
    first, last = sorted((before, after))
    live = client.get(f"{API}/events?from={first}&to={last}&sort=date&limit=1000").get_json()
    expected = [
        e["id"]
        for e in live["events"]
        if PartialDate.parse(e["occurred_on"]).start.isoformat() > first
    ]
    assert [e["id"] for e in answer["events"]] == expected
    assert answer["events_total"] == len(expected)


def test_the_industry_diff_as_csv_has_a_row_per_entry(client: FlaskClient) -> None:
    before, after = SPANS[0]
    answer = client.get(f"{API}/diff?from={before}&to={after}").get_json()
    response = client.get(f"{API}/diff?from={before}&to={after}&format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    expected = sum(len(c[p]) for c in answer["companies"] for p in ("added", "removed", "changed"))
    assert len(rows) == expected > 0
    changed = [r for r in rows if r["change"] == "changed"]
    assert changed and all(
        r["previous_status"] and r["previous_status"] != r["status"] for r in changed
    )


def test_the_matrix_compare_view_shows_the_old_value_and_every_entry_that_changed(
    client: FlaskClient,
) -> None:
    before, after = SPANS[0]
    page = client.get(f"/?as_of={after}&compare={before}").get_data(as_text=True)
    # The previous value is on the page in words, not only in a tooltip.
    marked = re.findall(r'cell-changed">.*?</td>', page, flags=re.S)
    assert marked and all(re.search(r'<span class="was">was [A-Z][a-z]+</span>', m) for m in marked)
    answer = client.get(f"{API}/diff?from={before}&to={after}").get_json()
    changes = page.split('id="changes-heading"', 1)[1].split('id="between-heading"', 1)[0]
    within_a_layer = 0
    for company in answer["companies"]:
        assert company["name"] in changes
        for entry in company["added"]:
            assert entry["asset"] in changes, (company["slug"], entry["asset"])
            within_a_layer += 1
    assert within_a_layer > len(marked)  # more than the cells that flipped
    total = answer["events_total"]
    assert f"({total})" in page.split('id="between-heading"', 1)[1].split("</h2>", 1)[0]
