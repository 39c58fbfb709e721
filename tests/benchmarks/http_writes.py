"""HTTP write figures: `POST /api/v1/events` on a real `stackline serve` (127.0.0.1 only).

- one writer, one keep-alive connection, posting in sequence, against the in-process single
  append of the same events, measured in the same run;
- eight concurrent writers, each on its own connection, on PostgreSQL against the same on SQLite.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

from stackline.services.recording import record_event
from stackline.services.runtime import load_seed, open_database
from tests.benchmarks.http_load import free_port, stop_server, wait_until_up
from tests.benchmarks.measure import Figure, throughput_figure, timed

COMPANIES = ["openai", "google", "nvidia", "meta", "anthropic"]


def documents(count: int, tag: str) -> list[dict[str, Any]]:
    return [
        {"id": str(uuid4()), "type": "model.released", "occurred_on": "2026-01-01",
         "summary": f"Benchmark model {tag} {i}", "sources": [{"title": "bench"}],
         "payload": {"company": COMPANIES[i % 5], "model": f"Bench {tag} {i}", "access": "closed"}}
        for i in range(count)
    ]  # fmt: skip


class Served:
    """`stackline serve` on a fresh seeded database, with an API token."""

    def __init__(self, directory: Path, url: str, workers: int = 2, threads: int = 8) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "STACKLINE_DATABASE_URL": url, "STACKLINE_SECRET_KEY": "bench"}
        command = [sys.executable, "-m", "stackline"]
        subprocess.run([*command, "init"], env=self.env, cwd=directory, check=True,
                       capture_output=True)  # fmt: skip
        self.token = subprocess.run([*command, "tokens", "create", "bench"], env=self.env,
                                    cwd=directory, check=True, capture_output=True,
                                    text=True).stdout.strip()  # fmt: skip
        self.port = free_port()
        self.process = subprocess.Popen(
            [*command, "serve", "--no-datasets", "--port", str(self.port), "--workers", str(workers),
             "--threads", str(threads)],
            env=self.env, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_up(f"http://127.0.0.1:{self.port}/healthz", time.monotonic() + 120)

    def post_all(self, events: list[dict[str, Any]]) -> None:
        """Post in sequence on one keep-alive connection; every answer must be 201."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        try:
            for event in events:
                connection.request("POST", "/api/v1/events", json.dumps(event), headers)
                answer = connection.getresponse()
                body = answer.read()
                if answer.status != 201:
                    raise RuntimeError(f"POST answered {answer.status}: {body[:300]!r}")
        finally:
            connection.close()

    def stop(self) -> None:
        stop_server(self.process)


def concurrent_rate(served: Served, writers: int, each: int, tag: str) -> float:
    plans = [documents(each, f"{tag}{w}") for w in range(writers)]
    threads = [threading.Thread(target=served.post_all, args=(plan,)) for plan in plans]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return writers * each / (time.perf_counter() - start)


def sequential_figure(work: Path, count: int) -> Figure:
    in_process = open_database(f"sqlite:///{work / 'in-process.db'}")
    load_seed(in_process)
    seconds, _ = timed(
        lambda: [record_event(in_process, d, "bench") for d in documents(count, "a")]
    )
    in_process.dispose()
    served = Served(work / "http-sqlite", f"sqlite:///{work / 'http-sqlite' / 'stackline.db'}")
    try:
        over_http, _ = timed(lambda: served.post_all(documents(count, "h")))
    finally:
        served.stop()
    return throughput_figure(
        "POST /api/v1/events, one writer over HTTP vs in-process single append",
        count / over_http, count / seconds, 0.5,
        note=f"{count} events, one keep-alive connection, SQLite, stackline serve 2 workers × 8 threads",
    )  # fmt: skip


def concurrent_figure(work: Path, postgres_url: str, writers: int = 8, each: int = 60) -> Figure:
    rates = {}
    for name, url in (("sqlite", f"sqlite:///{work / 'conc-sqlite' / 'stackline.db'}"),
                      ("postgres", postgres_url)):  # fmt: skip
        served = Served(work / f"conc-{name}", url)
        try:
            concurrent_rate(served, writers, 5, f"warm-{name}")
            rates[name] = concurrent_rate(served, writers, each, name)
        finally:
            served.stop()
    return throughput_figure(
        f"POST /api/v1/events, {writers} concurrent writers, PostgreSQL vs SQLite",
        rates["postgres"], rates["sqlite"], 0.5,
        note=f"{writers} × {each} events, a keep-alive connection each, stackline serve 2 × 8",
    )  # fmt: skip


def http_write_figures(work: Path, postgres_url: str | None, count: int = 300) -> list[Figure]:
    figures = [sequential_figure(work, count)]
    if postgres_url:
        figures.append(concurrent_figure(work, postgres_url))
    return figures
