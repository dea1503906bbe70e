"""The quarterly report as a PDF: the official form in Bengali, signed when approved, verifiable.

Checked with real tools: pyHanko, and poppler's pdfsig, pdffonts, pdftotext and pdfinfo.
"""

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import CommandError, call_command
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from egov_plan.core.bangla import to_bengali_digits
from egov_plan.plans.models import Indicator
from reports.pdf import render as report_pdf_module
from reports.pdf.models import SignedDocument
from reports.quarters.models import QuarterlyReport
from reports.quarters.selectors import quarter_table
from reports.quarters.services import report_approve, report_reopen, report_submit
from tests.conftest import client_for
from tests.factories import lengthen_titles, make_plan
from tests.signatures import trusted_certificate

pytestmark = pytest.mark.django_db


def poppler(tool: str, *args) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=60).stdout


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def download(client, plan, quarter) -> bytes:
    response = client.get(f"/plans/{plan.pk}/quarters/{quarter}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def tamper(data: bytes) -> bytes:
    """One byte of the signed content changed (in the document's producer string)."""
    at = data.index(b"WeasyPrint")
    return data[:at] + b"X" + data[at + 1 :]


@pytest.fixture
def seed_pdf(officer_client, people):
    return download(officer_client, people.plan, 1)


def test_the_seed_reports_pdf_is_signed_and_pyhanko_validates_it(seed_pdf, signing_key):
    reader = PdfFileReader(io.BytesIO(seed_pdf))
    assert len(reader.embedded_signatures) == 1
    signature = reader.embedded_signatures[0]
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[trusted_certificate(signing_key)])
    )
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    assert "DEVELOPMENT" in status.signing_cert.subject.human_friendly
    assert signature.sig_object["/Reason"] == "ত্রৈমাসিক প্রতিবেদন অনুমোদন"
    assert signature.sig_object["/Name"]  # the signer
    assert status.signer_reported_dt is not None  # the time
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES


def test_pdfsig_validates_it_and_both_reject_a_one_byte_change(seed_pdf, tmp_path, signing_key):
    original = poppler("pdfsig", str(write(tmp_path, "seed.pdf", seed_pdf)))
    assert "Signature Validation: Signature is Valid." in original
    assert "Total document signed" in original

    modified = tamper(seed_pdf)
    output = poppler("pdfsig", str(write(tmp_path, "modified.pdf", modified)))
    assert "Signature is Valid." not in output
    assert re.search(r"Signature Validation: (Digest Mismatch|Signature is Invalid)", output)
    status = validate_pdf_signature(
        PdfFileReader(io.BytesIO(modified)).embedded_signatures[0],
        ValidationContext(trust_roots=[trusted_certificate(signing_key)]),
    )
    assert not status.intact and not status.bottom_line


def test_the_bengali_font_is_embedded_and_the_text_is_real_bengali(seed_pdf, tmp_path):
    path = write(tmp_path, "seed.pdf", seed_pdf)
    fonts = poppler("pdffonts", str(path))
    bengali = [line for line in fonts.splitlines() if "Noto-Sans-Bengali" in line]
    assert bengali and all(" yes " in line for line in bengali)  # embedded
    text = poppler("pdftotext", "-layout", str(path), "-")
    # Dates, percents, counts and page numbers are text in Bengali digits; whole Bengali words
    # extract exactly (every word is checked in test_pdf_text_layer.py).
    reference = to_bengali_digits(QuarterlyReport.objects.get(quarter=1).reference)
    for expected in [
        "০৪/০৫/২৩",
        "১১/০৫/২৩",
        "১৩/১০/২২",
        "৩১/০৫/২৩",
        "৩০/০৬/২৩",
        "৮৫%",
        "৮০%",
        "৩০%",
        "২০%",
        "৫৫%",
        "২০২২-২০২৩",
        "পৃষ্ঠা ১ / ১",
        reference,
        "-----",
        "১০০%",
        "৬০%",
    ]:
        assert expected in text, expected
    assert "ময়মনসিংহ সিটি কর্পোরেশন" in text  # Bengali is real text, not outlines
    assert not re.search(r"[0-9]{2}/[0-9]{2}/[0-9]{2}", text)  # no date in Latin digits
    assert not re.search(r"[0-9]+%", text)  # no percent in Latin digits
    info = poppler("pdfinfo", str(path))
    assert re.search(r"Page size:\s+841\.89 x 595\.27\d? pts \(A4\)", info)
    assert re.search(r"Pages:\s+1\n", info)


