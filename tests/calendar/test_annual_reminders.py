"""send_reminders and the year's documents: officers are reminded of an annual self-assessment not
submitted (N days before the calendar's annual due date and the day after), reviewers' digests list
the half-yearly and annual documents waiting for them; a second run sends nothing twice."""

from decimal import Decimal

import pytest
from django.core import mail

from reports.year.models import Assessment
from reports.year.services import assessment_submit
from tests.calendar.test_send_reminders import SITE, calendar, run, sent, site  # noqa: F401 (fixtures)
from tests.year_helpers import SECOND_QUARTER, enter_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def fourth_quarter_in(people, calendar):  # noqa: F811
    enter_quarter(people, 2, SECOND_QUARTER)
    enter_quarter(people, 3, {"1.3.1": Decimal(80)})
    enter_quarter(people, 4, {"1.3.1": Decimal(80)})
    mail.outbox.clear()
    return people


def test_the_annual_self_assessment_is_reminded_before_and_after_its_due_date_once(
    fourth_quarter_in,
):
    people = fourth_quarter_in
    run("2023-07-12")  # due 15/07/23, three days ahead
    assert sent() == [(["officer@example.gov.bd"], "স্মরণ: বার্ষিক স্ব-মূল্যায়ন দাখিলের শেষ তারিখ ১৫/০৭/২৩")]
    assert f"{SITE}/plans/{people.plan.pk}/annual/" in mail.outbox[0].body
    run("2023-07-12")
    assert len(mail.outbox) == 1  # nothing twice
    run("2023-07-16")
    assert sent()[1:] == [
        (
            ["officer@example.gov.bd"],
            "বিলম্বিত: বার্ষিক স্ব-মূল্যায়ন দাখিলের শেষ তারিখ (১৫/০৭/২৩) পেরিয়ে গেছে",
        )
    ]
    run("2023-07-16")
    assert len(mail.outbox) == 2


def test_a_submitted_annual_self_assessment_is_not_reminded_and_waits_in_the_digest(
    fourth_quarter_in,
):
    people = fourth_quarter_in
    assessment_submit(
        plan=people.plan, kind=Assessment.HALF_YEAR, user=people.officer, narratives={}
    )
    assessment_submit(plan=people.plan, kind=Assessment.ANNUAL, user=people.officer, narratives={})
    run("2023-07-16")
    assert sent() == [(["reviewer@example.gov.bd"], "পর্যালোচনার জন্য অপেক্ষমাণ ২টি প্রতিবেদন (১৬/০৭/২৩)")]
    body = mail.outbox[0].body
    assert "অর্ধবার্ষিক স্ব-মূল্যায়ন" in body and "বার্ষিক মূল্যায়ন" in body
    assert (
        f"{SITE}/plans/{people.plan.pk}/half-year/" in body
        and f"{SITE}/plans/{people.plan.pk}/annual/" in body
    )
    html = mail.outbox[0].alternatives[0][0]
    assert f"{SITE}/plans/{people.plan.pk}/annual/" in html
    run("2023-07-16")
    assert len(mail.outbox) == 1
