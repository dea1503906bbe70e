"""A rescore stores the quarters' marks to date and the year's documents' self-assessed totals, and
touches no document of a plan that has no report yet (on PostgreSQL both in one statement)."""

from decimal import Decimal

import pytest

from reports.quarters.marks import rescore_plan
from reports.quarters.services import Entry, report_for_quarter, report_save
from reports.year.models import Assessment
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db


def documents(plan):
    return {
        kind: (reported, ranking)
        for kind, reported, ranking in plan.assessments.values_list(
            "kind", "reported_total", "ranking_total"
        )
    }


def test_a_plan_with_no_report_keeps_its_documents_totals(people):
    plan = people.plan
    plan.reports.all().delete()
    Assessment.objects.create(plan=plan, kind=Assessment.HALF_YEAR, reported_total=Decimal("7"))
    rescore_plan(plan_id=plan.pk)
    assert documents(plan) == {Assessment.HALF_YEAR: (Decimal("7.00"), None)}


def test_a_save_stores_the_marks_to_date_on_the_reports_and_the_documents(people):
    plan = people.plan
    Assessment.objects.create(plan=plan, kind=Assessment.HALF_YEAR)
    Assessment.objects.create(plan=plan, kind=Assessment.ANNUAL)
    report = report_for_quarter(plan=plan, quarter=2)
    indicator = indicator_by_code(plan, "2.1.1")
    assert report_save(
        report=report,
        user=people.officer,
        entries={indicator.pk: Entry(4, seen_value="", seen_remarks="")},
    )
    scores = dict(plan.reports.values_list("quarter", "score"))
    assert scores[2] > 0
    assert documents(plan) == {
        Assessment.HALF_YEAR: (scores[2], None),
        Assessment.ANNUAL: (scores[2], None),  # quarters 3 and 4 add nothing yet: to date = 2's
    }
