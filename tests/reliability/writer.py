"""A writer or reader process for the concurrency and crash suites; standard library only.

    python writer.py PLAN.json RESULTS.json

The plan says where the server is and what to do. Every process waits for `go_file` to appear,
so they all start together.

- `"mode": "write"` posts `events` to /api/v1/events in order, once each, and records every
  answer: id, status (0 when no answer came), when it was sent and answered, the stored seq and
  summary, and the start of any unexpected body. After `give_up_after` failed connections in a
  row it stops (the server is gone). Before each event whose index is in `barriers`, it waits
  until all `party` writers have reached that event too, so they post it at the same moment.
- `"mode": "read"` polls `paths` (stack documents) until `stop_file` appears, and records each
  status and whether a stack ever lost entries between two reads (it must not: writers only add).
"""

from __future__ import annotations

import http.client
import json
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

EXPECTED_BODY_STATUSES = {200, 201, 409}


class Client:
    """One keep-alive connection, reopened after any failure."""

    def __init__(self, base_url: str, token: str | None) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token = token
        self.connection: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, str]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
            return answer.status, answer.read(), ""
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return 0, b"", f"{type(error).__name__}: {error}"

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def wait_for_go(plan: dict[str, Any]) -> None:
    go = Path(plan["go_file"])
    deadline = time.monotonic() + 120
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.002)


def meet(plan: dict[str, Any], index: int) -> bool:
    """Wait until every writer of the party reaches event `index`; whether they all did."""
    directory = Path(plan["barrier_dir"])
    (directory / f"{index}.{plan['name']}").touch()
    deadline = time.monotonic() + 30
    while len(list(directory.glob(f"{index}.*"))) < plan["party"]:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.0005)
    return True


def write(plan: dict[str, Any]) -> dict[str, Any]:
    client = Client(plan["base_url"], plan["token"])
    posts: list[dict[str, Any]] = []
    barriers = set(plan.get("barriers", []))
    missed_barriers = 0
    failed_in_a_row = 0
    for index, event in enumerate(plan["events"]):
        if index in barriers and not meet(plan, index):
            missed_barriers += 1
        started = time.monotonic()  # one clock for every process on the machine
        status, body, error = client.send("POST", "/api/v1/events", json.dumps(event).encode())
        record: dict[str, Any] = {
            "id": event.get("id"), "status": status, "error": error,
            "started": started, "ended": time.monotonic(),
        }  # fmt: skip
        if status in (200, 201):
            stored = json.loads(body)
            record.update(id=stored["id"], seq=stored["seq"], summary=stored["summary"])
        elif status not in EXPECTED_BODY_STATUSES:
            record["body"] = body[:300].decode("utf-8", errors="replace")
        posts.append(record)
        failed_in_a_row = failed_in_a_row + 1 if status == 0 else 0
        if failed_in_a_row >= plan.get("give_up_after", 1_000_000):
            break
    client.close()
    return {"posts": posts, "missed_barriers": missed_barriers}


def entry_count(document: dict[str, Any]) -> int:
    return sum(len(layer["entries"]) for layer in document["layers"].values())


def read(plan: dict[str, Any]) -> dict[str, Any]:
    client = Client(plan["base_url"], None)
    stop = Path(plan["stop_file"])
    statuses: dict[str, int] = {}
    last: dict[str, int] = {}
    regressions: list[str] = []
    unexpected: list[str] = []
    reads = 0
    while not stop.exists():
        for path in plan["paths"]:
            status, body, error = client.send("GET", path)
            reads += 1
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status != 200:
                if len(unexpected) < 20:
                    unexpected.append(f"{path}: {status} {error} {body[:200]!r}")
                continue
            count = entry_count(json.loads(body))
            if count < last.get(path, 0):
                regressions.append(f"{path}: {last[path]} entries, then {count}")
            last[path] = max(count, last.get(path, 0))
    client.close()
    return {
        "reads": reads,
        "statuses": statuses,
        "regressions": regressions,
        "unexpected": unexpected,
        "last": last,
    }


def main() -> None:
    plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    wait_for_go(plan)
    started = time.monotonic()
    results = write(plan) if plan["mode"] == "write" else read(plan)
    results["seconds"] = round(time.monotonic() - started, 3)
    partial = Path(sys.argv[2] + ".partial")
    partial.write_text(json.dumps(results), encoding="utf-8")
    partial.replace(sys.argv[2])


if __name__ == "__main__":
    main()
