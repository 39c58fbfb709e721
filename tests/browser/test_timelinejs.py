"""The TimelineJS export rendered by the real TimelineJS3 library in Chromium (DESIGN §8).

The library comes from the npm registry into `tests/browser/timelinejs/node_modules` (installed by
this test with `npm ci` when missing) and is served, with the export fetched from the running
Stackline server, by a static server of the test's own on 127.0.0.1; nothing loads from a CDN
(any request to another host is refused and reported).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Browsing, Server

PACKAGE = Path(__file__).parent / "timelinejs"
DIST = PACKAGE / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
RENDER_TIMEOUT_S = 30
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Stackline in TimelineJS</title>
<link rel="stylesheet" href="dist/css/timeline.css">
<script src="dist/js/timeline.js"></script></head>
<body><div id="timeline-embed" style="width: 100%; height: 640px"></div>
<script>
fetch("timeline.json").then(r => r.json()).then(data => {
  // Fonts and locales from this server (the defaults come from Knight Lab's CDN and Google).
  const local = {script_path: location.origin + "/dist/js/", font: "georgia-helvetica"};
  window.timeline = new TL.Timeline("timeline-embed", data, local);
  window.timelineReady = true;
}).catch(error => { window.timelineError = String(error); });
</script></body></html>
"""


def _require_timelinejs() -> None:
    if (DIST / "js" / "timeline.js").exists():
        return
    npm = shutil.which("npm")
    reason = "npm is not installed" if npm is None else ""
    if npm is not None:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=PACKAGE, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if done.returncode == 0 and (DIST / "js" / "timeline.js").exists():
            return
        reason = f"npm ci failed in {PACKAGE}: {done.stderr[-500:]}"
    if os.environ.get("STACKLINE_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (STACKLINE_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def timeline_site(tmp_path: Path, server: Server) -> Iterator[tuple[str, dict[str, Any]]]:
    """A folder with TimelineJS3, a page that renders `timeline.json`, and that file: the live
    export of the running Stackline server, served on 127.0.0.1."""
    _require_timelinejs()
    shutil.copytree(DIST, tmp_path / "dist")
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    with urllib.request.urlopen(server.url("/api/v1/export?format=timelinejs")) as answer:
        exported = json.loads(answer.read())
    (tmp_path / "timeline.json").write_text(json.dumps(exported), encoding="utf-8")
    site = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}", exported
    finally:
        site.shutdown()
        site.server_close()
        thread.join(timeout=10)


def _live_events(server: Server) -> list[dict[str, Any]]:
    with urllib.request.urlopen(server.url("/api/v1/export?include_voided=false")) as answer:
        events: list[dict[str, Any]] = json.loads(answer.read())["events"]
    return [event for event in events if event["type"] != "event.retracted"]


def test_timelinejs_renders_one_slide_per_live_event_without_errors(
    browsing: Browsing, server: Server, timeline_site: tuple[str, dict[str, Any]]
) -> None:
    base, exported = timeline_site
    expected = _live_events(server)
    assert [slide["unique_id"] for slide in exported["events"]] == [e["id"] for e in expected]

    watched = browsing.page()
    page = watched.page
    foreign: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{base}/index.html")
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    while not page.evaluate("window.timelineReady === true || !!window.timelineError"):
        assert time.monotonic() < deadline, "TimelineJS did not start"
        time.sleep(0.2)
    assert page.evaluate("window.timelineError || null") is None
    slides = page.locator(".tl-slide")
    while slides.count() < len(expected) + 1 and time.monotonic() < deadline:
        time.sleep(0.2)

    assert slides.count() == len(expected) + 1  # the title slide, then one per event
    assert page.locator(".tl-timemarker").count() == len(expected)
    groups = page.locator(".tl-timegroup-message").all_text_contents()
    assert set(groups) == {slide["group"] for slide in exported["events"]}
    assert foreign == []  # nothing from a CDN or any other host
    assert watched.page_errors == [] and watched.console_errors == []
