"""Background work: signing on approval, bulk print, template roll-out, the periodic clean-up and
the daily reminder e-mails.

Every task is idempotent (running it twice, or again after a crash, gives the same result)
and retried on failure; Celery acknowledges a task only when it has finished (see
egov_plan/celery.py), so one that a dying worker never finished runs again.
"""

import datetime
import gc
import logging
import time

from celery import Task, chord, shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from egov_plan import media
from reports import bulk_print as printing
from reports import pdf
from reports.models import BulkPrintJob, QuarterlyReport, SignedDocument
from reports.plan_templates import run_rollout_job
from reports.reminders import send_reminders
from reports.signing import SigningNotConfigured

log = logging.getLogger(__name__)
BULK_FOLDER = "bulk"  # in the media storage
PROGRESS_SECONDS = (
    2  # a bulk print's progress is written at most this often (the page refreshes every 3 s)
)
# A missing signing key is not cured by waiting: such a failure is not retried.
RETRY = {
    "autoretry_for": (Exception,),
    "dont_autoretry_for": (SigningNotConfigured,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 3,
}


@worker_process_init.connect
def warm_up(**kwargs) -> None:
    """Load WeasyPrint, the fonts, the stylesheets and the signing key in each new worker process,
    before its first task: otherwise the first report a process signs takes ~1 s longer."""
    try:
        from weasyprint import HTML

        from reports import signing

        fonts, counters, stylesheets = pdf.renderer_state()
        HTML(string="<p>০১২৩ বাংলা abc</p>").write_pdf(
            stylesheets=stylesheets, font_config=fonts, counter_style=counters
        )
        signing.signer()
    except Exception:  # a missing key is reported by the tasks that need it
        log.warning("worker warm-up incomplete", exc_info=True)
    # What is loaded now lives as long as the process: keep it out of the garbage collector's
    # full passes, which a PDF's many short-lived objects set off every report or so (they cost
    # about a sixth of a report's time in a long-lived process, half of it spent on these objects).
    gc.freeze()


@shared_task(**RETRY)
def sign_approved_report(report_id: int, revision: int) -> bool:
    """Sign `revision` of the report if it is still the approved one; True when a signed PDF exists."""
    report = QuarterlyReport.objects.filter(pk=report_id).first()
    if report is None or report.status != QuarterlyReport.APPROVED or report.revision != revision:
        return False  # reopened (or approved again) since: nothing to do for this revision
    pdf.signed_document(report=report)
    return True


@shared_task(**RETRY)
def sign_approved_assessment(assessment_id: int, revision: int) -> bool:
    """Sign `revision` of a half-yearly or annual document if it is still the approved one."""
    from reports import assessment_pdf
    from reports.models import Assessment

    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if (
        assessment is None
        or assessment.status != Assessment.APPROVED
        or assessment.revision != revision
    ):
        return False
    assessment_pdf.signed_document(assessment=assessment)
    return True


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


@shared_task(base=BulkPrintTask, **RETRY)
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


@shared_task(**RETRY)
def sign_for_bulk_print(job_id: str, report_id: int, revision: int) -> None:
    sign_approved_report(report_id, revision)
    # The progress is a count of the signed PDFs (a task run twice counts once), taken at most
    # every PROGRESS_SECONDS per job, whatever the number of reports and workers: counting after
    # every report would cost each task a query over the whole tree. The assembly ends it at total.
    if cache.add(f"bulk-print-progress:{job_id}", True, timeout=PROGRESS_SECONDS):
        job = BulkPrintJob.objects.filter(pk=job_id).first()
        if job is not None:
            _update(job_id, done=printing.signed_count(**_scope(job)))


@shared_task(base=BulkPrintTask, **RETRY)
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


@shared_task
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


@shared_task(**RETRY)
def roll_out_template(job_id: int) -> str:
    """A plan template's roll-out asked for in the admin; a rerun skips the offices already done."""
    return run_rollout_job(job_id).status


@shared_task(**RETRY)
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


@shared_task(**RETRY)
def purge_old_drafts() -> int:
    """Delete the draft PDFs rendered more than 30 days ago (`manage.py purge_drafts`)."""
    return pdf.purge_old_drafts()


@shared_task(**RETRY)
def renew_archive_timestamps() -> int:
    """A fresh document timestamp for every stored signed PDF whose newest timestamp's certificate
    expires within ARCHIVE_RENEW_DAYS (`manage.py renew_archive_timestamps`); resumes where a
    killed run stopped, renews nothing twice."""
    from reports import archive

    return archive.renew_due()


@shared_task(**RETRY)
def send_daily_reminders() -> int:
    """The reminder e-mails due today (`manage.py send_reminders`); a rerun sends nothing twice.
    Those due for someone without an e-mail address are logged as skipped."""
    skipped = []
    sent = send_reminders(day=timezone.localdate(), skipped=skipped)
    if skipped:
        log.warning(
            "reminders: skipped %d recipient(s) without an e-mail address: %s",
            len(skipped),
            "; ".join(map(str, skipped)),
        )
    return len(sent)


@shared_task(**RETRY)
def purge_expired_save_keys() -> int:
    """Forget the idempotency keys of entry-page saves whose time is over (SAVE_KEY_KEEP_HOURS)."""
    from reports.save_keys import purge_expired

    return purge_expired()


INVITATION_BATCH = 200  # users per invitation task: a retry sends at most this many again


@shared_task(autoretry_for=(OSError,), retry_backoff=2, retry_backoff_max=60, max_retries=3)
def send_invitation_emails(user_ids: list[int]) -> int:
    """The invitation e-mails of these users (egov_plan/accounts.py), over one SMTP connection; an
    SMTP failure is retried (the whole batch again: a few may get their invitation twice, never none)."""
    from egov_plan.accounts import send_invitations

    return send_invitations(user_ids=user_ids)


def queue_invitations(user_ids: list[int]) -> int:
    """Hand the invitations of these (committed) users to the workers, a batch a task, so that an
    import or a page never waits on SMTP; how many users were queued. Without a broker (the embedded
    default) the tasks run at once, in this process. Raises if the broker cannot be reached."""
    for start in range(0, len(user_ids), INVITATION_BATCH):
        send_invitation_emails.delay(list(user_ids[start : start + INVITATION_BATCH]))
    return len(user_ids)
