"""Plan templates: a fiscal year's national plan, rolled out to every office of a subtree.

A template is an action plan without an office, edited and validated like any plan (the same
admin page and the same plan rules). Rolling it out creates, in one transaction and in bulk, a
plan for every office under a chosen one (optionally of one tier) that has none of that title
and year yet; each keeps a link to its template. Changing a template later can be carried to
the plans made from it that have no report in review or approved; the others are listed, not
changed.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from egov_plan.core.plan_rules import check_plan
from egov_plan.core_messages import shown_all
from egov_plan.offices.models import Office, OfficeTier
from egov_plan.offices.tree import under_q
from egov_plan.plans.models import (
    ActionPlan,
    Activity,
    Indicator,
    PerformanceArea,
    RolloutJob,
    Signatory,
    plan_revised,
)
from reports.plans.files import dump_plan_file, load_plan_file
from reports.quarters.marks import rescore_plan
from reports.quarters.models import QuarterlyReport

CHUNK = 500
IN_REVIEW = (QuarterlyReport.SUBMITTED, QuarterlyReport.APPROVED)

RolloutProgress = Callable[[int, int], None]


class TemplateError(Exception):
    """A template that cannot be made or rolled out; the message is for the user (Bengali)."""


def template_from_plan(*, plan: ActionPlan) -> ActionPlan:
    """A template of the plan's fiscal year with its structure, weights, targets and signatories."""
    document = dump_plan_file(plan=plan, reports=False)
    if ActionPlan.objects.filter(
        office__isnull=True, fiscal_year=plan.fiscal_year, title=plan.title
    ).exists():
        raise TemplateError(
            gettext("“{title}” নামে {label} অর্থবছরের টেমপ্লেট আগে থেকেই আছে।").format(
                title=plan.title, label=plan.fiscal_year.label
            )
        )
    document["office"] = None
    return load_plan_file(document=document)


def _faults(template: ActionPlan) -> list[str]:
    return [str(f) for f in shown_all(check_plan(dump_plan_file(plan=template, reports=False)))]


@dataclass
class RolloutResult:
    created: int = 0
    skipped: int = 0


def rollout_offices(*, under: Office, tier: OfficeTier | None = None):
    offices = Office.objects.filter(under_q(under))
    if tier is not None:
        offices = offices.filter(tier=tier)
    return offices


@transaction.atomic
def rollout_template(
    *,
    template: ActionPlan,
    under: Office,
    tier: OfficeTier | None = None,
    progress: RolloutProgress | None = None,
) -> RolloutResult:
    """Create the template's plan for every office under `under` (of `tier`) that lacks it."""
    if not template.is_template:
        raise TemplateError(gettext("শুধু টেমপ্লেট (দপ্তরবিহীন কর্মপরিকল্পনা) রোল-আউট করা যায়।"))
    faults = _faults(template)
    if faults:
        raise TemplateError(gettext("টেমপ্লেটটি কর্মপরিকল্পনার নিয়ম মানে না: ") + " ".join(faults))
    offices = rollout_offices(under=under, tier=tier)
    having = ActionPlan.objects.filter(
        fiscal_year=template.fiscal_year, title=template.title, office__in=offices
    ).values("office_id")
    missing = list(offices.exclude(pk__in=having).order_by("path").values_list("pk", flat=True))
    total = offices.count()
    result = RolloutResult(skipped=total - len(missing))
    for start in range(0, len(missing), CHUNK):
        _create_plans(template, missing[start : start + CHUNK])
        result.created += len(missing[start : start + CHUNK])
        if progress is not None:
            progress(result.created, len(missing))
    return result


def _columns(model, parent: str) -> list[str]:
    """The columns a copy takes from the template's row: all but the key and the parent link."""
    return [f.column for f in model._meta.concrete_fields if not f.primary_key and f.name != parent]


