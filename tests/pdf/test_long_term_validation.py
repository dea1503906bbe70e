"""Signatures that still verify after every certificate involved has expired: PAdES B-LTA.

A real test PKI runs on 127.0.0.1 (tests/pki.py: certomancer's root, intermediate, signers, two
time-stamping authorities, an OCSP responder and CRLs over HTTP). With TSA_URL set, an approved
report is signed with a timestamp, its validation data and a document timestamp; /verify/ and
verify_pdf report the level and the moment the timestamp proves; a renewal adds a document
timestamp before the newest one's certificate expires. Without TSA_URL signing stays B-B.
"""

import asyncio
import datetime
import io

import pytest
from django.core.management import call_command
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import ades_lta_validation

from reports.pdf import archive, signing, tasks
from reports.pdf import render as report_pdf
from reports.pdf.models import ArchiveTimestamp, SignedDocument
from reports.pdf.verification import verify_document
from reports.quarters.models import QuarterlyReport
from reports.quarters.selectors import quarter_table
from tests.conftest import client_for
from tests.pdfa import assert_pdfa_3b
from tests.pki import PASSPHRASE, serve, start_test_pki
from tests.year_helpers import SECOND_QUARTER, enter_quarter

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    pki = start_test_pki(tmp_path_factory.mktemp("pki"))
    yield pki
    pki.stop()


@pytest.fixture
def use_signer(pki, settings, tmp_path):
    """Sign with one of the PKI's signers, timestamps from its long-lived TSA."""

    def use(label="signer", tsa="tsa"):
        settings.SIGNING_PKCS12_PATH = pki.pkcs12(tmp_path / f"{label}.p12", label)
        settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
        settings.TSA_URL = pki.url(tsa)

    use()
    return use


def approved_seed(people) -> QuarterlyReport:
    return QuarterlyReport.objects.get(plan=people.plan, quarter=1)


def sign_seed(people) -> tuple[SignedDocument, bytes]:
    document = report_pdf.signed_report_pdf(report=approved_seed(people))
    with document.file.open("rb") as handle:
        return document, handle.read()


def lta_validation(data: bytes, pki):
    """pyHanko's own PAdES LTA validation (not the app's), trusting only the PKI's root."""
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    spec = signing._ltv_spec([pki.certificate("root")])
    return asyncio.run(ades_lta_validation(signature, spec))


def test_an_approved_report_is_signed_b_lta_and_pyhanko_validates_it_in_lta_mode(
    people, pki, use_signer, officer_client
):
    before = len(pki.requests)
    data = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/pdf").content
    served = pki.requests[before:]
    # The signature's timestamp and the document timestamp (plus one to size the signature), the
    # signer's OCSP answer and the CRL of the TSA's CA.
    assert [path for _, path in served].count("/testing/tsa/tsa") == 3
    assert ("POST", "/testing/ocsp/interm") in served and (
        "GET",
        "/testing/crls/root/latest.crl",
    ) in served
    reader = PdfFileReader(io.BytesIO(data))
    kinds = [sig.sig_object_type for sig in reader.embedded_signatures]
    assert kinds == ["/Sig", "/DocTimeStamp"] and "/DSS" in reader.root
    result = lta_validation(data, pki)
    assert (
        result.ades_subindic == AdESPassed.OK
        and result.oldest_evidence_record_timestamp is not None
    )
    assert result.api_status.timestamp_validity is not None  # the signature's own timestamp (B-T)

    document = SignedDocument.objects.get(report__plan=people.plan)
    assert document.level == "B-LTA"
    assert (
        document.archive_expires_at == pki.certificate("tsa").not_valid_after
    )  # the newest timestamp's
    check = signing.check_signature(data)
    assert check.ok and check.level == "B-LTA" and check.timestamped
    assert abs(check.signed_at - pki.made_at) < datetime.timedelta(minutes=10)
    assert_pdfa_3b(data, title_contains="প্রথম ত্রৈমাসিক")  # still PDF/A after three increments

    page = client_for(None).post("/verify/", {"file": io.BytesIO(data)}).content.decode()
    assert "বৈধ: স্বাক্ষর অক্ষত ও বৈধ" in page and "PAdES B-LTA" in page
    assert "সময় প্রমাণকারী কর্তৃপক্ষের টাইমস্ট্যাম্প অনুযায়ী" in page


def test_after_the_signers_certificate_expired_the_signature_is_valid_as_of_its_timestamp(
    people, pki, use_signer
):
    _, data = sign_seed(people)
    expired = (
        pki.certificate("signer").not_valid_after + 300 * DAY
    )  # and the OCSP answers long stale
    check = signing.check_signature(data, at=expired)
    assert check.ok and check.level == "B-LTA"
    assert check.certificate_expires < expired
    assert abs(check.signed_at - pki.made_at) < datetime.timedelta(
        minutes=10
    )  # the timestamp's time


def test_a_signer_revoked_after_signing_stays_valid_for_what_it_signed_before(
    people, pki, use_signer
):
    use_signer("revoked-later")
    _, data = sign_seed(people)
    later = pki.made_at + 30 * DAY
    crl = pki.crl(
        "interm", at=later
    )  # what an auditor reads a month on: revoked five days after signing
    revoked = {
        entry["user_certificate"].native: entry["revocation_date"].native
        for entry in crl["tbs_cert_list"]["revoked_certificates"]
    }
    assert revoked[pki.certificate("revoked-later").serial_number] > pki.made_at
    check = signing.check_signature(data, at=later, known_crls=[crl])
    assert check.ok and check.level == "B-LTA"


