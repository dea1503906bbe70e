"""A Content-Security-Policy on every page, with no inline script or style left to need 'unsafe-inline'."""

import pytest

from tests.browser.test_browser_workflow import browser, log_in  # noqa: F401 (the fixture)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_every_kind_of_page_sends_the_policy(people):
    for user, path in (
        (None, "/accounts/login/"),
        (None, "/verify/"),
        (people.officer, "/"),
        (people.officer, f"/plans/{people.plan.pk}/quarters/1/"),
        (people.officer, "/missing/"),
    ):
        policy = client_for(user).get(path)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_logs_a_csp_violation_in_chromium(browser, live_server, people):  # noqa: F811
    plan = people.plan.pk
    pages = {
        "officer": [
            "/",
            f"/plans/{plan}/quarters/1/",
            f"/plans/{plan}/quarters/1/?scores=1",
            f"/plans/{plan}/quarters/2/edit/",
            f"/plans/{plan}/quarters/1/history/",
            f"/plans/{plan}/targets/",
            "/no-such-page/",
        ],
        "reviewer": [
            "/inbox/",
            "/dashboard/",
            "/bulk-print/",
            f"/plans/{plan}/quarters/1/",
            "/accounts/second-factor/setup/",
        ],
        "admin": [
            "/admin/",
            "/admin/egov_plan/office/",
            f"/admin/egov_plan/actionplan/{plan}/change/",
        ],
    }
    violations, visited = [], 0
    for username, paths in pages.items():
        page = log_in(browser, live_server, username)
        page.on(
            "console",
            lambda message, page=page: (
                violations.append((page.url, message.text))
                if "Content Security Policy" in message.text
                else None
            ),
        )
        for path in paths + ["/verify/"]:
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            visited += 1
        page.close()
    assert visited == 18
    assert violations == [], "\n".join(f"{url}: {text[:160]}" for url, text in violations)
