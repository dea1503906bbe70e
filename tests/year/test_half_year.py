"""The half-yearly self-assessment (অর্ধবার্ষিক স্ব-মূল্যায়ন) at /plans/<id>/half-year/: the quarters'
achievements to date at quarter 2, tier and marks, area subtotals and the total, a narrative per
area; submit → return / approve; the approved document's PDF is signed and verifiable."""

import io
from decimal import Decimal

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from egov_plan.core.bangla import to_bengali_digits
from egov_plan.plans.models import PerformanceArea
from reports.pdf.models import SignedDocument
from reports.year.models import Assessment
from tests.conftest import client_for
from tests.html_table import read_table
from tests.pdf_text import pdftotext
from tests.signatures import assert_signed_by_us
from tests.year_helpers import SECOND_QUARTER, enter_quarter

pytestmark = pytest.mark.django_db


def areas(plan):
    return list(PerformanceArea.objects.filter(plan=plan).order_by("number"))


def narrative(plan, done="ই-নথি চালু করা হয়েছে", obstacles="নেই") -> dict:
    data = {}
    for area in areas(plan):
        data[f"done_{area.pk}"] = f"{done} ({area.number})"
        data[f"obstacles_{area.pk}"] = obstacles
    return data


def row_cells(html: str, code: str) -> list[str]:
    """The texts of the table row of an indicator (code as printed, e.g. ১.৩.১)."""
    for row in read_table(html, "assessment-table")["tbody"]:
        if any(cell.text.startswith(f"[{to_bengali_digits(code)}]") for cell in row):
            return [cell.text for cell in row]
    raise AssertionError(f"no row for {code}")


def test_the_page_computes_the_half_year_from_the_quarters(people):
    enter_quarter(people, 2, SECOND_QUARTER)
    html = client_for(people.officer).get(f"/plans/{people.plan.pk}/half-year/").content.decode()
    assert "অর্ধবার্ষিক স্ব-মূল্যায়ন প্রতিবেদন" in html and "জুলাই" in html
    assert row_cells(html, "1.3.1")[-3:] == ["৬০%", "চলতি মানের নিম্নে (৬০%)", "২.৪০"]
    assert row_cells(html, "2.1.1")[-3:] == ["৩", "অতি উত্তম (৯০%)", "৫.৪০"]
    assert row_cells(html, "2.2.2")[-2:] == ["--", "০.০০"]
    assert row_cells(html, "1.2.1")[-3:] == ["২০/১০/২২", "অতি উত্তম (৯০%)", "১.৮০"]
    subtotals = [
        row
        for row in read_table(html, "assessment-table")["tbody"]
        if row[0].text.startswith("ক্ষেত্রের উপমোট")
    ]
    assert [row[-1].text for row in subtotals] == ["৪.২০", "৭.৮০"]
    assert read_table(html, "assessment-table")["tfoot"][0][-1].text == "১২.০০"


def test_it_cannot_be_submitted_before_the_second_quarter_is(people, officer_client):
    url = f"/plans/{people.plan.pk}/half-year/"
    page = officer_client.get(url).content.decode()
    assert "দ্বিতীয় ত্রৈমাসিক প্রতিবেদন দাখিল হওয়ার পর" in page
    response = officer_client.post(url, {"action": "submit", **narrative(people.plan)})
    assert response.status_code == 409
    assert "দ্বিতীয় ত্রৈমাসিক প্রতিবেদন দাখিল হওয়ার পর" in response.content.decode()
    assert (
        narrative(people.plan)[f"done_{areas(people.plan)[0].pk}"] in response.content.decode()
    )  # kept on the page
    assert not Assessment.objects.filter(plan=people.plan).exists()  # nothing half-done stored
    enter_quarter(people, 2, SECOND_QUARTER, approve=False)  # submitted, under review, is enough
    assert (
        officer_client.post(url, {"action": "submit", **narrative(people.plan)}).status_code == 302
    )
    assessment = Assessment.objects.get(plan=people.plan)
    assert assessment.status == Assessment.SUBMITTED and assessment.reported_total == Decimal(
        "12.00"
    )


