"""Talking to a real server over HTTP with the standard library: one request, or a visitor that
keeps its cookies (and never follows redirects, so every answer can be checked)."""

from __future__ import annotations

import http.client
import json
from contextlib import suppress
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.web.api_support import bearer
from tests.web.helpers import Element, parse

FormValue = str | bytes | list[str]
TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def headers_named(self, name: str) -> list[str]:
        return self.headers.get_all(name) or []

    @property
    def is_html(self) -> bool:
        return (self.header("Content-Type") or "").startswith("text/html")

    def page(self) -> Element:
        assert self.is_html, f"expected a page, got {self.status} {self.header('Content-Type')}"
        return parse(self.text)


def request(
    base_url: str,
    method: str,
    target: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT_S,
) -> Reply:
    """One request on its own connection; `target` is the path and query, already quoted."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        # The server may answer (413) and close before reading all of a big body.
        with suppress(BrokenPipeError, ConnectionResetError):
            connection.request(method, target, body=body, headers=headers or {})
        answer = connection.getresponse()
        return Reply(answer.status, answer.msg, answer.read())
    finally:
        connection.close()


def with_query(path: str, params: dict[str, str] | list[tuple[str, str]]) -> str:
    """The path with the query (lone surrogates sent as the bytes they would encode to)."""
    query = urlencode(params, encoding="utf-8", errors="surrogatepass")
    return f"{path}?{query}" if params else path


def form_body(fields: dict[str, FormValue] | list[tuple[str, str | bytes]]) -> bytes:
    """`application/x-www-form-urlencoded`, as a browser sends it (lone surrogates as their
    UTF-8-style bytes, which a browser could not send but an attacker can)."""
    return urlencode(fields, doseq=True, encoding="utf-8", errors="surrogatepass").encode("ascii")


@dataclass
class Visitor:
    """A browser-like client: keeps cookies, sends forms, reads pages."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookie_headers: list[str] = field(default_factory=list)

    def send(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reply = request(self.base_url, method, target, body, sent)
        for header in reply.headers_named("Set-Cookie"):
            self._remember(header)
        return reply

    def _remember(self, header: str) -> None:
        self.set_cookie_headers.append(header)
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0]
        attributes = header.lower()
        if not value or "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value

    def get(self, target: str, headers: dict[str, str] | None = None) -> Reply:
        return self.send("GET", target, headers=headers)

    def post_form(
        self,
        target: str,
        fields: dict[str, FormValue] | list[tuple[str, str | bytes]],
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.send("POST", target, form_body(fields), sent)

    def post_json(self, target: str, document: Any, headers: dict[str, str] | None = None) -> Reply:
        sent = {"Content-Type": "application/json", **(headers or {})}
        return self.send("POST", target, json.dumps(document).encode(), sent)

    def csrf_token(self, target: str = "/login") -> str:
        """The token a page's form carries for this visitor's session."""
        field_ = self.get(target).page().find("input", name="csrf_token")
        assert field_ is not None, f"{target} has no csrf_token input"
        return field_.get("value") or ""

    def login(self, name: str, password: str) -> Reply:
        """Sign in through the form, as a browser does."""
        token = self.csrf_token("/login")
        return self.post_form("/login", {"csrf_token": token, "name": name, "password": password})


def post_event(base_url: str, token: str, document: Any) -> Reply:
    headers = {"Content-Type": "application/json", **bearer(token)}
    return request(base_url, "POST", "/api/v1/events", json.dumps(document).encode(), headers)
