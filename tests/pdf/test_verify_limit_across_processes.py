"""/verify/'s limit holds across worker processes on the embedded default (no Redis): three
gunicorn servers over one database, each its own process with its own memory, get the checks of
one address in turn and all at once; together they let exactly VERIFY_RATE_LIMIT through.

(With a per-process counter, as Django's local-memory cache gives, each server let the limit
through on its own: three times as many.)"""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from egov_plan import rate_limit
from egov_plan.accounts.models import RateLimitHit
from tests.bulk.test_bulk_print_worker import shared_database_url
from tests.processes import free_port, stop, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 4
SERVERS = 3
START_TIMEOUT = 60  # seconds for a server to answer its first request


class Browser:
    """One client of one server: the page's CSRF token, then form posts with a file."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token = None

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.status, response.read().decode()

    def check(self, data: bytes) -> int:
        if self.token is None:
            _, html = self.get("/verify/")
            self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{self.token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.pdf"\r\n'
                f"Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self.base + "/verify/",
            data=body,
            method="POST",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": self.base + "/verify/",
            },
        )
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture
def servers(tmp_path, people):
    database_url = shared_database_url(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEVELOPMENT": "1",
        "DJANGO_SETTINGS_MODULE": "egov_plan.settings",
        "VERIFY_RATE_LIMIT": str(LIMIT),
        "VERIFY_RATE_WINDOW": "600",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("REDIS_URL", None)  # the embedded default: no shared cache
    ports = [free_port() for _ in range(SERVERS)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "egov_plan.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / f"{port}.log", "w"),
        )
        for port in ports
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, port, process in zip(bases, ports, processes):
            wait_until(
                process,
                lambda base=base: Browser(base).get("/verify/")[0] == 200,
                timeout=START_TIMEOUT,
                what=base,
                exited=lambda port=port: (tmp_path / f"{port}.log").read_text(),
            )
        yield bases
    finally:
        for process in processes:
            stop(process)


def test_three_worker_processes_share_one_limit(servers):
    browsers = [Browser(base) for base in servers]
    # In turn: a check to each server, round and round.
    answers = [browsers[n % SERVERS].check(b"not a pdf") for n in range(2 * SERVERS)]
    assert answers == [200] * LIMIT + [429] * (2 * SERVERS - LIMIT)
    assert all(
        browser.check(b"not a pdf") == 429 for browser in browsers
    )  # each server refuses now


def test_checks_sent_all_at_once_to_every_process_are_counted_without_loss(servers, settings):
    browsers = [Browser(base) for base in servers for _ in range(4)]
    for browser in browsers:
        browser.get("/verify/")  # reading the page is free
    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        answers = list(pool.map(lambda browser: browser.check(b"not a pdf"), browsers))
    assert sorted(answers) == [200] * LIMIT + [429] * (len(browsers) - LIMIT)


def test_a_new_window_starts_afresh_and_old_windows_are_deleted(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(rate_limit.time, "time", lambda: now[0])
    assert [rate_limit.hit("verify:203.0.113.7", limit=2, window=60) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert rate_limit.hit("verify:198.51.100.9", limit=2, window=60)  # another address counts apart
    now[0] += 60
    assert rate_limit.hit("verify:203.0.113.7", limit=2, window=60)
    now[0] += 120
    assert rate_limit.hit("verify:192.0.2.1", limit=2, window=60)
    assert list(RateLimitHit.objects.values_list("key", "hits")) == [("verify:192.0.2.1", 1)]
