"""Create the self-signed development signing certificate (PKCS#12) where the settings point."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.pdf.signing import DEVELOPMENT_SUBJECT, create_development_certificate


class Command(BaseCommand):
    help = "Create a self-signed development PKCS#12 signing key at SIGNING_PKCS12_PATH."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="replace an existing key file")

    def handle(self, *args, force=False, **options):
        path = Path(settings.SIGNING_PKCS12_PATH)
        if path.exists() and not force:
            self.stdout.write(f"Signing key already configured: {path}")
            return
        create_development_certificate(path, settings.SIGNING_PKCS12_PASSPHRASE)
        self.stdout.write(
            self.style.WARNING(
                f"Created a DEVELOPMENT signing certificate at {path} ({DEVELOPMENT_SUBJECT}). "
                f"Set SIGNING_PKCS12_PATH and SIGNING_PKCS12_PASSPHRASE for production."
            )
        )
