"""Delete the bulk-print zips whose download time is over (cron's twin of the beat task)."""

from django.core.management.base import BaseCommand

from reports.bulk.tasks import purge_expired_bulk_prints


class Command(BaseCommand):
    help = "Delete bulk-print zips older than BULK_PRINT_KEEP_HOURS."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {purge_expired_bulk_prints()} expired bulk-print files")
