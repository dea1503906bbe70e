"""The annual self-assessment and evaluation (বার্ষিক মূল্যায়ন) at /plans/<id>/annual/: the office submits
the year's achievements (quarters rolled up to quarter 4); the reviewer above records evaluated
achievements (each with a mandatory comment), the marks are recomputed by the plan's scoring method,
and approving the evaluation makes the year final."""

import datetime
import io
from decimal import Decimal

import pytest

from egov_plan.core import scoring
from egov_plan.core.bangla import to_bengali_digits
from reports.pdf.models import SignedDocument
from reports.quarters.models import QuarterlyReport
from reports.quarters.services import Entry, WorkflowError, report_save
from reports.year.models import Assessment
from reports.year.services import EvaluatedValue, assessment_evaluate
from tests.conftest import client_for
from tests.helpers import indicator_by_code
from tests.html_table import read_table
from tests.pdf_text import pdftotext
from tests.signatures import assert_signed_by_us
from tests.year.test_half_year import narrative, row_cells
from tests.year_helpers import SECOND_QUARTER, enter_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(people):
    """The seed year to its end: 1.3.1 averages 30, 90, 90, 90 → 75 (the 80 % tier: 4 × 0.8 = 3.20);
    2.1.1 sums 1 + 2 + 1 → 4 (100 %: 6.00); the rest as at the half-year. Reported total 13.40."""
    enter_quarter(people, 2, SECOND_QUARTER)
    enter_quarter(people, 3, {"1.3.1": Decimal(90)})
    enter_quarter(people, 4, {"1.3.1": Decimal(90), "2.1.1": Decimal(1)}, approve=False)
    return people


def url(people, suffix=""):
    return f"/plans/{people.plan.pk}/annual/{suffix}"


