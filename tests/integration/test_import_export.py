"""Import and export: round trips, all-or-nothing imports, errors that say where and what."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stackline.domain.events import layer_in_payload
from stackline.domain.filters import EventFilter
from stackline.services import integrity
from stackline.services.files import event_files, labelled_events, read_events, seed_directory
from stackline.services.recording import ImportFailed, LabelledEvent, import_events
from stackline.services.runtime import load_seed
from stackline.services.timeline import export_chunks
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from tests.conftest import fresh_database_url
from tests.integration.builders import launched, registered, retracted
from tests.integration.test_log import count

# Storage-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.storage


def export_document(database: Database, **filters: Any) -> dict[str, Any]:
    chosen = EventFilter(include_voided=True, **filters)
    return json.loads("".join(export_chunks(database, chosen)))


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def import_file(database: Database, path: Path, dry_run: bool = False) -> Any:
    return import_events(database, read_events(event_files([path])), "importer", dry_run)


def second_engine(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    """Another empty database on the same backend."""
    directory = tmp_path / "second"
    directory.mkdir()
    postgres = request.getfixturevalue("second_postgres_url") if backend == "postgres" else None
    database = Database(make_engine(fresh_database_url(backend, directory, postgres)))
    upgrade(database.engine)
    return database


def test_a_full_export_imported_into_an_empty_database_exports_identically(
    database: Database, backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    load_seed(database)
    company = registered("zeta", "2001")
    import_events(database, [LabelledEvent("x", company)], "someone else")
    first = export_document(database)
    path = write(tmp_path / "export.json", first)
    target = second_engine(backend, tmp_path, request)
    try:
        report = import_file(target, path)
        assert report.created == first["count"]
        second = export_document(target)
        assert second["events"] == first["events"]  # ids, seq, recorded_at, recorded_by, hashes
        assert import_file(target, path).created == 0
    finally:
        target.dispose()


def test_an_export_honours_filters(database: Database) -> None:
    load_seed(database)
    models = export_document(database, layer="model")
    assert models["count"] == len(models["events"]) > 5
    assert {layer_in_payload(e["type"], e["payload"]) for e in models["events"]} == {"model"}
    assert "model.released" in {e["type"] for e in models["events"]}
    assert {e["type"] for e in models["events"]} <= {
        "model.released", "dependency.formed", "dependency.ended", "asset.retired",
        "asset.aliased",
    }  # fmt: skip
    spacex = export_document(database, company="spacex", types=("acquisition.completed",))
    assert {e["payload"]["target"] for e in spacex["events"]} == {"xai", "anysphere"}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "malformed JSON"),
        (json.dumps([{"type": "chip.exploded"}]), "unknown event type"),
        (json.dumps([registered("acme", "2024-13")]), "occurred_on"),
        (json.dumps([launched("chip", "nobody", "X", "2020")]), "payload.company"),
        (json.dumps({"format": "something-else", "events": []}), "format"),
    ],
)
def test_a_bad_import_names_the_file_the_event_and_the_field_and_writes_nothing(
    database: Database, tmp_path: Path, content: str, words: str
) -> None:
    good = registered("acme", "2000")
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "00-good.json", [good])
    (folder / "10-bad.json").write_text(content)
    with pytest.raises(ImportFailed) as caught:
        import_file(database, folder)
    message = str(caught.value)
    assert "10-bad.json" in message and words in message
    if content.startswith("["):
        assert "event 1" in message
    assert count(database) == 0


def test_an_existing_id_with_other_content_fails_the_whole_import(
    database: Database, tmp_path: Path
) -> None:
    first = registered("acme", "2000")
    import_file(database, write(tmp_path / "a.json", [first]))
    changed = {**first, "summary": "changed"}
    with pytest.raises(ImportFailed, match="already exists"):
        import_file(database, write(tmp_path / "b.json", [registered("beta"), changed]))
    assert count(database) == 1


def test_a_dry_run_validates_everything_and_writes_nothing(
    database: Database, tmp_path: Path
) -> None:
    report = import_file(database, seed_directory(), dry_run=True)
    assert report.created > 50 and report.dry_run
    assert count(database) == 0


def test_an_export_whose_text_or_hash_was_edited_is_refused(
    database: Database, tmp_path: Path
) -> None:
    load_seed(database)
    document = export_document(database)
    edited_text = json.loads(json.dumps(document))
    edited_text["events"][3]["summary"] = "rewritten history"
    edited_hash = json.loads(json.dumps(document))
    edited_hash["events"][5]["hash"] = "f" * 64
    for name, edited in (("text", edited_text), ("hash", edited_hash)):
        with pytest.raises(ImportFailed, match="does not match its hash"):
            import_file(database, write(tmp_path / f"{name}.json", edited))


def test_retractions_and_corrections_survive_the_round_trip(
    database: Database, tmp_path: Path
) -> None:
    acme = registered("acme", "2000")
    chip = launched("chip", "acme", "A1", "2020")
    fixed = launched("chip", "acme", "A1", "2020-06")
    fixed["supersedes"] = chip["id"]
    items = [acme, chip, fixed, retracted(fixed["id"])]
    import_file(database, write(tmp_path / "log.json", items))
    document = export_document(database)
    assert [e["seq"] for e in document["events"]] == [1, 2, 3, 4]
    assert import_file(database, write(tmp_path / "again.json", document)).created == 0


def test_an_export_made_before_origins_existed_imports_verifies_and_keeps_every_hash(
    database: Database,
) -> None:
    """Version-2 events (no `origin`) import as they are: the chain verifies, and exported
    again each event is the same but for `origin: null` (upcast) and `voided_by` (worked out
    again), hashes unchanged."""
    old = Path(__file__).parent / "pinned_logs" / "seed-8318.json"
    before = json.loads(old.read_text())
    assert {e["schema_version"] for e in before["events"]} == {2}
    assert all("origin" not in e for e in before["events"])
    import_events(database, labelled_events(old.name, old.read_bytes()), "restorer")
    assert integrity.verify(database).ok
    after = json.loads("".join(export_chunks(database, EventFilter(include_voided=True))))
    again = [{k: v for k, v in e.items() if k != "voided_by"} for e in after["events"]]
    assert [{**e, "origin": None} for e in before["events"]] == again


def test_a_lone_surrogate_is_refused_not_turned_into_another_character(
    database: Database, tmp_path: Path
) -> None:
    """The C parser would store "\\ud800" as "?"; the reader refuses it in words."""
    path = write(tmp_path / "surrogate.json", [registered("acme", "2001", "Acme \ud800 Labs")])

    with pytest.raises(ImportFailed) as refusal:
        import_file(database, path)

    assert "lone surrogate" in str(refusal.value) and count(database) == 0
    paired = write(tmp_path / "paired.json", [registered("acme", "2001", "Acme \U0001f600 Labs")])
    assert import_file(database, paired).created == 1


def test_a_file_in_utf16_is_refused_asking_for_utf8(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "utf16.json"
    path.write_text(json.dumps([registered("acme")]), encoding="utf-16")

    with pytest.raises(ImportFailed) as refusal:
        import_file(database, path)

    assert "UTF-16" in str(refusal.value) and "save it as UTF-8" in str(refusal.value)


def test_a_whole_export_of_drafts_without_seq_is_a_selection_sealed_anew(
    database: Database, tmp_path: Path
) -> None:
    """DESIGN §4: a file may leave out what the store assigns; a document that says it is whole
    but whose events carry no seq is imported as drafts, not refused."""
    drafts = [registered("acme", "2001"), launched("chip", "acme", "A1", "2020")]
    document = {"format": "stackline-timeline", "filters": EventFilter().as_dict(),
                "count": 2, "events": drafts}  # fmt: skip

    assert import_file(database, write(tmp_path / "drafts.json", document)).created == 2


def test_a_whole_export_with_include_subsidiaries_but_no_company_keeps_its_seals(
    database: Database, tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    """`--include-subsidiaries` says nothing without `--company`: still a whole export."""
    load_seed(database)
    document = export_document(database, include_subsidiaries=True)
    assert document["filters"]["include_subsidiaries"] is True
    target = second_engine(backend, tmp_path, request)
    try:
        import_file(target, write(tmp_path / "whole.json", document))
        assert export_document(target)["events"] == document["events"]
    finally:
        target.dispose()
