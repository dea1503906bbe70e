"""Write one archive with the database, the evidence files, the signed PDFs and the signing certificates."""

from pathlib import Path

from django.core.management.base import BaseCommand

from reports.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write FILE (.tar.gz): the database as JSON (restores on SQLite and PostgreSQL alike), "
        "every file of the media storage (evidence, signed PDFs) and the public certificates that ever signed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        manifest = write_backup(file)
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        certificates = sum(1 for name in manifest["files"] if name.startswith("certificates/"))
        self.stdout.write(f"{file}: database, {media} media files, {certificates} certificates")
