"""Run in a child process: stream a full export of a database to /dev/null, print peak RSS (KiB)."""

from __future__ import annotations

import resource
import sys

from stackline.services.timeline import EventFilter, export_chunks
from stackline.store.database import make_engine

if __name__ == "__main__":
    engine = make_engine(f"sqlite:///{sys.argv[1]}")
    written = 0
    with open("/dev/null", "w") as sink:
        for chunk in export_chunks(engine, EventFilter(include_voided=True)):
            written += len(chunk)
            sink.write(chunk)
    engine.dispose()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, written)
