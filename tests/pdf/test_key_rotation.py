"""Rotating the signing key: every certificate that ever signed is kept, and earlier PDFs still verify."""

import io

import pytest

from reports.pdf.models import SigningCertificate
from reports.pdf.signing import create_development_certificate, fingerprint, signer
from reports.pdf.verification import verify_document
from reports.quarters.services import report_approve, report_reopen, report_submit
from tests.conftest import SIGNING_PASSPHRASE, client_for
from tests.pdf.test_pdf import download

pytestmark = pytest.mark.django_db


def new_key(tmp_path, name):
    path = tmp_path / f"{name}.p12"
    create_development_certificate(path, SIGNING_PASSPHRASE)
    return path


def test_the_certificate_that_signed_is_recorded_with_its_validity(officer_client, people):
    download(officer_client, people.plan, 1)
    [record] = SigningCertificate.objects.all()
    certificate = signer().signing_cert
    assert record.fingerprint == fingerprint(certificate)
    assert (record.not_before, record.not_after) == (
        certificate.not_valid_before,
        certificate.not_valid_after,
    )
    assert "DEVELOPMENT" in record.subject


def test_after_a_key_rotation_old_and_new_pdfs_both_verify(
    officer_client, people, settings, tmp_path
):
    old_pdf = download(officer_client, people.plan, 1)
    settings.SIGNING_PKCS12_PATH = new_key(tmp_path, "rotated")  # the key changes

    assert verify_document(old_pdf).verdict == "valid"
    html = client_for(None).post("/verify/", {"file": io.BytesIO(old_pdf)}).content.decode()
    assert "বৈধ: স্বাক্ষর অক্ষত ও বৈধ" in html

    report = people.plan.reports.get(quarter=1)
    report_reopen(report=report, user=people.reviewer, reason="সংশোধন")
    report_submit(report=report, user=people.officer, entries={})
    report_approve(report=report, user=people.reviewer)
    new_pdf = download(officer_client, people.plan, 1)
    assert verify_document(new_pdf).verdict == "valid"
    assert SigningCertificate.objects.count() == 2


def test_a_certificate_that_never_signed_here_is_not_trusted(
    officer_client, people, settings, tmp_path
):
    settings.SIGNING_PKCS12_PATH = new_key(tmp_path, "stranger")
    foreign_pdf = download(
        officer_client, people.plan, 1
    )  # signed by a key this installation then forgets
    SigningCertificate.objects.all().delete()
    settings.SIGNING_PKCS12_PATH = new_key(tmp_path, "ours")
    assert verify_document(foreign_pdf).verdict == "untrusted"
