"""Write a quarterly report's PDF (the same as the download) to a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from egov_plan.fiscal import QUARTERS
from reports.pdf import report_pdf
from reports.selectors import quarter_table
from reports.signing import SigningNotConfigured


class Command(BaseCommand):
    help = "Export the PDF of PLAN_ID's quarter QUARTER: signed when approved, a draft otherwise."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("quarter", type=int)
        parser.add_argument("-o", "--output", required=True, type=Path)

    def handle(self, *args, plan_id, quarter, output, **options):
        if quarter not in QUARTERS:
            raise CommandError("quarter must be 1 to 4")
        try:
            data, name = report_pdf(table=quarter_table(plan_id=plan_id, quarter=quarter))
        except Http404:
            raise CommandError(f"no plan with id {plan_id}") from None
        except SigningNotConfigured as exc:
            raise CommandError(str(exc)) from None
        output.write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} bytes ({name})")
