"""Export a quarterly report as .xlsx or as the official tab-separated text (by the file's ending)."""

from django.core.management.base import CommandError

from reports.management.quarter_command import QuarterReportCommand
from reports.plans.exchange import export_text, export_xlsx


class Command(QuarterReportCommand):
    help = "Export PLAN_ID's quarter QUARTER to FILE (.xlsx, or .txt/.tsv for the text layout)."

    def handle(self, *args, plan_id, quarter, output, **options):
        suffix = output.suffix.lower()
        if suffix not in (".xlsx", ".txt", ".tsv"):
            raise CommandError("the output file must end in .xlsx, .txt or .tsv")
        table = self.table(plan_id, quarter)
        data = export_xlsx(table) if suffix == ".xlsx" else export_text(table)
        output.write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} bytes")
