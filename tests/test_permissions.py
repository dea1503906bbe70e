"""Every URL of the project with every role: the status code of each pair, for an office's plan and
for a template plan (one without an office).

A user who may not see a report gets 404 (its existence is not revealed); one who may see
it but not do what was asked gets 403; anonymous users are sent to the login page.
"""

import pytest

from reports.plans.rollout import template_from_plan
from reports.quarters.models import QuarterlyReport
from tests.conftest import client_for
from tests.helpers import add_evidence, indicator_by_code

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "officer",
    "other_officer",
    "reviewer",
    "top_reviewer",
    "other_reviewer",
    "admin",
]

# (method, url template, expected status per role in ROLES order)
MATRIX = [
    ("get", "/", [302, 200, 200, 200, 200, 200, 200]),
    ("get", "/inbox/", [302, 403, 403, 200, 200, 200, 200]),
    ("get", "/dashboard/", [302, 404, 404, 200, 200, 200, 200]),
    ("get", "/dashboard/?under={office}", [302, 404, 404, 200, 200, 200, 200]),
    ("get", "/dashboard/export.xlsx", [302, 404, 404, 200, 200, 200, 200]),
    # the seed plan has no template: no officer's targets page, but the admin's plan editor
    ("get", "/plans/{plan}/targets/", [302, 404, 404, 404, 404, 404, 200]),
    (
        "post",
        "/plans/{plan}/targets/",
        [302, 404, 404, 404, 404, 404, 403],
    ),  # approving targets: reviewers only
    ("delete", "/plans/{plan}/targets/", [302, 405, 405, 405, 405, 405, 405]),
    ("get", "/plans/{plan}/quarters/1/", [302, 200, 404, 200, 200, 404, 200]),
    ("get", "/plans/{plan}/quarters/1/?scores=1", [302, 200, 404, 200, 200, 404, 200]),
    ("get", "/plans/{plan}/quarters/1/pdf", [302, 200, 404, 200, 200, 404, 200]),
    ("get", "/plans/{plan}/quarters/3/pdf", [302, 200, 404, 200, 200, 404, 200]),
    ("get", "/plans/{plan}/quarters/5/pdf", [302, 404, 404, 404, 404, 404, 404]),
    ("get", "/plans/{plan}/quarters/1/export.xlsx", [302, 200, 404, 200, 200, 404, 200]),
    ("get", "/plans/{plan}/quarters/2/export.txt", [302, 200, 404, 200, 200, 404, 200]),
    ("get", "/plans/{plan}/quarters/1/export.doc", [302, 404, 404, 404, 404, 404, 404]),
    ("get", "/verify/", [200, 200, 200, 200, 200, 200, 200]),
    ("post", "/verify/", [400, 400, 400, 400, 400, 400, 400]),
    ("get", "/plans/{plan}/quarters/3/edit/", [302, 200, 404, 403, 403, 404, 403]),
    ("post", "/plans/{plan}/quarters/3/edit/", [302, 302, 404, 403, 403, 404, 403]),
    ("get", "/plans/{plan}/quarters/1/history/", [302, 200, 404, 200, 200, 404, 200]),
    ("post", "/plans/{plan}/quarters/2/review/", [302, 403, 404, 302, 302, 404, 403]),
    ("get", "/evidence/{evidence}/", [302, 200, 404, 200, 200, 404, 200]),
    ("post", "/evidence/{evidence}/delete/", [302, 302, 404, 403, 403, 404, 403]),
    ("get", "/plans/999/quarters/1/", [302, 404, 404, 404, 404, 404, 404]),
    ("get", "/plans/{plan}/quarters/5/", [302, 404, 404, 404, 404, 404, 404]),
    ("get", "/plans/{plan}/quarters/0/edit/", [302, 404, 404, 404, 404, 404, 404]),
    ("get", "/evidence/999/", [302, 404, 404, 404, 404, 404, 404]),
    # the half-yearly self-assessment and the annual evaluation (reviewers' POSTs: 409, nothing submitted yet)
    ("get", "/plans/{plan}/half-year/", [302, 200, 404, 200, 200, 404, 200]),
    ("get", "/plans/{plan}/half-year/pdf", [302, 200, 404, 200, 200, 404, 200]),
    ("post", "/plans/{plan}/half-year/", [302, 403, 404, 409, 409, 404, 403]),
    ("get", "/plans/{plan}/annual/", [302, 200, 404, 200, 200, 404, 200]),
    ("get", "/plans/{plan}/annual/pdf", [302, 200, 404, 200, 200, 404, 200]),
    ("post", "/plans/{plan}/annual/", [302, 403, 404, 409, 409, 404, 403]),
    ("get", "/plans/999/half-year/", [302, 404, 404, 404, 404, 404, 404]),
    ("get", "/plans/999/annual/pdf", [302, 404, 404, 404, 404, 404, 404]),
    ("post", "/plans/{plan}/annual/pdf", [302, 405, 405, 405, 405, 405, 405]),
    ("put", "/plans/{plan}/half-year/", [302, 405, 405, 405, 405, 405, 405]),
    ("get", "/accounts/login/", [200, 302, 302, 302, 302, 302, 302]),
    ("post", "/accounts/logout/", [302, 302, 302, 302, 302, 302, 302]),
    # the second factor's pages (REQUIRE_SECOND_FACTOR is off here): enrolment for reviewers and admins,
    # officers sent back; a POST without a code is a Bengali fault beside the field
    ("get", "/accounts/second-factor/setup/", [302, 302, 302, 200, 200, 200, 200]),
    ("post", "/accounts/second-factor/setup/", [302, 302, 302, 400, 400, 400, 400]),
    ("get", "/accounts/second-factor/", [302, 302, 302, 302, 302, 302, 302]),
    ("put", "/accounts/second-factor/", [302, 405, 405, 405, 405, 405, 405]),
    ("get", "/admin/", [302, 302, 302, 302, 302, 302, 200]),
    ("get", "/admin/egov_plan/actionplan/", [302, 302, 302, 302, 302, 302, 200]),
    ("get", "/admin/egov_plan/actionplan/{plan}/change/", [302, 302, 302, 302, 302, 302, 200]),
    ("get", "/admin/egov_plan/actionplan/import/", [302, 302, 302, 302, 302, 302, 200]),
    # wrong methods
    ("post", "/plans/{plan}/quarters/1/", [302, 405, 405, 405, 405, 405, 405]),
    ("get", "/plans/{plan}/quarters/2/review/", [302, 405, 405, 405, 405, 405, 405]),
    ("get", "/evidence/{evidence}/delete/", [302, 405, 405, 405, 405, 405, 405]),
    ("post", "/plans/{plan}/quarters/1/pdf", [302, 405, 405, 405, 405, 405, 405]),
    ("put", "/verify/", [405, 405, 405, 405, 405, 405, 405]),
    ("post", "/dashboard/", [302, 405, 405, 405, 405, 405, 405]),
    # a template plan (no office): admins see its table, exports and editor; no one else learns it exists;
    # nobody enters, reviews or assesses a template's reports
    ("get", "/plans/{template}/quarters/1/", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/1/?scores=1", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/2/", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/2/?scores=1", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/1/export.xlsx", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/2/export.xlsx", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/1/export.txt", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/2/export.txt", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/1/pdf", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/1/history/", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/1/en/", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/targets/", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/plans/{template}/quarters/1/edit/", [302, 404, 404, 404, 404, 404, 403]),
    ("post", "/plans/{template}/quarters/1/edit/", [302, 404, 404, 404, 404, 404, 403]),
    ("post", "/plans/{template}/quarters/2/review/", [302, 404, 404, 404, 404, 404, 403]),
    ("get", "/plans/{template}/half-year/", [302, 404, 404, 404, 404, 404, 404]),
    ("get", "/plans/{template}/annual/", [302, 404, 404, 404, 404, 404, 404]),
    ("post", "/plans/{template}/quarters/1/", [302, 405, 405, 405, 405, 405, 405]),
]

CASES = [
    (method, url, role, codes[i]) for method, url, codes in MATRIX for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(
    "method, url, role, expected", CASES, ids=[f"{m} {u} as {r}" for m, u, r, _ in CASES]
)
def test_status_code_of_every_url_for_every_role(people, method, url, role, expected):
    plan = people.plan
    QuarterlyReport.objects.create(plan=plan, quarter=2, status=QuarterlyReport.SUBMITTED)
    draft = QuarterlyReport.objects.create(plan=plan, quarter=3)
    evidence = add_evidence(draft, indicator_by_code(plan, "1.3.1"))
    client = client_for(None if role == "anonymous" else getattr(people, role))
    template = template_from_plan(plan=plan)
    path = url.format(
        plan=plan.pk, evidence=evidence.pk, office=people.office.pk, template=template.pk
    )
    data = {"action": "approve", "version": "0"} if method == "post" else None
    response = getattr(client, method)(path, data)
    assert response.status_code == expected, response.content.decode()[:300]
    if expected == 302 and role == "anonymous":
        logins = (
            ("/accounts/login/", "/admin/login/")
            if path.startswith("/admin/")
            else ("/accounts/login/",)
        )
        assert response["Location"].startswith(logins)
