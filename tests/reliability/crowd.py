"""Writer and reader processes (tests/reliability/writer.py) started together against a server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

WRITER_SCRIPT = Path(__file__).with_name("writer.py")


class Crowd:
    """Processes that wait for one go signal; every one is ended when the crowd closes."""

    def __init__(self, directory: Path, base_url: str, token: str | None = None) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.base_url = base_url
        self.token = token
        self.go_file = directory / "go"
        self.stop_file = directory / "stop"
        self.members: dict[str, subprocess.Popen[bytes]] = {}

    def _start(self, name: str, plan: dict[str, Any]) -> None:
        plan_path = self.directory / f"{name}.plan.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        with (self.directory / f"{name}.log").open("wb") as log:
            self.members[name] = subprocess.Popen(
                [sys.executable, str(WRITER_SCRIPT), str(plan_path), str(self._results(name))],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def _results(self, name: str) -> Path:
        return self.directory / f"{name}.results.json"

    def writer(
        self,
        name: str,
        events: list[dict[str, Any]],
        give_up_after: int = 10**6,
        barriers: tuple[list[int], int] = ([], 0),
    ) -> None:
        """A writer; `barriers` = (event indexes, party size): at each of those events the
        party's writers wait for one another, then post together."""
        barrier_dir = self.directory / "barriers"
        barrier_dir.mkdir(exist_ok=True)
        self._start(
            name,
            {
                "mode": "write", "name": name, "base_url": self.base_url, "token": self.token,
                "go_file": str(self.go_file), "events": events, "give_up_after": give_up_after,
                "barrier_dir": str(barrier_dir), "barriers": barriers[0], "party": barriers[1],
            },
        )  # fmt: skip

    def reader(self, name: str, paths: list[str]) -> None:
        self._start(
            name,
            {
                "mode": "read", "base_url": self.base_url, "go_file": str(self.go_file),
                "stop_file": str(self.stop_file), "paths": paths,
            },
        )  # fmt: skip

    def go(self) -> None:
        self.go_file.touch()

    def stop_readers(self) -> None:
        self.stop_file.touch()

    def running(self, name: str) -> bool:
        return self.members[name].poll() is None

    def wait(self, names: list[str], timeout: float) -> dict[str, dict[str, Any]]:
        """Each named member's results; the test fails if one overruns or breaks."""
        deadline = time.monotonic() + timeout
        results = {}
        for name in names:
            process = self.members[name]
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pytest.fail(f"{name} did not finish in {timeout:.0f} s")
            log = (self.directory / f"{name}.log").read_text(errors="replace")
            if process.returncode != 0:
                pytest.fail(f"{name} exited with {process.returncode}:\n{log[-2000:]}")
            results[name] = json.loads(self._results(name).read_text(encoding="utf-8"))
        return results

    def close(self) -> None:
        self.stop_readers()
        for process in self.members.values():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)

    def __enter__(self) -> Crowd:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
