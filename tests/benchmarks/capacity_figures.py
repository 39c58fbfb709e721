"""The capacity bar (issue 24 item 5): `/api/v1/capacity` over every company costs, per company
returned, ≤ 1.5 × at 10,000 companies what it costs at 100.

The industry log of the matrix benchmark (`synthetic.industry_events`), with sizes: each compute
launch gets megawatts and H100-equivalents, and each compute partnership names one of its
provider's facilities launched by then (some name none, and are listed, not counted). Requests
go through the Flask app in process; each repeat asks for another day, so the API's answer
cache never answers for the code being measured.

    python -m tests.benchmarks.capacity_figures [--small 100] [--large 10000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from stackline.services.recording import LabelledEvent, import_events
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from stackline.web import create_app
from tests.benchmarks.measure import Figure, growth_figure, median
from tests.benchmarks.presence_figures import days, timed_gets
from tests.benchmarks.synthetic import industry_events

REPEATS = 15


def with_capacity(documents: list[dict[str, Any]], seed: int = 11) -> list[dict[str, Any]]:
    """The log with sizes on compute launches and facilities named by compute partnerships."""
    rng = random.Random(seed)
    facilities: dict[str, list[tuple[str, str]]] = {}  # owner → (name, launch day)
    for document in documents:
        payload = document["payload"]
        if document["type"] == "compute.launched":
            payload["capacity_mw"] = rng.choice([10, 50, 150, 300])
            payload["h100e"] = rng.choice([2_000, 20_000, 100_000])
            facilities.setdefault(payload["company"], []).append(
                (payload["facility"], document["occurred_on"])
            )
        elif document["type"] == "partnership.formed" and payload["layer"] == "compute":
            known = [
                name
                for name, launched in facilities.get(payload["provider"], [])
                if launched <= document["occurred_on"]
            ]
            if known and rng.random() < 0.8:
                payload["asset"] = rng.choice(known)
    return documents


def capacity_app(work: Path, companies: int) -> Flask:
    path = work / f"capacity-{companies}.db"
    database = Database(make_engine(f"sqlite:///{path}"))
    upgrade(database.engine)
    documents = with_capacity(industry_events(companies))
    import_events(database, (LabelledEvent(str(i), d) for i, d in enumerate(documents)), "bench")
    database.dispose()
    return create_app(
        {"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench", "PUBLIC_READ": True}
    )


def ranking_us_per_company(app: Flask) -> tuple[float, int]:
    urls = [f"/api/v1/capacity?as_of={day}" for day in days(REPEATS)]
    runs = timed_gets(app, urls)
    per_row = [s / max(1, len(a.get_json()["companies"])) for s, a in runs]
    return median(per_row) * 1e6, len(runs[0][1].get_json()["companies"])


def capacity_figures(work: Path, small: int = 100, large: int = 10_000) -> list[Figure]:
    work.mkdir(parents=True, exist_ok=True)
    measured = {size: ranking_us_per_company(capacity_app(work, size)) for size in (small, large)}
    for size in (small, large):
        print(f"  {size:>6,} companies: /api/v1/capacity {measured[size][0]:.1f} µs per company "
              f"({measured[size][1]:,} rows on {days(1)[0]})", flush=True)  # fmt: skip
    figure = growth_figure(
        f"/api/v1/capacity per company, {large:,} vs {small:,} companies",
        measured[large][0], measured[small][0], 1.5, "µs",
    )  # fmt: skip
    return [figure]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stackline-capacity-bench-"))
    try:
        for figure in capacity_figures(work, args.small, args.large):
            print(figure.row())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
