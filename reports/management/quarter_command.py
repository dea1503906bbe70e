"""A base for commands that write one quarter's report of a plan to a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from egov_plan.core.fiscal import QUARTERS
from reports.quarters.selectors import QuarterTable, quarter_table


class QuarterReportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("quarter", type=int)
        parser.add_argument("-o", "--output", required=True, type=Path)

    def table(self, plan_id: int, quarter: int) -> QuarterTable:
        if quarter not in QUARTERS:
            raise CommandError("quarter must be 1 to 4")
        try:
            return quarter_table(plan_id=plan_id, quarter=quarter)
        except Http404:
            raise CommandError(f"no plan with id {plan_id}") from None
