"""Reliability suites: figures collected from every test, printed at the end and kept in
bench-results/reliability.json (gitignored) for the README to quote.

Each suite's line shows what it achieved — events written, faults injected (kills, tampering),
inputs tried (requests, fuzzed values, events fed to an import) — and what went wrong: bad
answers (single inputs answered wrongly, e.g. with a 5xx) and failures (tests that failed, plus
known defects: strict xfails that name a bug in src). A partial run updates only its suites.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.figures import (
    COUNTERS,
    REPORT_PROPERTY,
    SuiteFigures,
    suite_of,
    take_pending,
)
from tests.reliability.server import EDITOR, Deployment, ServerPool
from tests.reliability.web_client import Visitor

RELIABILITY_NODES = "tests/reliability/"
LARGE_LOG_EVENTS = 40_000
RESULTS_FILE = Path("bench-results") / "reliability.json"
OUTCOMES = ("passed", "failed", "xfailed", "xpassed", "skipped")

_totals: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> SuiteFigures:
    """Where the module's tests count what they did."""
    return SuiteFigures(suite_of(request.module.__name__.rsplit(".", 1)[-1]))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "teardown":  # the test and its fixtures have counted everything by now
        taken = take_pending()
        if taken:
            report.user_properties = [*report.user_properties, (REPORT_PROPERTY, taken)]
    return report


def _tally(suite: str) -> dict[str, Any]:
    return _totals.setdefault(
        suite,
        {
            **dict.fromkeys(COUNTERS, 0),
            "tests": dict.fromkeys(OUTCOMES, 0),
            "runtime_s": 0.0,
            "defects": set(),
        },
    )


def _outcome(report: pytest.TestReport) -> str | None:
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            return "xfailed" if report.skipped else "xpassed"
        return report.outcome
    if report.failed:
        return "failed"  # an error in setup or teardown
    if report.when == "setup" and report.skipped:
        return "xfailed" if hasattr(report, "wasxfail") else "skipped"
    return None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if RELIABILITY_NODES not in report.nodeid:
        return
    tally = _tally(suite_of(report.nodeid))
    tally["runtime_s"] += report.duration
    for name, value in report.user_properties:
        if name == REPORT_PROPERTY:
            for suite, counts in value.items():
                for counter, count in counts.items():
                    _tally(suite)[counter] += count
    outcome = _outcome(report)
    if outcome is not None:
        tally["tests"][outcome] += 1
    if outcome == "xfailed":
        tally["defects"].add(str(report.wasxfail))


def _suite_figures(tally: dict[str, Any], run_at: str) -> dict[str, Any]:
    tests = tally["tests"]
    return {
        **{counter: tally[counter] for counter in COUNTERS},
        "failures": tests["failed"] + tests["xfailed"],
        "known_defects": tests["xfailed"],
        "defects": sorted(tally["defects"]),
        "tests": dict(tests),
        "runtime_s": round(tally["runtime_s"], 1),
        "run_at": run_at,
    }


def _write_results(path: Path, suites: dict[str, dict[str, Any]], run_at: str) -> None:
    """Merge this run's suites into the file: a partial run keeps the other suites' last figures."""
    previous: dict[str, Any] = {}
    if path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8")).get("suites", {})
        except (ValueError, AttributeError):
            previous = {}
    document = {"last_run": run_at, "suites": {**previous, **suites}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not _totals or hasattr(config, "workerinput"):
        return
    run_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    suites = {suite: _suite_figures(tally, run_at) for suite, tally in sorted(_totals.items())}
    path = config.rootpath / RESULTS_FILE
    _write_results(path, suites, run_at)
    write = terminalreporter.write_line
    terminalreporter.section("reliability figures")
    write(
        f"{'suite':<20}{'events written':>16}{'faults injected':>17}{'inputs tried':>14}"
        f"{'bad answers':>13}{'failures':>10}{'known defects':>15}{'tests':>7}{'time':>8}"
    )
    for suite, row in suites.items():
        write(
            f"{suite:<20}{row['events_written']:>16,}{row['faults_injected']:>17,}"
            f"{row['inputs_tried']:>14,}{row['bad_answers']:>13,}{row['failures']:>10}"
            f"{row['known_defects']:>15}"
            f"{sum(row['tests'].values()):>7}{row['runtime_s']:>7.0f}s"
        )
    write(f"written to {RESULTS_FILE} at {run_at}")


@pytest.fixture(scope="session")
def large_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the benchmark's synthetic log of 40,000 events (thousands of
    companies, every event type), built once a test session (about 10 s) and copied by the
    tests that serve it."""
    from tests.benchmarks.measure import built_database

    folder = tmp_path_factory.mktemp("large-log")
    database, _seconds = built_database(folder, LARGE_LOG_EVENTS)
    with database.engine.connect() as connection:  # fold the WAL into the file we copy
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return folder / f"log-{LARGE_LOG_EVENTS}.db"


@pytest.fixture
def live(pool: ServerPool, backend: str, request: pytest.FixtureRequest) -> Deployment:
    """The module's server for this backend (each module starts its own `pool`)."""
    return pool.get(backend, request)


@pytest.fixture
def editor(live: Deployment) -> Visitor:
    """A browser-like visitor signed in as the seeded editor."""
    visitor = Visitor(live.server.base_url)
    assert visitor.login(*EDITOR).status == 302
    return visitor
