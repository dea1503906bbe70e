"""The permission matrix through the API: every endpoint × every role × the officer's own office,
an office below it, a sibling under the same supervising office, and an office in another tree.
The API shows and changes exactly what the pages would (egov_plan/accounts/permissions.py): a report the
user may not see is a 404, one they may see but not act on a 403."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov_plan.accounts import permissions
from egov_plan.offices.models import Office
from reports.quarters.models import QuarterlyReport
from tests.api_world import ApiClient
from tests.conftest import make_user
from tests.factories import make_offices, make_plan
from tests.helpers import PDF_BYTES, add_evidence

pytestmark = pytest.mark.django_db

ROLES = [
    "officer",
    "reviewer",
    "top_reviewer",
    "other_officer",
    "other_reviewer",
    "admin",
    "nobody",
]
PLACES = ["own", "below", "sibling", "outside"]
# Whose reports each role sees (egov_plan/accounts/permissions.py: an officer their own office's, a reviewer
# every office below theirs, an admin all).
SEES = {
    "officer": {"own"},
    "reviewer": {"own", "below", "sibling"},
    "top_reviewer": {"own", "below", "sibling"},
    "other_officer": {"outside"},
    "other_reviewer": {"outside"},
    "admin": set(PLACES),
    "nobody": set(),
}
ENTERS = {"officer": {"own"}, "other_officer": {"outside"}}  # the office's officer only
REVIEWS = {
    "reviewer": {"own", "below", "sibling"},
    "top_reviewer": {"own", "below", "sibling"},
    "other_reviewer": {"outside"},
}  # a reviewer of an office above


@pytest.fixture
def matrix(people):
    below = make_plan(indicators=3, office_name="নিচের দপ্তর", parent=people.office)
    sibling = make_plan(indicators=3, office_name="পাশের দপ্তর", parent=people.supervising)
    outside = make_plan(indicators=3, office_name=people.other_office.name)
    people.plans = {"own": people.plan, "below": below, "sibling": sibling, "outside": outside}
    people.nobody = make_user("nobody")
    people.clients = {role: ApiClient(getattr(people, role)) for role in ROLES}
    return people


def _expected_read(role, place):
    return 200 if place in SEES[role] else 404


def _expected_act(role, place, allowed, done):
    if place not in SEES[role]:
        return 404
    return done if place in allowed.get(role, set()) else 403


READS = [
    "/plans/{plan}",
    "/plans/{plan}/quarters/1",
    "/plans/{plan}/quarters/2",
    "/plans/{plan}/half-year",
    "/plans/{plan}/annual",
    "/plans/{plan}/ranking",
    "/offices/{office}",
]


@pytest.mark.parametrize("template", READS)
def test_reads_show_what_the_pages_show(matrix, template):
    for role in ROLES:
        for place in PLACES:
            plan = matrix.plans[place]
            response = matrix.clients[role].get(
                template.format(plan=plan.pk, office=plan.office_id)
            )
            assert response.status_code == _expected_read(role, place), (
                role,
                place,
                response.content[:300],
            )


def test_evidence_files_are_served_where_their_report_is_seen(matrix):
    for place, plan in matrix.plans.items():
        report = QuarterlyReport.objects.create(plan=plan, quarter=3)
        indicator = plan.areas.first().activities.first().indicators.first()
        evidence = add_evidence(report, indicator)
        for role in ROLES:
            listed = matrix.clients[role].get(f"/plans/{plan.pk}/quarters/3")
            response = matrix.clients[role].get(f"/evidence/{evidence.pk}")
            assert response.status_code == _expected_read(role, place), (role, place)
            if response.status_code == 200:
                assert b"".join(response.streaming_content) == PDF_BYTES
                assert listed.json()["evidence"][0]["url"] == f"/api/v1/evidence/{evidence.pk}"


def test_the_pdf_is_shown_where_the_table_is(matrix):
    for role in ("officer", "reviewer", "other_officer", "nobody"):
        for place in ("own", "outside"):
            response = matrix.clients[role].get(f"/plans/{matrix.plans[place].pk}/quarters/1/pdf")
            assert response.status_code == _expected_read(role, place), (role, place)
            if response.status_code == 200:
                assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "listing, key",
    [
        ("/offices", lambda row: row["id"]),
        ("/plans", lambda row: row["office"]["id"] if row["office"] else None),
        ("/reports?year=2022&quarter=1", lambda row: row["office"]["id"]),
    ],
)
def test_lists_hold_only_what_the_user_may_see(matrix, listing, key):
    offices = {place: plan.office_id for place, plan in matrix.plans.items()}
    for role in ROLES:
        found = set()
        path = listing
        while path:
            body = matrix.clients[role].get(path).json()
            found |= {key(row) for row in body["items"]}
            path = body["next"]
        shown = {place for place, office in offices.items() if office in found}
        assert shown == SEES[role], (role, listing)
        visible = {
            o.pk
            for o in Office.objects.all()
            if permissions.can_see_office(getattr(matrix, role), o)
        }
        assert found - {None} <= visible, role


def test_writing_values_is_for_the_offices_officer(matrix):
    for role in ROLES:
        for place in PLACES:
            response = matrix.clients[role].patch(
                f"/plans/{matrix.plans[place].pk}/quarters/3/achievements", {"achievements": []}
            )
            assert response.status_code == _expected_act(role, place, ENTERS, 200), (role, place)


def test_submitting_is_for_the_offices_officer(matrix):
    for role in ROLES:
        for place in PLACES:
            response = matrix.clients[role].post(
                f"/plans/{matrix.plans[place].pk}/quarters/4/submit", {}
            )
            expected = _expected_act(role, place, ENTERS, 200)
            assert response.status_code == expected, (role, place)
            if expected == 200:  # open it again for the next role
                QuarterlyReport.objects.filter(plan=matrix.plans[place], quarter=4).update(
                    status=QuarterlyReport.DRAFT
                )


@pytest.mark.parametrize("action", ["approve", "return"])
def test_reviewing_is_for_a_reviewer_above(matrix, action):
    for plan in matrix.plans.values():
        QuarterlyReport.objects.update_or_create(
            plan=plan, quarter=2, defaults={"status": QuarterlyReport.SUBMITTED}
        )
    for role in ROLES:
        for place in PLACES:
            plan = matrix.plans[place]
            response = matrix.clients[role].post(
                f"/plans/{plan.pk}/quarters/2/{action}", {"comment": "কারণ"}
            )
            expected = _expected_act(role, place, REVIEWS, 200)
            assert response.status_code == expected, (role, place, response.content[:300])
            QuarterlyReport.objects.filter(plan=plan, quarter=2).update(
                status=QuarterlyReport.SUBMITTED
            )


def test_the_office_list_costs_the_same_queries_however_many_offices(people):
    api = ApiClient(people.top_reviewer)
    api.get("/offices")  # the window's first hit also clears the rate limit's old windows
    counts = []
    for batch in ("a", "b"):  # 40 offices below, then 240: each page is the same few queries
        make_offices(people.office, 40 if batch == "a" else 200, code_prefix=f"{batch}-")
        path = "/offices?limit=10"
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = api.get(path)
            assert response.status_code == 200 and len(response.json()["items"]) == 10
            counts.append(len(queries))
            path = response.json()["next"]
    assert len(set(counts)) == 1 and counts[0] == 4, (
        counts
    )  # the token with its user and their current memberships (one query), its rate count, the offices, their parents


def test_the_office_list_pages_follow_the_tree_without_repeats(people):
    make_offices(people.office, 30)
    api = ApiClient(people.admin)
    seen, path = [], "/offices?limit=7"
    while path:
        body = api.get(path).json()
        seen += [row["code"] for row in body["items"]]
        path = body["next"]
    assert len(seen) == len(set(seen)) == Office.objects.count()
    assert seen == list(Office.objects.order_by("path").values_list("code", flat=True))
    codes = api.get("/offices", {"under": people.office.pk}).json()["items"]
    assert {row["parent"] for row in codes} == {people.office.code}
    assert [
        row["code"]
        for row in api.get("/offices", {"code": people.other_office.code}).json()["items"]
    ] == [people.other_office.code]


def test_the_quarters_list_costs_the_same_queries_however_many_offices(people):
    api = ApiClient(people.top_reviewer)
    api.get("/offices")  # the window's first hit also clears the rate limit's old windows
    counts = []
    for batch, size in (("a", 30), ("b", 150)):
        make_offices(people.office, size, code_prefix=f"{batch}-")
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/reports", {"year": 2022, "quarter": 1, "limit": 20})
        assert response.status_code == 200 and len(response.json()["items"]) == 20
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
