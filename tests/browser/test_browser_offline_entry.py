"""Nothing typed is lost when the link drops (Debian's Chromium): a save made offline is queued,
survives a reload (the service worker's copy of the page, marked offline, shows the typed values and
the queued save), and goes out once when the link is back; an offline copy becomes the server's
page once the link is back; a save whose answer the link lost (the server killed after committing
it) is sent again and applied once; a conflict found on resend shows both values as a save online
does."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from egov_plan.accounts.models import Membership
from reports.quarters.models import Achievement, SaveKey
from tests.browser.test_browser_workflow import browser, log_in  # noqa: F401  (fixtures)
from tests.bulk.test_bulk_print_worker import shared_database_url
from tests.conftest import client_for, make_user
from tests.helpers import indicator_by_code
from tests.html_forms import form_data
from tests.pdf.test_verify_limit_across_processes import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VALUE_211 = "[২.১.১] এর অর্জন (সংখ্যা)"
VALUE_131 = "[১.৩.১] এর অর্জন (%)"
REMARKS_131 = "[১.৩.১] মন্তব্য"
NOT_SAVED = "এখনও সংরক্ষিত হয়নি"


def kept_for_offline(page, timeout: float = 15) -> None:
    """Waits until the service worker keeps this page, and the style sheets and scripts it loads, for
    opening offline. (Polled with evaluate, which awaits the promise: wait_for_function would take the
    promise itself as a truthy answer and not wait at all.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate("""() => navigator.serviceWorker.ready.then(() => Promise.all(
            [caches.match(location.pathname, {cacheName: 'entry-pages-v1'})].concat(
                Array.from(document.querySelectorAll('link[rel="stylesheet"][href], script[src]'),
                           node => caches.match(node.href || node.src, {cacheName: 'entry-static-v1'})))))
            .then(kept => kept.every(Boolean))"""):
        assert time.monotonic() < deadline, (
            f"the service worker did not keep the page within {timeout} s"
        )
        page.wait_for_timeout(100)


def saved_by_a_colleague(client, plan, code: str, text: str):
    """Another session saves one value of the quarter through the entry form; the indicator."""
    indicator = indicator_by_code(plan, code)
    url = f"/plans/{plan.pk}/quarters/2/edit/"
    data = form_data(client.get(url).content.decode(), "entry-form")
    data.update({f"value_{indicator.pk}": text, "action": "save"})
    assert client.post(url, data).status_code == 302
    return indicator


def history_rows(page, base: str, plan, code: str) -> int:
    page.goto(f"{base}/plans/{plan.pk}/quarters/2/history/")
    """How many changes the history page lists for the indicator (one row: its value and remark)."""
    rows = page.locator("table.achievement-changes tbody tr").all_inner_texts()
    shown = code.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    return sum(1 for row in rows if f"[{shown}]" in row.split("\t"))


def test_a_save_made_offline_survives_a_reload_and_is_saved_once_when_back_online(
    browser, live_server, people
):
    plan = people.plan
    edit_url = f"{live_server.url}/plans/{plan.pk}/quarters/2/edit/"
    page = log_in(browser, live_server, "officer")
    page.goto(edit_url)
    kept_for_offline(page)
    page.reload()  # now under the worker, as a second visit is
    page.get_by_label(VALUE_211).fill("৩")
    page.get_by_label(VALUE_131).fill("৩৫%")
    page.get_by_label(REMARKS_131).fill("ই-নথি ড্যাশবোর্ড অনুযায়ী")

    page.context.set_offline(True)
    page.get_by_role("button", name="সংরক্ষণ করুন").click()
    expect(page.locator(".entry-not-saved")).to_contain_text(NOT_SAVED)
    assert not Achievement.objects.filter(report__plan=plan, report__quarter=2).exists()

    # Reloaded offline: the worker's copy, marked so, with what was typed and the queued save.
    page.reload()
    expect(page.locator(".entry-offline-copy")).to_contain_text("অফলাইনে")
    expect(page.locator(".entry-restored")).to_contain_text("ফিরিয়ে আনা হয়েছে")
    expect(page.locator(".entry-not-saved")).to_contain_text(NOT_SAVED)
    assert page.get_by_label(VALUE_211).input_value() == "৩"
    assert page.get_by_label(REMARKS_131).input_value() == "ই-নথি ড্যাশবোর্ড অনুযায়ী"

    page.context.set_offline(False)
    expect(page.locator(".alert-success")).to_contain_text(
        "সংরক্ষিত হয়েছে (২টি মান পরিবর্তিত", timeout=20000
    )
    expect(page.locator(".entry-not-saved")).to_have_count(0)
    assert page.get_by_label(VALUE_211).input_value() == "৩"
    assert (
        Achievement.objects.get(
            report__plan=plan, report__quarter=2, indicator=indicator_by_code(plan, "2.1.1")
        ).value
        == 3
    )
    assert SaveKey.objects.count() == 1
    # Saved once: one change per field in the history, and nothing left to restore.
    assert history_rows(page, live_server.url, plan, "2.1.1") == 1
    assert history_rows(page, live_server.url, plan, "1.3.1") == 1
    page.goto(edit_url)
    expect(page.locator(".entry-restored")).to_have_count(0)
    assert (
        page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('entry:')).length")
        == 0
    )


