"""Background work of the reporting calendar: the daily reminder e-mails. Task names stay
`reports.tasks.*`."""

import logging

from celery import shared_task
from django.utils import timezone

from egov_plan.celery import RETRY
from reports.calendar.reminders import send_reminders

log = logging.getLogger(__name__)


@shared_task(name="reports.tasks.send_daily_reminders", **RETRY)
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
