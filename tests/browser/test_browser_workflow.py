"""The quarter's work in a real browser: Debian's Chromium, driven by Playwright, on the live server.

An officer enters values (one wrong first), attaches evidence, saves and submits; the reviewer
returns it with a comment; the officer fixes and resubmits; the reviewer approves; the table shows
the new achievements and the entry page refuses changes.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.quarters.models import Evidence, QuarterlyReport
from tests.conftest import PASSWORD
from tests.helpers import PDF_BYTES

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots(tmp_path):
    """Where screenshots go: $SCREENSHOT_DIR if set (to look at them), else a temporary folder."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_in(browser, live_server, username, **options):
    """A new page (its own context; `options`: more of the context's, e.g. java_script_enabled=False),
    signed in through the login form."""
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="bn-BD", **options)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ব্যবহারকারীর নাম").fill(username)
    page.get_by_label("পাসওয়ার্ড").fill(PASSWORD)
    page.get_by_role("button", name="লগ ইন").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_an_officer_and_a_reviewer_take_a_quarter_through_review(
    browser, live_server, people, tmp_path, screenshots
):
    plan = people.plan
    edit_url = f"{live_server.url}/plans/{plan.pk}/quarters/2/edit/"
    table_url = f"{live_server.url}/plans/{plan.pk}/quarters/2/"
    evidence_file = tmp_path / "ই-নথি-প্রতিবেদন.pdf"
    evidence_file.write_bytes(PDF_BYTES)

    # The officer types Bengali-digit values, one date wrong, and attaches evidence.
    officer = log_in(browser, live_server, "officer")
    officer.goto(edit_url)
    officer.get_by_label("[১.২.১] এর অর্জন (তারিখ)").fill("৩২/১৩/২২")
    officer.get_by_label("[১.৩.১] এর অর্জন (%)").fill("৩৫%")
    officer.get_by_label("[২.১.১] এর অর্জন (সংখ্যা)").fill("২")
    officer.get_by_label("[১.৩.১] মন্তব্য").fill("ই-নথি ড্যাশবোর্ড অনুযায়ী")
    officer.get_by_label("[১.৩.১] প্রমাণক").set_input_files(str(evidence_file))
    officer.get_by_role("button", name="সংরক্ষণ করুন").click()

    # The wrong date is flagged beside its field; everything else is still on the page.
    date_input = officer.get_by_label("[১.২.১] এর অর্জন (তারিখ)")
    # With JavaScript the save goes by fetch and its answer replaces the page's content: wait for it.
    expect(date_input).to_have_attribute("aria-invalid", "true")
    error = officer.locator(f"#{date_input.get_attribute('id')}-error")
    assert "সঠিক তারিখ লিখুন" in error.inner_text()
    assert officer.get_by_label("[১.৩.১] এর অর্জন (%)").input_value() == "৩৫%"
    assert officer.get_by_label("[২.১.১] এর অর্জন (সংখ্যা)").input_value() == "২"
    assert officer.get_by_label("[১.৩.১] মন্তব্য").input_value() == "ই-নথি ড্যাশবোর্ড অনুযায়ী"
    assert officer.get_by_role(
        "link", name="ই-নথি-প্রতিবেদন.pdf"
    ).is_visible()  # the valid file was kept
    officer.screenshot(path=str(screenshots / "1-wrong-date.png"), full_page=True)

    date_input.fill("১২/১০/২২")
    officer.get_by_role("button", name="সংরক্ষণ করুন").click()
    expect(officer.locator(".alert-success")).to_contain_text("সংরক্ষিত হয়েছে")
    officer.get_by_role("button", name="দাখিল করুন").click()
    officer.wait_for_url(table_url)
    expect(officer.locator(".badge").first).to_contain_text("দাখিলকৃত")

    # The reviewer finds it in the inbox and returns it with a comment.
    reviewer = log_in(browser, live_server, "reviewer")
    reviewer.goto(f"{live_server.url}/inbox/")
    reviewer.get_by_role("link", name="পর্যালোচনা করুন").click()
    reviewer.wait_for_url(table_url)
    reviewer.get_by_role("button", name="ফেরত পাঠান").click()
    expect(reviewer.locator(".review-panel")).to_contain_text("ফেরত পাঠানোর কারণ লিখুন")
    reviewer.get_by_label("মন্তব্য / কারণ").fill("[২.১.১] এর সংখ্যা তথ্য বাতায়নের সাথে মিলিয়ে দেখুন")
    reviewer.get_by_role("button", name="ফেরত পাঠান").click()
    expect(reviewer.locator(".badge").first).to_contain_text("ফেরতপ্রাপ্ত")

    # The officer sees the comment, fixes the count and resubmits.
    officer.goto(edit_url)
    assert "তথ্য বাতায়নের সাথে মিলিয়ে দেখুন" in officer.content()
    officer.get_by_label("[২.১.১] এর অর্জন (সংখ্যা)").fill("৩")
    officer.get_by_role("button", name="দাখিল করুন").click()
    officer.wait_for_url(table_url)

    # The reviewer approves.
    reviewer.goto(table_url)
    reviewer.get_by_role("button", name="অনুমোদন করুন").click()
    expect(reviewer.locator(".badge").first).to_contain_text("অনুমোদিত")
    report = QuarterlyReport.objects.get(plan=plan, quarter=2)
    assert report.status == QuarterlyReport.APPROVED
    assert [(t.from_status, t.to_status) for t in report.transitions.all()] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]
    assert Evidence.objects.filter(report=report).count() == 1

    # The table shows the achievements to date: ১ + ৩ = ৪, (৩০ + ৩৫) / ২ = ৩২.৫%, ১২/১০/২২.
    reviewer.goto(table_url + "?scores=1")
    cells = {
        code: reviewer.locator(f'tr[data-indicator="{code}"] td.cell-achievement').inner_text()
        for code in ("২.১.১", "১.৩.১", "১.২.১")
    }
    assert cells == {"২.১.১": "৪", "১.৩.১": "৩২.৫%", "১.২.১": "১২/১০/২২"}
    reviewer.screenshot(path=str(screenshots / "2-approved-table.png"), full_page=True)

    # The entry page now refuses changes.
    officer.goto(edit_url)
    assert officer.get_by_role("button", name="সংরক্ষণ করুন").count() == 0
    assert officer.get_by_label("[২.১.১] এর অর্জন (সংখ্যা)").is_disabled()
    assert re.search("পরিবর্তন বা প্রমাণক যোগ/অপসারণ করা যাবে না", officer.content())
    officer.screenshot(path=str(screenshots / "3-locked-entry.png"), full_page=True)
    officer.close()
    reviewer.close()
