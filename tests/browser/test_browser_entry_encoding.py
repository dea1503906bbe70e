"""How the entry form travels (Debian's Chromium). It is written multipart, since each indicator can
take evidence files; with JavaScript, a save that carries no file goes URL-encoded (static/js/
entry-form.js), the cheaper body for the server to read. Values are stored the same either way, and
a file chosen, or a browser without JavaScript, still sends multipart."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reports.quarters.models import Achievement, Evidence, QuarterlyReport
from tests.browser.test_browser_workflow import browser, log_in  # noqa: F401  (fixtures)
from tests.helpers import PDF_BYTES, indicator_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def saved_with(page, button: str, answer: str) -> str:
    """Clicks the button and waits for the page that answers with `answer` (a success message, unlike
    the last one); returns the Content-Type the browser posted the form with."""
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.get_by_role("button", name=button).click()
    expect(page.locator(".alert-success")).to_contain_text(answer)
    return posted.value.headers["content-type"]


def stored(plan, code: str) -> Achievement:
    return Achievement.objects.get(
        report__plan=plan, report__quarter=2, indicator=indicator_by_code(plan, code)
    )


def test_a_save_without_files_goes_url_encoded_and_a_save_with_one_goes_multipart(
    browser, live_server, people, tmp_path
):  # noqa: F811
    plan = people.plan
    page = log_in(browser, live_server, "officer")
    page.goto(f"{live_server.url}/plans/{plan.pk}/quarters/2/edit/")
    assert (
        page.locator("#entry-form").get_attribute("enctype") == MULTIPART
    )  # as written, for no-script browsers

    page.get_by_label("[১.৩.১] এর অর্জন (%)").fill("৬০%")
    page.get_by_label("[১.৩.১] মন্তব্য").fill("প্রমাণক ছাড়া")
    assert saved_with(
        page, "সংরক্ষণ করুন", "সংরক্ষিত হয়েছে (১টি মান পরিবর্তিত, ০টি প্রমাণক যুক্ত)"
    ).startswith(URLENCODED)
    assert stored(plan, "1.3.1").value == Decimal("60")
    assert stored(plan, "1.3.1").remarks == "প্রমাণক ছাড়া"

    evidence = tmp_path / "সভার-কার্যবিবরণী.pdf"
    evidence.write_bytes(PDF_BYTES)
    page.get_by_label("[১.১.১] এর অর্জন (তারিখ)").fill("১০/১০/২২")
    page.get_by_label("[১.১.১] প্রমাণক").set_input_files(str(evidence))
    assert saved_with(
        page, "সংরক্ষণ করুন", "সংরক্ষিত হয়েছে (১টি মান পরিবর্তিত, ১টি প্রমাণক যুক্ত)"
    ).startswith(MULTIPART)
    assert stored(plan, "1.1.1").value == datetime.date(2022, 10, 10)
    assert (
        Evidence.objects.get(
            report__plan=plan, indicator=indicator_by_code(plan, "1.1.1")
        ).original_name
        == "সভার-কার্যবিবরণী.pdf"
    )

    # Submitting without a file goes URL-encoded too, and the report is submitted.
    assert saved_with(page, "দাখিল করুন", "প্রতিবেদনটি দাখিল করা হয়েছে").startswith(URLENCODED)
    assert QuarterlyReport.objects.get(plan=plan, quarter=2).status == QuarterlyReport.SUBMITTED


def test_without_javascript_the_form_still_saves_multipart(browser, live_server, people):  # noqa: F811
    plan = people.plan
    page = log_in(browser, live_server, "officer", java_script_enabled=False)
    page.goto(f"{live_server.url}/plans/{plan.pk}/quarters/2/edit/")
    page.get_by_label("[২.১.১] এর অর্জন (সংখ্যা)").fill("৪")
    assert saved_with(page, "সংরক্ষণ করুন", "সংরক্ষিত হয়েছে (১টি মান পরিবর্তিত").startswith(MULTIPART)
    assert stored(plan, "2.1.1").value == Decimal("4")
