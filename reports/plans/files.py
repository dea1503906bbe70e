"""Plan documents: one plan with its structure, signatories and reports as plain data.

The shape (see fixtures/seed_plan_2022_23.json):
    {"office": {"name", "location"}, "fiscal_year": 2022,
     "plan": {"title", "total_marks", "scoring_method"},
     "areas": [{"number", "title", "weight",
                "activities": [{"number", "title",
                                "indicators": [{"number", "title", "unit", "weight",
                                                "calculation_method", "targets": [5 × str|None]}]}]}],
     "signatories": [{"name", "lines": [1–3 str]}],
An indicator may carry "unit_label" (a count's own unit word: জন, লক্ষ টাকা) and "unknown_tiers"
(the indexes of tiers whose target a file lost: blank in "targets", shown as unknown, scored nothing).
Areas, activities and indicators may carry "title_en" (their optional English text, for the
report's English translation): dumped when entered; loaded only when present, so that a document
without English texts (the official text layout) leaves those already entered alone.
     "reports": [{"quarter", "status", "achievements": {"1.3.1": {"value", "remarks"}}}]}
Dates are ISO strings, numbers decimal strings. Loading is an upsert keyed by
numbers: loading the same document twice changes nothing.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from egov_plan.core import scoring
from egov_plan.core.plan_rules import document_value, tier_bits, typed_target
from egov_plan.offices.models import Office
from egov_plan.offices.tree import find_office, office_create
from egov_plan.plans.models import (
    ActionPlan,
    Activity,
    FiscalYear,
    Indicator,
    PerformanceArea,
    Signatory,
)
from reports.quarters.marks import rescore_plan
from reports.quarters.models import Achievement, QuarterlyReport


def _upsert(model, lookup: dict, values: dict):
    """get-or-create `lookup`, then write `values` only where they differ."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.save(update_fields=changed)
    return obj


def _office_for(data: dict) -> Office:
    location = data.get("location", "")
    office = find_office(name=data["name"], location=location, code=data.get("code"))
    if office is None:
        return office_create(
            name=data["name"],
            location=location,
            code=data.get("code"),
            tier=data.get("tier", "department"),
        )
    changed = [
        f for f, v in (("name", data["name"]), ("location", location)) if getattr(office, f) != v
    ]
    for field in changed:
        setattr(office, field, data["name"] if field == "name" else location)
    if changed:
        office.save(update_fields=changed)
    return office


def _delete_missing(queryset, kept_ids: list[int]) -> None:
    queryset.exclude(pk__in=kept_ids).delete()


@transaction.atomic
def load_plan_file(*, document: dict) -> ActionPlan:
    office = _office_for(document["office"]) if document.get("office") else None  # None: a template
    fiscal_year, _ = FiscalYear.objects.get_or_create(start_year=int(document["fiscal_year"]))
    plan_data = document["plan"]
    plan = _upsert(
        ActionPlan,
        {"office": office, "fiscal_year": fiscal_year, "title": plan_data["title"]},
        {
            "total_marks": Decimal(plan_data["total_marks"]),
            "scoring_method": plan_data.get("scoring_method", scoring.STEP),
        },
    )

    indicators_by_code: dict[str, Indicator] = {}
    area_ids = []
    for area_data in document["areas"]:
        area = _upsert(
            PerformanceArea,
            {"plan": plan, "number": area_data["number"]},
            {
                "title": area_data["title"],
                "weight": Decimal(area_data["weight"]),
                **_english(area_data),
            },
        )
        area_ids.append(area.pk)
        activity_ids = []
        for activity_data in area_data["activities"]:
            activity = _upsert(
                Activity,
                {"area": area, "number": activity_data["number"]},
                {"title": activity_data["title"], **_english(activity_data)},
            )
            activity_ids.append(activity.pk)
            indicator_ids = []
            for data in activity_data["indicators"]:
                unit = data["unit"]
                probe = Indicator(unit=unit)
                probe.set_targets([typed_target(unit, t) for t in data["targets"]])
                target_values = {
                    f"{tier}_{kind}": getattr(probe, f"{tier}_{kind}")
                    for tier in Indicator.TIER_FIELDS
                    for kind in ("date", "number")
                }
                indicator = _upsert(
                    Indicator,
                    {"activity": activity, "number": data["number"]},
                    {
                        "title": data["title"],
                        **_english(data),
                        "unit": unit,
                        "weight": Decimal(data["weight"]),
                        "calculation_method": data.get("calculation_method")
                        or scoring.DEFAULT_CALCULATION[unit],
                        "unit_label": data.get("unit_label") or "",
                        "unknown_tiers": tier_bits(data.get("unknown_tiers") or []),
                        **({"notes": data["notes"]} if isinstance(data.get("notes"), str) else {}),
                        **target_values,
                    },
                )
                indicator_ids.append(indicator.pk)
                code = f"{area.number}.{activity.number}.{indicator.number}"
                indicators_by_code[code] = indicator
            _delete_missing(activity.indicators.all(), indicator_ids)
        _delete_missing(area.activities.all(), activity_ids)
    _delete_missing(plan.areas.all(), area_ids)

    signatory_ids = []
    for order, data in enumerate(document.get("signatories", []), start=1):
        lines = list(data["lines"]) + ["", ""]
        signatory = _upsert(
            Signatory,
            {"plan": plan, "order": order},
            {"name": data["name"], "line_1": lines[0], "line_2": lines[1], "line_3": lines[2]},
        )
        signatory_ids.append(signatory.pk)
    _delete_missing(plan.signatories.all(), signatory_ids)

    for report_data in document.get("reports", []):
        status = report_data.get("status", QuarterlyReport.DRAFT)
        report = QuarterlyReport.objects.filter(
            plan=plan, quarter=int(report_data["quarter"])
        ).first()
        # An approved report arrives as its first revision (it was signed on paper).
        revision = max(
            report.revision if report else 0, 1 if status == QuarterlyReport.APPROVED else 0
        )
        report = _upsert(
            QuarterlyReport,
            {"plan": plan, "quarter": int(report_data["quarter"])},
            {"status": status, "revision": revision},
        )
        achievement_ids = []
        for code, data in report_data.get("achievements", {}).items():
            indicator = indicators_by_code[code]
            probe = Achievement()
            probe.set_value(typed_target(indicator.unit, data["value"]))
            achievement = _upsert(
                Achievement,
                {"report": report, "indicator": indicator},
                {
                    "value_date": probe.value_date,
                    "value_number": probe.value_number,
                    "remarks": data.get("remarks", ""),
                },
            )
            achievement_ids.append(achievement.pk)
        _delete_missing(report.achievements.all(), achievement_ids)
    rescore_plan(plan_id=plan.pk)
    return plan


