"""Small things that cost trust (issue #22 item 9), in a real browser: a form too large to send
keeps what was typed and says so beside the field."""

from __future__ import annotations

from tests.browser.conftest import Browsing, fill_event_form


def test_a_form_too_large_to_send_keeps_what_was_typed_and_says_so_beside_it(
    browsing: Browsing,
) -> None:
    page = browsing.page(editor=True).page
    page.goto("/events/new?type=model.released")
    huge = "x" * (1024 * 1024 + 10)  # over the server's 1 MiB
    fill_event_form(
        page, occurred_on="2025-01-02", summary="A model with a huge paste",
        source_title="Paste", payload={"company": "openai", "model": "Huge", "access": "closed"},
    )  # fmt: skip
    page.locator('[name="details"]').evaluate("(e, v) => { e.value = v; }", huge)
    url = page.url
    page.get_by_role("button", name="Record event").click()
    note = page.locator("p.error", has_text="Too long to send")
    note.wait_for(timeout=5000)
    assert page.url == url  # nothing was sent
    assert "Nothing was saved" in note.inner_text()
    assert page.locator('[name="details"]').evaluate("e => e.value.length") == len(huge)
    assert page.get_by_label("Summary").input_value() == "A model with a huge paste"
    assert page.locator('[name="details"]').get_attribute("aria-invalid") == "true"
