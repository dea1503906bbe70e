"""Import a plan (and its quarter's achievements) from the seed's text layout or an .xlsx file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from egov_plan.core.seed_layout import too_large
from egov_plan.core_messages import shown
from reports.plans.exchange import import_plan


class Command(BaseCommand):
    help = "Import FILE (.txt in the official tab-separated layout, or .xlsx or .docx with the same columns)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--office", help="the office to import into (its code; instead of the file's)"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file as an import would, print its faults, write nothing",
        )

    def handle(self, *args, file, office=None, dry_run=False, **options):
        try:
            if (fault := too_large(file.stat().st_size)) is not None:  # before a byte is read
                raise CommandError(f"{file}: {shown(fault)}")
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        result = import_plan(data=data, filename=file.name, office_name=office, dry_run=dry_run)
        if result.faults:
            for fault in result.faults:
                self.stderr.write(f"{file}: {fault}")
            raise CommandError(f"{len(result.faults)} fault(s); nothing was imported")
        plan = result.plan
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{file}: no faults; it would import {plan}, quarter "
                    f"{result.quarter} (nothing was written)"
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {plan} (id {plan.pk}), quarter {result.quarter}: "
                f"/plans/{plan.pk}/quarters/{result.quarter}/"
            )
        )
