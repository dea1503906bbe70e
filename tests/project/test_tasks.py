"""Background tasks: idempotent, retried on failure, and a crash mid-print leaves nothing half-written.

These run the tasks in-process (no REDIS_URL); tests/bulk/test_bulk_print_worker.py runs a real worker.
"""

import pytest
from django.core.files.storage import default_storage

from egov_plan import media
from reports.bulk import printing as bulk_print
from reports.bulk import tasks
from reports.bulk.models import BulkPrintJob
from reports.pdf import tasks as pdf_tasks
from reports.pdf.models import SignedDocument
from reports.quarters.models import QuarterlyReport
from reports.quarters.services import report_reopen
from tests.bulk_tree import build_tree, read_zip
from tests.conftest import client_for
from tests.helpers import stored_bytes

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches or retries it."""


@pytest.fixture
def job(people):
    build_tree(people)
    return BulkPrintJob.objects.create(
        requested_by=people.reviewer, root_office=people.supervising, start_year=2022, quarter=1
    )


def zip_name(job) -> str:
    return f"bulk/{job.pk}.zip"


def zip_bytes(job) -> bytes:
    return stored_bytes(zip_name(job))


def failing_after(monkeypatch, calls: int, error: BaseException):
    """Make signing fail (with `error`) from call number `calls` + 1 on; returns the call log."""
    real = bulk_print.pdf.signed_report_pdf
    log = []

    def signed_document(*, report):
        log.append(report.pk)
        if len(log) > calls:
            raise error
        return real(report=report)

    monkeypatch.setattr(bulk_print.pdf, "signed_report_pdf", signed_document)
    return log


def test_a_print_killed_half_way_leaves_no_file_and_running_it_again_completes_it(job, monkeypatch):
    failing_after(monkeypatch, 1, WorkerKilled())
    with pytest.raises(WorkerKilled):
        tasks.bulk_print(str(job.pk))
    job.refresh_from_db()
    assert job.status == BulkPrintJob.RUNNING and not job.file
    assert media.files_under("bulk") == []  # nothing stored, not even a part of the zip
    assert SignedDocument.objects.count() == 1  # the first report was signed before the crash

    monkeypatch.undo()
    tasks.bulk_print.apply(args=[str(job.pk)])
    job.refresh_from_db()
    assert job.status == BulkPrintJob.DONE and job.done == job.total == 2
    files, _ = read_zip(zip_bytes(job))
    assert len(files) == 2
    assert SignedDocument.objects.count() == 2  # the one signed before was reused, not signed again


def test_a_failing_step_is_retried_and_the_job_completes(job, monkeypatch):
    real = bulk_print.pdf.signed_report_pdf
    calls = []

    def flaky(*, report):
        calls.append(report.pk)
        if len(calls) == 2:
            raise OSError("disk hiccup")
        return real(report=report)

    monkeypatch.setattr(bulk_print.pdf, "signed_report_pdf", flaky)
    assert tasks.bulk_print.apply(args=[str(job.pk)]).successful()
    job.refresh_from_db()
    assert job.status == BulkPrintJob.DONE
    # Two reports; the second failed once; the retry took the first's stored PDF as it was and
    # signed only the second.
    first, second = calls[0], calls[1]
    assert calls == [first, second, second] and first != second
    assert len(read_zip(zip_bytes(job))[0]) == 2


def test_a_step_failing_every_time_fails_the_job_after_its_retries(job, monkeypatch):
    failing_after(monkeypatch, 0, OSError("disk full"))
    result = tasks.bulk_print.apply(args=[str(job.pk)])
    assert result.failed()
    job.refresh_from_db()
    assert job.status == BulkPrintJob.FAILED and "disk full" in job.error
    assert not default_storage.exists(zip_name(job))


def test_running_a_finished_job_again_changes_nothing(job):
    tasks.bulk_print.apply(args=[str(job.pk)])
    first = zip_bytes(job)
    signed = list(SignedDocument.objects.values_list("pk", "sha256"))
    assert tasks.bulk_print.apply(args=[str(job.pk)]).get() == "nothing to do"
    assert tasks.assemble_bulk_print.apply(args=[str(job.pk)]).get() == f"bulk/{job.pk}.zip"
    assert zip_bytes(job) == first
    assert list(SignedDocument.objects.values_list("pk", "sha256")) == signed


def approve(people, settings, capture, on: bool) -> QuarterlyReport:
    settings.SIGN_ON_APPROVAL = on
    report = QuarterlyReport.objects.create(plan=people.plan, quarter=2, status="submitted")
    with capture(execute=True):
        response = client_for(people.reviewer).post(
            f"/plans/{people.plan.pk}/quarters/2/review/", {"action": "approve"}
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "approved" and report.revision == 1
    return report


def test_approving_signs_the_pdf_in_a_task_and_the_download_serves_it(
    people, settings, django_capture_on_commit_callbacks
):
    report = approve(people, settings, django_capture_on_commit_callbacks, on=True)
    document = SignedDocument.objects.get(report=report)
    assert document.revision == 1
    download = client_for(people.officer).get(f"/plans/{people.plan.pk}/quarters/2/pdf")
    assert download.content == document.file.open("rb").read()


def test_without_signing_on_approval_the_download_still_signs_on_demand(
    people, settings, django_capture_on_commit_callbacks
):
    report = approve(people, settings, django_capture_on_commit_callbacks, on=False)
    assert not SignedDocument.objects.filter(report=report).exists()
    download = client_for(people.officer).get(f"/plans/{people.plan.pk}/quarters/2/pdf")
    assert download.status_code == 200
    assert SignedDocument.objects.get(report=report).file.open("rb").read() == download.content


def test_a_signing_task_for_a_revision_no_longer_approved_does_nothing(
    people, settings, django_capture_on_commit_callbacks
):
    report = approve(people, settings, django_capture_on_commit_callbacks, on=False)
    report_reopen(report=report, user=people.reviewer, reason="ভুল সংশোধন")
    assert pdf_tasks.sign_approved_report.apply(args=[report.pk, 1]).get() is False
    assert not SignedDocument.objects.filter(report=report).exists()