def test_narrative_faults_are_bengali_messages_beside_the_fields_and_nothing_typed_is_lost(
    people, officer_client
):
    enter_quarter(people, 2, SECOND_QUARTER)
    first, second = areas(people.plan)
    data = narrative(people.plan)
    data[f"done_{first.pk}"] = ""
    data[f"obstacles_{second.pk}"] = "ক" * 2001
    response = officer_client.post(
        f"/plans/{people.plan.pk}/half-year/", {"action": "submit", **data}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "দাখিলের আগে এই ক্ষেত্রে কী করা হয়েছে তা লিখুন।" in html
    assert "সর্বোচ্চ ২০০০ অক্ষরে সংক্ষেপে লিখুন।" in html
    assert data[f"done_{second.pk}"] in html  # what was typed stays on the page
    assert not Assessment.objects.filter(plan=people.plan).exists()
    # A draft may be saved with empty fields.
    data[f"obstacles_{second.pk}"] = ""
    assert (
        officer_client.post(
            f"/plans/{people.plan.pk}/half-year/", {"action": "save", **data}
        ).status_code
        == 302
    )
    assert (
        Assessment.objects.get(plan=people.plan).narratives[str(second.pk)]["done"]
        == data[f"done_{second.pk}"]
    )


def test_return_with_comment_then_approve_and_the_signed_pdf_verifies(
    people, officer_client, reviewer_client, signing_key, tmp_path
):
    enter_quarter(people, 2, SECOND_QUARTER)
    url = f"/plans/{people.plan.pk}/half-year/"
    officer_client.post(url, {"action": "submit", **narrative(people.plan)})
    response = reviewer_client.post(url, {"action": "return", "comment": ""})
    assert response.status_code == 400 and "ফেরত পাঠানোর কারণ লিখুন।" in response.content.decode()
    assert (
        reviewer_client.post(
            url, {"action": "return", "comment": "প্রতিবন্ধকতা বিস্তারিত লিখুন"}
        ).status_code
        == 302
    )
    page = officer_client.get(url).content.decode()
    assert "প্রতিবন্ধকতা বিস্তারিত লিখুন" in page and "ফেরতপ্রাপ্ত" in page
    officer_client.post(url, {"action": "submit", **narrative(people.plan, obstacles="জনবল সংকট")})
    assert reviewer_client.post(url, {"action": "approve", "comment": ""}).status_code == 302
    assessment = Assessment.objects.get(plan=people.plan)
    assert assessment.status == Assessment.APPROVED and assessment.revision == 1
    assert [(t.from_status, t.to_status) for t in assessment.transitions.all()] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]

    response = officer_client.get(url + "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    signature = assert_signed_by_us(data, signing_key)
    assert signature.sig_object["/Reason"] == "অর্ধবার্ষিক স্ব-মূল্যায়ন প্রতিবেদন অনুমোদন"
    text = pdftotext(data, tmp_path)
    assert "অর্ধবার্ষিক স্ব-মূল্যায়ন প্রতিবেদন" in text and "জনবল সংকট" in text and "১২.০০" in text
    assert reviewer_client.get(url + "pdf").content == data  # stored once, served again
    document = SignedDocument.objects.get(assessment=assessment)

    verify = client_for(None).post("/verify/", {"file": io.BytesIO(data)}).content.decode()
    assert "বৈধ: স্বাক্ষর অক্ষত ও বৈধ" in verify and "অর্ধবার্ষিক স্ব-মূল্যায়ন" in verify
    assert to_bengali_digits(assessment.reference) in verify
    registered = client_for(None).get(f"/verify/?token={document.token}").content.decode()
    assert "নিবন্ধিত প্রতিবেদন" in registered and "অর্ধবার্ষিক স্ব-মূল্যায়ন" in registered


def test_an_approved_half_year_reopens_only_with_a_reason(people, officer_client, reviewer_client):
    enter_quarter(people, 2, SECOND_QUARTER)
    url = f"/plans/{people.plan.pk}/half-year/"
    officer_client.post(url, {"action": "submit", **narrative(people.plan)})
    reviewer_client.post(url, {"action": "approve"})
    response = officer_client.post(url, {"action": "save", **narrative(people.plan, done="বদল")})
    assert response.status_code == 409 and "এখন পরিবর্তন করা যাবে না" in response.content.decode()
    assert reviewer_client.post(url, {"action": "reopen", "comment": ""}).status_code == 400
    assert (
        reviewer_client.post(url, {"action": "reopen", "comment": "তথ্য সংশোধন"}).status_code == 302
    )
    assert Assessment.objects.get(plan=people.plan).status == Assessment.RETURNED


def test_the_draft_pdf_says_draft_and_is_not_signed(people, officer_client, tmp_path):
    enter_quarter(people, 2, SECOND_QUARTER)
    response = officer_client.get(f"/plans/{people.plan.pk}/half-year/pdf")
    assert response.status_code == 200
    assert PdfFileReader(io.BytesIO(response.content)).embedded_signatures == []
    assert "খসড়া" in pdftotext(response.content, tmp_path)


@pytest.mark.parametrize(
    "who, action, expected",
    [
        ("officer", "approve", 403),
        ("admin", "save", 403),
        ("admin", "approve", 403),
        ("top_reviewer", "approve", 302),
        ("reviewer", "save", 403),
        ("other_reviewer", "approve", 404),
        ("other_officer", "save", 404),
    ],
)
def test_who_may_do_what(people, who, action, expected):
    enter_quarter(people, 2, SECOND_QUARTER)
    client_for(people.officer).post(
        f"/plans/{people.plan.pk}/half-year/", {"action": "submit", **narrative(people.plan)}
    )
    response = client_for(getattr(people, who)).post(
        f"/plans/{people.plan.pk}/half-year/", {"action": action, **narrative(people.plan)}
    )
    assert response.status_code == expected
