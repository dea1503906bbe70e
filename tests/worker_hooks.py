"""The project's Celery app, for a test worker that must stop at a chosen moment:

    celery -A tests.worker_hooks worker …

With BULK_PRINT_PARK_FILE set, a worker process that has written the first PDF into a bulk
print's temporary zip writes {"pid": its pid, "part": the temporary zip} to that file and waits
there (for ever), so that the test can kill the worker at exactly that moment, without racing it.
It parks once: when the file exists already, the worker goes on.
"""

import json
import os
import time
from pathlib import Path

from celery import signals

from egov_plan.celery import app  # noqa: F401  (`celery -A tests.worker_hooks` takes the app from here)

PARK_FILE = os.getenv("BULK_PRINT_PARK_FILE")


@signals.worker_process_init.connect
def connect_the_hook(**kwargs) -> None:
    from reports.bulk_print import zip_entry_written

    zip_entry_written.connect(park, dispatch_uid="tests.worker_hooks.park")


def park(sender, path, done, total, **kwargs) -> None:
    if not PARK_FILE or done != 1 or Path(PARK_FILE).exists():
        return
    temporary = Path(f"{PARK_FILE}.tmp")
    temporary.write_text(json.dumps({"pid": os.getpid(), "part": str(path), "total": total}))
    os.replace(temporary, PARK_FILE)
    while True:
        time.sleep(60)
