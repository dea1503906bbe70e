"""The unofficial English translation of a quarterly report: the table in English (headings, tier
names, Latin digits, the plan's English texts where entered) and its PDF, never signed."""

import io
import re
import subprocess
from decimal import Decimal

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from egov_plan.core.bangla import to_latin_digits
from reports.quarters.models import Achievement
from reports.quarters.selectors import quarter_table
from tests.conftest import client_for
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db

BENGALI_DIGIT = re.compile(r"[০-৯]")
NOTICE = "Unofficial English translation — not signed; the Bengali report is authoritative."


@pytest.fixture
def translated(people):
    """[1.3.1] and its activity have English texts; everything else has none."""
    indicator = indicator_by_code(people.plan, "1.3.1")
    indicator.title_en = "Notes disposed of in e-file"
    indicator.save()
    activity = indicator.activity
    activity.title_en = "Increasing the use of e-Nothi"
    activity.save()
    return indicator


def table_part(html: str) -> str:
    return html[html.index('<div class="report-sheet translation"') :]


def test_the_report_page_links_to_the_english_translation(officer_client, people):
    html = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/").content.decode()
    assert f'href="/plans/{people.plan.pk}/quarters/1/en/"' in html


def test_the_translation_is_the_table_in_english_with_latin_digits(
    officer_client, people, translated
):
    response = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/en/?scores=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert NOTICE in html
    table = table_part(html)
    for heading in (
        "No.",
        "Performance area",
        "Weight",
        "Activity",
        "Performance indicator",
        "Unit",
        "Indicator weight",
        "Target 2022-2023",
        "Achievement (July 2022 to September 2022)",
        "Excellent",
        "Very good",
        "Good",
        "Fair",
        "Poor",
        "Tier reached",
        "Marks obtained",
        "Total",
    ):
        assert f">{heading}<" in table, heading
    assert (
        "E-Governance and Innovation Action Plan 2022-2023: report of the first quarter "
        "(July 2022 to September 2022)"
    ) in table
    # What the reader sees has Latin digits only, but in content entered in Bengali (names, texts).
    official = quarter_table(plan_id=people.plan.pk, quarter=1)
    text = re.sub(r"<[^>]+>", " ", table.split('<div class="signatories">')[0])
    for content in [people.office.name, people.office.location] + [
        item.title for row in official.rows for item in (row.area, row.activity, row.indicator)
    ]:
        text = text.replace(content, "")
    assert not BENGALI_DIGIT.search(text)
    # Every target and achievement as the official table prints it, in Latin digits (dates dd/mm/yy).
    for row in official.rows:
        cells = [to_latin_digits(value) for value in (*row.targets, row.achievement, row.weight)]
        assert all(f">{cell}<" in table for cell in cells), row.indicator.code
    assert ">04/05/23<" in table  # [1.1.1]'s 100 % target, 04/05/2023
    assert 'class="cell-tier">--<' in table  # the seed's 30 % on [1.3.1] reaches no tier


def test_tier_names_and_marks_in_english(officer_client, people, translated):
    Achievement.objects.filter(
        report__plan=people.plan, report__quarter=1, indicator=translated
    ).update(value_number=Decimal("78"))  # targets 85/80/75/70/60: the 80 % tier
    table = table_part(
        officer_client.get(f"/plans/{people.plan.pk}/quarters/1/en/?scores=1").content.decode()
    )
    assert re.search(
        r'data-indicator="১\.৩\.১">.*?class="cell-achievement">78%<.*?'
        r'class="cell-tier">Good \(80%\)<.*?class="cell-score">3\.20<',
        table,
        re.S,
    )
    assert ">Date<" in table and ">Count<" in table


def test_the_translation_uses_the_english_texts_where_entered_and_the_bengali_ones_elsewhere(
    officer_client, people, translated
):
    table = table_part(
        officer_client.get(f"/plans/{people.plan.pk}/quarters/1/en/").content.decode()
    )
    assert "[1.3.1] Notes disposed of in e-file" in table
    assert "[1.3] Increasing the use of e-Nothi" in table
    assert translated.title not in table and translated.activity.title not in table
    other = indicator_by_code(people.plan, "1.1.1")
    assert (
        f"[1.1.1] {other.title}" in table
    )  # no English text: the Bengali one, with a Latin number
    assert f"[1] {other.activity.area.title}" in table


def test_the_translation_has_the_bengali_reports_permissions(people):
    url = f"/plans/{people.plan.pk}/quarters/1/en/"
    assert client_for(people.reviewer).get(url).status_code == 200
    assert client_for(people.top_reviewer).get(url).status_code == 200
    assert client_for(people.other_officer).get(url).status_code == 404
    assert client_for(people.other_officer).get(url + "pdf").status_code == 404
    assert client_for(None).get(url).status_code == 302  # to the login page
    assert (
        client_for(people.officer).get(f"/plans/{people.plan.pk}/quarters/5/en/").status_code == 404
    )
    assert client_for(people.officer).post(url).status_code == 405


@pytest.fixture
def english_pdf(officer_client, people, translated):
    response = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/en/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "english-translation" in response["Content-Disposition"]
    return response.content


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "translation.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60
    ).stdout


def test_the_translation_pdf_is_unsigned_by_pyhanko_and_pdfsig(english_pdf, tmp_path):
    assert PdfFileReader(io.BytesIO(english_pdf)).embedded_signatures == []
    path = tmp_path / "translation.pdf"
    path.write_bytes(english_pdf)
    pdfsig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert "does not contain any signatures" in pdfsig.stdout + pdfsig.stderr
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, timeout=60
    ).stdout
    assert len(images.strip().splitlines()) == 2  # the header lines only: no QR code


def test_the_translation_pdf_is_english_and_marked_on_every_page(english_pdf, people, tmp_path):
    text = pdf_text(english_pdf, tmp_path)
    flat = " ".join(text.split())
    assert NOTICE in flat
    assert "Performance indicator" in flat and "Excellent" in flat and "Target 2022-2023" in flat
    assert "Notes disposed of in e-file" in flat
    assert "04/05/23" in flat
    pages = text.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 1
    for number, page in enumerate(pages, start=1):
        page_flat = " ".join(page.split())
        assert "Unofficial English translation — not signed" in page_flat
        assert f"Page {number} of {len(pages)}" in page_flat
    assert "ডিজিটাল স্বাক্ষর যাচাই" not in flat and "/verify/" not in flat


def test_the_official_pdf_is_unchanged_by_the_translation(
    officer_client, people, english_pdf, tmp_path
):
    official = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/pdf").content
    assert len(PdfFileReader(io.BytesIO(official)).embedded_signatures) == 1
    text = " ".join(pdf_text(official, tmp_path).split())
    assert "Unofficial" not in text and "Notes disposed of in e-file" not in text
