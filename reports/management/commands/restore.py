"""Bring a `backup` archive back into an empty installation (after `migrate`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore FILE, written by `backup`, into this empty installation (run `migrate` first)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            manifest = restore_backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{file}: restored the backup of {manifest['created_at']} "
            f"({len(manifest['files'])} files checked)"
        )
