"""Bulk print end to end in real processes: a Celery worker against the machine's Redis, and
the command killed half-way (SIGKILL) then run again.

The worker and the command are separate processes, so they must see this test's data: on
PostgreSQL they use the test database itself; on SQLite (in memory) the data is copied to a
file first. Redis database 5 is this suite's (REDIS_TEST_URL overrides it); the worker test is
skipped, saying why, only when no Redis answers there. CI starts Redis, so there it runs.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from egov_plan import media
from reports.bulk.models import BulkPrintJob
from reports.pdf.models import SignedDocument
from reports.quarters.models import QuarterlyReport
from tests.bulk_tree import build_tree, pdf_name, read_zip
from tests.conftest import SIGNING_PASSPHRASE, needs_shared_media
from tests.factories import make_plan
from tests.helpers import stored_bytes
from tests.signatures import assert_signed_by_us

pytestmark = [pytest.mark.django_db(transaction=True), needs_shared_media]

REDIS_TEST_URL = os.getenv("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")
TIMEOUT = 180  # seconds; a real run takes a few


def redis_problem() -> str | None:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        return (
            f"no Redis answers at {REDIS_TEST_URL} ({exc}); start one (see README) to run this test"
        )
    return None


def shared_database_url(tmp_path: Path) -> str:
    """A DATABASE_URL through which another process sees this test's committed data."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        target = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{target}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def job_state(database_url: str, job: BulkPrintJob) -> tuple[str, int, int]:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(
                "SELECT status, done, total FROM reports_bulkprintjob WHERE id = ?", (job.pk.hex,)
            ).fetchone()
    job.refresh_from_db()
    return job.status, job.done, job.total


def process_env(database_url: str, signing_key: Path, **extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SIGNING_PKCS12_PATH": str(signing_key),
        "SIGNING_PKCS12_PASSPHRASE": SIGNING_PASSPHRASE,
        "DJANGO_SETTINGS_MODULE": "egov_plan.settings",
    }
    env.pop("REDIS_URL", None)  # in-process unless the caller names the broker
    env.update(extra)
    return env


def bigger_tree(people, extra: int):
    """The small tree, with `extra` more approved reports under the supervising office."""
    tree = build_tree(people)
    plans = [
        make_plan(indicators=3, office_name=f"পরীক্ষা দপ্তর {n}", parent=people.supervising)
        for n in range(extra)
    ]
    QuarterlyReport.objects.filter(plan__in=plans, quarter=1).update(status="approved", revision=1)
    tree.approved = [*tree.approved, *plans]
    return tree


@pytest.fixture
def queue(people, tmp_path, signing_key):
    """Start a worker with `start(concurrency)` once the test's data is in place; returns
    (env, log path, worker process). Skipped, saying why, when no Redis answers."""
    problem = redis_problem()
    if problem:
        pytest.skip(problem)
    redis.Redis.from_url(REDIS_TEST_URL).flushdb()  # no message left over from an earlier run
    started = []

    def start(
        concurrency: int, *, app: str = "egov_plan", database_url: str | None = None, **extra_env
    ):
        env = process_env(
            database_url or shared_database_url(tmp_path),
            signing_key,
            REDIS_URL=REDIS_TEST_URL,
            **extra_env,
        )
        log = tmp_path / f"worker-{len(started)}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    app,
                    "worker",
                    "--concurrency",
                    str(concurrency),
                    "--loglevel",
                    "info",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--hostname",
                    f"test-{uuid.uuid4().hex[:8]}@localhost",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # its own process group: the worker and its pool die together
        started.append(process)
        return env, log, process

    yield start
    for process in started:
        stop(process, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stop(process, signal.SIGKILL)
            process.wait()


def stop(process, how) -> None:
    """Send `how` to a worker and its pool processes (one process group)."""
    try:
        os.killpg(process.pid, how)
    except ProcessLookupError:  # gone already
        pass


def new_job(people) -> BulkPrintJob:
    return BulkPrintJob.objects.create(
        requested_by=people.reviewer, root_office=people.supervising, start_year=2022, quarter=1
    )


def send(job) -> None:
    Celery(broker=REDIS_TEST_URL, backend=REDIS_TEST_URL).send_task(
        "reports.tasks.bulk_print", args=[str(job.pk)]
    )


def wait_for(env, job, log, until) -> tuple[str, int, int]:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        state = job_state(env["DATABASE_URL"], job)
        if until(state):
            return state
        time.sleep(0.2)
    raise AssertionError(f"job stuck at {state}; worker log:\n{log.read_text()[-3000:]}")


def finished(state) -> bool:
    return state[0] in (BulkPrintJob.DONE, BulkPrintJob.FAILED)


def zip_name(job) -> str:
    return f"bulk/{job.pk}.zip"


def assert_complete_zip(job, tree, signing_key) -> None:
    files, rows = read_zip(stored_bytes(zip_name(job)))
    assert sorted(files) == sorted(pdf_name(plan) for plan in tree.approved)
    for data in files.values():
        assert_signed_by_us(data, signing_key)
    assert len(rows) == len(tree.approved) + 2  # and Tarakanda, Haluaghat: missing
    assert media.files_under("bulk") == [zip_name(job)]  # and nothing else stored beside it


def test_a_real_worker_prints_a_small_tree_and_every_pdf_in_the_zip_validates(
    queue, people, signing_key
):
    tree = build_tree(people)
    job = new_job(people)
    env, log, _ = queue(2)
    send(job)
    assert wait_for(env, job, log, finished) == (BulkPrintJob.DONE, 2, 2), log.read_text()[-3000:]
    assert_complete_zip(job, tree, signing_key)
    worker_log = log.read_text()
    assert "reports.tasks.sign_for_bulk_print" in worker_log  # the signing went through the queue
    assert "reports.tasks.assemble_bulk_print" in worker_log


def test_a_worker_process_killed_mid_print_loses_nothing_its_task_runs_again(
    queue, people, signing_key, tmp_path
):
    tree = bigger_tree(people, extra=4)
    job = new_job(people)
    parked = tmp_path / "signing.json"
    env, log, worker = queue(1, app="tests.worker_hooks", SIGN_PARK_FILE=str(parked))
    send(job)
    where = json.loads(wait_for_file(parked, log).read_text())  # the pool process, signing a report
    children = subprocess.run(
        ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
    ).stdout.split()
    assert children == [str(where["pid"])]
    os.kill(where["pid"], signal.SIGKILL)  # in the middle of its task

    assert wait_for(env, job, log, finished) == (BulkPrintJob.DONE, 6, 6), log.read_text()[-3000:]
    assert_complete_zip(job, tree, signing_key)
    worker_log = log.read_text()
    assert "signal 9 (SIGKILL)" in worker_log
    assert "WorkerLostError" in worker_log  # the task it was running was given back and run again


def see_what_the_workers_wrote(database_url: str) -> None:
    """Let this process's pages see the shared database: on SQLite the worker's file is copied
    back over the in-memory test database (on PostgreSQL they are the same database)."""
    if database_url.startswith("sqlite:///"):
        connection.ensure_connection()
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as shared:
            shared.backup(connection.connection)


def wait_for_file(path: Path, log: Path) -> Path:
    deadline = time.monotonic() + TIMEOUT
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{path.name} never appeared; worker log:\n{log.read_text()[-3000:]}"
            )
        time.sleep(0.1)
    return path