def test_the_pdf_carries_a_qr_code_of_the_verification_link(seed_pdf, tmp_path, settings):
    link = f"{settings.SITE_URL}/verify/?token={SignedDocument.objects.get().token}"
    path = write(tmp_path, "seed.pdf", seed_pdf)
    assert link in poppler("pdftotext", "-raw", str(path), "-").replace("\n", "")
    if not shutil.which("zbarimg"):
        if os.environ.get("CI"):
            pytest.fail("zbarimg (Debian's zbar-tools) is missing: CI must install it")
        pytest.skip("zbarimg is not installed")
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", str(path), str(tmp_path / "page")], check=True, timeout=60
    )
    decoded = poppler("zbarimg", "--quiet", "--raw", str(tmp_path / "page-1.png"))
    assert decoded.strip() == link


def test_a_draft_has_a_watermark_on_every_page_and_no_signature(officer_client, people, tmp_path):
    data = download(officer_client, people.plan, 2)
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []
    assert not SignedDocument.objects.exists()
    # Every page of the laid-out draft carries the watermark, and it is visibly there.
    document = report_pdf_module.render_document(
        quarter_table(plan_id=people.plan.pk, quarter=2), draft=True
    )
    for page in document.pages:
        marks = [
            box
            for box in page._page_box.descendants()
            if getattr(box, "element", None) is not None and box.element.get("class") == "watermark"
        ]
        assert marks and "খসড়া" in "".join(
            getattr(b, "text", "") for m in marks for b in m.descendants()
        )
    path = write(tmp_path, "draft.pdf", data)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "draft")], check=True, timeout=60
    )
    for png in sorted(tmp_path.glob("draft*.png")):
        pixels = Image.open(png).convert("RGB").get_flattened_data()
        assert sum(1 for r, g, b in pixels if r > g + 18 and r > b + 18) > 500, (
            png.name
        )  # the red mark
    signed = download(officer_client, people.plan, 1)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            str(write(tmp_path, "signed.pdf", signed)),
            str(tmp_path / "signed"),
        ],
        check=True,
        timeout=60,
    )
    pixels = Image.open(next(tmp_path.glob("signed*.png"))).convert("RGB").get_flattened_data()
    assert (
        sum(1 for r, g, b in pixels if r > g + 18 and r > b + 18) < 50
    )  # an approved report has none


def test_an_approved_revision_is_signed_once_and_served_byte_identical(
    officer_client, people, monkeypatch
):
    first = download(officer_client, people.plan, 1)

    def must_not_render(*args, **kwargs):
        raise AssertionError("the stored PDF should be served")

    monkeypatch.setattr(report_pdf_module, "render_report_pdf", must_not_render)
    assert download(client_for(people.reviewer), people.plan, 1) == first
    assert download(officer_client, people.plan, 1) == first
    assert SignedDocument.objects.count() == 1


def test_reopening_and_reapproving_makes_a_new_revision_and_pdf(officer_client, people):
    report = QuarterlyReport.objects.get(plan=people.plan, quarter=1)
    first = download(officer_client, people.plan, 1)
    report_reopen(report=report, user=people.reviewer, reason="সংশোধন প্রয়োজন")
    report.refresh_from_db()
    draft = download(officer_client, people.plan, 1)
    assert PdfFileReader(io.BytesIO(draft)).embedded_signatures == []
    report_submit(report=report, user=people.officer, entries={})
    report_approve(report=report, user=people.reviewer)
    second = download(officer_client, people.plan, 1)
    assert second != first
    assert [d.revision for d in SignedDocument.objects.order_by("revision")] == [1, 2]
    # the approver, with the office they approved for
    assert (
        SignedDocument.objects.get(revision=2).approved_by
        == f"reviewer ({people.supervising.display_name})"
    )
    response = client_for(None).post("/verify/", {"file": io.BytesIO(first)})
    html = response.content.decode()
    assert "বৈধ: স্বাক্ষর অক্ষত ও বৈধ" in html and "নতুন সংশোধন (২) আছে" in html


