"""Delete the draft PDFs kept more than 30 days (cron's twin of the beat task)."""

from django.core.management.base import BaseCommand

from reports.pdf.tasks import purge_old_drafts


class Command(BaseCommand):
    help = "Delete the draft PDFs kept in the media storage for more than 30 days."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {purge_old_drafts()} old draft PDFs")
