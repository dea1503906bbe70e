"""Every official PDF is PDF/A-3b, before and after signing, and keeps its Bengali text layer.

What PDF/A asks is checked with pikepdf (tests/pdfa.py; README, "PDF/A"): XMP metadata with the
pdfaid part and conformance and the title, the language, an sRGB output intent, every font
embedded, no encryption, JavaScript or external references, and colour spaces an archive can
reproduce. The signed files are checked as they are stored: pyHanko's signature is an
incremental update of the PDF/A file, which keeps it PDF/A.
"""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from reports.pdf import render as report_pdf
from reports.pdf import signing
from reports.quarters.selectors import quarter_table
from reports.year import pdf as assessment_pdf
from reports.year.models import Assessment
from reports.year.table import assessment_table
from tests.pdf_text import pdftotext, words
from tests.pdfa import assert_pdfa_3b

pytestmark = pytest.mark.django_db

TITLE = "ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা"


def has_text_layer(pdf) -> bool:
    """reports.pdf.text_layer's marked content (/Span << /ActualText … >>) in the pages' content."""
    return all(b"/ActualText" in page.Contents.read_bytes() for page in pdf.pages)


def test_the_signed_quarter_report_is_pdfa_3b_with_its_text_layer(officer_client, people, tmp_path):
    data = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/pdf").content
    assert len(PdfFileReader(io.BytesIO(data)).embedded_signatures) == 1
    pdf = assert_pdfa_3b(data, title_contains=TITLE)
    assert "প্রথম ত্রৈমাসিক" in pdf.open_metadata().get("dc:title")
    assert has_text_layer(pdf)  # the text layer survives the variant and the signature
    assert "কর্মপরিকল্পনা" in words(pdftotext(data, tmp_path))
    # The QR code (the verification link, drawn from SVG) is on the last page, in the sRGB intent.
    assert signing.check_signature(data).ok


def test_the_draft_quarter_report_is_pdfa_3b(officer_client, people):
    data = officer_client.get(f"/plans/{people.plan.pk}/quarters/2/pdf").content
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []
    assert "দ্বিতীয় ত্রৈমাসিক" in assert_pdfa_3b(data, title_contains=TITLE).open_metadata().get(
        "dc:title"
    )


def test_the_english_translation_is_pdfa_3b_in_english(people):
    data = report_pdf.translation_pdf(quarter_table(plan_id=people.plan.pk, quarter=1))
    assert_pdfa_3b(data, title_contains="", language="en")


@pytest.mark.parametrize("kind", [Assessment.HALF_YEAR, Assessment.ANNUAL])
def test_the_half_year_and_annual_documents_are_pdfa_3b_drafts_and_signed(people, kind, tmp_path):
    draft = assessment_pdf.render_assessment_pdf(
        assessment_table(plan_id=people.plan.pk, kind=kind), draft=True
    )
    assert_pdfa_3b(draft, title_contains=TITLE)
    signed = signing.sign_pdf(
        draft,
        signer_name="অনুমোদনকারী",
        location=people.plan.office.name,
        reason=assessment_pdf.SIGNATURE_REASONS[kind],
    )  # as store_signed signs
    assert has_text_layer(assert_pdfa_3b(signed, title_contains=TITLE))
    assert "খসড়া" in pdftotext(signed, tmp_path)
