"""The app behind PgBouncer in transaction pooling mode (Debian's `pgbouncer`), without a flag.

A real PgBouncer on loopback (its own port, `auth_type = trust`, `pool_mode = transaction`) in
front of this run's PostgreSQL test database. First the control: through it, a session's SQL
prepared statement and a WITH HOLD cursor are gone in the next transaction (so the run below would
fail if the app kept them). Then a gunicorn server with two workers, its DATABASE_URL pointed at
PgBouncer and DATABASE_POOLER unset (egov_plan/pooler.py finds the pooler by itself), serves an
officer's day while another client reads pages at the same time: log in, the entry page, saves, the
table page, the draft PDF, the dashboard's export (a QuerySet.iterator()), and a separate process
iterates a queryset in small chunks with queries in between. Nothing fails, every save is stored
once (one history row per indicator per save), and the last save's values are the stored ones.

Skipped, saying why, without PostgreSQL or without PgBouncer installed (`.ci/run` installs it).
"""

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from egov_plan import pooler
from reports.quarters.models import Achievement, QuarterlyReport
from tests.bulk.test_bulk_print_worker import process_env, shared_database_url
from tests.conftest import PASSWORD
from tests.entry_values import save_data
from tests.html_forms import form_data
from tests.processes import free_port, stop, wait_until, write_pgbouncer_config

PGBOUNCER = shutil.which("pgbouncer") or (
    "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PgBouncer fronts PostgreSQL: run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.skipif(
        PGBOUNCER is None, reason="pgbouncer is not installed (apt-get install pgbouncer)"
    ),
    pytest.mark.django_db(transaction=True),
]

SAVES = 4
START_TIMEOUT = 60


