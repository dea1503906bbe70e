"""Write a quarterly report's PDF (the same as the download) to a file.

Start-up is kept short: an already signed report is read from storage, so the command
loads neither WeasyPrint nor pyHanko (reports.pdf.render imports them only to render or sign),
and it skips the system checks, whose URL check would import every view.
"""

from django.core.management.base import CommandError

from reports.management.quarter_command import QuarterReportCommand
from reports.pdf.render import report_pdf


class Command(QuarterReportCommand):
    help = "Export the PDF of PLAN_ID's quarter QUARTER: signed when approved, a draft otherwise."
    requires_system_checks = []

    def handle(self, *args, plan_id, quarter, output, **options):
        table = self.table(plan_id, quarter)
        try:
            data, name = report_pdf(table=table)
        except Exception as exc:
            # Only a render that signed can have imported reports.pdf.signing (pyHanko).
            from reports.pdf.signing import SigningNotConfigured

            if isinstance(exc, SigningNotConfigured):
                raise CommandError(str(exc)) from None
            raise
        output.write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} bytes ({name})")