def test_a_long_plan_runs_over_pages_without_cutting_a_row_group(people, tmp_path):
    plan = lengthen_titles(
        make_plan(indicators=60, office_name=people.office.name, title="দীর্ঘ পরীক্ষামূলক কর্মপরিকল্পনা")
    )
    table = quarter_table(plan_id=plan.pk, quarter=1)
    document = report_pdf_module.render_document(table, draft=True)
    assert len(document.pages) >= 3
    placed = report_pdf_module.group_pages(document)
    assert sorted(placed) == list(range(len(table.row_groups)))
    assert all(len(pages) == 1 for pages in placed.values())  # no group is cut by a page break

    path = write(tmp_path, "long.pdf", document.write_pdf())
    total = len(document.pages)
    first_groups = {}
    for group, pages in placed.items():
        first_groups.setdefault(min(pages), group)
    for number in range(1, total + 1):
        text = poppler("pdftotext", "-f", str(number), "-l", str(number), str(path), "-")
        assert "১০০%" in text and "২০২২-২০২৩" in text and "১০\n" in text  # header rows repeated
        assert f"পৃষ্ঠা {'০১২৩৪৫৬৭৮৯'[number]} / {'০১২৩৪৫৬৭৮৯'[total]}" in text
        # the page's first row group prints its area and activity again
        row = table.row_groups[first_groups[number - 1]].rows[0]
        assert f"[{row.area.code}]" in text and f"[{row.activity.code}]" in text, number
    text = poppler("pdftotext", str(path), "-")
    for indicator in Indicator.objects.filter(activity__area__plan=plan).select_related(
        "activity__area"
    ):
        assert text.count(f"[{indicator.code}]") == 1, (
            indicator.code
        )  # no row lost or printed twice
    # The signatories stand with the last rows: the signature block is on the last group's page.
    last_group = len(table.row_groups) - 1
    foot_pages = {
        number
        for number, page in enumerate(document.pages)
        for box in page._page_box.descendants()
        if getattr(box, "element", None) is not None
        and (box.element.get("class") or "") == "signatories"
    }
    assert foot_pages == placed[last_group]


def test_the_verify_page_reports_valid_modified_unsigned_and_unreadable(
    seed_pdf, officer_client, people
):
    anonymous = client_for(None)
    assert anonymous.get("/verify/").status_code == 200  # public

    html = anonymous.post("/verify/", {"file": io.BytesIO(seed_pdf)}).content.decode()
    assert "বৈধ: স্বাক্ষর অক্ষত ও বৈধ" in html
    reference = to_bengali_digits(
        QuarterlyReport.objects.get(plan=people.plan, quarter=1).reference
    )
    assert (
        "ময়মনসিংহ সিটি কর্পোরেশন" in html
        and "সংশোধন ১" in html
        and f"প্রতিবেদন নং {reference}" in html
    )
    assert "ত্রৈমাসিক প্রতিবেদন অনুমোদন" in html

    html = anonymous.post("/verify/", {"file": io.BytesIO(tamper(seed_pdf))}).content.decode()
    assert "পরিবর্তিত: স্বাক্ষরের পর ফাইলটি বদলানো হয়েছে" in html

    appended = seed_pdf + b"\n% appended after signing\n"
    assert (
        "বৈধ: স্বাক্ষর অক্ষত ও বৈধ"
        not in anonymous.post("/verify/", {"file": io.BytesIO(appended)}).content.decode()
    )

    draft = download(officer_client, people.plan, 2)
    assert (
        "কোনো ডিজিটাল স্বাক্ষর নেই"
        in anonymous.post("/verify/", {"file": io.BytesIO(draft)}).content.decode()
    )
    for junk in (b"", b"not a pdf", b"%PDF-1.7\n garbage", bytes(range(256)) * 10):
        response = anonymous.post("/verify/", {"file": io.BytesIO(junk)})
        assert response.status_code in (200, 400)
        assert "পড়া যায়নি" in response.content.decode() or "ফাইলটি খালি" in response.content.decode()
    response = anonymous.post("/verify/", {})
    assert response.status_code == 400 and "একটি PDF ফাইল নির্বাচন করুন" in response.content.decode()


