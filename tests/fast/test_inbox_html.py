"""The inbox's rows, written in Python (reports/fast/inbox_html.py), are the markup of their plain
template (templates/reports/plain/inbox_rows.html): the whole inbox is the same either way, for
quarterly reports and for the year's documents, late or not, in Bengali and in English, and every
text from the plan escaped."""

import datetime

import pytest
from django.utils import timezone

from egov_plan.plans.models import ActionPlan
from reports.calendar import deadlines
from reports.fast import inbox_html
from reports.quarters.models import QuarterlyReport
from reports.year.models import Assessment
from tests.conftest import client_for
from tests.fast.plain import HOSTILE, first_difference, markup, plain
from tests.i18n.test_language_switch import english_client

pytestmark = pytest.mark.django_db


def at(*day) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*day, 11, 30))


@pytest.fixture
def waiting(people):
    plan = people.plan
    deadlines.calendar_create(fiscal_year=plan.fiscal_year)
    ActionPlan.objects.filter(pk=plan.pk).update(title=HOSTILE)
    people.office.__class__.objects.filter(pk=people.office.pk).update(name=HOSTILE)
    submitted = QuarterlyReport.SUBMITTED
    for quarter, day in ((2, at(2023, 1, 10)), (3, at(2023, 5, 2))):  # on time; late
        QuarterlyReport.objects.create(
            plan=plan, quarter=quarter, status=submitted, submitted_at=day, first_submitted_at=day
        )
    for kind, day in ((Assessment.HALF_YEAR, at(2023, 1, 12)), (Assessment.ANNUAL, at(2023, 8, 1))):
        Assessment.objects.create(
            plan=plan, kind=kind, status=submitted, submitted_at=day, first_submitted_at=day
        )
    return people


def test_the_inbox_is_the_same_with_the_plain_rows_in_both_languages(waiting, monkeypatch):
    for client in (client_for(waiting.reviewer), english_client(waiting.reviewer)):
        fast = client.get("/inbox/").content.decode()
        with monkeypatch.context() as patch:
            patch.setattr(inbox_html, "report_rows_html", plain("reports/plain/inbox_rows.html"))
            patch.setattr(
                inbox_html,
                "document_rows_html",
                plain("reports/plain/inbox_rows.html", documents=True),
            )
            slow = client.get("/inbox/").content.decode()
        assert fast.count("btn-success") == 4 and "status-late" in fast
        assert "&lt;b&gt;&quot;ঝুঁকি&quot; &amp; &#x27;x&#x27;&lt;/b&gt;" in fast
        assert markup(fast) == markup(slow), first_difference(fast, slow)
