"""Create and update offices by code from a CSV or .xlsx file (code,name,location,tier,parent_code)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from egov_plan.offices.importing import import_offices


class Command(BaseCommand):
    help = (
        "Import offices from FILE (CSV or .xlsx with the header code,name,location,tier,parent_code): "
        "created or updated by code, never deleted; a faulty file writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        result = import_offices(data=data, filename=file.name)
        if result.faults:
            for fault in result.faults:
                self.stderr.write(f"{file}: {fault}")
            raise CommandError(f"{len(result.faults)} fault(s); nothing was imported")
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {result.created} created, {result.updated} updated, {result.moved} moved, "
                f"{result.unchanged} unchanged"
            )
        )
