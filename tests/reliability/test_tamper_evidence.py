"""Tamper evidence through the command line, on SQLite and PostgreSQL.

Someone with database access drops the immutability triggers (as tests/integration/test_verify.py
does) and edits, deletes, swaps or forges rows: `stackline verify` exits 1 naming the first bad
`seq`. An export whose event text or hash was edited is refused by `stackline import`, which
then writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, delete, insert, select, update

from stackline.domain.catalog import REGISTRY
from stackline.domain.documents import compute_hash
from stackline.domain.records import EventRecord
from stackline.services.files import event_files, read_events, seed_directory
from stackline.services.runtime import load_seed
from stackline.store.database import upgrade
from stackline.store.rows import derived_columns, row_document
from stackline.store.tables import PROJECTIONS, events
from tests.conftest import reset_postgres
from tests.integration.test_import_export import export_document
from tests.integration.test_verify import tampering
from tests.reliability.figures import SuiteFigures
from tests.reliability.log_checks import verify
from tests.reliability.server import Deployment

_EVENT_COMPANIES = PROJECTIONS["event_companies"].versions  # where its rows are stored

SEED_EVENTS = sum(1 for _ in read_events(event_files([seed_directory()])))


@pytest.fixture
def seeded(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    """The seed timeline in a fresh database (loaded in process: the CLI is what is tested)."""
    deployment = Deployment.create(tmp_path / "stackline", database_url)
    try:
        upgrade(deployment.engine)
        load_seed(deployment.database)
        yield deployment
    finally:
        deployment.close()


def row(connection: Connection, seq: int) -> dict[str, Any]:
    found = connection.execute(select(events).where(events.c.seq == seq)).one()
    return dict(found._mapping)


def rehashed(values: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The row with `changes`, a hash that matches them and the indexed columns they derive
    (as a careful forger would make)."""
    changed = {**values, **changes}
    document = row_document(type("Row", (), {"_mapping": changed})())
    if "payload" not in changes:  # the indexed columns derive from the payload alone
        return {**changes, "hash": compute_hash(document)}
    record = EventRecord.of_document(document)  # (a launch or registration: its own unit)
    derived = derived_columns(record.with_unit(REGISTRY.unit_of(record, lambda _id: None)))
    texts = {key: derived[key] for key in ("unit", "layer", "target_id")}  # dates stay as stored
    return {**changes, **texts, "hash": compute_hash(document)}


def edit_a_summary(connection: Connection) -> int:
    connection.execute(update(events).where(events.c.seq == 17).values(summary="Rewritten"))
    return 17


def edit_a_payload_and_recompute_its_hash(connection: Connection) -> int:
    values = row(connection, 23)
    payload = json.loads(values["payload"]) | {"company": "nvidia"}
    changes = rehashed(values, payload=json.dumps(payload))
    connection.execute(update(events).where(events.c.seq == 23).values(**changes))
    return 24  # the edited row is self-consistent; the next one no longer links to it


def delete_a_row(connection: Connection) -> int:
    connection.execute(delete(_EVENT_COMPANIES).where(_EVENT_COMPANIES.c.seq == 30))
    connection.execute(delete(events).where(events.c.seq == 30))
    return 30


def swap_two_rows(connection: Connection) -> int:
    first, second = row(connection, 40), row(connection, 41)
    connection.execute(update(events).where(events.c.seq == 40).values(id="swapping"))
    for seq, other in ((41, first), (40, second)):
        values = {k: v for k, v in other.items() if k != "seq"}
        connection.execute(update(events).where(events.c.seq == seq).values(**values))
    return 40


def backdate_a_row_and_recompute_its_hash(connection: Connection) -> int:
    values = row(connection, 50)
    changes = rehashed(values, recorded_at="2001-01-01T00:00:00.000000Z")
    connection.execute(update(events).where(events.c.seq == 50).values(**changes))
    return 50


def append_a_forged_row(connection: Connection) -> int:
    last = row(connection, SEED_EVENTS)
    forged = {
        **last,
        "seq": SEED_EVENTS + 1,
        "id": "00000000-0000-4000-8000-000000000001",
        "summary": "A forged event",
        "prev_hash": last["hash"],
    }
    connection.execute(insert(events).values(**forged))  # inserts need no dropped trigger
    return SEED_EVENTS + 1


TAMPERINGS: list[Callable[[Connection], int]] = [
    edit_a_summary,
    edit_a_payload_and_recompute_its_hash,
    delete_a_row,
    swap_two_rows,
    backdate_a_row_and_recompute_its_hash,
    append_a_forged_row,
]


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda f: f.__name__)
def test_verify_exits_1_naming_the_first_bad_seq_after_the_log_is_tampered_with(
    seeded: Deployment, tamper: Callable[[Connection], int], figures: SuiteFigures
) -> None:
    with tampering(seeded.database) as connection:
        first_bad = tamper(connection)  # type: ignore[arg-type]
    figures.add(faults_injected=1)

    status, said = verify(seeded)

    assert status == 1 and f"error: seq {first_bad}:" in said, said