def test_the_verification_link_shows_the_registered_document_and_nothing_else_does(seed_pdf):
    document = SignedDocument.objects.get()
    assert len(document.token) == 32
    html = client_for(None).get(f"/verify/?token={document.token}").content.decode()
    assert "নিবন্ধিত প্রতিবেদন" in html and document.sha256 in html
    office = document.report.plan.office.name
    for query in (
        f"ref={document.report.reference}&rev=1",
        "token=" + "A" * 32,
        "token=" + document.token[:-1],
        "token=x&rev=%00",
    ):
        html = client_for(None).get(f"/verify/?{query}").content.decode()
        assert "নিবন্ধিত প্রতিবেদন" not in html and office not in html and document.sha256 not in html


def test_the_shell_commands_export_and_verify(seed_pdf, people, tmp_path, capsys):
    output = tmp_path / "exported.pdf"
    call_command("export_pdf", str(people.plan.pk), "1", "-o", str(output))
    assert output.read_bytes() == seed_pdf  # the same PDF as the download

    call_command("verify_pdf", str(output))  # exit status 0
    assert ": valid" in capsys.readouterr().out
    for name, data in (("modified.pdf", tamper(seed_pdf)), ("junk.pdf", b"junk")):
        with pytest.raises(SystemExit) as exit_info:
            call_command("verify_pdf", str(write(tmp_path, name, data)))
        assert exit_info.value.code == 1


@contextlib.contextmanager
def without_the_pdf_stack():
    """Importing WeasyPrint, pyHanko or the modules built on them raises ImportError meanwhile."""
    import reports

    stack = (
        "weasyprint",
        "pyhanko",
        "pyhanko_certvalidator",
        "segno",
        "reports.pdf.signing",
        "reports.pdf.text_layer",
    )
    with pytest.MonkeyPatch.context() as patch:
        for name in [*sys.modules, *stack]:
            if name in stack or name.startswith(tuple(f"{root}." for root in stack)):
                patch.setitem(sys.modules, name, None)
        for name in (
            "signing",
            "pdf_text_layer",
        ):  # `from reports import signing` reads these first
            patch.delattr(reports, name, raising=False)
        yield


def test_exporting_a_signed_report_serves_the_stored_pdf_without_loading_the_pdf_stack(
    seed_pdf, people, tmp_path
):
    output = tmp_path / "exported.pdf"
    with without_the_pdf_stack():
        call_command("export_pdf", str(people.plan.pk), "1", "-o", str(output))
    assert output.read_bytes() == seed_pdf == SignedDocument.objects.get().file.read()


def test_exporting_a_report_to_sign_without_a_signing_key_says_why(people, settings, tmp_path):
    settings.SIGNING_PKCS12_PATH = tmp_path / "missing.p12"
    with pytest.raises(CommandError, match="no signing key"):
        call_command("export_pdf", str(people.plan.pk), "1", "-o", str(tmp_path / "exported.pdf"))


def test_without_a_signing_key_the_download_says_so_in_bengali(
    officer_client, people, settings, tmp_path
):
    settings.SIGNING_PKCS12_PATH = tmp_path / "missing.p12"
    response = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/pdf")
    assert response.status_code == 503
    assert "ডিজিটাল স্বাক্ষরের চাবি" in response.content.decode()


def test_the_development_certificate_says_it_is_for_development(tmp_path, settings, capsys):
    settings.SIGNING_PKCS12_PATH = tmp_path / "dev.p12"
    call_command("create_signing_certificate")
    data = settings.SIGNING_PKCS12_PATH.read_bytes()
    _, certificate, _ = pkcs12.load_key_and_certificates(
        data, settings.SIGNING_PKCS12_PASSPHRASE.encode()
    )
    assert "not for production" in certificate.subject.rfc4514_string()
    call_command("create_signing_certificate")  # a second run keeps the key
    assert settings.SIGNING_PKCS12_PATH.read_bytes() == data
