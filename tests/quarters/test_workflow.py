"""draft → submitted → approved, or returned with a comment → edited → submitted again.

Every transition is recorded (who, when, from, to, comment) and shown on the history page.
"""

import pytest

from reports.quarters.models import QuarterlyReport, ReportTransition
from reports.quarters.services import (
    Entry,
    WorkflowError,
    report_approve,
    report_for_quarter,
    report_reopen,
    report_return,
    report_save,
    report_submit,
)
from tests.conftest import client_for
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(people):
    return report_for_quarter(plan=people.plan, quarter=2)


def returned_and_submitted_again(people, report, comment: str) -> None:
    """Submitted, returned by the reviewer with `comment`, and submitted again."""
    indicator = indicator_by_code(people.plan, "2.1.1")
    report_submit(report=report, user=people.officer, entries={indicator.pk: Entry(2)})
    report_return(report=report, user=people.reviewer, comment=comment)
    report.refresh_from_db()
    report_submit(report=report, user=people.officer, entries={indicator.pk: Entry(3)})


def test_the_whole_round_trip_is_recorded(people, report):
    returned_and_submitted_again(people, report, "প্রমাণক দিন")
    report_approve(report=report, user=people.reviewer)
    steps = [
        (t.actor.username, t.from_status, t.to_status, t.comment) for t in report.transitions.all()
    ]
    assert steps == [
        ("officer", "draft", "submitted", ""),
        ("reviewer", "submitted", "returned", "প্রমাণক দিন"),
        ("officer", "returned", "submitted", ""),
        ("reviewer", "submitted", "approved", ""),
    ]
    assert all(t.at is not None for t in report.transitions.all())
    report.refresh_from_db()
    assert report.status == QuarterlyReport.APPROVED


def test_returning_needs_a_comment(people, report):
    report_submit(report=report, user=people.officer, entries={})
    with pytest.raises(WorkflowError, match="ফেরত পাঠানোর কারণ"):
        report_return(report=report, user=people.reviewer, comment="   ")
    assert QuarterlyReport.objects.get(pk=report.pk).status == QuarterlyReport.SUBMITTED


@pytest.mark.parametrize("action", ["approve", "return"])
def test_only_a_submitted_report_is_approved_or_returned(people, report, action):
    with pytest.raises(WorkflowError):
        if action == "approve":
            report_approve(report=report, user=people.reviewer)
        else:
            report_return(report=report, user=people.reviewer, comment="x")
    assert not ReportTransition.objects.exists()


def test_an_approved_report_is_locked_until_reopened_with_a_reason(people, report):
    indicator = indicator_by_code(people.plan, "2.1.1")
    report_submit(report=report, user=people.officer, entries={})
    report_approve(report=report, user=people.reviewer)
    report.refresh_from_db()
    with pytest.raises(WorkflowError, match="অনুমোদিত"):
        report_save(report=report, user=people.officer, entries={indicator.pk: Entry(5)})
    with pytest.raises(WorkflowError, match="কারণ"):
        report_reopen(report=report, user=people.reviewer, reason="")
    report_reopen(report=report, user=people.reviewer, reason="২.১.১ এর সংখ্যা সংশোধন")
    report.refresh_from_db()
    assert report.status == QuarterlyReport.RETURNED
    assert (
        report_save(
            report=report,
            user=people.officer,
            entries={indicator.pk: Entry(5)},
        )
        == 1
    )


def test_the_reviewer_returns_and_approves_from_the_report_page(people):
    officer, reviewer = client_for(people.officer), client_for(people.reviewer)
    plan = people.plan
    officer.post(f"/plans/{plan.pk}/quarters/2/edit/", {"version": "0", "action": "submit"})
    page = reviewer.get(f"/plans/{plan.pk}/quarters/2/").content.decode()
    assert ">অনুমোদন করুন</button>" in page and ">ফেরত পাঠান</button>" in page

    response = reviewer.post(
        f"/plans/{plan.pk}/quarters/2/review/", {"action": "return", "comment": ""}
    )
    assert response.status_code == 400
    assert "ফেরত পাঠানোর কারণ লিখুন" in response.content.decode()

    response = reviewer.post(
        f"/plans/{plan.pk}/quarters/2/review/", {"action": "return", "comment": "তারিখ যাচাই করুন"}
    )
    assert response.status_code == 302
    assert QuarterlyReport.objects.get(plan=plan, quarter=2).status == QuarterlyReport.RETURNED
    # Returning again is refused: it is no longer submitted.
    response = reviewer.post(
        f"/plans/{plan.pk}/quarters/2/review/", {"action": "return", "comment": "আবার"}
    )
    assert response.status_code == 409

    version = QuarterlyReport.objects.get(plan=plan, quarter=2).version
    officer.post(
        f"/plans/{plan.pk}/quarters/2/edit/", {"version": str(version), "action": "submit"}
    )
    assert (
        reviewer.post(f"/plans/{plan.pk}/quarters/2/review/", {"action": "approve"}).status_code
        == 302
    )
    page = reviewer.get(f"/plans/{plan.pk}/quarters/2/").content.decode()
    assert "অবস্থা: অনুমোদিত" in page
    assert ">পুনরায় খুলুন</button>" in page


