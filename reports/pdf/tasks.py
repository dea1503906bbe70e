"""Background work of the PDF feature: signing an approved report or year document, the draft
clean-up and the renewal of archive timestamps, and each worker process's warm-up.

Every task is idempotent and retried on failure (egov_plan/celery.py); a missing signing key is not
cured by waiting, so such a failure is not retried. Task names stay `reports.tasks.*` (queued work
and the beat schedule refer to them).
"""

import gc
import logging

from celery import shared_task
from celery.signals import worker_process_init

from egov_plan.celery import RETRY as RETRY_ANY
from reports.pdf import render as pdf
from reports.pdf.signing import SigningNotConfigured
from reports.quarters.models import QuarterlyReport

log = logging.getLogger(__name__)
RETRY = {**RETRY_ANY, "dont_autoretry_for": (SigningNotConfigured,)}


@worker_process_init.connect
def warm_up(**kwargs) -> None:
    """Load WeasyPrint, the fonts, the stylesheets and the signing key in each new worker process,
    before its first task: otherwise the first report a process signs pays for loading them."""
    try:
        from weasyprint import HTML

        from reports.pdf import signing

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


@shared_task(name="reports.tasks.sign_approved_report", **RETRY)
def sign_approved_report(report_id: int, revision: int) -> bool:
    """Sign `revision` of the report if it is still the approved one; True when a signed PDF exists."""
    report = QuarterlyReport.objects.filter(pk=report_id).first()
    if report is None or report.status != QuarterlyReport.APPROVED or report.revision != revision:
        return False  # reopened (or approved again) since: nothing to do for this revision
    pdf.signed_report_pdf(report=report)
    return True


@shared_task(name="reports.tasks.sign_approved_assessment", **RETRY)
def sign_approved_assessment(assessment_id: int, revision: int) -> bool:
    """Sign `revision` of a half-yearly or annual document if it is still the approved one."""
    from reports.year import pdf as assessment_pdf
    from reports.year.models import Assessment

    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if (
        assessment is None
        or assessment.status != Assessment.APPROVED
        or assessment.revision != revision
    ):
        return False
    assessment_pdf.signed_assessment_pdf(assessment=assessment)
    return True


@shared_task(name="reports.tasks.purge_old_drafts", **RETRY)
def purge_old_drafts() -> int:
    """Delete the draft PDFs rendered more than 30 days ago (`manage.py purge_drafts`)."""
    return pdf.purge_old_drafts()


@shared_task(name="reports.tasks.renew_archive_timestamps", **RETRY)
def renew_archive_timestamps() -> int:
    """A fresh document timestamp for every stored signed PDF whose newest timestamp's certificate
    expires within ARCHIVE_RENEW_DAYS (`manage.py renew_archive_timestamps`); resumes where a
    killed run stopped, renews nothing twice."""
    from reports.pdf import archive

    return archive.renew_due()
