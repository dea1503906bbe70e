"""A fiscal year's reporting calendar: due dates, lateness and the closing of entry.

A report is due by the end of its due date in Asia/Dhaka; submitted later (or not at all once the
day has passed) it is late, on the table page, the inbox, the dashboard and the history. Where the
year's calendar says so, entry closes after the grace period and only the reviewer's
reopen-with-reason opens it again. The clock is frozen with time-machine.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import DateField, Value
from openpyxl import load_workbook

from egov_plan.offices.models import OfficeTier
from reports.calendar import deadlines
from reports.calendar.models import ANNUAL, Deadline
from reports.quarters.models import QuarterlyReport
from reports.quarters.services import (
    Entry,
    WorkflowError,
    report_for_quarter,
    report_reopen,
    report_return,
    report_save,
    report_submit,
)
from tests.conftest import client_for
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db
DHAKA = ZoneInfo("Asia/Dhaka")
QUARTER = 2  # October–December 2022: due 15 January 2023 by default


def at(day: str, time: str = "12:00") -> time_machine.travel:
    return time_machine.travel(
        datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=DHAKA), tick=False
    )


@pytest.fixture
def calendar(people):
    return deadlines.calendar_create(fiscal_year=people.plan.fiscal_year)


def submit(people, when: str, time: str = "12:00"):
    with at(when, time):
        report = report_for_quarter(plan=people.plan, quarter=QUARTER)
        indicator = indicator_by_code(people.plan, "2.1.1")
        return report_submit(report=report, user=people.officer, entries={indicator.pk: Entry(2)})


def table_page(client, people, day: str) -> str:
    with at(day):
        response = client.get(f"/plans/{people.plan.pk}/quarters/{QUARTER}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_calendar_has_the_default_due_dates(people, calendar):
    dues = dict(calendar.deadlines.filter(tier__isnull=True).values_list("period", "due"))
    assert dues == {
        1: datetime.date(2022, 10, 15),
        2: datetime.date(2023, 1, 15),
        3: datetime.date(2023, 4, 15),
        4: datetime.date(2023, 7, 15),
        ANNUAL: datetime.date(2023, 7, 15),
    }


def test_a_report_submitted_late_in_the_evening_of_the_due_date_is_on_time(people, calendar):
    submit(people, "2023-01-15", "23:50")  # 17:50 UTC: still the 15th in Dhaka
    html = table_page(client_for(people.officer), people, "2023-01-20")
    assert "দাখিলের শেষ তারিখ: ১৫/০১/২৩" in html
    assert "বিলম্বিত" not in html


def test_a_report_submitted_after_midnight_is_late(people, calendar):
    submit(people, "2023-01-16", "00:10")
    assert "বিলম্বিত" in table_page(client_for(people.officer), people, "2023-01-20")


def test_an_unsubmitted_report_becomes_late_the_day_after_its_due_date(people, calendar):
    client = client_for(people.officer)
    assert "বিলম্বিত" not in table_page(client, people, "2023-01-15")
    assert "বিলম্বিত" in table_page(client, people, "2023-01-16")


def test_a_year_without_a_calendar_has_no_due_date(people):
    html = table_page(client_for(people.officer), people, "2024-01-16")
    assert "দাখিলের শেষ তারিখ" not in html and "বিলম্বিত" not in html


def test_a_tier_can_have_its_own_due_date(people, calendar):
    Deadline.objects.create(
        calendar=calendar, tier=people.office.tier, period=QUARTER, due=datetime.date(2023, 1, 25)
    )
    Deadline.objects.create(
        calendar=calendar,
        tier=OfficeTier.objects.get(code="district"),
        period=QUARTER,
        due=datetime.date(2023, 1, 5),
    )
    html = table_page(client_for(people.officer), people, "2023-01-20")
    assert "দাখিলের শেষ তারিখ: ২৫/০১/২৩" in html and "বিলম্বিত" not in html


def test_the_inbox_marks_late_submissions(people, calendar):
    submit(people, "2023-01-17")
    with at("2023-01-18"):
        html = client_for(people.reviewer).get("/inbox/").content.decode()
    assert "১৫/০১/২৩" in html and "বিলম্বিত" in html


def test_the_inbox_takes_the_offices_tier_date_before_the_date_for_every_tier(people, calendar):
    Deadline.objects.create(
        calendar=calendar, tier=people.office.tier, period=QUARTER, due=datetime.date(2023, 1, 25)
    )
    Deadline.objects.create(
        calendar=calendar,
        tier=OfficeTier.objects.get(code="district"),
        period=QUARTER,
        due=datetime.date(2023, 1, 5),
    )
    submit(people, "2023-01-17")
    with at("2023-01-18"):
        html = client_for(people.reviewer).get("/inbox/").content.decode()
    assert "২৫/০১/২৩" in html and "বিলম্বিত" not in html


@pytest.mark.parametrize("today", ["2023-01-10", "2023-01-15", "2023-01-16"])
def test_a_rows_lateness_in_python_is_the_lateness_sql_gives(people, today):
    """`deadlines.is_row_late` (the inbox's page) decides as `with_lateness` (the dashboard's rows)."""
    due = datetime.date(2023, 1, 15)
    cases = [  # (quarter, status, first submitted)
        (1, QuarterlyReport.DRAFT, None),
        (
            2,
            QuarterlyReport.SUBMITTED,
            datetime.datetime(2023, 1, 15, 23, 30, tzinfo=DHAKA),
        ),  # on the day, Dhaka time
        (
            3,
            QuarterlyReport.SUBMITTED,
            datetime.datetime(2023, 1, 15, 18, 30, tzinfo=datetime.UTC),
        ),  # the 16th there
        (4, QuarterlyReport.APPROVED, None),  # imported as approved
    ]
    for quarter, status, first in cases:
        QuarterlyReport.objects.update_or_create(
            plan=people.plan,
            quarter=quarter,
            defaults={"status": status, "first_submitted_at": first},
        )
    day = datetime.date.fromisoformat(today)
    rows = deadlines.with_lateness(
        QuarterlyReport.objects.filter(plan=people.plan).order_by("quarter"),
        due=Value(due, output_field=DateField()),
        first_submitted="first_submitted_at",
        status="status",
        today=day,
    )
    in_sql = [row.late for row in rows]
    in_python = [
        deadlines.is_row_late(
            due=due, first_submitted_at=row.first_submitted_at, status=row.status, today=day
        )
        for row in rows
    ]
    assert in_python == in_sql
    assert in_sql[1:] == [False, True, False] and in_sql[0] == (day > due)


def test_the_history_marks_the_late_submission(people, calendar):
    submit(people, "2023-01-17")
    with at("2023-01-18"):
        html = (
            client_for(people.officer)
            .get(f"/plans/{people.plan.pk}/quarters/{QUARTER}/history/")
            .content.decode()
        )
    assert "বিলম্বে" in html


def test_the_dashboard_filters_late_offices(people, calendar):
    client = client_for(people.reviewer)
    with at("2023-01-10"):
        on_time = client.get(
            f"/dashboard/?year=2022&quarter={QUARTER}&status=late"
        ).content.decode()
    with at("2023-01-16"):
        late = client.get(f"/dashboard/?year=2022&quarter={QUARTER}&status=late").content.decode()
    code = people.office.code
    assert f'data-office="{code}"' not in on_time
    assert f'data-office="{code}"' in late and 'data-status="late">বিলম্বিত: ১' in late


def test_the_dashboards_xlsx_has_a_late_column_matching_the_badge(people, calendar):
    client = client_for(people.reviewer)
    url = f"/dashboard/export.xlsx?year=2022&quarter={QUARTER}"
    for day, expected in (("2023-01-10", None), ("2023-01-16", "বিলম্বিত")):
        with at(day):
            page = client.get(url.replace("/export.xlsx", "/")).content.decode()
            sheet = load_workbook(io.BytesIO(client.get(url).content)).active
        table = list(sheet.iter_rows(values_only=True))
        assert table[0][-1] == "বিলম্ব"
        row = next(r for r in table if r[0] == people.office.code)
        assert row[-1] == expected
        assert ('<span class="badge status-late">বিলম্বিত</span>' in page) == (expected is not None)


def test_a_submission_on_time_stays_on_time_after_a_late_return(people, calendar):
    report = submit(people, "2023-01-10")
    with at("2023-01-20"):
        report_return(report=report, user=people.reviewer, comment="প্রমাণক দিন")
    assert "বিলম্বিত" not in table_page(client_for(people.officer), people, "2023-01-21")


@pytest.fixture
def closing(people, calendar):
    calendar.closes_after_grace, calendar.grace_days = True, 3
    calendar.save()
    return calendar


def save_on(people, day: str) -> int:
    with at(day):
        report = report_for_quarter(plan=people.plan, quarter=QUARTER)
        report.refresh_from_db()
        indicator = indicator_by_code(people.plan, "2.1.1")
        return report_save(
            report=report, user=people.officer, entries={indicator.pk: Entry(day[-2:])}
        )


def test_entry_stays_open_through_the_grace_period(people, closing):
    assert save_on(people, "2023-01-18") == 1


def test_entry_closes_after_the_grace_period(people, closing):
    with pytest.raises(WorkflowError, match="দাখিলের সময়"):
        save_on(people, "2023-01-19")


def test_the_edit_page_refuses_a_closed_quarter_with_a_message(people, closing):
    client = client_for(people.officer)
    with at("2023-01-19"):
        page = client.get(f"/plans/{people.plan.pk}/quarters/{QUARTER}/edit/").content.decode()
        response = client.post(
            f"/plans/{people.plan.pk}/quarters/{QUARTER}/edit/", {"version": 0, "action": "submit"}
        )
    assert "entry-closed" in page
    assert response.status_code == 409
    assert "পর্যালোচক কারণসহ পুনরায় খুললে" in response.content.decode()


def test_without_closing_entry_stays_open_after_the_due_date(people, calendar):
    assert save_on(people, "2023-03-01") == 1


def test_only_the_reviewers_reopen_with_a_reason_opens_a_closed_quarter(people, closing):
    client = client_for(people.reviewer)
    path = f"/plans/{people.plan.pk}/quarters/{QUARTER}/review/"
    with at("2023-01-20"):
        without_reason = client.post(path, {"action": "reopen", "comment": ""})
        assert (
            client.get(f"/plans/{people.plan.pk}/quarters/{QUARTER}/")
            .content.decode()
            .count('value="reopen"')
            == 1
        )
        assert (
            client.post(path, {"action": "reopen", "comment": "বন্যার কারণে বিলম্ব"}).status_code == 302
        )
    assert without_reason.status_code == 400
    assert save_on(people, "2023-01-21") == 1
    with at("2023-01-21"):
        html = client.get(f"/plans/{people.plan.pk}/quarters/{QUARTER}/").content.decode()
    assert "বিলম্বিত" in html and "entry-closed" not in html


def test_an_open_quarter_cannot_be_reopened(people, calendar):
    with at("2023-01-10"):
        report = report_for_quarter(plan=people.plan, quarter=QUARTER)
        with pytest.raises(WorkflowError):
            report_reopen(report=report, user=people.reviewer, reason="কারণ")


def test_an_admin_creates_a_calendar_with_the_default_dates_and_a_tier_of_its_own(people):
    tier = OfficeTier.objects.get(code="upazila")
    response = client_for(people.admin).post(
        "/admin/reports/reportingcalendar/add/",
        {
            "fiscal_year": people.plan.fiscal_year.pk,
            "grace_days": "5",
            "remind_days_before": "3",
            "closes_after_grace": "on",
            "deadlines-TOTAL_FORMS": "1",
            "deadlines-INITIAL_FORMS": "0",
            "deadlines-MIN_NUM_FORMS": "0",
            "deadlines-MAX_NUM_FORMS": "1000",
            "deadlines-0-period": "1",
            "deadlines-0-tier": tier.pk,
            "deadlines-0-due": "2022-10-25",
        },
    )
    assert response.status_code == 302
    calendar = people.plan.fiscal_year.reporting_calendar
    assert (calendar.closes_after_grace, calendar.grace_days) == (True, 5)
    rows = set(calendar.deadlines.values_list("period", "tier__code", "due"))
    assert (1, "upazila", datetime.date(2022, 10, 25)) in rows
    assert (1, None, datetime.date(2022, 10, 15)) in rows and len(rows) == 6


def test_a_report_imported_as_approved_without_a_submission_time_is_not_late(people, calendar):
    QuarterlyReport.objects.create(
        plan=people.plan, quarter=QUARTER, status=QuarterlyReport.APPROVED
    )
    html = table_page(client_for(people.reviewer), people, "2023-02-01")
    assert "দাখিলের শেষ তারিখ: ১৫/০১/২৩" in html and "বিলম্বিত" not in html
    with at("2023-02-01"):
        late = (
            client_for(people.reviewer)
            .get(f"/dashboard/?year=2022&quarter={QUARTER}&status=late")
            .content.decode()
        )
    assert f'data-office="{people.office.code}"' not in late


def test_a_template_without_an_office_has_the_due_date_for_every_tier(people, calendar):
    from reports.plans.rollout import template_from_plan

    template = template_from_plan(plan=people.plan)
    assert template.office_id is None
    deadline = deadlines.report_deadline(
        plan=template, period=QUARTER, report=None, today=datetime.date(2022, 12, 1)
    )
    assert deadline.due == datetime.date(2023, 1, 15) and not deadline.late and not deadline.closed
