"""The entry page on a phone (360 × 740, Debian's Chromium): one card per indicator, the same form
and field names as on a desktop, nothing wider than the screen, the save button always at hand."""

import datetime
from decimal import Decimal

import pytest

from reports.quarters.models import Achievement
from tests.browser.test_browser_workflow import browser, log_in, screenshots  # noqa: F401  (fixtures)
from tests.helpers import indicator_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_an_officer_fills_and_saves_a_quarter_on_a_phone(browser, live_server, people, screenshots):  # noqa: F811
    plan = people.plan
    edit_url = f"{live_server.url}/plans/{plan.pk}/quarters/2/edit/"
    page = log_in(browser, live_server, "officer")
    page.set_viewport_size(PHONE)
    page.goto(edit_url)
    assert no_sideways_scroll(page)

    # One card per indicator, the table's headings hidden; each card names its unit, targets and to-date value.
    cards = page.locator("tr.entry-row")
    assert cards.count() == 12
    assert page.locator(".entry-table thead").is_hidden()
    first = cards.first.bounding_box()
    second = cards.nth(1).bounding_box()
    assert (
        first["width"] <= PHONE["width"] and second["y"] >= first["y"] + first["height"]
    )  # stacked
    card = cards.filter(has_text="[১.৩.১]")
    for label in ("একক", "লক্ষ্যমাত্রা", "এ পর্যন্ত অর্জন"):
        assert card.locator(f'[data-label^="{label}"]').is_visible()
    page.screenshot(path=str(screenshots / "entry-phone-top.png"))

    page.get_by_label("[১.১.১] এর অর্জন (তারিখ)").fill("১৪/১১/২২")
    page.get_by_label("[১.৩.১] এর অর্জন (%)").fill("৭৮%")
    page.get_by_label("[২.১.১] এর অর্জন (সংখ্যা)").fill("৩")
    page.get_by_label("[২.১.১] মন্তব্য").fill("ফোন থেকে লেখা")

    # Far down the page, the save button is still on the screen (the bar stays at the bottom).
    page.get_by_label("[২.১.১] মন্তব্য").scroll_into_view_if_needed()
    save = page.get_by_role("button", name="সংরক্ষণ করুন")
    box = save.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]
    assert page.get_by_role("button", name="দাখিল করুন").is_visible()
    page.screenshot(path=str(screenshots / "entry-phone-filled.png"))
    save.click()
    page.wait_for_url(edit_url)
    assert "সংরক্ষিত হয়েছে" in page.locator(".alert-success").inner_text()
    assert no_sideways_scroll(page)

    stored = {
        a.indicator_id: a for a in Achievement.objects.filter(report__plan=plan, report__quarter=2)
    }
    assert stored[indicator_by_code(plan, "1.1.1").pk].value == datetime.date(2022, 11, 14)
    assert stored[indicator_by_code(plan, "1.3.1").pk].value == Decimal("78")
    assert stored[indicator_by_code(plan, "2.1.1").pk].value == Decimal("3")
    assert stored[indicator_by_code(plan, "2.1.1").pk].remarks == "ফোন থেকে লেখা"
    assert page.get_by_label("[১.৩.১] এর অর্জন (%)").input_value() == "৭৮%"


def test_a_desktop_still_gets_the_official_table(browser, live_server, people, screenshots):  # noqa: F811
    page = log_in(browser, live_server, "officer")
    page.goto(f"{live_server.url}/plans/{people.plan.pk}/quarters/2/edit/")
    assert page.locator(".entry-table thead").is_visible()
    cells = page.locator("tr.entry-row").first.locator("td")
    tops = {round(cells.nth(i).bounding_box()["y"]) for i in range(cells.count())}
    assert len(tops) == 1  # one row of cells side by side, as the table has always been
    page.screenshot(path=str(screenshots / "entry-desktop.png"), full_page=True)