def _create_plans(template: ActionPlan, office_ids: list[int]) -> None:
    """Plans for these offices, and their areas, activities, indicators and signatories copied
    from the template's by number: one INSERT … SELECT per table, run inside the database,
    whatever the number of offices."""
    plans = ActionPlan.objects.bulk_create(
        [
            ActionPlan(
                office_id=office_id,
                fiscal_year_id=template.fiscal_year_id,
                title=template.title,
                total_marks=template.total_marks,
                scoring_method=template.scoring_method,
                template=template,
            )
            for office_id in office_ids
        ]
    )
    new = [plan.pk for plan in plans]
    marks = ", ".join(["%s"] * len(new))
    q = connection.ops.quote_name
    plan, area, activity, indicator, signatory = (
        q(m._meta.db_table) for m in (ActionPlan, PerformanceArea, Activity, Indicator, Signatory)
    )

    def copy_rows(model, parent: str, parent_id: str, joins: str) -> None:
        columns = _columns(model, parent)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(model._meta.db_table)} ({q(model._meta.get_field(parent).column)}, "
                f"{', '.join(q(c) for c in columns)}) "
                f"SELECT {parent_id}, {', '.join(f't.{q(c)}' for c in columns)} {joins}",
                [template.pk, *new],
            )

    copy_rows(
        PerformanceArea,
        "plan",
        "p.id",
        f"FROM {plan} p JOIN {area} t ON t.plan_id = %s WHERE p.id IN ({marks})",
    )
    copy_rows(
        Signatory,
        "plan",
        "p.id",
        f"FROM {plan} p JOIN {signatory} t ON t.plan_id = %s WHERE p.id IN ({marks})",
    )
    copy_rows(
        Activity,
        "area",
        "na.id",
        f"FROM {area} oa JOIN {activity} t ON t.area_id = oa.id JOIN {area} na ON na.number = oa.number "
        f"WHERE oa.plan_id = %s AND na.plan_id IN ({marks})",
    )
    copy_rows(
        Indicator,
        "activity",
        "nb.id",
        f"FROM {area} oa JOIN {activity} ob ON ob.area_id = oa.id JOIN {indicator} t ON t.activity_id = ob.id "
        f"JOIN {area} na ON na.number = oa.number JOIN {activity} nb ON nb.area_id = na.id AND nb.number = ob.number "
        f"WHERE oa.plan_id = %s AND na.plan_id IN ({marks})",
    )


@dataclass
class CarryResult:
    updated: list[ActionPlan] = field(default_factory=list)
    unchanged: list[ActionPlan] = field(default_factory=list)  # identical already
    held: list[ActionPlan] = field(default_factory=list)  # a report in review or approved


def carry_template_changes(
    *, template: ActionPlan, apply: bool, progress: RolloutProgress | None = None
) -> CarryResult:
    """Bring the plans made from `template` up to its structure, weights and targets, except those
    with a report in review or approved (listed in `held`). `apply=False` only tells what would happen."""
    faults = _faults(template)
    if faults:
        raise TemplateError(gettext("টেমপ্লেটটি কর্মপরিকল্পনার নিয়ম মানে না: ") + " ".join(faults))
    source = dump_plan_file(plan=template, reports=False)
    result = CarryResult()
    plans = list(
        template.derived_plans.select_related("office", "fiscal_year").order_by("office__path")
    )
    held = set(
        QuarterlyReport.objects.filter(plan__template=template, status__in=IN_REVIEW).values_list(
            "plan_id", flat=True
        )
    )
    with transaction.atomic():
        for done, plan in enumerate(plans, start=1):
            if plan.pk in held:
                result.held.append(plan)
                continue
            current = dump_plan_file(plan=plan)
            wanted = {
                **copy.deepcopy(source),
                "office": current["office"],
                "reports": current["reports"],
            }
            wanted["plan"] = {**source["plan"], "title": plan.title}
            if _comparable(wanted) == _comparable(current):
                result.unchanged.append(plan)
            else:
                result.updated.append(plan)
                if apply:
                    _drop_values_of_removed_indicators(wanted)
                    load_plan_file(document=wanted)
            if progress is not None:
                progress(done, len(plans))
        if not apply:
            transaction.set_rollback(True)
    return result


