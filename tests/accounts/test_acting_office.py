"""Reports, evidence and history name the person who acted with the office they acted for at the
time: a transfer afterwards does not move their past acts to the new office, and a person of two
offices is named with the office of the report they acted on."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov_plan.accounts import people as people_service
from egov_plan.accounts.models import Membership
from reports.pdf import render as pdf
from reports.quarters.models import Achievement, Evidence, ReportTransition
from reports.quarters.services import (
    report_approve,
    report_for_quarter,
    report_return,
    report_submit,
)
from tests.conftest import client_for, make_user
from tests.helpers import add_evidence, indicator_by_code

pytestmark = pytest.mark.django_db


def uploaded(report, indicator, user, name) -> Evidence:
    evidence = add_evidence(report, indicator, name=name)
    Evidence.objects.filter(pk=evidence.pk).update(uploaded_by=user)
    return evidence


def backdate(report, days: int) -> None:
    """Move every act on the report so far `days` back (before a transfer dated today)."""
    earlier = timezone.now() - datetime.timedelta(days=days)
    Evidence.objects.filter(report=report).update(uploaded_at=earlier)
    ReportTransition.objects.filter(report=report).update(at=earlier)


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def transferred(people):
    """The officer uploads evidence and submits, is returned, and is transferred to another
    office; a successor of the office uploads and submits again."""
    plan, office = people.plan, people.office
    indicator = indicator_by_code(plan, "1.3.1")
    report = report_for_quarter(plan=plan, quarter=2)
    uploaded(report, indicator, people.officer, "old-proof.pdf")
    report_submit(report=report, user=people.officer, entries={})
    report_return(report=report, user=people.reviewer, comment="আরও প্রমাণক দিন")
    backdate(report, days=3)
    people_service.transfer(
        people.admin,
        Membership.objects.get(user=people.officer, office=office),
        office=people.other_office,
        role=Membership.OFFICER,
        on=timezone.localdate(),
    )
    successor = make_user("successor", office, Membership.OFFICER, since=timezone.localdate())
    report.refresh_from_db()
    uploaded(report, indicator, successor, "new-proof.pdf")
    report_submit(report=report, user=successor, entries={})
    return people, report, successor


def test_the_entry_page_names_each_uploader_with_the_office_of_the_day_of_the_upload(transferred):
    people, report, successor = transferred
    text = page(client_for(successor), f"/plans/{people.plan.pk}/quarters/2/edit/")
    office, elsewhere = people.office.display_name, people.other_office.display_name
    assert (
        f'old-proof.pdf</a> <small class="text-muted evidence-uploader">officer ({office})</small>'
        in text
    )
    assert (
        f'new-proof.pdf</a> <small class="text-muted evidence-uploader">successor ({office})</small>'
        in text
    )
    assert elsewhere not in text


def test_the_review_panel_names_the_submitter_with_their_office(transferred):
    people, report, successor = transferred
    text = page(client_for(people.reviewer), f"/plans/{people.plan.pk}/quarters/2/")
    panel = text[text.index('class="card card-body mb-3 review-panel') :]
    assert f'successor (<span class="acting-office">{people.office.display_name}</span>)' in panel


def test_the_history_names_the_transferred_submitter_with_the_old_office(transferred):
    people, report, successor = transferred
    text = page(client_for(people.reviewer), f"/plans/{people.plan.pk}/quarters/2/history/")
    office = people.office.display_name
    assert f'<td>officer<br><small class="acting-office">{office}</small></td>' in text
    assert f'<td>successor<br><small class="acting-office">{office}</small></td>' in text
    assert (
        f'<td>reviewer<br><small class="acting-office">{people.supervising.display_name}</small></td>'
        in text
    )
    assert people.other_office.display_name not in text


def test_the_history_reads_every_acting_office_in_one_query(transferred):
    people, report, successor = transferred
    achievement = Achievement(
        report=report, indicator=indicator_by_code(people.plan, "1.3.1"), value_number=5
    )
    achievement._history_user = successor  # a change of value by the successor, beside the moves
    achievement.save()
    client = client_for(people.reviewer)
    path = f"/plans/{people.plan.pk}/quarters/2/history/"
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    # the transitions' and the achievement changes' acts together (the viewer's own memberships come
    # joined to the request's user)
    acts = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and f'FROM "{Membership._meta.db_table}"' in q["sql"]
    ]
    assert len(acts) == 1


def test_a_return_comment_names_the_reviewer_with_their_office_even_after_the_reviewer_moves(
    people,
):
    plan = people.plan
    report = report_for_quarter(plan=plan, quarter=2)
    report_submit(report=report, user=people.officer, entries={})
    report_return(report=report, user=people.reviewer, comment="লক্ষ্যমাত্রা মিলিয়ে দেখুন")
    backdate(report, days=2)
    people_service.transfer(
        people.admin,
        Membership.objects.get(user=people.reviewer),
        office=people.other_office,
        role=Membership.REVIEWER,
        on=timezone.localdate(),
    )
    text = page(client_for(people.officer), f"/plans/{plan.pk}/quarters/2/edit/")
    assert (
        f'(reviewer, <span class="acting-office">{people.supervising.display_name}</span>,' in text
    )


def test_a_person_of_two_offices_is_named_with_the_office_of_the_report(people):
    """During a handover the officer also holds (since earlier) the other office's membership."""
    Membership.objects.filter(user=people.officer).update(
        start_date=timezone.localdate() - datetime.timedelta(days=10)
    )
    Membership.objects.create(
        user=people.officer,
        office=people.other_office,
        role=Membership.OFFICER,
        start_date=timezone.localdate() - datetime.timedelta(days=20),
    )
    plan = people.plan
    report = report_for_quarter(plan=plan, quarter=2)
    uploaded(report, indicator_by_code(plan, "1.3.1"), people.officer, "handover.pdf")
    report_submit(report=report, user=people.officer, entries={})
    office = people.office.display_name
    entry = page(client_for(people.officer), f"/plans/{plan.pk}/quarters/2/edit/")
    assert (
        f'handover.pdf</a> <small class="text-muted evidence-uploader">officer ({office})</small>'
        in entry
    )
    review = page(client_for(people.reviewer), f"/plans/{plan.pk}/quarters/2/")
    assert f'officer (<span class="acting-office">{office}</span>)' in review
    assert people.other_office.display_name not in review


def test_the_signature_names_the_approver_with_the_office_approved_for_after_a_transfer(people):
    plan = people.plan
    report = report_for_quarter(plan=plan, quarter=2)
    report_submit(report=report, user=people.officer, entries={})
    report_approve(report=report, user=people.reviewer)
    backdate(report, days=2)
    people_service.transfer(
        people.admin,
        Membership.objects.get(user=people.reviewer),
        office=people.other_office,
        role=Membership.REVIEWER,
        on=timezone.localdate(),
    )
    approved_by, _at = pdf._approval(report)
    assert approved_by == f"reviewer ({people.supervising.display_name})"