def test_a_signer_revoked_before_signing_signs_nothing_and_its_signature_is_invalid(
    people, pki, use_signer, officer_client, settings
):
    use_signer("revoked-before")
    with pytest.raises(signing.SigningNotConfigured):
        report_pdf.signed_report_pdf(report=approved_seed(people))
    assert not SignedDocument.objects.exists()
    assert officer_client.get(f"/plans/{people.plan.pk}/quarters/1/pdf").status_code == 503
    # The same key used elsewhere, timestamped without validation data: /verify/ refuses it.
    table = quarter_table(plan_id=people.plan.pk, quarter=1)
    unsigned = report_pdf.render_report_pdf(table, draft=False)
    key = signers.SimpleSigner.load_pkcs12(
        str(settings.SIGNING_PKCS12_PATH), passphrase=PASSPHRASE.encode()
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Other", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    data = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(unsigned)),
        meta,
        signer=key,
        timestamper=signing.timestamper(),
    ).getvalue()
    check = signing.check_signature(
        data, known_crls=[pki.crl("interm", at=datetime.datetime.now(datetime.UTC))]
    )
    assert check.level == "B-T" and not check.ok and not check.valid
    assert verify_document(data).verdict == "invalid"


def test_with_the_tsa_down_nothing_is_signed_and_the_task_retries_until_it_answers(
    people, pki, use_signer, officer_client, settings
):
    asked = []

    def tsa_down(environ, start_response):
        asked.append(environ["PATH_INFO"])
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"down for maintenance"]

    server, thread, address = serve(tsa_down)
    try:
        settings.TSA_URL = f"{address}/tsa"
        report = approved_seed(people)
        result = tasks.sign_approved_report.apply(args=[report.pk, report.revision])
        assert result.failed() and isinstance(result.result, signing.TimestampUnavailable)
        assert len(asked) == 1 + tasks.RETRY["max_retries"]  # tried, then retried
        assert not SignedDocument.objects.exists()  # never signed without its timestamp
        response = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/pdf")
        assert response.status_code == 503 and response["Retry-After"]
        assert "টাইমস্ট্যাম্প ছাড়া স্বাক্ষর করা হয় না" in response.content.decode()
    finally:
        server.shutdown()
        server.server_close()
    settings.TSA_URL = pki.url("tsa")  # back up: the next try signs
    assert tasks.sign_approved_report.apply(args=[report.pk, report.revision]).successful()
    assert SignedDocument.objects.get().level == "B-LTA"


def test_renewal_adds_a_document_timestamp_to_the_documents_due_resumes_and_renews_nothing_twice(
    people, pki, use_signer, settings
):
    use_signer("signer", tsa="tsa-short")  # its certificate expires in 30 days
    enter_quarter(people, 2, SECOND_QUARTER)
    first, first_data = sign_seed(people)
    second = report_pdf.signed_report_pdf(
        report=QuarterlyReport.objects.get(plan=people.plan, quarter=2)
    )
    assert first.archive_expires_at == pki.certificate("tsa-short").not_valid_after
    settings.ARCHIVE_RENEW_DAYS = 60
    settings.TSA_URL = pki.url("tsa")
    assert set(archive.due()) == {first, second}

    class Killed(BaseException):
        """The worker dies after its first document."""

    def die(document_id):
        raise Killed

    with pytest.raises(Killed):
        archive.renew_due(progress=die, batch=1)
    assert list(archive.due()) == [second]  # the first is renewed and kept
    call_command("renew_archive_timestamps")  # the next run resumes
    assert not archive.due().exists()
    call_command("renew_archive_timestamps")  # and again: nothing is due, nothing added
    assert ArchiveTimestamp.objects.count() == 2

    first.refresh_from_db()
    assert first.archive_expires_at == pki.certificate("tsa").not_valid_after
    [stamp] = first.archive_timestamps.all()
    assert (
        stamp.sha256_before
        == SignedDocument.objects.get(pk=first.pk).archive_timestamps.get().sha256_before
    )
    with first.file.open("rb") as handle:
        renewed = handle.read()
    assert renewed.startswith(first_data)  # an incremental update of the signed file
    kinds = [sig.sig_object_type for sig in PdfFileReader(io.BytesIO(renewed)).embedded_signatures]
    assert kinds == ["/Sig", "/DocTimeStamp", "/DocTimeStamp"]
    assert lta_validation(renewed, pki).ades_subindic == AdESPassed.OK
    assert verify_document(renewed).ok
    old_copy = verify_document(first_data)  # a copy handed out before the renewal is still ours
    assert old_copy.ok and old_copy.document == first


def test_without_a_tsa_signing_stays_b_b_and_verify_says_so(people, officer_client, settings):
    assert not settings.TSA_URL
    data = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/pdf").content
    assert (
        SignedDocument.objects.get().level == "B-B"
        and SignedDocument.objects.get().archive_expires_at is None
    )
    check = signing.check_signature(data)
    assert check.ok and check.level == "B-B" and not check.timestamped
    page = client_for(None).post("/verify/", {"file": io.BytesIO(data)}).content.decode()
    assert "PAdES B-B" in page and "স্বাক্ষরকারীর কম্পিউটারের ঘড়ি অনুযায়ী" in page
    assert not archive.due().exists()


def test_the_renewal_runs_nightly_from_beat():
    from egov_plan.celery import app

    entry = next(
        e
        for e in app.conf.beat_schedule.values()
        if e["task"] == "reports.tasks.renew_archive_timestamps"
    )
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}
