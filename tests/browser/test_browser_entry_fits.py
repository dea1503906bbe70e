"""The entry page fits the screens officers use (Debian's Chromium): at 1366 × 768, 1280 × 800 and
1024 × 768 every input of a row lies inside the window, no sideways scrolling, the columns in the
printed form's order; on a phone (360 × 740) the navigation folds behind a menu button and save
and submit stay in the bar at the bottom. Screenshots of each ($SCREENSHOT_DIR to keep them)."""

import pytest

from tests.browser.test_browser_workflow import browser, log_in, screenshots  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [(1366, 768), (1280, 800), (1024, 768)]
PHONE = {"width": 360, "height": 740}
# The printed form's order of the columns the entry table keeps (ক্ষেত্র … অর্জন, then the entry's own).
HEADINGS = [
    "কর্মসম্পাদন ক্ষেত্র",
    "কার্যক্রম",
    "কর্মসম্পাদন সূচক",
    "একক",
    "মান",
    "লক্ষ্যমাত্রা",
    "এ পর্যন্ত অর্জন",
    "এই ত্রৈমাসিকের অর্জন",
    "মন্তব্য",
]

INPUTS_OUTSIDE = """width => Array.from(document.querySelectorAll(
    '#entry-form input:not([type=hidden]), #entry-form textarea, #entry-form button'))
  .map(el => [el.id || el.name || el.textContent.trim(), el.getBoundingClientRect()])
  .filter(([, box]) => box.left < 0 || box.right > width)
  .map(([name, box]) => name + ' ' + Math.round(box.left) + '..' + Math.round(box.right))"""


def entry_page(browser, live_server, people, size):  # noqa: F811
    page = log_in(browser, live_server, "officer")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/plans/{people.plan.pk}/quarters/2/edit/")
    return page


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_input_of_a_row_is_on_the_screen(browser, live_server, people, screenshots, size):  # noqa: F811
    page = entry_page(browser, live_server, people, size)
    width = size[0]
    table_width = page.locator(".entry-table").bounding_box()["width"]
    print(f"{width}x{size[1]}: entry table {table_width:.0f} px")
    page.screenshot(path=str(screenshots / f"entry-{width}x{size[1]}.png"), full_page=False)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    scroller = page.locator(".entry-responsive")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth")  # no scrolling box either
    assert table_width <= width
    assert page.evaluate(INPUTS_OUTSIDE, width) == []
    # Each row's inputs: the value, the remarks and the evidence, all inside the window.
    rows = page.locator("tr.entry-row")
    assert rows.count() == 12
    for i in range(rows.count()):
        for box in (
            rows.nth(i)
            .locator("input:not([type=hidden]), textarea")
            .evaluate_all("els => els.map(el => el.getBoundingClientRect().toJSON())")
        ):
            assert 0 <= box["left"] and box["right"] <= width
    # The official column order, and the table's headings still there.
    headings = page.locator(".entry-table thead th").all_inner_texts()
    positions = [next(i for i, text in enumerate(headings) if text.startswith(h)) for h in HEADINGS]
    assert positions == sorted(positions)
    assert any("প্রমাণক" in text for text in headings)
    # The five targets are stacked in their cell, one per line, each with its tier percent.
    targets = page.locator("tr.entry-row").first.locator(".cell-targets li")
    assert targets.count() == 5
    tops = [targets.nth(i).bounding_box()["y"] for i in range(5)]
    assert tops == sorted(tops) and len(set(round(t) for t in tops)) == 5
    page.screenshot(path=str(screenshots / f"entry-{width}x{size[1]}-full.png"), full_page=True)
    page.close()


def test_on_a_phone_the_navigation_folds_and_the_bar_keeps_save_and_submit(
    browser,
    live_server,
    people,  # noqa: F811
    screenshots,
):
    page = entry_page(browser, live_server, people, (PHONE["width"], PHONE["height"]))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(INPUTS_OUTSIDE, PHONE["width"]) == []
    nav_height = page.locator("nav.navbar").bounding_box()["height"]
    first_row = page.locator("tr.entry-row").first.bounding_box()
    print(f"phone: navigation {nav_height:.0f} px, first indicator at {first_row['y']:.0f} px")
    page.screenshot(path=str(screenshots / "entry-phone-folded.png"))
    menu = page.get_by_role("button", name="মেনু")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("link", name="কর্মপরিকল্পনাসমূহ").is_hidden()
    assert page.get_by_role("button", name="লগ আউট").is_hidden()
    assert nav_height <= 70

    menu.click()  # static/js/navigation.js (Bootstrap's CSS, not its JavaScript), no inline script
    page.locator("#main-navigation.collapse.show").wait_for()  # unfolded
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="কর্মপরিকল্পনাসমূহ").is_visible()
    page.screenshot(path=str(screenshots / "entry-phone-menu-open.png"))
    menu.click()
    page.locator("#main-navigation.collapse:not(.show)").wait_for(state="attached")
    assert page.get_by_role("button", name="লগ আউট").is_hidden()

    last = page.locator("tr.entry-row").last
    last.scroll_into_view_if_needed()
    for name in ("সংরক্ষণ করুন", "দাখিল করুন"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]
    page.screenshot(path=str(screenshots / "entry-phone-bar.png"))
    page.close()
