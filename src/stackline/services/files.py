"""Reading event files for import: JSON export documents or bare lists, from files or folders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from stackline.domain.errors import FieldProblem, MalformedDocument
from stackline.services.recording import ImportFailed, LabelledEvent

EXPORT_FORMAT = "stackline-timeline"


def event_files(paths: list[Path]) -> list[Path]:
    """The `.json` files named, folders expanded (sorted by name, so `00-…` loads first)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise ImportFailed(str(path), MalformedDocument("no such file or folder"))
    return found


def read_events(files: list[Path]) -> Iterator[LabelledEvent]:
    for path in files:
        yield from labelled_events(str(path), path.read_bytes())


def labelled_events(name: str, content: bytes) -> Iterator[LabelledEvent]:
    """The events of one document, each labelled `file, event N (id …)` for error messages."""
    try:
        document = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        problem = FieldProblem("", str(error))
        raise ImportFailed(name, MalformedDocument("malformed JSON", [problem])) from None
    _check_whole(name, document)
    for index, raw in enumerate(_event_list(name, document), start=1):
        event_id = raw.get("id") if isinstance(raw, dict) else None
        label = f"{name}, event {index}" + (f" (id {event_id})" if event_id else "")
        yield LabelledEvent(label, raw)


def _event_list(name: str, document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        if document.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
            problem = FieldProblem("format", f"expected {EXPORT_FORMAT!r}")
            raise ImportFailed(name, MalformedDocument("not a Stackline export", [problem]))
        return list(document["events"])
    problem = FieldProblem("", "expected a stackline-timeline document or a list of events")
    raise ImportFailed(name, MalformedDocument("not an event file", [problem]))


def _check_whole(name: str, document: Any) -> None:
    """A full (unfiltered) export must be whole: as many events as its `count` says, and every
    seq from 1 (the import then checks each hash and link). A deleted or cut-off event is
    refused; a filtered export or a bare list is a selection, and is not checked."""
    if not isinstance(document, dict) or not isinstance(document.get("filters"), dict):
        return
    filters = {k: v for k, v in document["filters"].items() if k != "include_voided"}
    if any(filters.values()) or document["filters"].get("include_voided") is False:
        return
    listed = [e for e in document.get("events") or [] if isinstance(e, dict)]
    count = document.get("count")
    if isinstance(count, int) and count != len(document.get("events") or []):
        _not_whole(name, "count", f"says {count} events but the file holds {len(listed)}")
    seqs = [e.get("seq") for e in listed]
    if not seqs or None in seqs:
        return
    for expected, event in enumerate(listed, start=1):
        if event["seq"] != expected:
            _not_whole(name, "events", f"seq {expected} is missing (found {event['seq']})")


def _not_whole(name: str, field: str, message: str) -> None:
    problem = FieldProblem(field, message)
    raise ImportFailed(name, MalformedDocument("the export is not whole", [problem]))


def seed_directory() -> Path:
    """The seed timeline: packaged as `stackline/_seed`, or `events/` in a source checkout."""
    packaged = resources.files("stackline") / "_seed"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "events"
