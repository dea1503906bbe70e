"""A save the proxy in front of the app could not deliver is kept and sent again (Debian's HAProxy
and Chromium): HAProxy answers 503 when it has no server to send to, 504 when the server it sent to
did not answer within its `timeout server`, and a save that hears nothing at all is given up by the
page itself (static/js/entry-form.js, TIMEOUT_MS). Each time the page says "not yet saved", keeps what
was typed, and once the way to the app is back the queued save goes out by itself and is applied
once: one history change per field.

The proxy is a real HAProxy on loopback in front of the test's live server; the test takes the app
away through HAProxy's runtime API (its admin socket), as an operator or a failing check would.
Skipped, saying why, without HAProxy installed."""

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from reports.quarters.models import Achievement, SaveKey
from tests.browser.test_browser_offline_entry import (
    NOT_SAVED,
    REMARKS_131,
    VALUE_131,
    VALUE_211,
    Server,
    history_rows,
)
from tests.browser.test_browser_workflow import browser, log_in  # noqa: F401  (fixtures)
from tests.bulk.test_bulk_print_worker import shared_database_url
from tests.helpers import indicator_by_code
from tests.processes import free_port, stop, wait_until

HAPROXY = shutil.which("haproxy") or (
    "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        HAPROXY is None, reason="haproxy is not installed (apt-get install haproxy)"
    ),
]

SAVED_TWO = "সংরক্ষিত হয়েছে (২টি মান পরিবর্তিত"
SENDING = "পাঠানো হচ্ছে"


class Silent:
    """A server that takes connections and never answers (as a handler that sleeps)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.held:
            connection.close()


class Proxy:
    """HAProxy in front of the live server. Its backends: `be` (the app), `stall` (a silent server,
    `timeout server` 1 s: HAProxy answers 504), `slow` (the app itself, `timeout server` 1 s) and `hang`
    (the silent server, no answer for longer than the page waits). A stall, slow or hang server made
    ready takes every request; the app put in maintenance leaves HAProxy with no server (503)."""

    def __init__(self, app_url: str, folder: Path):
        app = urlsplit(app_url)
        self.silent = Silent()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.socket_path = folder / "admin.sock"
        config = folder / "haproxy.cfg"
        config.write_text(f"""global
    stats socket {self.socket_path} mode 600 level admin
    maxconn 200

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s

frontend web
    bind 127.0.0.1:{self.port}
    use_backend stall if {{ nbsrv(stall) gt 0 }}
    use_backend slow if {{ nbsrv(slow) gt 0 }}
    use_backend hang if {{ nbsrv(hang) gt 0 }}
    default_backend be

backend be
    server app {app.hostname}:{app.port}

backend stall
    timeout server 1s
    server silent 127.0.0.1:{self.silent.port} disabled

backend slow
    timeout server 1s
    server app {app.hostname}:{app.port} disabled

backend hang
    server silent 127.0.0.1:{self.silent.port} disabled
""")
        check = subprocess.run(
            [HAPROXY, "-c", "-q", "-f", str(config)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wait_until(
            self.process,
            lambda: "app" in self.command("show servers state be"),
            timeout=15,
            what="haproxy",
            interval=0.1,
            exited=lambda: self.process.stderr.read().decode(),
        )

    def command(self, line: str) -> str:
        """One command on HAProxy's runtime API; its answer."""
        with socket.socket(socket.AF_UNIX) as admin:
            admin.connect(str(self.socket_path))
            admin.sendall(line.encode() + b"\n")
            answer = b""
            while chunk := admin.recv(65536):
                answer += chunk
        return answer.decode()

    def state(self, server: str, state: str) -> None:
        assert self.command(f"set server {server} state {state}").strip() == ""

    def close(self):
        stop(self.process, timeout=10)
        self.silent.close()


@pytest.fixture
def proxy(live_server):
    folder = Path(tempfile.mkdtemp(prefix="haproxy-"))
    proxy = Proxy(live_server.url, folder)
    try:
        yield proxy
    finally:
        proxy.close()
        shutil.rmtree(folder, ignore_errors=True)


def typed_and_saved(page, proxy, plan):
    """The officer opens the entry page through the proxy and types two values and a remark."""
    page.goto(f"{proxy.url}/plans/{plan.pk}/quarters/2/edit/")
    page.get_by_label(VALUE_211).fill("৩")
    page.get_by_label(VALUE_131).fill("৩৫%")
    page.get_by_label(REMARKS_131).fill("প্রক্সির পেছনে")


def saved_and_answered(page) -> int:
    """Presses save; the status of the answer the browser got."""
    with page.expect_response(
        lambda response: response.request.method == "POST", timeout=15000
    ) as answer:
        page.get_by_role("button", name="সংরক্ষণ করুন").click()
    return answer.value.status


def still_kept(page, plan) -> None:
    """The page says not yet saved (no longer "sending"), shows what was typed, and nothing reached
    the database."""
    expect(page.locator(".entry-not-saved")).to_contain_text(NOT_SAVED)
    expect(page.locator(".entry-not-saved")).not_to_contain_text(SENDING)
    assert page.get_by_label(VALUE_211).input_value() == "৩"
    assert page.get_by_label(REMARKS_131).input_value() == "প্রক্সির পেছনে"
    assert not Achievement.objects.filter(report__plan=plan, report__quarter=2).exists()


