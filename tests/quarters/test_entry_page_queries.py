"""The entry page and its save cost a fixed number of SQL queries whatever the plan's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.quarters.models import Achievement
from tests.conftest import client_for
from tests.entry_values import save_data
from tests.factories import make_plan
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

# A plan's structure (indicators with their activities and areas, signatories: 2 queries) is read once and
# kept by its revision (tests/plans/test_plan_structure_cache.py); these are the counts once it is kept.
# session, user with membership, the plan (+office, fiscal year, and whether the year is final: an
# approved annual assessment, the quarter's due date for the office's tier with its calendar's grace)
# with the quarter's report if it has begun, achievements of quarters 1..n (to date, and this
# quarter's for the inputs), evidence with its uploaders (a draft has no transition to read; a report
# with evidence or a last move costs one more: the offices its people acted for)
ENTRY_PAGE_QUERIES = 5
# session, user with membership, report with its plan (no achievements to date: a save needs only the
# plan's indicators, kept with its structure); in the transaction of the save's idempotency key
# (below; no savepoint of the save's own: reports/quarters/services.py, _transaction_joined): lock the
# plan's reports, read the report with the plan, its office, whether the year is final and the due
# date (entry closed?), stored achievements, the report's version, one INSERT … ON CONFLICT UPDATE
# of new and changed values, one INSERT of their history, the plan's values, one UPDATE of the marks
# to date and one of the plan's self-assessed totals (on PostgreSQL one statement: one fewer; SQLite
# has no row locks: one fewer); and the save's idempotency key (reports/quarters/save_keys.py): its
# transaction around the save (here a savepoint … release, inside the test's), the key's INSERT …
# ON CONFLICT DO NOTHING first and the UPDATE of its answer last
SAVE_QUERIES = 16


def statements(client, method, path, data=None):
    """The response and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = (
            getattr(client, method)(path, data)
            if data is not None
            else getattr(client, method)(path)
        )
    return response, [query["sql"] for query in queries.captured_queries]


def count(client, method, path, data=None):
    response, sql = statements(client, method, path, data)
    return response, len(sql)


def plan_of(people, indicators):
    return make_plan(
        indicators=indicators,
        office_name=people.office.name,
        title=f"পরীক্ষামূলক কর্মপরিকল্পনা {indicators}",
    )


def test_the_entry_page_runs_the_same_queries_for_12_and_60_indicators(people):
    client = client_for(people.officer)
    counts = []
    for size in (12, 60):
        plan = plan_of(people, size)
        client.get(f"/plans/{plan.pk}/quarters/1/edit/")  # the session's renewal is not the page's
        response, queries = count(client, "get", f"/plans/{plan.pk}/quarters/1/edit/")
        assert response.status_code == 200
        assert response.content.decode().count('class="entry-row"') == size
        counts.append(queries)
    assert counts == [ENTRY_PAGE_QUERIES, ENTRY_PAGE_QUERIES]


def test_a_save_changing_every_value_runs_the_same_queries_for_12_and_60_indicators(people):
    client = client_for(people.officer)
    counts = []
    for size in (12, 60):
        plan = plan_of(people, size)
        path = f"/plans/{plan.pk}/quarters/1/edit/"
        page = form_data(client.get(path).content.decode(), "entry-form")
        # half the indicators have a stored value (an UPDATE), half not yet (an INSERT)
        assert Achievement.objects.filter(report__plan=plan).count() == size // 2
        response, sql = statements(client, "post", path, save_data(page, plan, round_=7))
        assert response.status_code == 302
        assert Achievement.objects.filter(report__plan=plan).count() == size
        assert Achievement.history.filter(report__plan=plan, history_type="~").count() == size // 2
        counts.append(len(sql))
        savepoints = [statement for statement in sql if "SAVEPOINT" in statement]
        assert len(savepoints) == 2, savepoints  # the key's transaction's: the save has none
    expected = (
        SAVE_QUERIES
        - (connection.vendor == "postgresql")
        - (not connection.features.has_select_for_update)
    )
    assert counts == [expected, expected]


def test_evidence_of_several_uploaders_and_a_return_comment_add_one_query_for_their_offices(people):
    # Each file names its uploader (read with the file) and the office they acted for that day, and so
    # does the reviewer's comment: one query of their memberships for all of them
    # (selectors.offices_at_the_time), whatever the number of files (the comment itself comes with
    # the plan's query).
    from egov_plan.plans.models import Indicator
    from reports.quarters.services import report_for_quarter, report_return, report_submit
    from tests.conftest import make_user
    from tests.helpers import add_evidence

    client = client_for(people.officer)
    plan = plan_of(people, 12)
    path = f"/plans/{plan.pk}/quarters/1/edit/"
    client.get(path)
    report = report_for_quarter(plan=plan, quarter=1)
    colleague = make_user("colleague", people.office, "officer")
    for number, indicator in enumerate(
        Indicator.objects.filter(activity__area__plan=plan).order_by("pk")[:6]
    ):
        evidence = add_evidence(report, indicator, name=f"proof-{number}.pdf")
        type(evidence).objects.filter(pk=evidence.pk).update(
            uploaded_by=(people.officer, colleague)[number % 2]
        )
    report_submit(report=report, user=people.officer, entries={})
    report_return(report=report, user=people.reviewer, comment="প্রমাণক দেখুন")
    response, queries = count(client, "get", path)
    assert response.content.decode().count('class="text-muted evidence-uploader"') == 6
    assert queries == ENTRY_PAGE_QUERIES + 1
