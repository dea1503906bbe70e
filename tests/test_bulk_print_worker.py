"""Bulk print end to end in real processes: a Celery worker against the machine's Redis, and
the command killed half-way (SIGKILL) then run again.

The worker and the command are separate processes, so they must see this test's data: on
PostgreSQL they use the test database itself; on SQLite (in memory) the data is copied to a
file first. Redis database 5 is this suite's (REDIS_TEST_URL overrides it); the worker test is
skipped, saying why, only when no Redis answers there. CI starts Redis, so there it runs.
"""

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

from reports.models import BulkPrintJob, QuarterlyReport
from tests.bulk_tree import assert_signed_by_us, build_tree, pdf_name, read_zip
from tests.conftest import SIGNING_PASSPHRASE
from tests.factories import make_plan

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_TEST_URL = os.getenv("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")
TIMEOUT = 180  # seconds; a real run takes a few


def redis_problem() -> str | None:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        return f"no Redis answers at {REDIS_TEST_URL} ({exc}); start one (see README) to run this test"
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
            return db.execute("SELECT status, done, total FROM reports_bulkprintjob WHERE id = ?",
                              (job.pk.hex,)).fetchone()
    job.refresh_from_db()
    return job.status, job.done, job.total


def process_env(database_url: str, signing_key: Path, **extra) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "SIGNING_PKCS12_PATH": str(signing_key), "SIGNING_PKCS12_PASSPHRASE": SIGNING_PASSPHRASE,
           "DJANGO_SETTINGS_MODULE": "egov_plan.settings"}
    env.pop("REDIS_URL", None)  # in-process unless the caller names the broker
    env.update(extra)
    return env


def bigger_tree(people, extra: int):
    """The small tree, with `extra` more approved reports under the supervising office."""
    tree = build_tree(people)
    plans = [make_plan(indicators=3, office_name=f"পরীক্ষা দপ্তর {n}", parent=people.supervising)
             for n in range(extra)]
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

    def start(concurrency: int):
        env = process_env(shared_database_url(tmp_path), signing_key, REDIS_URL=REDIS_TEST_URL)
        log = tmp_path / "worker.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "egov_plan", "worker", "--concurrency", str(concurrency),
                 "--loglevel", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--hostname", f"test-{uuid.uuid4().hex[:8]}@localhost"],
                cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
        started.append(process)
        return env, log, process

    yield start
    for process in started:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def new_job(people) -> BulkPrintJob:
    return BulkPrintJob.objects.create(requested_by=people.reviewer, root_office=people.supervising,
                                       start_year=2022, quarter=1)


def send(job) -> None:
    Celery(broker=REDIS_TEST_URL, backend=REDIS_TEST_URL).send_task("reports.tasks.bulk_print", args=[str(job.pk)])


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


def assert_complete_zip(job, tree, signing_key) -> None:
    target = Path(settings.MEDIA_ROOT) / "bulk" / f"{job.pk}.zip"
    files, rows = read_zip(target.read_bytes())
    assert sorted(files) == sorted(pdf_name(plan) for plan in tree.approved)
    for data in files.values():
        assert_signed_by_us(data, signing_key)
    assert len(rows) == len(tree.approved) + 2  # and Tarakanda, Haluaghat: missing
    assert [p.name for p in target.parent.iterdir() if not p.name.startswith(".")] == [target.name]


def test_a_real_worker_prints_a_small_tree_and_every_pdf_in_the_zip_validates(queue, people, signing_key):
    tree = build_tree(people)
    job = new_job(people)
    env, log, _ = queue(2)
    send(job)
    assert wait_for(env, job, log, finished) == (BulkPrintJob.DONE, 2, 2), log.read_text()[-3000:]
    assert_complete_zip(job, tree, signing_key)
    worker_log = log.read_text()
    assert "reports.tasks.sign_for_bulk_print" in worker_log  # the signing went through the queue
    assert "reports.tasks.assemble_bulk_print" in worker_log


def test_a_worker_process_killed_mid_print_loses_nothing_its_task_runs_again(queue, people, signing_key):
    tree = bigger_tree(people, extra=4)
    job = new_job(people)
    env, log, worker = queue(1)
    send(job)
    wait_for(env, job, log, lambda state: state[1] >= 1)  # signing under way: one done, five queued
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) == 1
    os.kill(int(children[0]), signal.SIGKILL)  # the pool process, in the middle of a task

    assert wait_for(env, job, log, finished) == (BulkPrintJob.DONE, 6, 6), log.read_text()[-3000:]
    assert_complete_zip(job, tree, signing_key)
    worker_log = log.read_text()
    assert "signal 9 (SIGKILL)" in worker_log
    assert "WorkerLostError" in worker_log  # the task it was running was given back and run again


def run_command(env, office, target, **popen):
    return subprocess.Popen(
        [sys.executable, "manage.py", "bulk_print", "--under", office.code, "--year", "2022",
         "--quarter", "1", "-o", str(target)],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def test_a_print_killed_half_way_leaves_no_zip_and_running_it_again_completes_it(
        people, tmp_path, signing_key):
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
    assert all(path.name.startswith(".") for path in target.parent.iterdir())  # only a hidden leftover

    finished = run_command(env, people.supervising, target)
    out, err = finished.communicate(timeout=TIMEOUT)
    assert finished.returncode == 0, err
    files, rows = read_zip(target.read_bytes())
    assert sorted(files) == sorted(pdf_name(plan) for plan in tree.approved)
    for data in files.values():
        assert_signed_by_us(data, signing_key)
    assert len(rows) == 8