def applied_once(page, proxy, plan) -> None:
    expect(page.locator(".alert-success")).to_contain_text(SAVED_TWO, timeout=20000)
    expect(page.locator(".entry-not-saved")).to_have_count(0)
    assert (
        Achievement.objects.get(
            report__plan=plan, report__quarter=2, indicator=indicator_by_code(plan, "2.1.1")
        ).value
        == 3
    )
    assert SaveKey.objects.count() == 1
    assert history_rows(page, proxy.url, plan, "2.1.1") == 1
    assert history_rows(page, proxy.url, plan, "1.3.1") == 1


def save_answers(page) -> list[int]:
    """The statuses of the entry page's saves (POSTs) as the browser received them."""
    answers = []
    page.on(
        "response",
        lambda response: (
            answers.append(response.status)
            if response.request.method == "POST" and response.url.endswith("/edit/")
            else None
        ),
    )
    return answers


@pytest.mark.parametrize(
    "server, away, back, status",
    [
        ("be/app", "maint", "ready", 503),  # HAProxy has no server left to send to
        ("stall/silent", "ready", "maint", 504),  # the request goes to a server that never answers
    ],
    ids=["503-no-server", "504-server-timeout"],
)
def test_a_save_the_proxy_could_not_deliver_is_kept_and_sent_again_once_the_app_is_back(
    browser, live_server, people, proxy, server, away, back, status
):  # noqa: F811
    plan = people.plan
    page = log_in(browser, SimpleNamespace(url=proxy.url), "officer")
    answers = save_answers(page)
    typed_and_saved(page, proxy, plan)

    proxy.state(server, away)
    assert saved_and_answered(page) == status
    still_kept(page, plan)

    proxy.state(server, back)
    applied_once(page, proxy, plan)  # by the retry, backing off, with no click
    assert answers[-1] == 200 and set(answers[:-1]) == {status}


def test_a_save_that_hears_nothing_is_given_up_by_the_page_kept_and_sent_again(
    browser, live_server, people, proxy
):  # noqa: F811
    plan = people.plan
    page = log_in(browser, SimpleNamespace(url=proxy.url), "officer")
    page.clock.install()  # the page's 30 s wait is fast-forwarded; time flows as ever otherwise
    answers = save_answers(page)
    typed_and_saved(page, proxy, plan)

    proxy.state("hang/silent", "ready")  # HAProxy waits for the server longer than the page does
    with page.expect_event("requestfailed", lambda request: request.method == "POST") as given_up:
        page.get_by_role("button", name="সংরক্ষণ করুন").click()
        expect(page.locator(".entry-not-saved")).to_contain_text(SENDING)
        page.clock.fast_forward(31_000)
    assert "abort" in given_up.value.failure.lower()
    still_kept(page, plan)
    assert not answers  # no answer ever came: the page stopped waiting

    proxy.state("hang/silent", "maint")
    page.clock.fast_forward(3_000)  # the first retry
    applied_once(page, proxy, plan)
    assert answers == [200]


def test_a_save_the_app_applied_after_the_proxy_answered_504_is_sent_again_and_applied_once(
    browser, people, tmp_path
):  # noqa: F811
    """The worst case for a retry: the proxy gave up (504) while the app went on and committed the
    save. Sent again with its key, it is answered as the first time and not applied twice."""
    plan = people.plan
    session = Client()
    session.force_login(people.officer)
    cookie = session.cookies[settings.SESSION_COOKIE_NAME].value
    server = Server(
        tmp_path, shared_database_url(tmp_path)
    )  # after the login: a SQLite copy holds it
    server.start(lossy=True)  # saves are committed, then their answer is held back
    folder = Path(tempfile.mkdtemp(prefix="haproxy-"))
    proxy = Proxy(server.base, folder)
    try:
        context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="bn-BD")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": proxy.url}]
        )
        page = context.new_page()
        typed_and_saved(page, proxy, plan)

        proxy.state("slow/app", "ready")  # HAProxy waits 1 s for the app's answer
        assert saved_and_answered(page) == 504
        deadline = time.monotonic() + 30
        while not server.mark.exists():  # the app commits it all the same
            assert time.monotonic() < deadline, "the save never reached the app"
            time.sleep(0.1)
        expect(page.locator(".entry-not-saved")).to_contain_text(NOT_SAVED)
        expect(page.locator(".entry-not-saved")).not_to_contain_text(SENDING)
        assert page.get_by_label(VALUE_211).input_value() == "৩"

        proxy.state("slow/app", "maint")
        server.kill()  # its one worker still holds the first answer back
        server.start(lossy=False)
        expect(page.locator(".alert-success")).to_contain_text(SAVED_TWO, timeout=30000)
        expect(page.locator(".entry-not-saved")).to_have_count(0)
        assert history_rows(page, proxy.url, plan, "2.1.1") == 1
        assert history_rows(page, proxy.url, plan, "1.3.1") == 1
        context.close()
    finally:
        proxy.close()
        shutil.rmtree(folder, ignore_errors=True)
        if server.process and server.process.poll() is None:
            server.kill()
