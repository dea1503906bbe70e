"""Write a quarterly report's PDF (the same as the download) to a file."""

from django.core.management.base import CommandError

from reports.management.quarter_command import QuarterReportCommand
from reports.pdf import report_pdf
from reports.signing import SigningNotConfigured


class Command(QuarterReportCommand):
    help = "Export the PDF of PLAN_ID's quarter QUARTER: signed when approved, a draft otherwise."

    def handle(self, *args, plan_id, quarter, output, **options):
        table = self.table(plan_id, quarter)
        try:
            data, name = report_pdf(table=table)
        except SigningNotConfigured as exc:
            raise CommandError(str(exc)) from None
        output.write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} bytes ({name})")