def _english(data: dict) -> dict:
    """The English text to store, only when the document has one to say."""
    return {"title_en": data["title_en"].strip()} if isinstance(data.get("title_en"), str) else {}


def _with_english(item, data: dict) -> dict:
    if item.title_en:
        data = {**data, "title_en": item.title_en}
    return data


def dump_plan_file(*, plan: ActionPlan, reports: bool = True) -> dict:
    """The plan as a document: what `load_plan_file` reads back to the same plan."""
    areas = []
    for area in plan.areas.prefetch_related("activities__indicators").order_by("number"):
        activities = []
        for activity in area.activities.order_by("number"):
            indicators = [
                _with_english(
                    i,
                    {
                        "number": i.number,
                        "title": i.title,
                        "unit": i.unit,
                        "weight": document_value(i.weight),
                        "calculation_method": i.calculation_method,
                        "targets": [document_value(t) for t in i.targets],
                        **({"unit_label": i.unit_label} if i.unit_label else {}),
                        **({"unknown_tiers": i.unknown_tier_indexes} if i.unknown_tiers else {}),
                        **({"notes": i.notes} if i.notes else {}),
                    },
                )
                for i in activity.indicators.order_by("number")
            ]
            activities.append(
                _with_english(
                    activity,
                    {"number": activity.number, "title": activity.title, "indicators": indicators},
                )
            )
        areas.append(
            _with_english(
                area,
                {
                    "number": area.number,
                    "title": area.title,
                    "weight": document_value(area.weight),
                    "activities": activities,
                },
            )
        )
    office = plan.office
    document = {
        "office": {"name": office.name, "location": office.location, "code": office.code}
        if office
        else None,
        "fiscal_year": plan.fiscal_year.start_year,
        "plan": {
            "title": plan.title,
            "total_marks": document_value(plan.total_marks),
            "scoring_method": plan.scoring_method,
        },
        "areas": areas,
        "signatories": [
            {"name": s.name, "lines": s.lines} for s in plan.signatories.order_by("order")
        ],
        "reports": [],
    }
    if reports:
        for report in plan.reports.order_by("quarter").prefetch_related(
            "achievements__indicator__activity__area"
        ):
            achievements = {}
            for a in report.achievements.all():
                code = f"{a.indicator.activity.area.number}.{a.indicator.activity.number}.{a.indicator.number}"
                if a.value is not None or a.remarks:
                    achievements[code] = {"value": document_value(a.value), "remarks": a.remarks}
            document["reports"].append(
                {
                    "quarter": report.quarter,
                    "status": report.status,
                    "achievements": dict(sorted(achievements.items())),
                }
            )
    return document


class PlanExists(Exception):
    pass


def _shift_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def copy_plan_forward(*, plan: ActionPlan, to_year: int) -> ActionPlan:
    """Next fiscal year's plan from this one: structure, weights, targets (dates moved on by the
    years between), signatories; no reports and no achievements."""
    years = to_year - plan.fiscal_year.start_year
    if years <= 0:
        raise ValueError("the new fiscal year must come after the plan's own")
    if ActionPlan.objects.filter(
        office=plan.office, fiscal_year__start_year=to_year, title=plan.title
    ).exists():
        raise PlanExists(f"{plan.office} already has “{plan.title}” for {to_year}-{to_year + 1}")
    document = dump_plan_file(plan=plan, reports=False)
    document["fiscal_year"] = to_year
    for area in document["areas"]:
        for activity in area["activities"]:
            for indicator in activity["indicators"]:
                if indicator["unit"] == scoring.DATE:
                    indicator["targets"] = [
                        None
                        if t is None
                        else _shift_years(datetime.date.fromisoformat(t), years).isoformat()
                        for t in indicator["targets"]
                    ]
    return load_plan_file(document=document)
