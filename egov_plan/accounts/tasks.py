"""Background work of accounts: the invitation e-mails, a batch a task. The task name stays
`reports.tasks.send_invitation_emails` (queued work refers to it)."""

from celery import shared_task

INVITATION_BATCH = 200  # users per invitation task: a retry sends at most this many again


@shared_task(
    name="reports.tasks.send_invitation_emails",
    autoretry_for=(OSError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=3,
)
def send_invitation_emails(user_ids: list[int]) -> int:
    """The invitation e-mails of these users (egov_plan/accounts/invitations.py), over one SMTP connection; an
    SMTP failure is retried (the whole batch again: a few may get their invitation twice, never none)."""
    from egov_plan.accounts.invitations import send_invitations

    return send_invitations(user_ids=user_ids)


def queue_invitations(user_ids: list[int]) -> int:
    """Hand the invitations of these (committed) users to the workers, a batch a task, so that an
    import or a page never waits on SMTP; how many users were queued. Without a broker (the embedded
    default) the tasks run at once, in this process. Raises if the broker cannot be reached."""
    for start in range(0, len(user_ids), INVITATION_BATCH):
        send_invitation_emails.delay(list(user_ids[start : start + INVITATION_BATCH]))
    return len(user_ids)
