"""Reading event files for import: JSON export documents or bare lists, from files or folders.

A file is read as a stream (`ijson`'s C parser, which hands over one value at a time), so an
import holds one event of the file at a time, not the file and every object in it. A file is
parsed twice: first surveyed whole (`_survey`: the JSON checked to its last byte, no deeper than
`MAX_DEPTH`, no lone surrogate, its events counted, its head read wherever it is), when it is
named and before an import takes the write lock; then its events, one at a time. A fault
anywhere refuses the whole file, naming it and the event it follows; nothing is written.

Only a whole export keeps its seals in an empty log (`LabelledEvent.keeps_seal`): a
stackline-timeline document whose `filters` say it was not filtered, whose `count` is right and
whose events carry every seq from 1. A filtered export, a bare list, or a document whose events
carry no `seq` is a selection: its events are sealed anew. A whole export with an event missing
or cut off is refused, as is one whose count is wrong.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any

import ijson

from stackline.domain.errors import FieldProblem, MalformedDocument
from stackline.services.recording import ImportFailed, LabelledEvent

_parser = ijson.get_backend("yajl2_c")  # the C parser: its rules and speed, never a fallback
EXPORT_FORMAT = "stackline-timeline"
MAX_HEAD_TOKENS = 10_000  # `format`, `filters` and `count` are a few dozen
MAX_DEPTH = 64  # an event nests 5 deep; past this a file is refused, not parsed on
_HEAD_KEYS = frozenset({"format", "filters", "count"})
_BOM = b"\xef\xbb\xbf"
# A \uD800–\uDBFF escape not followed by a \uDC00–\uDFFF one, after an even run of backslashes:
# not text, and the C parser would turn it into "?" rather than refuse it.
_LONE_HIGH_SURROGATE = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)
_OPENING = ("start_map", "start_array")
_CLOSING = ("end_map", "end_array")
# Read callbacks get the bytes read so far: a progress bar over the files' sizes.
OnRead = Callable[[int], None]


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


def read_events(files: list[Path], on_read: OnRead | None = None) -> Iterator[LabelledEvent]:
    """The events of the files in order, streamed (`on_read(n)`: n more bytes were read).
    Every file is surveyed when this is called — before an import takes the write lock — so a
    malformed one is refused before anything is read as events."""
    surveyed = []
    for path in files:
        with path.open("rb") as stream:
            surveyed.append((path, surveyed_head(str(path), stream)))
    return (event for path, head in surveyed for event in _file_events(path, head, on_read))


def labelled_events(name: str, content: bytes) -> Iterator[LabelledEvent]:
    """The events of one document held in memory (an upload, a test's file), surveyed first."""
    stream = io.BytesIO(content)
    head = surveyed_head(name, stream)
    return streamed_events(name, stream, head)


def _file_events(path: Path, head: _Head, on_read: OnRead | None) -> Iterator[LabelledEvent]:
    with path.open("rb") as stream:
        counted = stream if on_read is None else _Counted(stream, on_read)
        yield from streamed_events(str(path), counted, head)


def surveyed_head(name: str, stream: IO[bytes]) -> _Head:
    """A document's head, its JSON checked whole (`_survey`), refused unless it is an event
    file: a bare list, or a stackline-timeline document (whole: with the count it says)."""
    head = _survey(name, stream)
    _check_format(name, head.values.get("format", EXPORT_FORMAT))
    if head.whole() and head.count != head.listed:
        _not_whole(name, "count", f"says {head.count} events but the file holds {head.listed}")
    return head


def streamed_events(
    name: str, stream: IO[bytes] | _Counted, head: _Head
) -> Iterator[LabelledEvent]:
    """The events of a surveyed document, one at a time, each labelled `file, event N (id …)`
    for error messages."""
    whole = head.whole()
    stream.seek(head.start)
    events = _parser.items(stream, head.prefix, use_float=True)
    listed = 0
    try:
        for listed, raw in enumerate(events, start=1):
            event_id = raw.get("id") if isinstance(raw, dict) else None
            if listed == 1 and not (isinstance(raw, dict) and "seq" in raw):
                whole = False  # events without their seals (DESIGN §4): a selection to seal
            if whole:
                _check_seq(name, listed, raw)
            label = f"{name}, event {listed}" + (f" (id {event_id})" if event_id else "")
            yield LabelledEvent(label, raw, keeps_seal=whole)
    except (ijson.JSONError, UnicodeDecodeError) as error:  # the file changed since its survey
        raise _malformed(name, error, listed) from None
    if listed != head.listed:
        problem = FieldProblem(
            "", f"it changed while it was read ({head.listed} events, then {listed})"
        )
        raise ImportFailed(name, MalformedDocument("the file changed", [problem]))


@dataclass
class _Head:
    """What a document says beside its events: its top-level keys `format`, `filters` and
    `count`; where its events are (`item` of a bare list, `events.item` of a document); and how
    many it lists."""

    prefix: str
    start: int = 0  # where the JSON starts: after a UTF-8 byte order mark, if the file has one
    values: dict[str, Any] = field(default_factory=dict)
    listed: int = 0
    has_events: bool = False

    @property
    def count(self) -> Any:
        return self.values.get("count")

    def whole(self) -> bool:
        """Whether the document says it is a whole export: not filtered, and how many events."""
        filters = self.values.get("filters")
        if self.prefix != "events.item" or not isinstance(filters, dict):
            return False
        chosen = {key: value for key, value in filters.items() if key != "include_voided"}
        if not chosen.get("company"):  # says nothing without a company
            chosen.pop("include_subsidiaries", None)
        unfiltered = not any(chosen.values()) and filters.get("include_voided") is not False
        return unfiltered and isinstance(self.count, int) and not isinstance(self.count, bool)


def _survey(name: str, stream: IO[bytes]) -> _Head:
    """A first pass over the whole document that builds nothing but its head: the JSON is
    checked to its last byte and to be no deeper than `MAX_DEPTH`, and its events are counted,
    before any is imported (and before the second pass, whose prefixes grow with the depth)."""
    start = _text_start(name, stream.read(4))
    stream.seek(start)
    scanned = _SurrogateScan(stream)
    tokens = _parser.basic_parse(scanned, use_float=True)
    listed = 0
    try:
        kind, _ = next(tokens, ("", None))
        if kind not in _OPENING:
            for _ in tokens:  # a scalar, or nothing: malformed still if anything follows
                pass
            raise _not_an_event_file(name)
        head = _Head("item" if kind == "start_array" else "events.item", start)
        listed = 0
        depth, key = 1, ""
        listing = 1 if kind == "start_array" else 0  # the depth of the events' list, if open
        for kind, value in tokens:
            if depth == listing and kind != "end_array":
                head.listed = listed = head.listed + 1
            if kind in _OPENING:
                if depth == 1 and key in _HEAD_KEYS and not listing:
                    head.values[key] = _value(name, kind, tokens)
                    continue
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(name, head.listed)
                if depth == 2 and key == "events" and kind == "start_array" and not listing:
                    listing, head.has_events = 2, True
            elif kind in _CLOSING:
                depth -= 1
                if depth < listing:
                    listing = 0
            elif depth == 1 and kind == "map_key":
                key = value
                if (key == "events" and head.has_events) or key == "events.item":
                    raise _twice(name)
            elif depth == 1 and key in _HEAD_KEYS:
                head.values[key] = value
    except (ijson.JSONError, UnicodeDecodeError) as error:
        raise _malformed(name, error, listed) from None
    if scanned.found:
        problem = FieldProblem("", "a string holds " + _SURROGATE)
        raise ImportFailed(name, MalformedDocument("malformed JSON", [problem]))
    if head.prefix == "events.item" and not head.has_events:
        raise _not_an_event_file(name)
    return head


def _text_start(name: str, first: bytes) -> int:
    """Where the JSON starts: after a UTF-8 byte order mark (as `json` reads bytes); a file in
    UTF-16 or UTF-32 (Windows PowerShell 5 writes `>` in UTF-16) is refused in words."""
    if first.startswith(_BOM):
        return len(_BOM)
    encoding = json.detect_encoding(first) if first else "utf-8"
    if encoding != "utf-8":
        problem = FieldProblem("", f"the file is {encoding.upper()} text: save it as UTF-8")
        raise ImportFailed(name, MalformedDocument("not UTF-8", [problem]))
    return 0


class _SurrogateScan:
    """The stream the survey parses, its bytes searched for a lone high surrogate escape as
    they pass (a window's last bytes wait for the next read, which may complete the pair)."""

    _KEEP = 64

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.tail, self.found = stream, b"", False

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        window = self.tail + data
        settled = len(window) - (12 if data else 0)
        if not self.found:
            match = _LONE_HIGH_SURROGATE.search(window)
            self.found = match is not None and match.end() <= settled
        self.tail = window[-self._KEEP :]
        return data


def _value(name: str, first: str, tokens: Iterator[tuple[str, Any]]) -> Any:
    """A container value of the head (`first`: its opening token), built whole: the head's
    values are small (at most `MAX_HEAD_TOKENS`), and no deeper than the rest."""
    builder = ijson.ObjectBuilder()
    builder.event(first, None)
    depth = 1
    for taken, (kind, value) in enumerate(tokens):
        if taken > MAX_HEAD_TOKENS:
            problem = FieldProblem("", "the keys beside `events` hold more than a head does")
            raise ImportFailed(name, MalformedDocument("not an event file", [problem]))
        builder.event(kind, value)
        depth += kind in _OPENING
        depth -= kind in _CLOSING
        if depth > MAX_DEPTH:
            raise _too_deep(name, 0)
        if depth == 0:
            return builder.value
    raise ijson.IncompleteJSONError("the document ends inside a value")


def _check_format(name: str, declared: Any) -> None:
    if declared != EXPORT_FORMAT:
        problem = FieldProblem("format", f"expected {EXPORT_FORMAT!r}")
        raise ImportFailed(name, MalformedDocument("not a Stackline export", [problem]))


def _check_seq(name: str, expected: int, raw: Any) -> None:
    """A whole export lists every seq from 1: a deleted or cut-off event is refused."""
    found = raw.get("seq") if isinstance(raw, dict) else None
    if found != expected:
        shown = "no seq" if found is None else repr(found)
        _not_whole(name, "events", f"seq {expected} is missing (found {shown})")


def _not_whole(name: str, field_name: str, message: str) -> None:
    problem = FieldProblem(field_name, message)
    raise ImportFailed(name, MalformedDocument("the export is not whole", [problem]))


def _not_an_event_file(name: str) -> ImportFailed:
    problem = FieldProblem("", "expected a stackline-timeline document or a list of events")
    return ImportFailed(name, MalformedDocument("not an event file", [problem]))


def _twice(name: str) -> ImportFailed:
    problem = FieldProblem("events", "the document lists its events twice (two `events` keys)")
    return ImportFailed(name, MalformedDocument("not an event file", [problem]))


def _too_deep(name: str, listed: int) -> ImportFailed:
    where = f"in event {listed}: " if listed else ""
    problem = FieldProblem("", f"{where}values nest more than {MAX_DEPTH} levels deep")
    return ImportFailed(name, MalformedDocument("malformed JSON", [problem]))


def _malformed(name: str, error: Exception, listed: int) -> ImportFailed:
    """The parser's complaint in a line: near which event, what it found, the text near it."""
    if isinstance(error, UnicodeDecodeError):
        said = "the file is not UTF-8 text, or a string holds " + _SURROGATE
    else:
        text = error.args[0] if error.args else ""
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        said = lines[0] if lines else "the JSON is not well formed"
        said = "the file ends early (cut off?)" if "premature EOF" in said else said.rstrip(".")
        if len(lines) > 1 and "(right here)" not in lines[1]:
            said += f", near: {lines[1][:40]}"
    where = f"near event {listed}: " if listed else ""
    problem = FieldProblem("", where + said)
    return ImportFailed(name, MalformedDocument("malformed JSON", [problem]))


_SURROGATE = "a lone surrogate (a \\ud800–\\udfff escape without its pair), which is not text"


class _Counted:
    """A binary file that reports each byte the first time it is read (a file is read twice:
    its head, then from the start again)."""

    def __init__(self, stream: IO[bytes], on_read: OnRead) -> None:
        self.stream, self.on_read = stream, on_read
        self.position = self.reported = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.position += len(data)
        if self.position > self.reported:
            self.on_read(self.position - self.reported)
            self.reported = self.position
        return data

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = self.stream.seek(offset, whence)
        return self.position


def seed_directory() -> Path:
    """The seed timeline: packaged as `stackline/_seed`, or `events/` in a source checkout."""
    packaged = resources.files("stackline") / "_seed"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "events"
