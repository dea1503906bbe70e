"""Roll a plan template out to every office under an office (optionally of one tier)."""

import time

from django.core.management.base import BaseCommand, CommandError

from egov_plan.offices.models import Office, OfficeTier
from egov_plan.plans.models import ActionPlan
from reports.plans.rollout import TemplateError, rollout_template, template_from_plan


class Command(BaseCommand):
    help = (
        "Create TEMPLATE_ID's plan for every office under --under CODE (of --tier T) that has none; "
        "--from-plan PLAN_ID makes the template from that plan first."
    )

    def add_arguments(self, parser):
        parser.add_argument("template_id", type=int, nargs="?")
        parser.add_argument("--from-plan", type=int, dest="plan_id")
        parser.add_argument(
            "--under", required=True, help="the code of the office whose subtree gets the plan"
        )
        parser.add_argument(
            "--tier",
            help="only offices of this tier (ministry, department, division, district, upazila)",
        )

    def handle(self, *args, template_id=None, plan_id=None, under, tier=None, **options):
        if (template_id is None) == (plan_id is None):
            raise CommandError("give either TEMPLATE_ID or --from-plan PLAN_ID")
        office = Office.objects.filter(code=under).first()
        if office is None:
            raise CommandError(f"no office with code {under!r}")
        tier_object = None
        if tier:
            tier_object = OfficeTier.objects.filter(code=tier).first()
            if tier_object is None:
                raise CommandError(
                    f"no tier {tier!r} (one of: {', '.join(OfficeTier.objects.values_list('code', flat=True))})"
                )
        try:
            if plan_id is not None:
                plan = ActionPlan.objects.filter(pk=plan_id, office__isnull=False).first()
                if plan is None:
                    raise CommandError(f"no office plan with id {plan_id}")
                template = template_from_plan(plan=plan)
                self.stdout.write(f"Template {template.pk} made from plan {plan.pk}")
            else:
                template = ActionPlan.objects.filter(pk=template_id, office__isnull=True).first()
                if template is None:
                    raise CommandError(f"no template with id {template_id}")
            started = time.monotonic()
            result = rollout_template(
                template=template, under=office, tier=tier_object, progress=self._progress
            )
        except TemplateError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} plans created, {result.skipped} offices skipped (already had the plan) "
                f"in {time.monotonic() - started:.1f} s"
            )
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        self.stdout.write(
            f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} plans", ending="\n"
        )
        self.stdout.flush()
