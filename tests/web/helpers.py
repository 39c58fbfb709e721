"""Helpers for the page tests: read a page as an element tree, sign in through the login form,
and fill the event form the way a browser would (hidden inputs and selected options included)."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.conftest import EDITOR

VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)


class Element:
    """One HTML element; `attrs` keeps the first value of each attribute, `attr_list` all of them."""

    def __init__(self, tag: str, attr_list: list[tuple[str, str | None]], parent: Element | None):
        self.tag = tag
        self.attr_list = attr_list
        self.attrs: dict[str, str] = {}
        for name, value in attr_list:
            self.attrs.setdefault(name, value if value is not None else "")
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        """The element's text with runs of white space collapsed, as a reader sees it."""
        return " ".join("".join(self._text_parts()).split())

    def _text_parts(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield from child._text_parts()

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, class_: str | None = None, **attrs: str
    ) -> list[Element]:
        """Descendants by tag, class and exact attribute values (`for_` stands for `for`)."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (class_ is None or class_ in element.classes)
            and all(element.attrs.get(name) == value for name, value in wanted.items())
        ]

    def find(
        self, tag: str | None = None, class_: str | None = None, **attrs: str
    ) -> Element | None:
        found = self.find_all(tag, class_, **attrs)
        return found[0] if found else None

    def one(self, tag: str | None = None, class_: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, class_, **attrs)
        assert len(found) == 1, f"expected one {tag} {class_} {attrs}, found {len(found)}"
        return found[0]

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_TAGS:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(response: TestResponse) -> Element:
    assert response.mimetype == "text/html", response.mimetype
    return parse(response.get_data(as_text=True))


def main_text(response: TestResponse) -> str:
    """The text of the page's `<main>`, without the header and footer around it."""
    return page(response).one("main").text()


def csrf_token(response: TestResponse) -> str:
    field = page(response).find("input", name="csrf_token")
    assert field is not None, "the page has no csrf_token input"
    return field.get("value") or ""


def login(
    client: FlaskClient, name: str = EDITOR[0], password: str = EDITOR[1], **extra: str
) -> TestResponse:
    """Sign in as a browser does: fetch the form, send its token back with the name and password."""
    token = csrf_token(client.get("/login"))
    return client.post(
        "/login", data={"csrf_token": token, "name": name, "password": password, **extra}
    )


def form_data(response: TestResponse, action: str) -> dict[str, Any]:
    """What a browser would submit from the page's form posting to `action` if nobody touched
    it: hidden and filled inputs, checked boxes, selected (or first) options, textareas."""
    forms = page(response).find_all("form", method="post", action=action)
    assert len(forms) == 1, f"expected one post form for {action!r}, found {len(forms)}"
    data: dict[str, Any] = {}
    for element in forms[0].iter():
        name = element.get("name")
        if not name:
            continue
        if element.tag == "input":
            kind = element.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in element.attrs:
                    data[name] = element.get("value") or "on"
            elif kind not in ("submit", "button"):
                data[name] = element.get("value", "")
        elif element.tag == "textarea":
            data[name] = "".join(c for c in element.children if isinstance(c, str))
        elif element.tag == "select":
            chosen = [
                o.get("value", "") for o in element.find_all("option") if "selected" in o.attrs
            ]
            if "multiple" in element.attrs:
                data[name] = chosen
            else:
                options = element.find_all("option")
                data[name] = (
                    chosen[0] if chosen else (options[0].get("value", "") if options else "")
                )
    return data
