"""Full-page screenshots of the matrix, a company and the form, for review and for the README.

They are taken on a server of their own holding only the seed timeline, so what other tests
record never shows up in the README's pictures. They are saved under tests/browser/screenshots;
with STACKLINE_UPDATE_SCREENSHOTS=1 they also replace the README's copies in docs/screenshots.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PAGE_TIMEOUT_MS, Server, login, running_server

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"
README_SCREENSHOTS = HERE.parents[1] / "docs" / "screenshots"
SHOTS = {
    "matrix.png": "/?as_of=2026-11-01",
    "company.png": "/companies/spacex?as_of=2026-07-01",
    "form.png": "/events/new?type=partnership.formed",
}


@pytest.fixture(scope="module")
def seed_only_server(tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[Server]:
    # `server` first: it checks for Chromium, and starting it here keeps the order of startup.
    with running_server(tmp_path_factory.mktemp("stackline-seed-only")) as running:
        yield running


def test_screenshots_of_the_matrix_a_company_and_the_form_are_saved(
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
        assert (README_SCREENSHOTS / name).read_bytes() == (SCREENSHOTS / name).read_bytes()
