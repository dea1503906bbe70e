"""Add a fresh document timestamp to every stored signed PDF whose newest timestamp's
certificate expires within ARCHIVE_RENEW_DAYS (cron's twin of the beat task)."""

from django.core.management.base import BaseCommand, CommandError

from reports.pdf import archive
from reports.pdf.signing import SigningNotConfigured, TimestampUnavailable


class Command(BaseCommand):
    help = "Renew the archive timestamps of the signed PDFs that are due (PAdES B-LTA)."

    def handle(self, *args, **options):
        try:
            count = archive.renew_due()
        except (TimestampUnavailable, SigningNotConfigured) as exc:
            raise CommandError(
                f"stopped: {exc} (run again later; what was renewed is kept)"
            ) from None
        self.stdout.write(f"renewed {count} archive timestamps")
