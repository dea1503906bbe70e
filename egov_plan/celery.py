"""The Celery application: tasks from every installed app, settings from Django's (CELERY_*).

Start a worker and the scheduler of periodic work with one command:

    celery -A egov_plan worker --beat --concurrency CORES -O fair --loglevel=info

Periodic work is one entry in `beat_schedule` below; each entry's task also has a management
command for installations without a queue, which run it from cron instead (see README).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")

# The retry policy of every task: any exception is retried with backoff, three times.
RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 3,
}

app = Celery("egov_plan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    # A task is acknowledged only once it has finished: a worker killed mid-task leaves the
    # message on the queue and another worker (or the same one, restarted) runs it again.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    timezone="Asia/Dhaka",
    beat_schedule={
        # name: {"task": dotted name, "schedule": crontab(...)}; the cron equivalent is in README.
        "purge-expired-bulk-prints": {
            "task": "reports.tasks.purge_expired_bulk_prints",
            "schedule": crontab(minute=15),
        },
        "purge-old-drafts": {
            "task": "reports.tasks.purge_old_drafts",
            "schedule": crontab(hour=3, minute=15),  # daily, at night (Asia/Dhaka)
        },
        "renew-archive-timestamps": {
            "task": "reports.tasks.renew_archive_timestamps",
            "schedule": crontab(hour=2, minute=30),  # daily, at night (Asia/Dhaka)
        },
        "purge-expired-save-keys": {
            "task": "reports.tasks.purge_expired_save_keys",
            "schedule": crontab(minute=45),  # hourly
        },
        "send-daily-reminders": {
            "task": "reports.tasks.send_daily_reminders",
            "schedule": crontab(hour=9, minute=0),  # Asia/Dhaka, as `timezone` above
        },
    },
)
# Each feature keeps its tasks in its own tasks.py: the worker loads these (and only these).
app.autodiscover_tasks(
    [
        "egov_plan.accounts.invitations",
        "reports.bulk",
        "reports.calendar",
        "reports.pdf.render",
        "reports.plans",
        "reports.quarters",
    ]
)
