"""Full-page screenshots of the matrix, a company and the form, for review and for the README.

They are taken on a server of their own holding only the seed timeline, with its clock fixed
(`STACKLINE_CLOCK`), so neither what other tests record nor the day the suite runs changes the
pictures. They are saved under tests/browser/screenshots; with STACKLINE_UPDATE_SCREENSHOTS=1
they also replace the README's copies in docs/screenshots. The README's copies are compared
with a tolerance, never byte for byte: fonts and anti-aliasing differ a little between machines,
while a changed page (another size, a missing chart, other colours) differs a lot.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from tests.browser.conftest import PAGE_TIMEOUT_MS, Server, login, running_server

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"
README_SCREENSHOTS = HERE.parents[1] / "docs" / "screenshots"
FROZEN_AT = "2026-11-15T12:00:00Z"
SHOTS = {
    "matrix.png": "/?as_of=2026-11-01",
    "company.png": "/companies/spacex?as_of=2026-07-01",
    "form.png": "/events/new?type=partnership.formed",
    "graph.png": "/graph?as_of=2026-07-01",
    "trends.png": "/trends",
    "capacity.png": "/capacity?as_of=2026-06-30",
}
HEIGHT_TOLERANCE = 0.05  # of the README copy's height: a line of text more or less
CHANGED_PIXELS_TOLERANCE = 0.03  # share of pixels that may differ visibly


def visible_difference(a: Image.Image, b: Image.Image) -> float:
    """The share of pixels whose colour differs by more than anti-aliasing does, over the
    common area of the two images."""
    width, height = min(a.width, b.width), min(a.height, b.height)
    box = (0, 0, width, height)
    delta = ImageChops.difference(a.convert("RGB").crop(box), b.convert("RGB").crop(box))
    changed = delta.convert("L").point(lambda level: 255 if level > 48 else 0)
    histogram = changed.histogram()
    return histogram[255] / (width * height)


@pytest.fixture(scope="module")
def seed_only_server(tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[Server]:
    # `server` first: it checks for Chromium, and starting it here keeps the order of startup.
    with running_server(tmp_path_factory.mktemp("stackline-seed-only"), clock=FROZEN_AT) as running:
        yield running


def test_screenshots_of_the_matrix_a_company_and_the_form_match_the_readme(
    browser: Any, seed_only_server: Server
) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=seed_only_server.base_url,
        viewport={"width": 1280, "height": 800},
        device_scale_factor=1,
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/login")
        login(page)
        for name, path in SHOTS.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, (path, response)
            page.wait_for_load_state("load")
            target = SCREENSHOTS / name
            page.screenshot(path=str(target), full_page=True, animations="disabled")
            assert target.stat().st_size > 10_000, f"{name} looks empty"
            if os.environ.get("STACKLINE_UPDATE_SCREENSHOTS") == "1":
                shutil.copyfile(target, README_SCREENSHOTS / name)
    finally:
        context.close()
    for name in SHOTS:
        with Image.open(SCREENSHOTS / name) as taken, Image.open(README_SCREENSHOTS / name) as kept:
            assert taken.width == kept.width, (name, taken.size, kept.size)
            assert abs(taken.height - kept.height) <= HEIGHT_TOLERANCE * kept.height, (
                f"{name} is {taken.height} px tall, the README's copy {kept.height} px: "
                "refresh it with STACKLINE_UPDATE_SCREENSHOTS=1 if the change is meant"
            )
            share = visible_difference(taken, kept)
            assert share <= CHANGED_PIXELS_TOLERANCE, (
                f"{name}: {share:.1%} of pixels differ from the README's copy; refresh it with "
                "STACKLINE_UPDATE_SCREENSHOTS=1 if the change is meant"
            )
