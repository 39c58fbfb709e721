"""The `stackline` command line on both backends: the same documents as the services, exit codes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from stackline.cli import main
from stackline.services import stacks
from stackline.services.files import event_files, read_events, seed_directory
from stackline.store.database import make_engine
from stackline.store.units_of_work import Database

SEED_DOCUMENTS = [item.raw for item in read_events(event_files([seed_directory()]))]
SEED_EVENT_COUNT = len(SEED_DOCUMENTS)
_VOIDED = {d["supersedes"] for d in SEED_DOCUMENTS if d.get("supersedes")} | {
    d["payload"]["event"] for d in SEED_DOCUMENTS if d["type"] == "event.retracted"
}
# TimelineJS gives one slide per live event: voided events and retractions are no slides.
SEED_SLIDE_COUNT = sum(
    d["id"] not in _VOIDED and d["type"] != "event.retracted" for d in SEED_DOCUMENTS
)


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("STACKLINE_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(main, list(args), input=stdin, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def seeded(run):
    result = run("import", str(seed_directory()))
    assert result.exit_code == 0, result.output
    return run


def test_import_loads_the_seed_and_a_second_import_changes_nothing(run) -> None:
    first = run("import", str(seed_directory()))
    assert first.exit_code == 0 and f"imported {SEED_EVENT_COUNT} new events" in first.output
    again = run("import", str(seed_directory()))
    assert f"imported 0 new events ({SEED_EVENT_COUNT} already stored)" in again.output


def test_a_dry_run_writes_nothing(run) -> None:
    dry_run = run("import", "--dry-run", str(seed_directory())).output
    assert f"would import {SEED_EVENT_COUNT} new events" in dry_run
    assert json.loads(run("export").stdout)["count"] == 0


def test_a_bad_import_exits_1_naming_file_event_and_field(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {
                    "type": "company.registered",
                    "occurred_on": "2020-Q9",
                    "summary": "x",
                    "sources": [{"title": "t"}],
                    "payload": {"company": "acme", "name": "Acme"},
                }
            ]
        )
    )
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert "bad.json, event 1" in result.output and "occurred_on" in result.output
    assert "nothing was written" in result.output


def test_stack_json_is_the_services_document(seeded, database_url: str) -> None:
    result = seeded("stack", "spacex", "--as-of", "2026-07-01", "--json")
    database = Database(make_engine(database_url))
    try:
        expected = stacks.stack_of(database, "spacex", date(2026, 7, 1)).as_dict()
    finally:
        database.dispose()
    assert json.loads(result.stdout) == expected
    text_form = seeded("stack", "spacex", "--as-of", "2026-07-01").output
    assert "Colossus" in text_form and "via xai" in text_form


def test_stack_of_an_unknown_company_exits_1(seeded) -> None:
    result = seeded("stack", "nobody")
    assert result.exit_code == 1 and "no company 'nobody'" in result.output


def test_matrix_json_ranks_the_four_full_stack_companies_first(seeded) -> None:
    document = json.loads(seeded("matrix", "--as-of", "2026-11-01", "--json").stdout)
    # The corrected seed has four companies owning all four layers on this day (Google is no
    # longer alone); equal rows rank by name.
    companies = document["companies"]
    assert [c["slug"] for c in companies[:4]] == ["amazon", "google", "meta", "microsoft"]
    for company in companies[:4]:
        assert company["owned_layers"] == ["hardware", "compute", "model", "application"]
    assert len(companies[4]["owned_layers"]) < 4


def test_export_to_a_file_and_the_timelinejs_format(seeded, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert seeded("export", "-o", str(out), "--company", "nvidia").exit_code == 0
    document = json.loads(out.read_text())
    assert (
        document["format"] == "stackline-timeline"
        and document["count"] == len(document["events"]) > 2
    )
    timeline = json.loads(seeded("export", "--format", "timelinejs").stdout)
    assert len(timeline["events"]) == SEED_SLIDE_COUNT
    assert all("unique_id" in e and "start_date" in e and "group" in e for e in timeline["events"])


def test_verify_passes_then_names_the_first_tampered_seq(seeded, database_url: str) -> None:
    ok = seeded("verify")
    assert ok.exit_code == 0 and f"ok: {SEED_EVENT_COUNT} events" in ok.output
    database = Database(make_engine(database_url))
    try:
        with database.engine.begin() as connection:
            if database.dialect == "sqlite":
                connection.execute(text("DROP TRIGGER events_no_update"))
            else:
                connection.execute(text("DROP TRIGGER events_no_update_delete ON events"))
            connection.execute(text("UPDATE events SET summary = 'forged' WHERE seq = 12"))
    finally:
        database.dispose()
    bad = seeded("verify")
    assert bad.exit_code == 1 and "seq 12" in bad.output


def test_rebuild_reports_the_events_replayed(seeded) -> None:
    result = seeded("rebuild")
    assert result.exit_code == 0 and f"from {SEED_EVENT_COUNT} events" in result.output
    assert seeded("verify").exit_code == 0


def test_users_and_tokens_are_created(run) -> None:
    assert run("init").exit_code == 0
    created = run("users", "create", "alice", "--password-stdin", stdin="long enough password\n")
    assert created.exit_code == 0 and "created user alice" in created.output
    duplicate = run("users", "create", "alice", "--password-stdin", stdin="long enough password\n")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    token = run("tokens", "create", "ci").stdout.strip()
    assert token.startswith("stk_") and len(token) > 30


def test_init_migrates_and_says_so(run) -> None:
    result = run("init")
    assert result.exit_code == 0 and "schema is up to date" in result.output


def test_every_command_names_its_database_and_only_init_serve_and_import_make_one(
    run, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    refused = run("users", "create", "bob", "--password-stdin", stdin="long enough password\n",
                  env={"STACKLINE_DATABASE_URL": url})  # fmt: skip
    assert refused.exit_code == 1
    assert f"database: {url}" in refused.stderr
    assert "holds no Stackline database" in refused.stderr and url in refused.stderr
    assert not (tmp_path / "elsewhere.db").exists()  # nothing was created
    for command in (["stack", "google"], ["matrix"], ["export"], ["tokens", "create", "x"]):
        answer = run(*command, env={"STACKLINE_DATABASE_URL": url})
        assert answer.exit_code == 1 and f"database: {url}" in answer.stderr, command
    made = run("init", env={"STACKLINE_DATABASE_URL": url})
    assert made.exit_code == 0 and f"database: {url}" in made.stderr
    again = run("users", "create", "bob", "--password-stdin", stdin="long enough password\n",
                env={"STACKLINE_DATABASE_URL": url})  # fmt: skip
    assert again.exit_code == 0 and f"database: {url}" in again.stderr
