"""Make next fiscal year's plan from this one (dates moved on, no achievements)."""

from django.core.management.base import BaseCommand, CommandError

from egov_plan.plans.models import ActionPlan
from reports.plans.files import PlanExists, copy_plan_forward


class Command(BaseCommand):
    help = "Copy PLAN_ID forward to the fiscal year starting in YYYY (e.g. --to-year 2023 for 2023-24)."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--to-year", type=int, required=True)

    def handle(self, *args, plan_id, to_year, **options):
        plan = ActionPlan.objects.select_related("office", "fiscal_year").filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"no plan with id {plan_id}")
        try:
            new_plan = copy_plan_forward(plan=plan, to_year=to_year)
        except (PlanExists, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {new_plan} (id {new_plan.pk})"))