def dead(pid: int, within: float = 10) -> bool:
    """The process is gone (or a zombie: killed, not yet reaped by whoever adopted it)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def assert_only_in_progress_is_visible(reviewer_client, job, database_url) -> None:
    see_what_the_workers_wrote(database_url)
    page = reviewer_client.get(f"/bulk-print/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh"' in page and "/ ২</div>" in page, (
        page
    )  # running, of two reports
    assert "/download" not in page
    assert reviewer_client.get(f"/bulk-print/{job.pk}/download").status_code == 404
    assert media.files_under("bulk") == []  # not the zip, nor any part of it


def test_a_worker_killed_while_writing_the_zip_leaves_no_partial_zip_and_a_new_worker_completes_it(
    queue, people, signing_key, reviewer_client, tmp_path
):
    """The whole worker (main process and pool) dies at once, as with a machine lost, in the middle
    of the zip: nothing gives its task back, so Redis delivers it again after the visibility
    timeout (3 s here), to the worker started next."""
    tree = build_tree(people)
    job = new_job(people)
    parked = tmp_path / "parked.json"
    env, log, worker = queue(
        1, app="tests.worker_hooks", BULK_PRINT_PARK_FILE=str(parked), CELERY_VISIBILITY_TIMEOUT="3"
    )
    send(job)
    where = json.loads(
        wait_for_file(parked, log).read_text()
    )  # first PDF written into the zip being built
    assert where["total"] == 2
    assert_only_in_progress_is_visible(reviewer_client, job, env["DATABASE_URL"])

    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert dead(where["pid"])  # the pool process too
    # The zip was being built in the dead process's temporary file: nothing of it is left anywhere
    # a user, the download or another server looks, and nothing waits for a purge.
    assert_only_in_progress_is_visible(reviewer_client, job, env["DATABASE_URL"])

    _, new_log, _ = queue(1, database_url=env["DATABASE_URL"], CELERY_VISIBILITY_TIMEOUT="3")
    assert wait_for(env, job, new_log, finished) == (BulkPrintJob.DONE, 2, 2), new_log.read_text()[
        -3000:
    ]
    assert_complete_zip(job, tree, signing_key)
    see_what_the_workers_wrote(env["DATABASE_URL"])
    assert (
        SignedDocument.objects.filter(report__plan__in=tree.approved).count() == 2
    )  # none signed twice
    download = reviewer_client.get(f"/bulk-print/{job.pk}/download")
    files, _ = read_zip(b"".join(download.streaming_content))
    assert sorted(files) == sorted(pdf_name(plan) for plan in tree.approved)
    assert (
        "reports.tasks.assemble_bulk_print" in new_log.read_text()
    )  # delivered again, to the new worker


def run_command(env, office, target, **popen):
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "bulk_print",
            "--under",
            office.code,
            "--year",
            "2022",
            "--quarter",
            "1",
            "-o",
            str(target),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_a_print_killed_half_way_leaves_no_zip_and_running_it_again_completes_it(
    people, tmp_path, signing_key
):
    tree = bigger_tree(people, extra=4)
    env = process_env(shared_database_url(tmp_path), signing_key)
    target = tmp_path / "out" / "q1.zip"

    process = run_command(env, people.supervising, target)
    seen = []
    for line in process.stderr:  # one progress line per signed PDF when not on a terminal
        seen.append(line)
        if " 1/6 " in line:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, seen
    assert not target.exists()
    assert all(
        path.name.startswith(".") for path in target.parent.iterdir()
    )  # only a hidden leftover

    finished = run_command(env, people.supervising, target)
    out, err = finished.communicate(timeout=TIMEOUT)
    assert finished.returncode == 0, err
    assert list(target.parent.iterdir()) == [target]  # the killed run's temporary file is gone
    files, rows = read_zip(target.read_bytes())
    assert sorted(files) == sorted(pdf_name(plan) for plan in tree.approved)
    for data in files.values():
        assert_signed_by_us(data, signing_key)
    assert len(rows) == 8