def _comparable(document: dict) -> dict:
    return {key: document[key] for key in ("plan", "areas", "signatories")}


def _drop_values_of_removed_indicators(wanted: dict) -> None:
    """Draft values of an indicator the template no longer has go with the indicator."""
    codes = {
        f"{a['number']}.{b['number']}.{i['number']}"
        for a in wanted["areas"]
        for b in a["activities"]
        for i in b["indicators"]
    }
    for report in wanted["reports"]:
        report["achievements"] = {
            code: value for code, value in report["achievements"].items() if code in codes
        }


def adjust_targets(*, plan: ActionPlan, targets: dict[int, list], user) -> int:
    """The office's own targets for its indicators (structure and weights stay the template's),
    while the plan is open to it. Returns how many indicators changed."""
    with transaction.atomic():
        locked = (
            ActionPlan.objects.select_for_update(of=("self",))
            .select_related("template")
            .get(pk=plan.pk)
        )
        if not locked.targets_open_to_office:
            raise TemplateError(
                gettext("এই কর্মপরিকল্পনার লক্ষ্যমাত্রা আর সমন্বয় করা যায় না (অনুমোদিত বা টেমপ্লেট অনুমতি দেয় না)।")
            )
        indicators = {i.pk: i for i in Indicator.objects.filter(activity__area__plan=locked)}
        changed = []
        for indicator_id, values in targets.items():
            indicator = indicators.get(indicator_id)
            if indicator is None or indicator.targets == list(values):
                continue
            indicator.set_targets(values)
            changed.append(indicator)
        Indicator.objects.bulk_update(
            changed,
            [f"{t}_{k}" for t in Indicator.TIER_FIELDS for k in ("date", "number")]
            + ["unknown_tiers"],
        )  # a lost target filled in is known now
        if changed:
            plan_revised(plan_id=locked.pk)  # a bulk write sends no signal
            rescore_plan(plan_id=locked.pk)
        return len(changed)


def approve_targets(*, plan: ActionPlan, user) -> ActionPlan:
    """The office above accepts the office's targets; from now on they change only through the
    reason-and-record path of the plan admin."""
    with transaction.atomic():
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.targets_approved_at is not None:
            raise TemplateError(gettext("লক্ষ্যমাত্রা আগেই অনুমোদিত হয়েছে।"))
        locked.targets_approved_at = timezone.now()
        locked.targets_approved_by = user
        locked.save(update_fields=["targets_approved_at", "targets_approved_by"])
        return locked


def progress_key(job_id: int) -> str:
    return f"rollout-progress:{job_id}"


def rollout_progress(job_id: int) -> tuple[int, int] | None:
    """(done, total) of a running roll-out. Kept in the cache, not the database: the roll-out is one
    transaction, whose writes no one else sees until it ends."""
    return cache.get(progress_key(job_id))


def run_rollout_job(job_id: int) -> RolloutJob:
    """Carry out a roll-out asked for in the admin. Safe to run again: offices that got the plan
    are skipped, so a retry after a failure completes it."""
    job = RolloutJob.objects.select_related("template__fiscal_year", "under", "tier").get(pk=job_id)
    if job.status == RolloutJob.DONE:
        return job
    RolloutJob.objects.filter(pk=job_id).update(status=RolloutJob.RUNNING)

    def progress(done: int, total: int) -> None:
        cache.set(progress_key(job_id), (done, total), timeout=24 * 3600)

    try:
        result = rollout_template(
            template=job.template, under=job.under, tier=job.tier, progress=progress
        )
    except TemplateError as exc:
        RolloutJob.objects.filter(pk=job_id).update(
            status=RolloutJob.FAILED, error=str(exc), finished_at=timezone.now()
        )
    else:
        RolloutJob.objects.filter(pk=job_id).update(
            status=RolloutJob.DONE,
            created=result.created,
            skipped=result.skipped,
            finished_at=timezone.now(),
        )
    cache.delete(progress_key(job_id))
    job.refresh_from_db()
    return job
