"""Write one quarter's signed PDFs of every office under an office, with an index, to a zip."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from egov_plan.core.fiscal import QUARTERS
from reports.bulk import printing as bulk_print
from reports.pdf.signing import SigningNotConfigured


class Command(BaseCommand):
    help = (
        "Zip the signed PDFs of quarter N of year YYYY of every office under the office CODE, "
        "with index.xlsx; signs approved reports not signed yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--under", required=True, metavar="CODE", help="the office's code")
        parser.add_argument(
            "--year", required=True, type=int, help="the fiscal year's first year, e.g. 2022"
        )
        parser.add_argument("--quarter", required=True, type=int)
        parser.add_argument("-o", "--output", required=True, type=Path)

    def handle(self, *args, under, year, quarter, output, **options):
        if quarter not in QUARTERS:
            raise CommandError("quarter must be 1 to 4")
        office = bulk_print.office_by_reference(under)
        if office is None:
            raise CommandError(f"no office {under!r}")
        items = bulk_print.entries(root_office_id=office.pk, start_year=year, quarter=quarter)
        started = time.monotonic()
        tty = sys.stderr.isatty()  # a bar redrawn in place; one line per step in a log

        def progress(done: int, total: int) -> None:
            line = bulk_print.progress_bar(done, total, time.monotonic() - started)
            self.stderr.write(("\r" if tty else "") + line, ending="" if tty else "\n")

        try:
            bulk_print.write_zip(items, output, progress=progress)
        except SigningNotConfigured as exc:
            raise CommandError(str(exc)) from None
        if tty:
            self.stderr.write("")
        approved = sum(entry.approved for entry in items)
        self.stdout.write(
            f"{output}: {approved} signed PDFs, {len(items) - approved} missing, "
            f"in {time.monotonic() - started:.1f} s"
        )
