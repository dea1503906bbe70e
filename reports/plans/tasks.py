"""Background work of plans: a national template's roll-out asked for in the admin. Task names stay
`reports.tasks.*`."""

from celery import shared_task
from django.db import transaction

from egov_plan.celery import RETRY
from egov_plan.plans.models import RolloutJob
from reports.plans.rollout import run_rollout_job


@shared_task(name="reports.tasks.roll_out_template", **RETRY)
def roll_out_template(job_id: int) -> str:
    """A plan template's roll-out asked for in the admin; a rerun skips the offices already done."""
    return run_rollout_job(job_id).status


def start_rollout(job: RolloutJob) -> None:
    """Run the roll-out once the job is saved: on the task queue when one is configured, otherwise
    here and now."""
    transaction.on_commit(lambda: roll_out_template.delay(job.pk))
