"""`stackline datasets import epoch PATH…` (DESIGN §9.2): the plan of a dry run, the report of an
import, and a malformed file refused by file, line and column with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stackline.cli import main
from tests.integration.epoch_support import FIRST_SNAPSHOT, cut_snapshot, start_lines
from tests.unit.adapters import variants
from tests.unit.adapters.variants import CLUSTERS, HARDWARE

ROWS = {
    HARDWARE: ["NVIDIA H100 SXM5 80GB", "NVIDIA B200", "AMD Instinct MI300X"],
    CLUSTERS: ["Microsoft Azure Eagle", "Microsoft GPT-4 cluster"],
}
COMPANIES = [
    {"type": "company.registered", "occurred_on": "1993", "summary": f"{name} is founded",
     "sources": [{"title": "Fixture"}], "payload": {"company": slug, "name": name}}
    for slug, name in (("nvidia", "NVIDIA"), ("microsoft", "Microsoft"), ("openai", "OpenAI"))
]  # fmt: skip


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("STACKLINE_DATABASE_URL", database_url)
    monkeypatch.setenv("STACKLINE_CLOCK", "2026-03-10T12:00:00Z")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    companies = tmp_path / "companies.json"
    companies.write_text(json.dumps(COMPANIES), encoding="utf-8")
    assert invoke("import", str(companies)).exit_code == 0
    return invoke


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    return cut_snapshot(tmp_path / "epoch", FIRST_SNAPSHOT, ROWS)


def event_count(run) -> int:
    return int(json.loads(run("export").stdout)["count"])


def test_a_dry_run_prints_the_plan_and_writes_nothing(run, snapshot: Path) -> None:
    before = event_count(run)

    plan = run("datasets", "import", "epoch", str(snapshot), "--dry-run")

    assert plan.exit_code == 0, plan.output
    lines = plan.stdout.splitlines()
    assert plan.stderr.startswith("database: ")
    assert lines[0].startswith(f"Epoch AI snapshot {FIRST_SNAPSHOT}: would write ")
    assert any(line.startswith(f"{HARDWARE} (epoch-ai/ml-hardware): 3 rows;") for line in lines)
    assert "AMD: 1 rows" in plan.output  # an organization no company is named by, listed
    assert event_count(run) == before
    would = int(lines[0].split("would write ")[1].split()[0])

    done = run("datasets", "import", "epoch", str(snapshot))

    assert done.exit_code == 0, done.output
    assert (
        done.stdout.splitlines()[0] == f"Epoch AI snapshot {FIRST_SNAPSHOT}: wrote {would} events."
    )
    assert event_count(run) == before + would
    again = run("datasets", "import", "epoch", str(snapshot / HARDWARE), str(snapshot / CLUSTERS))
    assert again.stdout.splitlines()[0] == f"Epoch AI snapshot {FIRST_SNAPSHOT}: wrote 0 events."


def test_a_malformed_file_exits_non_zero_naming_file_line_and_column(run, snapshot: Path) -> None:
    variants.set_cell(snapshot, HARDWARE, "NVIDIA B200", "Release date", "in the autumn")
    line = start_lines(snapshot / HARDWARE, "Hardware name")["NVIDIA B200"]
    before = event_count(run)

    result = run("datasets", "import", "epoch", str(snapshot))

    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert f"{HARDWARE}, line {line}, column 'Release date'" in result.output
    assert event_count(run) == before


def test_a_folder_not_named_by_a_date_needs_the_snapshot_option(run, tmp_path: Path) -> None:
    folder = cut_snapshot(tmp_path / "epoch", "latest", ROWS)

    refused = run("datasets", "import", "epoch", str(folder))
    assert refused.exit_code == 1 and "--snapshot" in refused.output

    given = run("datasets", "import", "epoch", str(folder), "--snapshot", "2026-03-06")
    assert given.exit_code == 0, given.output
    assert given.stdout.startswith("Epoch AI snapshot 2026-03-06: wrote ")
