"""Evidence (প্রমাণক): type read from content, size limit, generated names, guarded download/removal."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from egov_plan import media
from reports.quarters.models import Evidence, QuarterlyReport
from tests.conftest import client_for
from tests.helpers import (
    ELF_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    add_evidence,
    indicator_by_code,
    ooxml_bytes,
)

pytestmark = pytest.mark.django_db


def upload(client, plan, code, name, content, quarter=2, **values):
    indicator = indicator_by_code(plan, code)
    data = {
        "version": "0",
        "action": "save",
        f"evidence_{indicator.pk}": SimpleUploadedFile(name, content),
    }
    data.update(values)
    return client.post(f"/plans/{plan.pk}/quarters/{quarter}/edit/", data)


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("notes.pdf", PDF_BYTES, "pdf"),
        ("photo.jpg", JPEG_BYTES, "jpeg"),
        ("screen.png", PNG_BYTES, "png"),
        ("letter.docx", ooxml_bytes("word/document.xml"), "docx"),
        ("sheet.xlsx", ooxml_bytes("xl/workbook.xml"), "xlsx"),
        ("scan-named-wrongly.png", PDF_BYTES, "pdf"),  # the content decides, not the name
    ],
)
def test_it_accepts_the_allowed_types_by_content(officer_client, people, name, content, kind):
    assert upload(officer_client, people.plan, "1.3.1", name, content).status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.original_name, evidence.size) == (kind, name, len(content))
    stored_name = evidence.file.name.rsplit("/", 1)[-1]
    assert name not in evidence.file.name and len(stored_name.split(".")[0]) == 32  # generated
    assert stored_name.endswith(Evidence.KINDS[kind][1])
    assert evidence.file.read() == content


@pytest.mark.parametrize(
    "name, content",
    [
        ("virus.pdf", ELF_BYTES),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("empty.pdf", b""),
        ("archive.docx", ooxml_bytes("something/else.xml")),
        ("broken.xlsx", b"PK\x03\x04not really a zip"),
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("junk.pdf", b"%PDF-1.7\n" + b"x" * 4096),  # the right first bytes, then junk
        ("truncated.pdf", PDF_BYTES[: len(PDF_BYTES) // 2]),
        ("header-only.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # an image that does not decode
        ("header-only.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
        ("cut.jpg", JPEG_BYTES[:40]),
        ("no-xml.docx", ooxml_bytes("word/document.xml", content_types="not < xml")),
    ],
)
def test_it_refuses_a_file_that_is_not_what_it_claims(
    officer_client, people, settings, name, content
):
    response = upload(officer_client, people.plan, "1.3.1", name, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "গ্রহণযোগ্য ফাইল নয়" in html or "ফাইলটি খালি" in html
    assert not Evidence.objects.exists()
    assert media.files_under() == []  # nothing stored


def test_it_refuses_a_file_over_the_limit(officer_client, people, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = upload(
        officer_client, people.plan, "1.3.1", "big.pdf", PDF_BYTES + b"0" * (1024 * 1024)
    )
    assert response.status_code == 400
    assert "ফাইলটি অনেক বড়: সর্বোচ্চ ১ মেগাবাইট" in response.content.decode()
    assert not Evidence.objects.exists()


def test_it_refuses_an_office_file_that_unpacks_beyond_the_limit(officer_client, people, settings):
    settings.EVIDENCE_MAX_UNPACKED_BYTES = 8 * 1024 * 1024
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("word/media/zeros.bin", bytes(64 * 1024 * 1024))  # 64 MiB in about 64 KB
    assert len(bomb.getvalue()) < 100 * 1024
    response = upload(officer_client, people.plan, "1.3.1", "report.docx", bomb.getvalue())
    assert response.status_code == 400
    assert "“report.docx” ফাইলটি খুললে অনেক বড় হয়: সর্বোচ্চ ৮ মেগাবাইট" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_pdf_named_html_downloads_with_the_extension_of_its_content(officer_client, people):
    """(A PDF with an HTML page appended is refused: tests/quarters/test_evidence_active_pdf.py.)"""
    assert upload(officer_client, people.plan, "1.3.1", "poly.html", PDF_BYTES).status_code == 302
    evidence = Evidence.objects.get()
    response = officer_client.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="poly.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_valid_file_is_kept_when_a_value_is_wrong(officer_client, people):
    response = upload(
        officer_client,
        people.plan,
        "1.3.1",
        "proof.pdf",
        PDF_BYTES,
        **{f"value_{indicator_by_code(people.plan, '1.3.1').pk}": "একশো"},
    )
    assert response.status_code == 400
    assert Evidence.objects.filter(original_name="proof.pdf").exists()
    assert "proof.pdf" in response.content.decode()


def test_valid_values_are_saved_when_only_a_file_is_wrong(officer_client, people):
    indicator = indicator_by_code(people.plan, "2.1.1")
    response = upload(
        officer_client,
        people.plan,
        "1.3.1",
        "virus.pdf",
        ELF_BYTES,
        **{f"value_{indicator.pk}": "২"},
    )
    assert response.status_code == 400
    assert "গ্রহণযোগ্য ফাইল নয়" in response.content.decode()
    assert QuarterlyReport.objects.get(plan=people.plan, quarter=2).achievements.get().value == 2


def test_it_downloads_only_for_those_who_may_see_the_report(people):
    report = QuarterlyReport.objects.create(plan=people.plan, quarter=2)
    evidence = add_evidence(report, indicator_by_code(people.plan, "1.3.1"), name="প্রমাণ.pdf")
    response = client_for(people.reviewer).get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert client_for(people.other_officer).get(f"/evidence/{evidence.pk}/").status_code == 404


def test_it_removes_evidence_while_the_report_is_editable(
    officer_client, people, django_capture_on_commit_callbacks
):
    report = QuarterlyReport.objects.create(plan=people.plan, quarter=2)
    evidence = add_evidence(report, indicator_by_code(people.plan, "1.3.1"))
    name = evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(f"/evidence/{evidence.pk}/delete/")
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not default_storage.exists(name)


@pytest.mark.parametrize("status", [QuarterlyReport.SUBMITTED, QuarterlyReport.APPROVED])
def test_it_keeps_evidence_of_a_locked_report(officer_client, people, status):
    report = QuarterlyReport.objects.create(plan=people.plan, quarter=2, status=status)
    evidence = add_evidence(report, indicator_by_code(people.plan, "1.3.1"))
    officer_client.post(f"/evidence/{evidence.pk}/delete/")
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    response = upload(officer_client, people.plan, "1.3.1", "more.pdf", PDF_BYTES)
    assert response.status_code == 409
    assert Evidence.objects.count() == 1


def test_a_missing_file_on_disk_is_a_404_not_an_error(officer_client, people):
    report = QuarterlyReport.objects.create(plan=people.plan, quarter=2)
    evidence = add_evidence(report, indicator_by_code(people.plan, "1.3.1"))
    evidence.file.storage.delete(evidence.file.name)
    assert officer_client.get(f"/evidence/{evidence.pk}/").status_code == 404