def test_an_offline_copy_becomes_the_servers_page_once_the_link_is_back(
    browser, live_server, people
):
    plan = people.plan
    page = log_in(browser, live_server, "officer")
    page.goto(f"{live_server.url}/plans/{plan.pk}/quarters/2/edit/")
    kept_for_offline(page)
    page.get_by_label(VALUE_211).fill("৭")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator(".entry-offline-copy")).to_be_visible()
    page.wait_for_timeout(3000)  # offline, the copy stays: nothing to load it from
    expect(page.locator(".entry-offline-copy")).to_be_visible()

    # Meanwhile a colleague's save, which the copy cannot show.
    saved_by_a_colleague(client_for(people.officer), plan, "1.3.1", "৪৫%")

    page.context.set_offline(False)
    expect(page.locator(".entry-offline-copy")).to_have_count(0, timeout=20000)
    expect(page.get_by_label(VALUE_131)).to_have_value("৪৫%")  # the server's page
    expect(page.locator(".entry-restored")).to_contain_text("এখনও সংরক্ষিত হয়নি")
    assert page.get_by_label(VALUE_211).input_value() == "৭"  # what was typed, kept


def test_typed_values_come_back_after_leaving_the_page_and_can_be_discarded(
    browser, live_server, people
):
    plan = people.plan
    edit_url = f"{live_server.url}/plans/{plan.pk}/quarters/2/edit/"
    page = log_in(browser, live_server, "officer")
    page.goto(edit_url)
    page.get_by_label(VALUE_211).fill("৭")
    page.wait_for_timeout(500)  # the draft is written a moment after typing
    page.goto("about:blank")  # left without saving, as a closed tab or a crash
    page.goto(edit_url)
    expect(page.locator(".entry-restored")).to_contain_text("এখনও সংরক্ষিত হয়নি")
    assert page.get_by_label(VALUE_211).input_value() == "৭"
    page.get_by_role("button", name="রাখা লেখাগুলো বাতিল করুন").click()
    page.wait_for_load_state()
    expect(page.locator(".entry-restored")).to_have_count(0)
    assert page.get_by_label(VALUE_211).input_value() == ""


