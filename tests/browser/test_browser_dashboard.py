"""The dashboard and the template roll-out in a real browser (Debian's Chromium, Playwright)."""

import pytest

from egov_plan.offices.tree import office_create
from egov_plan.plans.models import ActionPlan, RolloutJob
from reports.plans.rollout import template_from_plan
from tests.browser.test_browser_workflow import browser, log_in, screenshots  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD
from tests.factories import make_offices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def codes(page) -> list[str]:
    return page.locator("tr[data-office]").evaluate_all("rows => rows.map(r => r.dataset.office)")


def follow(link) -> None:
    """Click a link or a form's button and wait for the page it leads to: the rows are read at once."""
    with link.page.expect_navigation():
        link.click()


def test_a_reviewer_filters_sorts_pages_and_drills_down(browser, live_server, people, screenshots):
    district = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        location="ময়মনসিংহ",
        tier="district",
        code="DC-MYM",
        parent=people.supervising,
    )
    make_offices(district, 55)
    page = log_in(browser, live_server, "reviewer")
    page.get_by_role("link", name="ড্যাশবোর্ড").first.click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert "প্রথম ত্রৈমাসিক" in page.locator("h1").inner_text()
    assert len(codes(page)) == 50 and "পৃষ্ঠা ১ / ২" in page.content()
    page.screenshot(path=str(screenshots / "dashboard-1-first-page.png"), full_page=True)

    follow(page.get_by_role("link", name="পরের →"))
    assert len(codes(page)) == 7  # 55 upazilas + the district + the seed office = 57

    page.get_by_label("স্তর", exact=True).select_option("district")
    follow(page.get_by_role("button", name="দেখুন"))
    assert codes(page) == ["DC-MYM"]

    page.get_by_label("স্তর", exact=True).select_option("")
    page.get_by_label("অবস্থা", exact=True).select_option("submitted")
    page.get_by_label("নাম বা অবস্থান").fill("স্থান ০০২")
    follow(page.get_by_role("button", name="দেখুন"))
    assert codes(page) == ["DC-MYM-002"]

    page.get_by_label("অবস্থা", exact=True).select_option("")
    page.get_by_label("নাম বা অবস্থান").fill("")
    follow(page.get_by_role("button", name="দেখুন"))
    follow(page.get_by_role("link", name="এ পর্যন্ত প্রাপ্ত নম্বর"))  # ascending
    follow(page.get_by_role("link", name="এ পর্যন্ত প্রাপ্ত নম্বর ▲"))  # descending
    assert codes(page)[0] == "DC-MYM-049"  # marks rise with the index; 49 is the highest reported

    page.get_by_label("স্তর", exact=True).select_option("district")
    follow(page.get_by_role("button", name="দেখুন"))
    follow(page.get_by_role("link", name="জেলা প্রশাসকের কার্যালয়"))  # drill down
    assert "জেলা প্রশাসকের কার্যালয়, ময়মনসিংহ" in page.locator(".dashboard-trail").inner_text()
    page.get_by_label("স্তর", exact=True).select_option("")
    follow(page.get_by_role("button", name="দেখুন"))
    assert len(codes(page)) == 50 and all(code.startswith("DC-MYM-") for code in codes(page))
    page.screenshot(path=str(screenshots / "dashboard-2-drill-down.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="এক্সেল (xlsx)").click()
    assert download.value.suggested_filename == "dashboard-2022-q1.xlsx"
    page.close()


def test_an_admin_rolls_a_template_out(browser, live_server, people, screenshots):
    template = template_from_plan(plan=people.plan)
    for place in ("ত্রিশাল", "ফুলপুর", "ভালুকা"):
        office_create(
            name="উপজেলা নির্বাহী অফিসারের কার্যালয়",
            location=place,
            tier="upazila",
            code=f"UNO-{place}",
            parent=people.supervising,
        )
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="bn-BD")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(f"{live_server.url}/admin/egov_plan/actionplan/{template.pk}/change/")
    page.get_by_role("link", name="রোল-আউট করুন").click()
    page.get_by_label("যে দপ্তরের অধীনস্থ সব দপ্তরে (কোড)").fill("LGD")
    page.get_by_label("শুধু এই স্তরের দপ্তর").select_option(label="উপজেলা কার্যালয়")
    page.get_by_role("button", name="রোল-আউট শুরু করুন").click()
    assert (
        "৩টি কর্মপরিকল্পনা তৈরি হয়েছে; ০টি দপ্তরের আগে থেকেই ছিল।"
        in page.locator(".rollout-result").inner_text()
    )
    page.screenshot(path=str(screenshots / "admin-rollout-done.png"), full_page=True)
    assert RolloutJob.objects.get().status == RolloutJob.DONE
    assert ActionPlan.objects.filter(template=template).count() == 3
    page.close()
