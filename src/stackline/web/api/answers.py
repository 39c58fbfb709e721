"""JSON answers with keys in the order the services build them (layers bottom to top)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app


def json_answer(data: Any, status: int = 200) -> Response:
    """Like `jsonify`, but without sorting keys, so `layers` read hardware → application."""
    text = current_app.json.dumps(data, sort_keys=False, ensure_ascii=False)
    return current_app.response_class(text + "\n", status=status, mimetype="application/json")