def test_a_conflict_found_when_the_queued_save_goes_out_shows_both_values(
    browser, live_server, people
):
    plan = people.plan
    colleague = make_user("colleague", people.office, Membership.OFFICER, first_name="সহকর্মী")
    edit_url = f"{live_server.url}/plans/{plan.pk}/quarters/2/edit/"
    page = log_in(browser, live_server, "officer")
    page.goto(edit_url)
    page.get_by_label(VALUE_211).fill("৩")
    page.context.set_offline(True)
    page.get_by_role("button", name="সংরক্ষণ করুন").click()
    expect(page.locator(".entry-not-saved")).to_contain_text(NOT_SAVED)

    # Meanwhile a colleague saves the same field.
    indicator = saved_by_a_colleague(client_for(colleague), plan, "2.1.1", "৫")

    page.context.set_offline(False)
    conflicts = page.locator(".edit-conflicts")
    expect(conflicts).to_contain_text("আপনার লেখা “৩”, সংরক্ষিত “৫”", timeout=20000)
    expect(page.locator(".entry-not-saved")).to_have_count(0)
    assert page.get_by_label(VALUE_211).input_value() == "৩"
    assert (
        Achievement.objects.get(report__plan=plan, report__quarter=2, indicator=indicator).value
        == 5
    )
    # Pressing save again keeps the officer's value, as on the page without the queue.
    page.get_by_role("button", name="সংরক্ষণ করুন").click()
    expect(page.locator(".alert-success")).to_contain_text("সংরক্ষিত হয়েছে (১টি মান পরিবর্তিত")
    assert (
        Achievement.objects.get(report__plan=plan, report__quarter=2, indicator=indicator).value
        == 3
    )


# ---- the server killed mid-save -------------------------------------------------------------


class Server:
    """gunicorn on one port over the test's database (tests/lossy_wsgi.py), started and killed at will."""

    def __init__(self, tmp_path, database_url: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.tmp_path = tmp_path
        self.mark = tmp_path / "saved-but-not-answered"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEVELOPMENT": "1",
            "DJANGO_SETTINGS_MODULE": "egov_plan.settings",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        self.env.pop("REDIS_URL", None)
        self.process = None

    def start(self, *, lossy: bool) -> None:
        env = dict(self.env, **({"LOSSY_SAVE_MARK": str(self.mark)} if lossy else {}))
        log = open(self.tmp_path / f"gunicorn-{time.monotonic_ns()}.log", "w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tests.lossy_wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, "gunicorn exited"
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5):
                    return
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)

    def kill(self) -> None:
        """As a crash or a power cut: SIGKILL to the master and its worker, no answer sent."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)


def test_a_save_whose_answer_died_with_the_server_is_sent_again_and_applied_once(
    browser, people, tmp_path
):
    plan = people.plan
    session = Client()
    session.force_login(people.officer)
    cookie = session.cookies[settings.SESSION_COOKIE_NAME].value
    server = Server(
        tmp_path, shared_database_url(tmp_path)
    )  # after the login: a SQLite copy holds it
    server.start(lossy=True)
    try:
        context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="bn-BD")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server.base}]
        )
        page = context.new_page()
        page.goto(f"{server.base}/plans/{plan.pk}/quarters/2/edit/")
        page.get_by_label(VALUE_211).fill("৩")
        page.get_by_label(REMARKS_131).fill("একবারই")
        page.get_by_role("button", name="সংরক্ষণ করুন").click()

        # The server saved (and committed) it, then died before answering.
        deadline = time.monotonic() + 30
        while not server.mark.exists():
            assert time.monotonic() < deadline, "the save never reached the server"
            time.sleep(0.1)
        server.kill()
        expect(page.locator(".entry-not-saved")).to_contain_text(NOT_SAVED, timeout=20000)

        server.start(lossy=False)  # the same address, as a restarted server
        # The retry (backing off) sends it again with its key: answered as the first time, applied once.
        expect(page.locator(".alert-success")).to_contain_text(
            "সংরক্ষিত হয়েছে (২টি মান পরিবর্তিত", timeout=40000
        )
        expect(page.locator(".entry-not-saved")).to_have_count(0)
        assert history_rows(page, server.base, plan, "2.1.1") == 1
        assert history_rows(page, server.base, plan, "1.3.1") == 1
        context.close()
    finally:
        if server.process and server.process.poll() is None:
            server.kill()
