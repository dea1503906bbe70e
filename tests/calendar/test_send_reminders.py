"""`manage.py send_reminders`: officers of offices that have not submitted, N days before the due
date and the day after; reviewers, one daily digest of what waits for them. Bengali subject and
body, plain text and HTML, links from SITE_URL; a second run the same day sends nothing twice."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov_plan.accounts.models import Membership
from egov_plan.offices.tree import office_create
from reports.calendar import deadlines
from reports.calendar.models import Deadline, ReminderSent
from reports.quarters.services import report_for_quarter, report_submit
from tests.conftest import make_user
from tests.factories import make_offices

pytestmark = pytest.mark.django_db
SITE = "https://apa.example.gov.bd"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def calendar(people):
    for user in (people.officer, people.reviewer, people.top_reviewer, people.other_officer):
        user.email = f"{user.username}@example.gov.bd"
        user.save()
    return deadlines.calendar_create(fiscal_year=people.plan.fiscal_year, remind_days_before=3)


def run(day: str, *extra) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--date", day, *extra, stdout=out)
    return out.getvalue()


def sent():
    return [(m.to, m.subject) for m in mail.outbox]


def submit_quarter(people, quarter: int):
    report = report_for_quarter(plan=people.plan, quarter=quarter)
    return report_submit(report=report, user=people.officer, entries={})


def test_officers_are_reminded_n_days_before_the_due_date(people, calendar):
    run("2023-01-12")  # quarter 2 is due 15/01/23
    assert sent() == [
        (["officer@example.gov.bd"], "স্মরণ: দ্বিতীয় ত্রৈমাসিক প্রতিবেদন দাখিলের শেষ তারিখ ১৫/০১/২৩")
    ]
    message = mail.outbox[0]
    link = f"{SITE}/plans/{people.plan.pk}/quarters/2/edit/"
    assert link in message.body and "ময়মনসিংহ সিটি কর্পোরেশন" in message.body
    html, content_type = message.alternatives[0]
    assert content_type == "text/html" and f'href="{link}"' in html


def test_nothing_is_sent_on_other_days(people, calendar):
    run("2023-01-11")
    run("2023-01-13")
    assert sent() == []


def test_officers_are_reminded_the_day_after_the_due_date(people, calendar):
    run("2023-01-16")
    assert sent() == [
        (
            ["officer@example.gov.bd"],
            "বিলম্বিত: দ্বিতীয় ত্রৈমাসিক প্রতিবেদন দাখিলের শেষ তারিখ (১৫/০১/২৩) পেরিয়ে গেছে",
        )
    ]


def test_an_office_that_has_submitted_is_not_reminded(people, calendar):
    submit_quarter(people, 2)
    run("2023-01-12")
    assert [to for to, _ in sent()] == [["reviewer@example.gov.bd"]]  # only the digest


def test_a_second_run_on_the_same_day_sends_nothing_twice(people, calendar):
    submit_quarter(people, 3)
    run("2023-04-12")
    first = sent()
    assert [to for to, _ in first] == [
        ["reviewer@example.gov.bd"]
    ]  # quarter 3 submitted: the digest only
    assert "2023-04-12: sent 0 e-mail(s)" in run("2023-04-12")
    assert sent() == first
    assert ReminderSent.objects.filter(day=datetime.date(2023, 4, 12)).count() == len(first)


def test_the_reviewer_of_the_office_above_gets_one_digest_with_links(people, calendar):
    submit_quarter(people, 2)
    submit_quarter(people, 3)
    run("2023-02-01")
    # the ministry's reviewer, two levels up, is not the office above: no digest
    assert sent() == [(["reviewer@example.gov.bd"], "পর্যালোচনার জন্য অপেক্ষমাণ ২টি প্রতিবেদন (০১/০২/২৩)")]
    body = mail.outbox[0].body
    assert (
        f"{SITE}/plans/{people.plan.pk}/quarters/2/" in body
        and f"{SITE}/plans/{people.plan.pk}/quarters/3/" in body
    )
    assert f"{SITE}/inbox/" in body and f'href="{SITE}/inbox/"' in mail.outbox[0].alternatives[0][0]


def test_a_dry_run_sends_and_records_nothing(people, calendar):
    output = run("2023-01-12", "--dry-run")
    assert "officer@example.gov.bd" in output and "would send 1" in output
    assert sent() == [] and not ReminderSent.objects.exists()


def test_a_tier_with_its_own_due_date_is_reminded_on_its_own_schedule(people, calendar):
    Deadline.objects.create(
        calendar=calendar, tier=people.office.tier, period=2, due=datetime.date(2023, 1, 25)
    )
    run("2023-01-12")
    assert sent() == []
    run("2023-01-22")
    assert sent() == [
        (["officer@example.gov.bd"], "স্মরণ: দ্বিতীয় ত্রৈমাসিক প্রতিবেদন দাখিলের শেষ তারিখ ২৫/০১/২৩")
    ]


def test_officers_without_an_address_or_a_plan_get_nothing(people, calendar):
    people.officer.email = ""
    people.officer.save()
    run("2023-01-12")
    assert sent() == []  # the other tree's officer has no plan of the year


def test_the_run_says_how_many_were_skipped_for_want_of_an_address_and_who(people, calendar):
    people.officer.email = ""
    people.officer.first_name = "ফোকাল পয়েন্ট"
    people.officer.save()
    second = make_user(
        "officer2", people.office, Membership.OFFICER, email="officer2@example.gov.bd"
    )
    output = run("2023-01-12")
    assert sent() == [([second.email], "স্মরণ: দ্বিতীয় ত্রৈমাসিক প্রতিবেদন দাখিলের শেষ তারিখ ১৫/০১/২৩")]
    assert (
        "due_soon\tskipped, no e-mail address\tofficer (ফোকাল পয়েন্ট), ময়মনসিংহ সিটি কর্পোরেশন, ময়মনসিংহ"
        in output.splitlines()
    )
    assert (
        "2023-01-12: sent 1 e-mail(s); skipped 1 recipient(s) without an e-mail address" in output
    )
    assert [r.recipient for r in ReminderSent.objects.all()] == [
        second.email
    ]  # nothing logged for the skipped

    # The reviewer's digest likewise, and a dry run says the same.
    submit_quarter(people, 2)
    people.reviewer.email = ""
    people.reviewer.save()
    output = run("2023-02-01", "--dry-run")
    assert (
        "digest\tskipped, no e-mail address\treviewer, স্থানীয় সরকার বিভাগ, ঢাকা" in output.splitlines()
    )
    assert (
        "2023-02-01: would send 0 e-mail(s); skipped 1 recipient(s) without an e-mail address"
        in output
    )


def test_a_run_with_everyone_addressed_skips_nobody(people, calendar):
    assert "sent 1 e-mail(s); skipped 0 recipient(s)" in run("2023-01-12")


def test_the_celery_task_logs_whom_it_skipped(people, calendar, caplog):
    from reports.calendar import tasks

    people.officer.email = ""
    people.officer.save()
    with time_machine.travel(
        datetime.datetime(2023, 1, 12, 9, 0, tzinfo=ZoneInfo("Asia/Dhaka")), tick=False
    ):
        assert tasks.send_daily_reminders.apply().get() == 0
    assert (
        "skipped 1 recipient(s) without an e-mail address: officer, ময়মনসিংহ সিটি কর্পোরেশন"
        in caplog.text
    )


def test_the_calendar_admin_page_names_who_gets_no_reminders(people, calendar):
    from tests.conftest import client_for

    admin = client_for(people.admin)
    url = f"/admin/reports/reportingcalendar/{calendar.pk}/change/"
    assert "কেউ নন: সবার ই-মেইল ঠিকানা আছে।" in admin.get(url).content.decode()

    for user in (people.officer, people.reviewer, people.top_reviewer, people.other_officer):
        user.email = ""
        user.save()
    html = admin.get(url).content.decode()
    listed = html[html.index('class="without-address-count"') :]
    listed = listed[: listed.index("</ul>")]
    assert "মোট ৩ জন" in listed  # the other tree has no plan of the year: its officer is not listed
    assert re.findall(r"<li>(.*?)</li>", listed) == [
        "top_reviewer, স্থানীয় সরকার, পল্লী উন্নয়ন ও সমবায় মন্ত্রণালয়, ঢাকা — পর্যালোচক",
        "reviewer, স্থানীয় সরকার বিভাগ, ঢাকা — পর্যালোচক",
        "officer, ময়মনসিংহ সিটি কর্পোরেশন, ময়মনসিংহ — কর্মকর্তা (তথ্য প্রদানকারী)",
    ]


def test_a_bad_date_is_refused_in_bengali(calendar):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("15/01/2023")


def queries_of_a_run(day: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        run(day)
    return len(queries)


def offices_with_officers(parent, count: int, prefix: str):
    for office in make_offices(parent, count, code_prefix=prefix):
        make_user(
            f"officer-{office.code}",
            office,
            Membership.OFFICER,
            email=f"{office.code}@example.gov.bd",
        )


def test_the_work_is_batched_whatever_the_number_of_offices(people, calendar):
    district = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        location="জামালপুর",
        tier="district",
        code="DC-JAM",
        parent=people.supervising,
    )
    offices_with_officers(district, 5, "A")
    few = queries_of_a_run("2022-10-12")  # quarter 1 is due 15/10/22
    few_sent = len(mail.outbox)
    offices_with_officers(district, 40, "B")
    mail.outbox.clear()
    ReminderSent.objects.all().delete()  # the same day again, as if nothing had been sent
    assert queries_of_a_run("2022-10-12") == few
    assert few_sent < len(mail.outbox)


def test_the_celery_beat_sends_the_days_reminders_once(people, calendar):
    from egov_plan.celery import app
    from reports.calendar import tasks

    entry = next(
        e
        for e in app.conf.beat_schedule.values()
        if e["task"] == "reports.tasks.send_daily_reminders"
    )
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({9}, {0})
    with time_machine.travel(
        datetime.datetime(2023, 1, 12, 9, 0, tzinfo=ZoneInfo("Asia/Dhaka")), tick=False
    ):
        assert tasks.send_daily_reminders.apply().get() == 1
        assert tasks.send_daily_reminders.apply().get() == 0
    assert sent() == [
        (["officer@example.gov.bd"], "স্মরণ: দ্বিতীয় ত্রৈমাসিক প্রতিবেদন দাখিলের শেষ তারিখ ১৫/০১/২৩")
    ]