# --- exports --------------------------------------------------------------------------------


@pytest.fixture
def exported(seeded: Deployment) -> dict[str, Any]:
    document = export_document(seeded.database)
    assert document["count"] == SEED_EVENTS
    return document


@pytest.fixture
def empty(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Deployment]:
    """Another, empty database on the same backend, to import exports into."""
    if backend == "postgres":
        url = request.getfixturevalue("second_postgres_url")
        reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path / 'empty' / 'stackline.db'}"
    deployment = Deployment.create(tmp_path / "empty", url)
    yield deployment
    deployment.close()


def import_document(deployment: Deployment, document: dict[str, Any], name: str) -> Any:
    path = deployment.directory / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return deployment.cli("import", str(path))


def edited(document: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    copy["events"][index].update(changes)
    return copy


def unreferenced_launch(document: dict[str, Any]) -> int:
    """The index of a launch in the middle that no other event refers to."""
    text = json.dumps(document)
    for index, event in enumerate(document["events"]):
        launch = event["type"].endswith((".launched", ".released"))
        if index > 20 and launch and text.count(event["id"]) == 1:
            return index
    raise AssertionError("the seed has no unreferenced launch")


def test_an_untouched_export_imports_into_an_empty_database_and_verifies(
    exported: dict[str, Any], empty: Deployment, figures: SuiteFigures
) -> None:
    done = import_document(empty, exported, "export.json")

    assert done.returncode == 0, done.stderr
    assert f"imported {SEED_EVENTS} new events" in done.stdout
    assert verify(empty)[0] == 0
    assert export_document(empty.database)["events"] == exported["events"]
    figures.add(events_written=SEED_EVENTS)


EDITS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "summary": lambda d: edited(d, 3, summary="Rewritten history"),
    "payload": lambda d: edited(d, 9, payload={**d["events"][9]["payload"], "name": "Forged"}),
    "recorded_at": lambda d: edited(d, 11, recorded_at="2020-01-01T00:00:00.000000Z"),
    "hash": lambda d: edited(d, 5, hash="f" * 64),
    "prev_hash": lambda d: edited(d, 7, prev_hash="0" * 64),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_export_whose_event_text_or_hash_was_edited_is_refused_and_nothing_is_written(
    exported: dict[str, Any], empty: Deployment, edit: str, figures: SuiteFigures
) -> None:
    done = import_document(empty, EDITS[edit](exported), f"edited-{edit}.json")
    figures.add(faults_injected=1)

    assert done.returncode == 1
    assert "does not match its hash" in done.stderr and "nothing was written" in done.stderr
    assert empty.count_events() == 0


def rehash_an_edited_event(document: dict[str, Any]) -> dict[str, Any]:
    copy = edited(document, 7, summary="Forged history")
    copy["events"][7]["hash"] = compute_hash(copy["events"][7])
    return copy


def remove_an_event(document: dict[str, Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    del copy["events"][unreferenced_launch(document)]
    copy["count"] -= 1
    return copy


@pytest.mark.parametrize(
    "forge", [rehash_an_edited_event, remove_an_event], ids=lambda f: f.__name__
)
def test_an_export_whose_chain_no_longer_links_is_refused_and_nothing_is_written(
    exported: dict[str, Any],
    empty: Deployment,
    forge: Callable[[dict[str, Any]], dict[str, Any]],
    figures: SuiteFigures,
) -> None:
    figures.add(faults_injected=1)

    done = import_document(empty, forge(exported), "forged.json")

    assert done.returncode == 1, done.stdout
    assert "nothing was written" in done.stderr
    assert empty.count_events() == 0


def cut_off_the_last_five(document: dict[str, Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    copy["events"] = copy["events"][:-5]
    return copy


def rehash_an_event_and_renumber_the_rest(document: dict[str, Any]) -> dict[str, Any]:
    """A whole-looking file: one event dropped, later seqs moved down, `count` lowered."""
    copy = json.loads(json.dumps(document))
    del copy["events"][unreferenced_launch(document)]
    for seq, event in enumerate(copy["events"], start=1):
        event["seq"] = seq
    copy["count"] = len(copy["events"])
    return copy


@pytest.mark.parametrize(
    ("forge", "words"),
    [
        (cut_off_the_last_five, f"says {SEED_EVENTS} events but the file holds"),
        (rehash_an_event_and_renumber_the_rest, "does not match its hash"),
    ],
    ids=["truncated", "renumbered"],
)
def test_a_full_export_that_is_not_whole_is_refused_and_nothing_is_written(
    exported: dict[str, Any],
    empty: Deployment,
    forge: Callable[[dict[str, Any]], dict[str, Any]],
    words: str,
    figures: SuiteFigures,
) -> None:
    figures.add(faults_injected=1)

    done = import_document(empty, forge(exported), "not-whole.json")

    assert done.returncode == 1, done.stdout
    assert words in done.stderr and "nothing was written" in done.stderr
    assert empty.count_events() == 0
