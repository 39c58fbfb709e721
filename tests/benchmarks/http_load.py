"""HTTP figure: the company stack endpoint vs a trivial endpoint, on one real `stackline serve`,
each under the same `wrk` load (loopback only, bounded duration)."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from tests.benchmarks.measure import Figure, throughput_figure


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop a server this process started: SIGTERM, then SIGKILL after 15 s."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wrk_requests_per_second(base: str, paths: list[str], seconds: int) -> float:
    script = "counter = 0\npaths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
    script += 'request = function()\n  counter = counter + 1\n  return wrk.format("GET", paths[(counter % #paths) + 1])\nend\n'
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", handle.name, base],
                                check=True, capture_output=True, text=True).stdout  # fmt: skip
    finally:
        os.unlink(handle.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} error responses:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]


def measure_http(database: Path, slugs: list[str], day: date, seconds: int) -> list[Figure]:
    port = free_port()
    env = {
        **os.environ,
        "STACKLINE_DATABASE_URL": f"sqlite:///{database}",
        "STACKLINE_SECRET_KEY": "bench",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "stackline", "serve", "--no-datasets", "--port", str(port), "--workers", "1", "--threads", "8"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/healthz", time.monotonic() + 60)
        stack_paths = [f"/api/v1/companies/{slug}/stack?as_of={day.isoformat()}" for slug in slugs]
        # Warm the answer cache first, every URL once: the figure is the served answer, not its
        # first composition (the as_of figure measures that), on fast and slow machines alike.
        # One worker, so that one pass warms it whichever process would take a connection.
        for path in stack_paths:
            with urllib.request.urlopen(base + path, timeout=60) as answer:
                answer.read()
        # Alternate short rounds, so a change of the machine's load falls on both alike.
        trivial_rounds, stack_rounds = [], []
        for _ in range(3):
            trivial_rounds.append(wrk_requests_per_second(base, ["/healthz"], max(2, seconds // 3)))
            stack_rounds.append(wrk_requests_per_second(base, stack_paths, max(2, seconds // 3)))
        trivial, stack = statistics.median(trivial_rounds), statistics.median(stack_rounds)
    finally:
        stop_server(server)
    note = (f"wrk -t2 -c16, medians of 3 alternating rounds, {len(stack_paths)} distinct stack URLs, "
            "stackline serve: 1 worker × 8 threads, answer cache warmed")  # fmt: skip
    return [
        throughput_figure(
            "HTTP stack endpoint vs trivial endpoint", stack, trivial, 0.5, "req/s", note
        )
    ]