def test_an_unknown_review_action_is_a_bengali_error_not_a_crash(reviewer_client, people):
    response = reviewer_client.post(
        f"/plans/{people.plan.pk}/quarters/1/review/", {"action": "delete"}
    )
    assert response.status_code == 400
    assert "অজানা কাজ" in response.content.decode()


def test_reviewing_a_quarter_without_a_report_is_refused(reviewer_client, people):
    response = reviewer_client.post(
        f"/plans/{people.plan.pk}/quarters/4/review/", {"action": "approve"}
    )
    assert response.status_code == 409
    assert not QuarterlyReport.objects.filter(quarter=4).exists()


def test_the_history_page_lists_transitions_and_every_achievement_change(people):
    officer, reviewer = client_for(people.officer), client_for(people.reviewer)
    plan = people.plan
    code = indicator_by_code(plan, "1.3.1").pk
    officer.post(f"/plans/{plan.pk}/quarters/2/edit/", {"version": "0", f"value_{code}": "৩৫"})
    officer.post(
        f"/plans/{plan.pk}/quarters/2/edit/",
        {"version": "1", f"value_{code}": "৪০", "action": "submit"},
    )
    reviewer.post(
        f"/plans/{plan.pk}/quarters/2/review/", {"action": "return", "comment": "প্রমাণক নেই"}
    )
    html = reviewer.get(f"/plans/{plan.pk}/quarters/2/history/").content.decode()
    transitions = html[html.index('class="table table-sm table-bordered transitions"') :]
    transitions = transitions[: transitions.index("</table>")]
    assert transitions.count("<tr><td>") == 2
    assert "খসড়া</td><td>দাখিলকৃত" in transitions
    assert "দাখিলকৃত</td><td>ফেরতপ্রাপ্ত</td><td>প্রমাণক নেই" in transitions
    # Each named with the office they acted for (the reviewer's is the office above).
    officer_cell = (
        f'<td>officer<br><small class="acting-office">{plan.office.display_name}</small></td>'
    )
    assert (
        '<td>reviewer<br><small class="acting-office">স্থানীয় সরকার বিভাগ, ঢাকা</small></td>'
        in transitions
    )
    assert officer_cell in transitions
    changes = html[html.index("achievement-changes") :]
    assert officer_cell + "<td>[১.৩.১]</td><td>-----</td><td>৩৫%</td>" in changes
    assert officer_cell + "<td>[১.৩.১]</td><td>৩৫%</td><td>৪০%</td>" in changes


def test_the_table_and_entry_pages_show_the_last_moves_comment_with_who_made_it(people, report):
    returned_and_submitted_again(people, report, "প্রথম কারণ")
    report_return(report=report, user=people.top_reviewer, comment="দ্বিতীয় কারণ")
    for client, path in (
        (client_for(people.reviewer), f"/plans/{people.plan.pk}/quarters/2/"),
        (client_for(people.officer), f"/plans/{people.plan.pk}/quarters/2/edit/"),
    ):
        page = client.get(path).content.decode()
        assert "পর্যালোচকের মন্তব্য" in page and "দ্বিতীয় কারণ" in page and "প্রথম কারণ" not in page
        assert "(top_reviewer, " in page  # the actor of the last move, not of the first return
    # A save reads no last move (it shows no page), and a draft has none to show.
    assert (
        "পর্যালোচকের মন্তব্য"
        not in client_for(people.officer)
        .get(f"/plans/{people.plan.pk}/quarters/3/edit/")
        .content.decode()
    )
