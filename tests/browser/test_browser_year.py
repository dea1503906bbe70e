"""The year's documents in a real browser (Debian's Chromium through Playwright, on the live server):
the officer writes the half-year's narrative and submits it; the reviewer approves; after the fourth
quarter the officer submits the annual self-assessment, the reviewer evaluates (a changed value
without a comment is flagged beside its field), approves, and the year is final; the annual page
shows the office's rank. Screenshots and the two PDFs go to $SCREENSHOT_DIR when it is set."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reports.year.models import Assessment
from tests.browser.test_browser_workflow import browser, log_in, screenshots  # noqa: F401 (fixtures)
from tests.year_helpers import SECOND_QUARTER, enter_quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_half_year_and_the_annual_evaluation_in_the_browser(
    browser,
    live_server,
    people,  # noqa: F811
    screenshots,
):  # noqa: F811
    plan = people.plan
    enter_quarter(people, 2, SECOND_QUARTER)
    half_url = f"{live_server.url}/plans/{plan.pk}/half-year/"
    annual_url = f"{live_server.url}/plans/{plan.pk}/annual/"

    officer = log_in(browser, live_server, "officer")
    officer.goto(f"{live_server.url}/")
    officer.get_by_role("link", name="অর্ধবার্ষিক স্ব-মূল্যায়ন").click()
    officer.wait_for_url(half_url)
    done = officer.get_by_label("কী করা হয়েছে")
    obstacles = officer.get_by_label("প্রতিবন্ধকতা")
    done.nth(0).fill("ই-নথিতে ৬০% নোট নিষ্পত্তি; তথ্য বাতায়ন হালনাগাদ")
    officer.get_by_role("button", name="দাখিল করুন").click()
    expect(officer.locator("main")).to_contain_text("দাখিলের আগে এই ক্ষেত্রে কী করা হয়েছে তা লিখুন।")
    assert done.nth(0).input_value() == "ই-নথিতে ৬০% নোট নিষ্পত্তি; তথ্য বাতায়ন হালনাগাদ"
    officer.screenshot(
        path=str(screenshots / "year-1-half-year-officer-errors.png"), full_page=True
    )
    done.nth(1).fill("উদ্ভাবনী ধারণা বাস্তবায়নের কাজ চলছে")
    obstacles.nth(0).fill("নেই")
    obstacles.nth(1).fill("দক্ষ জনবলের অভাব")
    officer.get_by_role("button", name="দাখিল করুন").click()
    officer.wait_for_url(half_url)
    expect(officer.locator(".badge").first).to_contain_text("দাখিলকৃত")

    reviewer = log_in(browser, live_server, "reviewer")
    reviewer.goto(f"{live_server.url}/inbox/")
    reviewer.locator(".inbox-documents").get_by_role("link", name="পর্যালোচনা করুন").click()
    reviewer.wait_for_url(half_url)
    reviewer.get_by_role("button", name="অনুমোদন করুন").click()
    expect(reviewer.locator(".badge").first).to_contain_text("অনুমোদিত")
    reviewer.screenshot(path=str(screenshots / "year-2-half-year-approved.png"), full_page=True)
    (screenshots / "year-half-year.pdf").write_bytes(reviewer.request.get(half_url + "pdf").body())

    enter_quarter(people, 3, {"1.3.1": Decimal(90)})
    enter_quarter(people, 4, {"1.3.1": Decimal(90), "2.1.1": Decimal(1)})
    officer.goto(annual_url)
    for i in range(2):
        officer.get_by_label("কী করা হয়েছে").nth(i).fill("বছরের সব কার্যক্রম সম্পন্ন")
        officer.get_by_label("প্রতিবন্ধকতা").nth(i).fill("নেই")
    officer.get_by_role("button", name="দাখিল করুন").click()
    officer.wait_for_url(annual_url)
    expect(officer.locator(".ranking")).to_contain_text("ক্রম: ১ (১টি দপ্তরের মধ্যে)")
    officer.screenshot(
        path=str(screenshots / "year-3-annual-officer-submitted.png"), full_page=True
    )

    reviewer.goto(annual_url)
    reviewer.get_by_label("[২.১.১] এর অর্জন (সংখ্যা)").fill("৩")
    reviewer.get_by_role("button", name="মূল্যায়ন সংরক্ষণ করুন").click()
    comment = reviewer.get_by_label("[২.১.১] মূল্যায়নের মন্তব্য")
    assert comment.get_attribute("aria-invalid") == "true"
    expect(reviewer.locator(".evaluation-form")).to_contain_text("মন্তব্য লিখতে হবে")
    assert reviewer.get_by_label("[২.১.১] এর অর্জন (সংখ্যা)").input_value() == "৩"
    reviewer.screenshot(
        path=str(screenshots / "year-4-annual-reviewer-comment-missing.png"), full_page=True
    )
    comment.fill("চতুর্থ ত্রৈমাসিকের প্রমাণক পাওয়া যায়নি")
    reviewer.get_by_role("button", name="মূল্যায়ন অনুমোদন করুন (বছর চূড়ান্ত)").click()
    reviewer.wait_for_url(annual_url)
    assert "বছর চূড়ান্ত" in reviewer.content()
    assessment = Assessment.objects.get(plan=plan, kind=Assessment.ANNUAL)
    assert assessment.status == Assessment.APPROVED and assessment.evaluated_total == Decimal(
        "12.80"
    )
    reviewer.screenshot(
        path=str(screenshots / "year-5-annual-reviewer-approved.png"), full_page=True
    )
    (screenshots / "year-annual.pdf").write_bytes(reviewer.request.get(annual_url + "pdf").body())
