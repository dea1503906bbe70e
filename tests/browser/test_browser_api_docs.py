"""/api/v1/docs in a real browser (Debian's Chromium through Playwright) under the site's
Content-Security-Policy: Swagger UI loads from the site's own static files, renders every
operation of the schema with no CSP violation, and "Try it out" with a token reaches the API."""

import pytest

from tests.api_world import token_for
from tests.browser.test_browser_workflow import browser, screenshots  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_work_under_the_csp(browser, live_server, people, screenshots):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    violations, elsewhere = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused" in message.text
            else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for(timeout=20000)
    assert page.locator(".opblock").count() >= 15
    assert "APA e-governance reports API" in page.locator(".info .title").inner_text()
    page.screenshot(path=str(screenshots / "api-docs.png"), full_page=False)

    page.get_by_role("button", name="Authorize").click()
    page.locator(".modal-ux input").fill(token_for(people.officer))
    page.locator(".modal-ux button.modal-btn.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    offices = page.locator("#operations-offices-reports_api_offices_offices")
    offices.locator(".opblock-summary").click()
    offices.get_by_role("button", name="Try it out").click()
    offices.get_by_role("button", name="Execute").click()
    offices.locator(".live-responses-table tbody .response-col_status").first.wait_for(
        timeout=20000
    )
    assert (
        "200"
        in offices.locator(".live-responses-table tbody .response-col_status").first.inner_text()
    )
    assert (
        people.office.code
        in offices.locator(".live-responses-table .microlight").first.inner_text()
    )
    assert violations == [] and elsewhere == []
    page.close()
