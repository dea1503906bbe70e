"""Background work of quarterly reports: forgetting expired idempotency keys of saves. Task names
stay `reports.tasks.*`."""

from celery import shared_task

from egov_plan.celery import RETRY
from reports.quarters.save_keys import purge_expired


@shared_task(name="reports.tasks.purge_expired_save_keys", **RETRY)
def purge_expired_save_keys() -> int:
    """Forget the idempotency keys of entry-page saves whose time is over (SAVE_KEY_KEEP_HOURS)."""
    return purge_expired()
