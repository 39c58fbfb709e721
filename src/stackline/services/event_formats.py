"""The timeline in the formats other tools read: CSV rows for spreadsheets and TimelineJS3 slides.

CSV (DESIGN §8): one row per listed event, the columns of `EVENT_COLUMNS`, lists joined by `;`.
A text cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab
or a carriage return) gets a leading `'`, the OWASP advice against CSV injection; nothing else
is changed, so a `csv` reader gets back what the JSON holds.

TimelineJS3: a slide per event, its layer the group, its summary and details escaped (the
library renders HTML), its sources credited with links, and the money formatted in words.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from html import escape
from itertools import chain
from typing import Any

from stackline.domain.dates import PartialDate
from stackline.domain.money import describe_money

EVENT_COLUMNS = (
    "seq", "id", "type", "occurred_on", "effective_on", "layer", "companies", "summary",
    "confidence", "amount_usd", "source_urls", "supersedes", "voided_by", "recorded_at",
    "amount_basis", "origin",
)  # fmt: skip
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# TimelineJS3 orders groups by their first slide; the names at least say the stack's order.
GROUP_NAMES = {
    "hardware": "1 Hardware",
    "compute": "2 Compute",
    "model": "3 Model",
    "application": "4 Application",
    None: "Deals and ownership",
}


def event_cells(document: dict[str, Any]) -> list[Any]:
    """One listed event (with `voided_by`, `layer` and `companies`) as CSV cells."""
    amount = document["payload"].get("amount") or {}
    in_usd = amount.get("currency", "USD") == "USD" and "amount" in amount
    return [
        document["seq"],
        document["id"],
        document["type"],
        document["occurred_on"],
        PartialDate.parse(document["occurred_on"]).start.isoformat(),
        document.get("layer"),
        ";".join(document.get("companies") or ()),
        document["summary"],
        document["confidence"],
        amount["amount"] if in_usd else None,
        ";".join(source["url"] for source in document["sources"] if source.get("url")),
        document.get("supersedes"),
        document.get("voided_by"),
        document["recorded_at"],
        amount.get("basis", "total") if in_usd else None,
        _origin(document.get("origin")),
    ]


def _origin(origin: dict[str, Any] | None) -> str | None:
    """`dataset;key;snapshot` (lists are joined by `;` in these files), empty when curated."""
    return f"{origin['dataset']};{origin['key']};{origin['snapshot']}" if origin else None


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """RFC 4180 text a line at a time (CRLF ends, a header row, `None` as an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in chain([header], rows):
        writer.writerow(spreadsheet_safe(value) for value in row)
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def spreadsheet_safe(value: Any) -> Any:
    """A cell as written: `None` empty, text a spreadsheet would run as a formula defused."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def timelinejs_document(documents: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A TimelineJS3 JSON document as text chunks, a slide per event."""
    yield '{"title":{"text":{"headline":"Stackline","text":"The AI stack, event by event"}},"events":['
    separator = "\n"
    for document in documents:
        yield separator + json.dumps(timelinejs_slide(document), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def timelinejs_slide(document: dict[str, Any]) -> dict[str, Any]:
    """One listed event as a TimelineJS3 slide: partial dates stay partial, the layer is the
    group, the text is escaped HTML ending with the event's sources."""
    occurred = PartialDate.parse(document["occurred_on"])
    start: dict[str, Any] = {"year": occurred.start.year}
    if len(document["occurred_on"]) > 4:
        start["month"] = occurred.start.month
        start["display_date"] = document["occurred_on"]
    if occurred.start == occurred.end:
        start["day"] = occurred.start.day
    paragraphs = [escape(document["details"])] if document.get("details") else []
    money = describe_money(document["payload"].get("amount"))
    if money:
        paragraphs.append(f"Amount: {escape(money)}")
    if document["confidence"] != "confirmed":
        paragraphs.append(f"Confidence: {escape(document['confidence'])}")
    credits = [_credit(source) for source in document["sources"]]
    paragraphs.append("Sources: " + "; ".join(credits))
    return {
        "start_date": start,
        "text": {
            "headline": escape(document["summary"]),
            "text": "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
        },
        "unique_id": document["id"],
        "group": GROUP_NAMES[document.get("layer")],
    }


def _credit(source: dict[str, Any]) -> str:
    label = escape(source.get("title") or source.get("publisher") or source["url"])
    if source.get("publisher") and source.get("title"):
        label += f" ({escape(source['publisher'])})"
    if source.get("url"):
        return f'<a href="{escape(source["url"], quote=True)}">{label}</a>'
    return label
