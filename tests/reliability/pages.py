"""What a hostile value may not do to a page: add elements, handlers or scripts of its own."""

from __future__ import annotations

from tests.web.helpers import Element

# Charts are inline SVG, so <svg> itself is ours; an injected one shows up by its handler.
ACTIVE_TAGS = frozenset({"img", "iframe", "object", "embed", "frame", "base", "style", "script"})
APP_SCRIPT = "/static/app.js"


def injected_markup(page: Element) -> list[str]:
    """Elements and attributes no page of ours has, which an injected value would add."""
    found = []
    for element in page.iter():
        ours = element.tag == "script" and element.get("src") == APP_SCRIPT and not element.text()
        if element.tag in ACTIVE_TAGS and not ours:
            found.append(f"<{element.tag} {element.attrs}>")
        handlers = [name for name in element.attrs if name.startswith("on")]
        if handlers:
            found.append(f"<{element.tag} {handlers}>")
        for name in ("href", "src", "action", "formaction"):
            if (element.get(name) or "").strip().lower().startswith("javascript:"):
                found.append(f"<{element.tag} {name}=javascript:>")
    return found


def collapsed(text: str) -> str:
    return " ".join(text.split())
