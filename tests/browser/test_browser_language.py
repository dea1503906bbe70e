"""The language switch in a real browser (Debian's Chromium through Playwright): a browser that
asks for English gets English, the switch in the navigation turns the interface Bengali and back,
and the official table stays Bengali under an English interface. Screenshots of each."""

import pytest

from tests.browser.test_browser_workflow import browser, screenshots  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_english_on_request_and_the_switch_back(browser, live_server, people, screenshots):  # noqa: F811
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="en-GB")
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("User name").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/plans/{people.plan.pk}/quarters/1/?scores=1")
    assert page.get_by_role("link", name="History").is_visible()
    table = page.locator(".report-sheet")
    assert "কর্মসম্পাদন সূচক" in table.inner_text()  # the official table stays Bengali
    page.screenshot(path=str(screenshots / "report-english-ui.png"), full_page=True)

    page.get_by_role("link", name="English translation").click()
    page.wait_for_url(f"{live_server.url}/plans/{people.plan.pk}/quarters/1/en/?scores=1")
    assert "Unofficial English translation" in page.locator(".translation-notice").inner_text()
    assert "Performance indicator" in page.locator(".report-sheet").inner_text()
    page.screenshot(path=str(screenshots / "report-english-translation.png"), full_page=True)

    page.get_by_role("button", name="বাংলা").click()  # the switch: a form posted without JavaScript
    page.wait_for_url(f"{live_server.url}/plans/{people.plan.pk}/quarters/1/en/?scores=1")
    assert page.locator("html").get_attribute("lang") == "bn"
    assert page.get_by_role("link", name="ইংরেজি অনুবাদের PDF (স্বাক্ষরবিহীন)").is_visible()
    page.goto(f"{live_server.url}/plans/{people.plan.pk}/quarters/1/?scores=1")
    assert page.get_by_role("link", name="ইতিহাস").is_visible()
    page.screenshot(path=str(screenshots / "report-bengali-ui.png"), full_page=True)

    # Remembered (the cookie): a later visit is Bengali although the browser asks for English.
    later = browser.new_context(locale="en-GB")
    later.add_cookies([c for c in page.context.cookies() if c["name"] == "django_language"])
    again = later.new_page()
    again.goto(f"{live_server.url}/accounts/login/")
    assert again.locator("html").get_attribute("lang") == "bn"
    later.close()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.close()
