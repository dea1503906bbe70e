"""The plan editor in a real browser with JavaScript: adding a row without reloading the page, the
weights' sums following each keystroke, and saving."""

import pytest
from playwright.sync_api import expect

from egov_plan.plans.models import Indicator
from reports.quarters.models import QuarterlyReport
from tests.browser.test_browser_workflow import browser, log_in, screenshots  # noqa: F401 (fixtures)
from tests.helpers import indicator_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_adds_an_indicator_watches_the_sums_and_saves(
    browser, live_server, people, screenshots
):
    plan = people.plan
    QuarterlyReport.objects.filter(plan=plan).delete()
    activity = indicator_by_code(plan, "2.1.1").activity
    area = activity.area
    page = log_in(browser, live_server, "admin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/targets/")
    page.screenshot(path=str(screenshots / "plan-editor-desktop.png"), full_page=True)
    area_sum = page.locator(f'[data-sum-area="a{area.pk}"]')
    plan_sum = page.locator("[data-sum-plan]")
    assert area_sum.inner_text() == "২০" and plan_sum.inner_text() == "৫০"

    page.evaluate("window.notReloaded = true")
    page.locator(f'button[value="add-indicator:b{activity.pk}"]').click()
    expect(page.locator("[data-row]")).to_have_count(13)
    assert page.evaluate("window.notReloaded === true")  # swapped in place, no page load
    new = page.locator("[data-row^='n']")
    key = new.get_attribute("data-row")
    assert page.locator(f'label[for="i-{key}-title"]').inner_text() == "[২.১.২]"

    page.locator(f'[name="i-{key}-title"]').fill("নতুন সূচক")
    page.locator(f'[name="i-{key}-unit"]').select_option("count")
    page.locator(f'[name="i-{key}-weight"]').fill("১")
    assert area_sum.inner_text() == "২১"  # live, before any post
    assert "text-danger" in area_sum.locator("xpath=..").get_attribute("class")
    area_weight = page.locator(f'[name="a-a{area.pk}-weight"]')
    area_weight.fill("২১")
    assert plan_sum.inner_text() == "৫১" and "text-danger" in plan_sum.get_attribute("class")
    assert "text-danger" not in area_sum.locator("xpath=..").get_attribute("class")
    old = indicator_by_code(plan, "2.1.1")
    page.locator(f'[name="i-i{old.pk}-weight"]').fill("5")  # Latin digits too
    area_weight.fill("২০")
    assert area_sum.inner_text() == "২০" and plan_sum.inner_text() == "৫০"
    assert "text-danger" not in area_sum.locator("xpath=..").get_attribute("class")
    assert "text-danger" not in plan_sum.get_attribute("class")
    page.locator(f'[name="i-{key}-target_0"]').fill("৫")
    page.locator(f'[name="i-{key}-target_4"]').fill("1")
    page.screenshot(path=str(screenshots / "plan-editor-added-row.png"), full_page=True)

    page.get_by_role("button", name="কর্মপরিকল্পনা সংরক্ষণ করুন").click()
    page.wait_for_load_state()
    assert "কর্মপরিকল্পনা সংরক্ষিত হয়েছে" in page.locator(".alert-success").inner_text()
    assert Indicator.objects.filter(activity__area__plan=plan).count() == 13
    added = indicator_by_code(plan, "2.1.2")
    assert (added.title, added.unit, added.weight, added.targets[0], added.targets[4]) == (
        "নতুন সূচক",
        "count",
        1,
        5,
        1,
    )
    assert indicator_by_code(plan, "2.1.1").weight == 5


def test_moving_and_removing_rows_in_place_keeps_what_was_typed(browser, live_server, people):
    plan = people.plan
    first, second = indicator_by_code(plan, "1.2.1"), indicator_by_code(plan, "1.2.2")
    page = log_in(browser, live_server, "admin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/targets/")
    page.evaluate("window.notReloaded = true")
    page.locator(f'[name="i-i{first.pk}-title_en"]').fill("Innovation ideas put into practice")
    page.locator(f'button[value="up:i{second.pk}"]').click()
    expect(page.locator(f'label[for="i-i{second.pk}-title"]')).to_have_text("[১.২.১]")
    assert page.locator(f'label[for="i-i{first.pk}-title"]').inner_text() == "[১.২.২]"
    assert (
        page.locator(f'[name="i-i{first.pk}-title_en"]').input_value()
        == "Innovation ideas put into practice"
    )
    page.locator(f'button[value="remove:i{first.pk}"]').click()
    expect(page.locator("[data-row]")).to_have_count(11)
    assert (
        page.locator(f'[data-sum-area="a{first.activity.area_id}"]').inner_text() == "২৮"
    )  # ৩০ − ২
    assert page.evaluate("window.notReloaded === true")
    assert Indicator.objects.filter(activity__area__plan=plan).count() == 12  # nothing saved
