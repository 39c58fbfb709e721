"""Response hardening for every page and API answer: security headers, size caps, error pages."""

from __future__ import annotations

from flask import Flask, Response, abort, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from stackline.web.errors import wants_json

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_characters)
    app.after_request(_harden)
    app.register_error_handler(HTTPException, _http_error)


def _refuse_nul_characters() -> None:
    """No text in Stackline holds a NUL; refusing it here keeps it from every query (PostgreSQL
    cannot even compare with one)."""
    values = [request.path, *request.args.values()]
    if request.method == "POST" and request.mimetype != "application/json":
        values.extend(request.form.values())
    if any("\x00" in value for value in values):
        abort(400, description="NUL characters are not allowed in requests.")


def _harden(response: Response) -> Response:
    for header, value in HEADERS.items():
        response.headers.setdefault(header, value)
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _http_error(error: HTTPException) -> Response | tuple[str, int, dict[str, str]]:
    status = error.code or 500
    if wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        response = jsonify({"error": code, "message": error.description, "details": []})
        response.status_code = status
        allow = dict(error.get_headers()).get("Allow")
        if allow:  # a 405 names the methods the URL does allow
            response.headers["Allow"] = allow
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="stackline"'
        return response
    page = render_template("error.html", status=status, error=error)
    return page, status, {k: v for k, v in error.get_headers() if k == "Allow"}
