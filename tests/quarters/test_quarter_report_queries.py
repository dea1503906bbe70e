"""The table page costs a fixed number of SQL queries whatever the plan's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for
from tests.factories import make_plan

pytestmark = pytest.mark.django_db

# a plan's first page (its structure is then kept by revision: test_plan_structure_cache.py):
# session, user with its membership (permission), the plan (+office, fiscal year, whether the year
# is final, the quarter's due date) with the quarter's report if it has begun and the report's last
# transition with its actor, indicators (with their activities and areas), signatories, achievements
# of quarters 1..n
TABLE_PAGE_QUERIES = 6


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_it_runs_a_fixed_number_of_queries_for_the_seed(officer_client, seed_plan):
    assert (
        count_queries(officer_client, f"/plans/{seed_plan.pk}/quarters/1/?scores=1")
        == TABLE_PAGE_QUERIES
    )


def test_it_runs_the_same_number_of_queries_for_60_indicators(people):
    plan = make_plan(indicators=60, office_name=people.office.name, title="পরীক্ষামূলক কর্মপরিকল্পনা")
    client = client_for(people.officer)
    assert plan.areas.count() == 3
    assert sum(a.activities.count() for a in plan.areas.all()) == 12
    assert count_queries(client, f"/plans/{plan.pk}/quarters/1/?scores=1") == TABLE_PAGE_QUERIES
    # A quarter with no report yet: its plan comes in the same query (the report is an outer join
    # that finds nothing), and the plan's structure (areas, activities, indicators, signatories) is
    # kept from the first page by its revision.
    assert count_queries(client, f"/plans/{plan.pk}/quarters/3/") == TABLE_PAGE_QUERIES - 2


def test_a_reviewers_page_costs_no_query_for_the_office_tree(people):
    # "is this office below mine" is a comparison of materialised paths: no read of the tree at all
    client = client_for(people.top_reviewer)
    assert (
        count_queries(client, f"/plans/{people.plan.pk}/quarters/1/?scores=1") == TABLE_PAGE_QUERIES
    )


def test_a_moved_report_adds_one_query_for_the_office_its_last_mover_acted_for(people):
    # the review panel names who submitted (or approved) with the office they acted for that day
    # (selectors.offices_at_the_time): one query of the mover's memberships
    from reports.quarters.services import report_for_quarter, report_submit

    report_submit(
        report=report_for_quarter(plan=people.plan, quarter=2), user=people.officer, entries={}
    )
    client = client_for(people.reviewer)
    count_queries(
        client, f"/plans/{people.plan.pk}/quarters/1/?scores=1"
    )  # the plan's structure, kept
    # (the structure is kept from quarter 1's page, as for quarter 3 above)
    assert (
        count_queries(client, f"/plans/{people.plan.pk}/quarters/2/?scores=1")
        == TABLE_PAGE_QUERIES - 2 + 1
    )
