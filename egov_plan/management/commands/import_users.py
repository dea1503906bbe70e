"""Create and update user accounts by username from a CSV or .xlsx file
(username,full_name,email,mobile,office_code,role[,designation]); new users are invited by e-mail."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from egov_plan.accounts.tasks import queue_invitations
from egov_plan.accounts.user_import import import_users, plan_users


class Command(BaseCommand):
    help = (
        "Import user accounts from FILE (CSV or .xlsx with the header "
        "username,full_name,email,mobile,office_code,role[,designation]): created or updated by username, "
        "never deleted, in one transaction; a faulty file writes nothing and every fault is printed with its "
        "line. New users get an e-mail with a link to set their own password (sent by a Celery task)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and say what would change; write nothing",
        )
        parser.add_argument(
            "--no-invitations",
            action="store_true",
            help="send no invitation e-mails (the users can ask for a reset link later)",
        )

    def handle(self, *args, file, dry_run, no_invitations, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        started = time.monotonic()
        if dry_run:
            result = plan_users(data=data, filename=file.name)
        else:
            result = import_users(data=data, filename=file.name, progress=self._progress)
        if result.faults:
            for fault in result.faults:
                self.stderr.write(f"{file}: {fault}")
            raise CommandError(f"{len(result.faults)} fault(s); nothing was imported")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {len(result.created)} users {verb} created, {len(result.changed)} changed, "
                f"{len(result.unchanged)} unchanged ({time.monotonic() - started:.1f} s)"
            )
        )
        if dry_run or no_invitations or not result.new_user_ids:
            return
        try:
            queued = queue_invitations(result.new_user_ids)
        except (
            Exception
        ) as exc:  # the broker is down: the users are in; they can ask for a reset link
            raise CommandError(
                f"the users were imported, but the invitations could not be queued: {exc}"
            ) from None
        self.stdout.write(f"{queued} invitation e-mail(s) queued (sent by the Celery workers)")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        self.stdout.write(f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} users")
        self.stdout.flush()