@pytest.fixture
def bouncer():
    """(host, port) of a PgBouncer in transaction mode in front of this run's PostgreSQL."""
    db = connection.settings_dict
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    port = free_port()
    config = write_pgbouncer_config(
        folder,
        server=(db["HOST"] or "127.0.0.1", db["PORT"] or 5432),
        listen=("127.0.0.1", port),
        user=db["USER"],
        default_pool_size=4,
        max_client_conn=100,
        server_round_robin=1,
        logfile=f"{folder}/pgbouncer.log",
    )
    command = [PGBOUNCER, "-q"] + (
        ["-u", "postgres"] if os.geteuid() == 0 else []
    )  # it refuses to run as root
    process = subprocess.Popen(
        [*command, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        import psycopg2

        def answers() -> bool:
            try:
                psycopg2.connect(
                    host="127.0.0.1", port=port, user=db["USER"], dbname=db["NAME"]
                ).close()
            except psycopg2.OperationalError:
                return False
            return True

        wait_until(
            process,
            answers,
            timeout=15,
            what="pgbouncer",
            interval=0.1,
            exited=lambda: process.stderr.read().decode(),
        )
        yield "127.0.0.1", port
    finally:
        stop(process, timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def through(bouncer) -> str:
    """This test's DATABASE_URL with PgBouncer's address in place of PostgreSQL's."""
    host, port = bouncer
    return re.sub(r"@[^/]+/", f"@{host}:{port}/", shared_database_url(Path(tempfile.gettempdir())))


def test_the_pooler_really_drops_session_state_and_is_detected(bouncer):
    import psycopg2

    db = connection.settings_dict
    a = psycopg2.connect(host=bouncer[0], port=bouncer[1], user=db["USER"], dbname=db["NAME"])
    b = psycopg2.connect(host=bouncer[0], port=bouncer[1], user=db["USER"], dbname=db["NAME"])
    try:
        a.autocommit = b.autocommit = True
        with a.cursor() as cursor:
            cursor.execute("PREPARE probe AS SELECT 1")
        b.autocommit = False
        with b.cursor() as cursor:  # b holds the server connection a used, in an open transaction
            cursor.execute("SELECT 1")
        with a.cursor() as cursor, pytest.raises(psycopg2.errors.InvalidSqlStatementName):
            cursor.execute("EXECUTE probe")  # another server connection: the statement is not there
        b.rollback()
        assert pooler.behind_proxy(a)
    finally:
        a.close()
        b.close()
    direct = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )
    try:
        assert not pooler.behind_proxy(direct)
    finally:
        direct.close()


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, data: dict | None = None) -> tuple[int, bytes, str]:
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read(), ""

    def login(self, username: str) -> None:
        _, page, _ = self.open("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, page, _ = self.open(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        )
        assert status == 200 and b'name="password"' not in page, page[:2000]


@pytest.fixture
def server(tmp_path, people, signing_key, bouncer):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    for user in (
        people.officer,
        people.reviewer,
    ):  # the server's own hasher (the tests use a fast one)
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
        user.save(update_fields=["password"])
    env = process_env(through(bouncer), signing_key, DEVELOPMENT="1", DB_CONN_MAX_AGE="60")
    env.pop("DATABASE_POOLER", None)  # found by itself
    env.pop("DB_PREPARED_STATEMENTS", None)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "egov_plan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            process,
            lambda: Browser(base).open("/healthz")[0] == 200,
            timeout=START_TIMEOUT,
            what="gunicorn",
            exited=log.read_text,
        )
        yield base, env, log
    finally:
        stop(process)


def test_an_officers_day_and_a_reviewers_reads_through_pgbouncer(server, people):
    base, env, log = server
    plan = people.plan
    edit, table = f"/plans/{plan.pk}/quarters/2/edit/", f"/plans/{plan.pk}/quarters/2/?scores=1"

    failures, reads = [], [0]
    stop = threading.Event()

    def reviewer():  # reads at the same time, so that transactions move between server connections
        browser = Browser(base)
        browser.login("reviewer")
        while not stop.is_set():
            for path in (
                table,
                f"/plans/{plan.pk}/quarters/2/",
                "/inbox/",
                "/dashboard/",
                "/dashboard/export.xlsx?year=2022&quarter=2",
            ):
                status, _, _ = browser.open(path)
                reads[0] += 1
                if status != 200:
                    failures.append(f"reviewer {path}: {status}")

    thread = threading.Thread(target=reviewer)
    thread.start()
    try:
        officer = Browser(base)
        officer.login("officer")
        sent = None
        for round_ in range(1, SAVES + 1):
            status, page, _ = officer.open(edit)
            assert status == 200, log.read_text()[-6000:]
            sent = save_data(form_data(page.decode(), "entry-form"), plan, round_=round_)
            status, page, _ = officer.open(edit, sent)
            assert status == 200 and b"is-invalid" not in page, (
                page[:3000],
                log.read_text()[-6000:],
            )
            status, _, _ = officer.open(table)
            assert status == 200
        status, body, kind = officer.open(f"/plans/{plan.pk}/quarters/2/pdf")
        assert status == 200 and body.startswith(b"%PDF") and "pdf" in kind
        status, body, _ = officer.open(f"/plans/{plan.pk}/quarters/2/pdf")  # the kept draft
        assert status == 200 and body.startswith(b"%PDF")
        # Another process: a queryset iterated in chunks of 5 with a query between rows (Django's
        # server-side cursor would be fetched from in later transactions, on other server connections).
        script = (
            "from reports.models import Achievement\nfrom egov_plan.models import Indicator\n"
            "n = 0\nfor indicator in Indicator.objects.order_by('pk').iterator(chunk_size=5):\n"
            "    Achievement.objects.filter(indicator=indicator).count(); n += 1\nprint(n)\n"
        )
        iterated = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert iterated.returncode == 0, iterated.stderr
    finally:
        stop.set()
        thread.join(timeout=60)
    assert failures == [], failures[:10]
    assert reads[0] >= 5
    assert "Traceback" not in log.read_text(), log.read_text()[-5000:]

    from egov_plan.plans.models import Indicator

    indicators = Indicator.objects.filter(activity__area__plan=plan).count()
    assert int(iterated.stdout.split()[-1]) >= indicators > 5
    report = QuarterlyReport.objects.get(plan=plan, quarter=2)
    stored = {a.indicator_id: a for a in Achievement.objects.filter(report=report)}
    assert len(stored) == indicators
    assert (
        Achievement.history.filter(report_id=report.pk).count() == SAVES * indicators
    )  # each save once
    values = {k[len("value_") :]: v for k, v in sent.items() if k.startswith("value_")}
    assert len(values) == indicators
    from egov_plan.core import bangla, scoring
    from tests.load.check import _mismatches

    parse = {
        scoring.DATE: bangla.parse_date,
        scoring.PERCENT: bangla.parse_percent,
        scoring.COUNT: bangla.parse_count,
    }
    stored = {
        a.indicator_id: a
        for a in Achievement.objects.filter(report=report).select_related("indicator")
    }
    assert _mismatches(stored, values, parse) == []
