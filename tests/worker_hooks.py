"""The project's Celery app, for a test worker that must stop at a chosen moment:

    celery -A tests.worker_hooks worker …

With BULK_PRINT_PARK_FILE set, a worker process that has written the first PDF into the zip it is
building for a bulk print writes {"pid": its pid, "total": the PDFs the zip will hold} to that
file and waits there (for ever), so that the test can kill the worker at exactly that moment,
without racing it.
It parks once: when the file exists already, the worker goes on.

With SIGN_PARK_FILE set, a worker process that starts signing a report for a bulk print writes
{"pid": its pid, "report": the report's id} to that file and waits there in the same way, so that
the test kills the pool process in the middle of a signing task, never between two tasks.
"""

import json
import os
import time
from pathlib import Path

from celery import signals

from egov_plan.celery import app  # noqa: F401  (`celery -A tests.worker_hooks` takes the app from here)

PARK_FILE = os.getenv("BULK_PRINT_PARK_FILE")
SIGN_PARK_FILE = os.getenv("SIGN_PARK_FILE")


@signals.worker_process_init.connect
def connect_the_hook(**kwargs) -> None:
    from reports.bulk.printing import zip_entry_written

    zip_entry_written.connect(park, dispatch_uid="tests.worker_hooks.park")


def park(sender, done, total, **kwargs) -> None:
    if PARK_FILE and done == 1:
        wait_here(PARK_FILE, total=total)


@signals.task_prerun.connect
def park_while_signing(sender=None, args=(), **kwargs) -> None:
    if SIGN_PARK_FILE and sender is not None and sender.name == "reports.tasks.sign_for_bulk_print":
        wait_here(SIGN_PARK_FILE, report=args[1])


def wait_here(park_file: str, **where) -> None:
    """Say where this process is (once: when the file exists already, go on), then wait for ever."""
    if Path(park_file).exists():
        return
    temporary = Path(f"{park_file}.tmp")
    temporary.write_text(json.dumps({"pid": os.getpid(), **where}))
    os.replace(temporary, park_file)
    while True:
        time.sleep(60)
