"""Forget the expired idempotency keys of entry-page saves (cron's twin of the beat task)."""

from django.core.management.base import BaseCommand

from reports.quarters.tasks import purge_expired_save_keys


class Command(BaseCommand):
    help = "Delete the idempotency keys of entry-page saves older than SAVE_KEY_KEEP_HOURS."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {purge_expired_save_keys()} expired save keys")
