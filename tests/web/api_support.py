"""Helpers for the API tests: auth headers, event bodies, and reading every event back."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from flask.testing import FlaskClient

from stackline.domain.documents import importable, parse_event
from stackline.domain.events import Event

API = "/api/v1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def company_registered(
    slug: str = "acme", occurred_on: str = "2020-03", **extra: Any
) -> dict[str, Any]:
    """A valid new `company.registered` event with its own id."""
    return {
        "id": str(uuid4()),
        "type": "company.registered",
        "occurred_on": occurred_on,
        "summary": f"{slug.title()} is founded",
        "sources": [{"title": f"{slug.title()} press release"}],
        "payload": {"company": slug, "name": slug.title(), "kind": "lab"},
        **extra,
    }


def model_released(company: str, model: str, occurred_on: str) -> dict[str, Any]:
    return {
        "id": str(uuid4()),
        "type": "model.released",
        "occurred_on": occurred_on,
        "summary": f"{company} releases {model}",
        "sources": [{"url": "https://example.com/news"}],
        "payload": {"company": company, "model": model, "access": "closed"},
    }


def post_event(client: FlaskClient, token: str, event: Any) -> Any:
    return client.post(f"{API}/events", data=json.dumps(event), headers=bearer(token))


def export_document(client: FlaskClient, query: str = "") -> dict[str, Any]:
    response = client.get(f"{API}/export{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    document: dict[str, Any] = json.loads(response.get_data())
    return document


def all_events(client: FlaskClient) -> list[Event]:
    """Every stored event, voided ones included, parsed back into domain events."""
    return [parse_event(importable(document)) for document in export_document(client)["events"]]
