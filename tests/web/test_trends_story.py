"""`/trends` tells the story (#22 item 8): by default it starts where integration starts, a
company is drawn (and leads, and is listed) only on the days it has no parent, and no leader's
name is ever cut — the strip holds the names whole or the number of the band in the list of
leaders printed right below the chart."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from flask.testing import FlaskClient

from stackline.web.pages.trend_chart import PLOT_LEFT, PLOT_WIDTH

API = "/api/v1"


def _companies(client: FlaskClient) -> list[dict[str, Any]]:
    answer = client.get(f"{API}/integration").get_json()
    companies: list[dict[str, Any]] = answer["companies"]
    return companies


def _lede_range(page: str) -> tuple[date, date]:
    lede = page.split('<p class="lede">', 1)[1].split("</p>", 1)[0]
    start, end = re.findall(r'<time datetime="([0-9-]+)">', lede)[:2]
    return date.fromisoformat(start), date.fromisoformat(end)


def test_the_default_range_starts_the_first_year_a_company_without_a_parent_held_two_layers(
    client: FlaskClient,
) -> None:
    integrated = min(
        change["on"]
        for company in _companies(client)
        for change in company["changes"]
        if change["parent"] is None and len(change["owned_layers"]) >= 2
    )
    first = min(change["on"] for c in _companies(client) for change in c["changes"])

    page = client.get("/trends").get_data(as_text=True)

    start, _ = _lede_range(page)
    assert start == date(int(integrated[:4]), 1, 1)
    assert start.isoformat() > first  # later than the whole history's first day
    assert "where integration starts" in page
    assert f'href="/trends?from={first}&amp;to=' in page  # the whole history, a click away
    given, _ = _lede_range(client.get("/trends?from=2015-03").get_data(as_text=True))
    assert given == date(2015, 3, 1)  # a `from` given wins
    whole, _ = _lede_range(client.get(f"/trends?from={first}").get_data(as_text=True))
    assert whole.isoformat() == first


def _row(page: str, slug: str) -> str:
    found = re.search(
        rf'<a class="trend-row" href="/companies/{slug}\?[^"]*">(.*?)</a>', page, flags=re.S
    )
    assert found, f"no row for {slug}"
    return found.group(1)


def _x(day: date, start: date, end: date) -> float:
    return round(PLOT_LEFT + PLOT_WIDTH * (day - start).days / ((end - start).days + 1), 2)


def test_xai_is_drawn_as_independent_only_until_spacex_acquired_it(client: FlaskClient) -> None:
    xai = next(c for c in _companies(client) if c["slug"] == "xai")
    acquired = next(c["on"] for c in xai["changes"] if c["parent"] == "spacex")
    assert acquired == "2026-02-02"

    page = client.get("/trends?rows=200&to=2026-06-30").get_data(as_text=True)

    start, end = _lede_range(page)
    row = _row(page, "xai")
    assert "drawn until 2026-02-01, then part of another company" in row
    xs = [float(x) for path in re.findall(r'<path class="owned" d="([^"]+)"', row)
          for x in re.findall(r"[ML](-?[\d.]+),", path)]  # fmt: skip
    assert max(xs) == _x(date.fromisoformat(acquired), start, end)  # its last day's right edge
    spacex = _row(page, "spacex")
    assert re.search(r'<path class="owned" d="[^"]*', spacex)
    caption = page.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
    assert "drawn only on the days it has no parent" in caption
    assert re.search(r"xAI is part of SpaceX from <time[^>]*>2026-02-02</time>", caption)
    # The table: xAI's changes stop with the row saying it joined SpaceX.
    table = page.split('id="table-heading"', 1)[1]
    xai_rows = table.split('href="/companies/xai?', 1)[1].split('scope="rowgroup"', 1)[0]
    assert xai_rows.count("Part of SpaceX") == 1
    last_dates = re.findall(r'<time datetime="([0-9-]+)">', xai_rows)
    assert last_dates[-1] == acquired


def _bands(page: str) -> list[tuple[str, str]]:
    """(tooltip, text) of each leader band, left to right."""
    return [
        (html.unescape(title), html.unescape(text))
        for title, text in re.findall(
            r'<a class="leader" href="[^"]*">\s*<title>([^<]*)</title>.*?'
            r'(?:<text class="leader-text"[^>]*>([^<]*)</text>\s*)?</a>',
            page,
            flags=re.S,
        )
    ]


def _listed_leaders(page: str) -> list[list[str]]:
    """The names in each item of the list of leaders, in order (its numbers are 1, 2, …)."""
    listed = page.split('id="leaders-heading"', 1)[1].split("</ol>", 1)[0]
    return [
        [html.unescape(n) for n in re.findall(r'<a href="/companies/[^"]*">([^<]+)</a>', item)]
        for item in listed.split("<li>")[1:]
    ]


def test_every_leader_name_is_whole_in_the_strip_or_in_the_numbered_list_beside_it(
    client: FlaskClient,
) -> None:
    first = min(change["on"] for c in _companies(client) for change in c["changes"])
    for url in ("/trends", f"/trends?from={first}&rows=200", "/trends?from=2023&to=2026-06-30"):
        page = client.get(url).get_data(as_text=True)
        bands, listed = _bands(page), _listed_leaders(page)
        assert len(bands) == len(listed) >= 3, url
        for number, ((_, text), names) in enumerate(zip(bands, listed, strict=True), start=1):
            assert "…" not in text, (url, text)
            assert text in ("", str(number), ", ".join(names)), (url, number, text, names)
        assert any(text and not text.isdigit() for _, text in bands), url  # names where they fit
        strip = page.split('<svg class="chart trend-chart"', 1)[1].split("</svg>", 1)[0]
        assert "…" not in "".join(re.findall(r'<text class="leader-text"[^>]*>([^<]*)<', strip))
