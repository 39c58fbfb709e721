"""The smaller holes of the third red-team pass (issue 25, item 6), through the test client:
private reads close the OpenAPI document too, sign-in says so in words when its rate-limit
store cannot be reached, the feed's links do not take the host a client sends, source URLs
refuse direction-changing characters as names do, and CSV answers offer a byte order mark."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stackline.config import SettingError, settings_from_environment
from stackline.services import accounts
from tests.web.api_support import API, bearer, company_registered, post_event
from tests.web.conftest import make_app
from tests.web.helpers import csrf_token

BOM = "\ufeff"
CSV_ANSWERS = (
    f"{API}/events?format=csv",
    f"{API}/stack?format=csv",
    f"{API}/integration?format=csv&company=openai",
    f"{API}/export?format=csv&company=openai",
)


@pytest.fixture
def configured(tmp_path: Path, seeded_template: Path) -> Iterator[list[Flask]]:
    """Apps built with settings of their own on a copy of the seeded database."""
    apps: list[Flask] = []
    yield apps
    for app in apps:
        app.extensions["stackline.database"].dispose()


def build(apps: list[Flask], folder: Path, template: Path, **config: object) -> Flask:
    folder.mkdir(exist_ok=True)
    shutil.copyfile(template, folder / "web.db")
    app = make_app(folder, **config)
    apps.append(app)
    return app


def test_private_reads_close_the_openapi_document_too(
    configured: list[Flask], tmp_path: Path, seeded_template: Path
) -> None:
    app = build(configured, tmp_path / "private", seeded_template, PUBLIC_READ=False)
    client = app.test_client()
    token = accounts.create_token(app.extensions["stackline.database"], "reader")

    refused = client.get(f"{API}/openapi.json")
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "unauthorized"
    assert client.get(f"{API}/openapi.json", headers=bearer(token)).status_code == 200


def test_signing_in_with_the_rate_limit_store_unreachable_is_a_503_in_words(
    configured: list[Flask], tmp_path: Path, seeded_template: Path
) -> None:
    app = build(
        configured, tmp_path / "no-redis", seeded_template,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1",  # nothing listens on port 1
    )  # fmt: skip
    app.config["TESTING"] = False  # as served: an error is answered, not raised into the test
    client = app.test_client()
    fields = {"csrf_token": csrf_token(client.get("/login")), "name": "editor", "password": "x"}

    answer = client.post("/login", data=fields)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"].isdigit()
    text = answer.get_data(as_text=True)
    assert "sign-in" in text and "cannot be reached" in text


def _feed_links(client: FlaskClient, host: str) -> tuple[str, str]:
    answer = client.get("/feed.atom", headers={"Host": host})
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    start = body.index('href="') + len('href="')
    return body[start : body.index('"', start)], answer.headers["ETag"]


def test_the_feed_links_to_the_configured_public_url_whatever_host_is_asked(
    configured: list[Flask], tmp_path: Path, seeded_template: Path
) -> None:
    app = build(
        configured, tmp_path / "public", seeded_template, PUBLIC_URL="https://stackline.example"
    )
    client = app.test_client()
    link, tag = _feed_links(client, "evil.example")
    assert link.startswith("https://stackline.example/feed.atom")
    assert _feed_links(client, "other.example") == (link, tag)


def test_without_a_public_url_the_feed_etag_changes_with_the_host(client: FlaskClient) -> None:
    link, tag = _feed_links(client, "one.example")
    other_link, other_tag = _feed_links(client, "two.example")
    assert link.startswith("http://one.example/") and other_link.startswith("http://two.example/")
    assert tag != other_tag
    assert client.get("/feed.atom", headers={"Host": "two.example", "If-None-Match": tag}).status_code == 200  # fmt: skip


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200f", "\ufeff"])
def test_a_source_url_with_a_direction_changing_character_is_refused_naming_it(
    client: FlaskClient, token: str, character: str
) -> None:
    event = company_registered("bidico")
    event["sources"] = [{"url": f"https://example.com/{character}gpj.exe"}]
    answer = post_event(client, token, event)
    assert answer.status_code == 422
    problem = answer.get_json()["details"][0]
    assert problem["field"] == "sources.0.url" and "direction" in problem["message"]


@pytest.mark.parametrize("url", CSV_ANSWERS)
def test_csv_answers_start_with_a_byte_order_mark_when_asked(client: FlaskClient, url: str) -> None:
    plain = client.get(url).get_data(as_text=True)
    marked = client.get(url + "&bom=1").get_data(as_text=True)
    assert not plain.startswith(BOM)
    assert marked == BOM + plain
    assert client.get(url + "&bom=true").get_data(as_text=True) == marked
    assert client.get(url + "&bom=0").get_data(as_text=True) == plain


def test_the_openapi_document_offers_the_byte_order_mark_on_every_csv_answer(
    client: FlaskClient,
) -> None:
    document = client.get(f"{API}/openapi.json").get_json()
    offered = []
    for path, operations in document["paths"].items():
        for operation in operations.values():
            if "text/csv" in operation["responses"]["200"]["content"]:
                names = {parameter["name"] for parameter in operation.get("parameters", [])}
                offered.append((path, "bom" in names))
    assert len(offered) == 7 and all(has for _, has in offered), offered


@pytest.mark.parametrize("value", ["stackline.example", "ftp://stackline.example", "https://a b"])
def test_a_public_url_that_is_no_http_address_stops_the_app_naming_the_variable(
    value: str,
) -> None:
    with pytest.raises(SettingError, match="STACKLINE_PUBLIC_URL"):
        settings_from_environment({"STACKLINE_PUBLIC_URL": value})
    assert settings_from_environment({"STACKLINE_PUBLIC_URL": "https://s.example/"}) == {
        "PUBLIC_URL": "https://s.example"
    }
