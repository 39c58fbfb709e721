"""Run in a child process: stream a full export of a database to /dev/null, print peak RSS (KiB).

Peak RSS is read from /proc (VmHWM, this process image's own high-water mark): getrusage's
ru_maxrss survives exec on Linux, so it would report the parent's peak instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stackline.domain.filters import EventFilter
from stackline.services.timeline import export_chunks
from stackline.store.database import make_engine
from stackline.store.units_of_work import Database

if __name__ == "__main__":
    engine = Database(make_engine(f"sqlite:///{sys.argv[1]}"))
    written = 0
    with open("/dev/null", "w") as sink:
        for chunk in export_chunks(engine, EventFilter(include_voided=True)):
            written += len(chunk)
            sink.write(chunk)
    engine.dispose()
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(peak, written)