def submit(people):
    response = client_for(people.officer).post(
        url(people), {"action": "submit", **narrative(people.plan)}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Assessment.objects.get(plan=people.plan, kind=Assessment.ANNUAL)


def evaluation_data(people, changes: dict) -> dict:
    data = {}
    for code, (value, comment) in changes.items():
        pk = indicator_by_code(people.plan, code).pk
        data[f"evaluated_{pk}"] = value
        data[f"comment_{pk}"] = comment
    return data


def test_the_year_is_the_quarters_rolled_up_to_the_fourth(year):
    assessment = submit(year)
    assert assessment.reported_total == Decimal("13.40") and assessment.ranking_total == Decimal(
        "13.40"
    )
    html = client_for(year.reviewer).get(url(year)).content.decode()
    assert "বার্ষিক মূল্যায়ন প্রতিবেদন" in html
    assert row_cells(html, "1.3.1")[-7:-4] == ["৭৫%", "উত্তম (৮০%)", "৩.২০"]
    assert row_cells(html, "2.1.1")[-7:-4] == ["৪", "অসাধারণ (১০০%)", "৬.০০"]


def test_the_annual_self_assessment_waits_for_the_fourth_quarter(people, officer_client):
    enter_quarter(people, 2, SECOND_QUARTER)
    response = officer_client.post(url(people), {"action": "submit", **narrative(people.plan)})
    assert response.status_code == 409
    assert "চতুর্থ ত্রৈমাসিক প্রতিবেদন দাখিল হওয়ার পর" in response.content.decode()


def test_evaluated_values_recompute_the_marks_and_need_a_comment(year):
    submit(year)
    reviewer = client_for(year.reviewer)
    # 2.1.1: 3 instead of 4 drops a tier (100 % → 90 %: 6.00 → 5.40); 1.3.1: 55 % is below the
    # 60 % tier (3.20 → 0.00). Without a comment: a Bengali message beside the field, nothing stored.
    data = evaluation_data(year, {"2.1.1": ("৩", "প্রমাণক তিনটির"), "1.3.1": ("৫৫", "")})
    response = reviewer.post(url(year), {"action": "evaluate", **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert "মূল্যায়িত অর্জন প্রতিবেদিত অর্জন থেকে ভিন্ন হলে মন্তব্য লিখতে হবে।" in html
    assert "প্রমাণক তিনটির" in html  # what was typed stays
    assessment = Assessment.objects.get(plan=year.plan, kind=Assessment.ANNUAL)
    assert not assessment.evaluations.exists()

    data = evaluation_data(year, {"2.1.1": ("৩", "প্রমাণক তিনটির"), "1.3.1": ("৫৫", "নমুনা যাচাইয়ে ৫৫%")})
    assert reviewer.post(url(year), {"action": "evaluate", **data}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.evaluated_total == Decimal("9.60")  # 13.40 − 0.60 − 3.20
    html = reviewer.get(url(year)).content.decode()
    assert row_cells(html, "2.1.1")[-7:] == [
        "৪",
        "অসাধারণ (১০০%)",
        "৬.০০",
        "৩",
        "অতি উত্তম (৯০%)",
        "৫.৪০",
        "প্রমাণক তিনটির",
    ]
    assert row_cells(html, "1.3.1")[-4:] == ["৫৫%", "--", "০.০০", "নমুনা যাচাইয়ে ৫৫%"]
    total = read_table(html, "assessment-table")["tfoot"][0]
    assert [total[3].text, total[-2].text] == ["১৩.৪০", "৯.৬০"]
    # The service refuses an evaluation without a comment too, whoever calls it.
    with pytest.raises(WorkflowError):
        assessment_evaluate(
            assessment=assessment,
            user=year.reviewer,
            entries={indicator_by_code(year.plan, "2.2.1").pk: EvaluatedValue(Decimal(1), "")},
        )


def test_the_plans_scoring_method_recomputes_the_evaluated_marks(year):
    year.plan.scoring_method = scoring.LINEAR
    year.plan.save()
    assessment = submit(year)
    assessment_evaluate(
        assessment=assessment,
        user=year.reviewer,
        entries={indicator_by_code(year.plan, "1.3.1").pk: EvaluatedValue(Decimal(78), "যাচাইকৃত")},
    )
    html = client_for(year.reviewer).get(url(year)).content.decode()
    # README's worked example: 78 % against 85/80/75/70/60 is 86 % of the weight 4 → 3.44.
    assert row_cells(html, "1.3.1")[-4:-1] == ["৭৮%", "উত্তম (৮০%)", "৩.৪৪"]


def test_approving_the_evaluation_locks_the_year(year, tmp_path, signing_key):
    client_for(year.officer).post(
        f"/plans/{year.plan.pk}/half-year/", {"action": "submit", **narrative(year.plan)}
    )
    client_for(year.reviewer).post(f"/plans/{year.plan.pk}/half-year/", {"action": "approve"})
    submit(year)
    reviewer = client_for(year.reviewer)
    data = evaluation_data(year, {"2.1.1": ("৩", "প্রমাণক তিনটির")})
    assert reviewer.post(url(year), {"action": "approve", **data}).status_code == 302
    assessment = Assessment.objects.get(plan=year.plan, kind=Assessment.ANNUAL)
    assert assessment.status == Assessment.APPROVED
    assert assessment.evaluated_total == assessment.ranking_total == Decimal("12.80")

    locked = "বছরটি চূড়ান্ত"
    q3 = QuarterlyReport.objects.get(plan=year.plan, quarter=3)
    with pytest.raises(WorkflowError, match=locked):
        report_save(
            report=q3,
            user=year.officer,
            entries={indicator_by_code(year.plan, "1.3.1").pk: Entry(1)},
        )
    for quarter in (1, 3):  # reopening an approved quarter is refused, with the reason on the page
        response = reviewer.post(
            f"/plans/{year.plan.pk}/quarters/{quarter}/review/",
            {"action": "reopen", "comment": "ভুল"},
        )
        assert response.status_code == 409 and locked in response.content.decode()
    # The fourth quarter is still submitted: it cannot be returned any more.
    response = reviewer.post(
        f"/plans/{year.plan.pk}/quarters/4/review/", {"action": "return", "comment": "ভুল"}
    )
    assert response.status_code == 409 and locked in response.content.decode()
    response = reviewer.post(
        f"/plans/{year.plan.pk}/half-year/", {"action": "reopen", "comment": "ভুল"}
    )
    assert response.status_code == 409 and locked in response.content.decode()
    response = reviewer.post(url(year), {"action": "reopen", "comment": "ভুল"})
    assert response.status_code == 409
    response = client_for(year.officer).post(url(year), {"action": "save", **narrative(year.plan)})
    assert response.status_code == 409 and locked in response.content.decode()
    assert (
        client_for(year.officer)
        .post(f"/plans/{year.plan.pk}/quarters/3/edit/", {"action": "save"})
        .status_code
        == 409
    )
    edit = client_for(year.officer).get(f"/plans/{year.plan.pk}/quarters/3/edit/").content.decode()
    assert "বছরটি চূড়ান্ত" in edit and "দাখিল করুন</button>" not in edit

    # The signed annual PDF: reported and evaluated side by side, both totals, the evaluator.
    response = client_for(year.officer).get(url(year, "pdf"))
    assert response.status_code == 200
    data = response.content
    signature = assert_signed_by_us(data, signing_key)
    assert signature.sig_object["/Reason"] == "বার্ষিক মূল্যায়ন অনুমোদন"
    text = pdftotext(data, tmp_path)
    for expected in (
        "বার্ষিক মূল্যায়ন প্রতিবেদন",
        "মূল্যায়িত",
        "১৩.৪০",
        "১২.৮০",
        "মূল্যায়নকারী",
        "reviewer",
        "স্থানীয় সরকার বিভাগ",
        "প্রমাণক",
    ):
        assert expected in text, expected
    verify = client_for(None).post("/verify/", {"file": io.BytesIO(data)}).content.decode()
    assert "বৈধ: স্বাক্ষর অক্ষত ও বৈধ" in verify and "বার্ষিক মূল্যায়ন" in verify
    assert to_bengali_digits(assessment.reference) in verify
    document = SignedDocument.objects.get(assessment=assessment)
    assert (
        "বার্ষিক মূল্যায়ন" in client_for(None).get(f"/verify/?token={document.token}").content.decode()
    )


def test_returned_with_a_comment_and_submitted_again(year):
    submit(year)
    reviewer = client_for(year.reviewer)
    assert (
        reviewer.post(
            url(year), {"action": "return", "comment": "চতুর্থ ত্রৈমাসিক আগে অনুমোদন হোক"}
        ).status_code
        == 302
    )
    assert (
        Assessment.objects.get(plan=year.plan, kind=Assessment.ANNUAL).status == Assessment.RETURNED
    )
    submit(year)


@pytest.mark.parametrize(
    "who, action, expected",
    [
        ("officer", "evaluate", 403),
        ("officer", "approve", 403),
        ("reviewer", "submit", 403),
        ("admin", "evaluate", 403),
        ("admin", "submit", 403),
        ("top_reviewer", "evaluate", 302),
        ("other_reviewer", "evaluate", 404),
        ("other_officer", "submit", 404),
    ],
)
def test_who_may_do_what(year, who, action, expected):
    submit(year)
    response = client_for(getattr(year, who)).post(
        url(year), {"action": action, **narrative(year.plan)}
    )
    assert response.status_code == expected


def test_the_late_badge_follows_the_annual_due_date(year, time_machine):
    from reports.calendar.deadlines import calendar_create

    calendar_create(fiscal_year=year.plan.fiscal_year)
    time_machine.move_to(datetime.datetime(2023, 7, 16, 10, tzinfo=datetime.UTC))
    html = client_for(year.officer).get(url(year)).content.decode()
    assert "১৫/০৭/২৩" in html and "বিলম্বিত" in html
