"""Background work of bulk printing: a job signs what is missing (spread over the workers, as a
chord), then assembles the zip; expired zips are purged. Task names stay `reports.tasks.*`."""

import datetime
import logging
import time

from celery import Task, chord, shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from egov_plan import media
from reports.bulk import printing
from reports.bulk.models import BulkPrintJob
from reports.pdf.models import SignedDocument
from reports.pdf.tasks import RETRY, sign_approved_report

log = logging.getLogger(__name__)
BULK_FOLDER = "bulk"  # in the media storage
PROGRESS_SECONDS = (
    2  # a bulk print's progress is written at most this often (the page refreshes every 3 s)
)


class BulkPrintTask(Task):
    """A step of a bulk-print job (first argument: the job's id); failing for good fails the job."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        log.error("bulk print %s failed: %s", args[0], exc)
        _update(args[0], status=BulkPrintJob.FAILED, error=str(exc)[:500])


def _scope(job: BulkPrintJob) -> dict:
    return {
        "root_office_id": job.root_office_id,
        "start_year": job.start_year,
        "quarter": job.quarter,
    }


def _update(job_id, **fields) -> None:
    BulkPrintJob.objects.filter(pk=job_id).update(**fields)


@shared_task(name="reports.tasks.bulk_print", base=BulkPrintTask, **RETRY)
def bulk_print(job_id: str) -> str:
    """Start a job: sign what is missing (spread over the workers), then assemble the zip."""
    job = BulkPrintJob.objects.filter(pk=job_id).first()
    if job is None or job.status == BulkPrintJob.DONE:
        return "nothing to do"
    scope = _scope(job)
    reports = list(printing.approved_reports(**scope).values_list("pk", "revision"))
    _update(
        job_id,
        status=BulkPrintJob.RUNNING,
        started_at=job.started_at or timezone.now(),
        total=len(reports),
        done=printing.signed_count(**scope),
        error="",
    )
    signed = set(
        SignedDocument.objects.filter(report_id__in=[pk for pk, _ in reports]).values_list(
            "report_id", "revision"
        )
    )
    missing = [(pk, revision) for pk, revision in reports if (pk, revision) not in signed]
    if missing and not settings.CELERY_TASK_ALWAYS_EAGER:
        header = [sign_for_bulk_print.si(job_id, pk, revision) for pk, revision in missing]
        chord(header)(assemble_bulk_print.si(job_id).on_error(bulk_print_failed.si(job_id)))
        return "signing"
    assemble_bulk_print(job_id)
    return "assembled"


@shared_task(name="reports.tasks.sign_for_bulk_print", **RETRY)
def sign_for_bulk_print(job_id: str, report_id: int, revision: int) -> None:
    sign_approved_report(report_id, revision)
    # The progress is a count of the signed PDFs (a task run twice counts once), taken at most
    # every PROGRESS_SECONDS per job, whatever the number of reports and workers: counting after
    # every report would cost each task a query over the whole tree. The assembly ends it at total.
    if cache.add(f"bulk-print-progress:{job_id}", True, timeout=PROGRESS_SECONDS):
        job = BulkPrintJob.objects.filter(pk=job_id).first()
        if job is not None:
            _update(job_id, done=printing.signed_count(**_scope(job)))


@shared_task(name="reports.tasks.assemble_bulk_print", base=BulkPrintTask, **RETRY)
def assemble_bulk_print(job_id: str) -> str:
    """Write the zip (signing any report still unsigned) and mark the job done."""
    job = BulkPrintJob.objects.filter(pk=job_id).first()
    if job is None:
        return ""
    if job.status == BulkPrintJob.DONE and job.file and default_storage.exists(job.file.name):
        return job.file.name
    items = printing.entries(**_scope(job))

    last = [0.0]

    def progress(done: int, total: int) -> None:
        # Never backwards: the signing tasks have counted the reports already signed, and a
        # retried assembly must not count them again from zero. At most every PROGRESS_SECONDS.
        now = time.monotonic()
        if done == total or now - last[0] >= PROGRESS_SECONDS:
            last[0] = now
            BulkPrintJob.objects.filter(pk=job_id, done__lt=done).update(done=done, total=total)

    name = printing.store_zip(items, f"{BULK_FOLDER}/{job.pk}.zip", progress=progress)
    finished = timezone.now()
    _update(
        job_id,
        status=BulkPrintJob.DONE,
        file=name,
        finished_at=finished,
        error="",
        expires_at=finished + datetime.timedelta(hours=settings.BULK_PRINT_KEEP_HOURS),
    )
    return name


@shared_task(name="reports.tasks.bulk_print_failed")
def bulk_print_failed(job_id: str, *args) -> None:
    _update(job_id, status=BulkPrintJob.FAILED, error="signing failed after retries")


def start_bulk_print(job: BulkPrintJob) -> None:
    """Queue the job once the transaction that created it has committed."""
    transaction.on_commit(lambda: _start(job.pk))


def _start(job_id) -> None:
    try:
        bulk_print.delay(str(job_id))
    except Exception as exc:  # the broker cannot be reached
        log.exception("bulk print %s could not be queued", job_id)
        _update(job_id, status=BulkPrintJob.FAILED, error=str(exc)[:500])


@shared_task(name="reports.tasks.purge_expired_bulk_prints", **RETRY)
def purge_expired_bulk_prints() -> int:
    """Delete the zips whose download time is over, and the files in bulk/ that no job names (an
    assembly that died while storing its zip, or a second delivery's copy) once they are an hour
    old; returns how many files."""
    expired = BulkPrintJob.objects.filter(expires_at__lt=timezone.now()).exclude(file="")
    count = 0
    for job in expired:
        default_storage.delete(job.file.name)
        _update(job.pk, file="")
        count += 1
    named = set(BulkPrintJob.objects.exclude(file="").values_list("file", flat=True))
    return count + media.delete_older_than(BULK_FOLDER, printing.STALE_FILE_SECONDS, keep=named)
