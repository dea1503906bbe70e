"""Reads for the quarterly report: the table exactly as the official form lays it out.

`quarter_table` runs a fixed number of queries whatever the plan's size: the
plan, its areas, activities, indicators, signatories, the quarter's report and
the achievements of quarters 1..n (for the achievement to date).
"""

import datetime
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404

from egov_plan import bangla, fiscal, scoring
from egov_plan import plan_rules
from egov_plan.plan_rules import shown_value
from egov_plan.models import ActionPlan, Activity, Indicator, PerformanceArea, Signatory
from reports.models import Achievement, Assessment, Evidence, QuarterlyReport, ReportTransition, SignedDocument
from reports import deadlines

TIER_NAMES = dict(zip(scoring.TIER_PERCENTS, plan_rules.TIER_NAMES))
# The official (Bengali) unit names; a page translates them where it is not Bengali.
# (the same words as Indicator.UNIT_CHOICES, which follow the page's language).
UNIT_LABELS = {scoring.DATE: "তারিখ", scoring.PERCENT: "%", scoring.COUNT: "সংখ্যা"}
VERIFICATION_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")


def format_value(unit: str, value: datetime.date | Decimal | int | None, blank: str) -> str:
    """A target or achievement as the form prints it (০৪/০৫/২৩, ৮৫%, ২), or `blank`."""
    return blank if value is None else shown_value(unit, value)


def format_tier(tier: int | None) -> str:
    if tier is None:
        return bangla.BLANK_TARGET
    return f"{TIER_NAMES[tier]} ({bangla.format_percent(tier)})"


@dataclass(frozen=True)
class ScoredValue:
    """An achievement as printed, the tier it reaches and its marks (the plan's scoring method)."""

    shown: str
    tier: str
    score: Decimal
    tier_percent: int | None = None  # the tier reached (100 … 60), for pages that name it in their language


def scored_value(indicator: Indicator, value, method: str) -> ScoredValue:
    targets = indicator.targets
    tier = scoring.tier_reached(indicator.unit, targets, value)
    return ScoredValue(
        shown=format_value(indicator.unit, value, bangla.NOT_REPORTED),
        tier=format_tier(tier), tier_percent=tier,
        score=scoring.indicator_score(unit=indicator.unit, weight=indicator.weight, targets=targets,
                                      value=value, method=method))


@dataclass
class TableRow:
    indicator: Indicator
    area: PerformanceArea
    activity: Activity
    unit_label: str
    weight: str
    targets: list[str]
    achievement: str
    achievement_value: object
    tier: str
    score: Decimal
    tier_percent: int | None = None
    # Where the spanning cells open (set by `QuarterTable.layout`): a rowspan, or 0 where
    # this row lies under a cell opened above; "continued" cells carry on a span from the
    # previous row group and print their text only when `*_shown`.
    area_rowspan: int = 0
    area_shown: bool = True
    area_continued: bool = False
    activity_rowspan: int = 0
    activity_shown: bool = True
    activity_continued: bool = False


@dataclass
class RowGroup:
    """A <tbody>: the web page has one; the PDF one per activity (or chunk of one),
    which a page break never cuts."""

    index: int
    rows: list[TableRow]


# The largest row group in the PDF: an activity with more indicators is cut into chunks.
MAX_GROUP_ROWS = 8


@dataclass
class QuarterTable:
    plan: ActionPlan
    quarter: int
    report: QuarterlyReport | None
    rows: list[TableRow] = field(default_factory=list)
    signatories: list = field(default_factory=list)
    # This quarter's stored achievements by indicator id (value and remarks only).
    achievements: dict = field(default_factory=dict)
    row_groups: list[RowGroup] = field(default_factory=list)

    def layout(self, *, split: bool = False, repeat: frozenset[int] = frozenset()) -> None:
        """Lay the rows out in row groups and set where the spanning cells open.

        split=False: one group, the area and activity cells spanning all their rows (the
        official form). split=True: one group per activity chunk; a group that continues an
        area or activity opens a "continued" cell, whose text is printed only for the
        groups in `repeat` (those that start a new page).
        """
        chunks: list[list[TableRow]] = []
        if not split:
            chunks = [list(self.rows)] if self.rows else []
        else:
            for row in self.rows:
                last = chunks[-1] if chunks else None
                if last and last[-1].activity is row.activity and len(last) < MAX_GROUP_ROWS:
                    last.append(row)
                else:
                    chunks.append([row])
        self.row_groups = [RowGroup(index=i, rows=rows) for i, rows in enumerate(chunks)]
        seen_areas, seen_activities = set(), set()
        for group in self.row_groups:
            for attr, seen in (("area", seen_areas), ("activity", seen_activities)):
                spans: dict[int, int] = {}
                for row in group.rows:
                    key = getattr(row, attr).pk
                    spans[key] = spans.get(key, 0) + 1
                opened = set()
                for row in group.rows:
                    key = getattr(row, attr).pk
                    if key in opened:
                        setattr(row, f"{attr}_rowspan", 0)
                        continue
                    opened.add(key)
                    continued = key in seen
                    seen.add(key)
                    setattr(row, f"{attr}_rowspan", spans[key])
                    setattr(row, f"{attr}_continued", continued)
                    setattr(row, f"{attr}_shown", not continued or group.index in repeat)

    @property
    def fiscal_year_label(self) -> str:
        return self.plan.fiscal_year.label

    @property
    def quarter_ordinal(self) -> str:
        return bangla.QUARTER_ORDINALS[self.quarter]

    @property
    def period(self) -> str:
        start_year = self.plan.fiscal_year.start_year
        return bangla.period_text(fiscal.quarter_start(start_year, self.quarter),
                                  fiscal.quarter_end(start_year, self.quarter))

    @property
    def period_to_date(self) -> str:
        start_year = self.plan.fiscal_year.start_year
        return bangla.period_text(fiscal.fiscal_year_start(start_year),
                                  fiscal.quarter_end(start_year, self.quarter))

    @property
    def title_line(self) -> str:
        return (f"{self.plan.title} {self.fiscal_year_label} এর {self.quarter_ordinal} "
                f"ত্রৈমাসিক প্রতিবেদন ({self.period})")

    @property
    def total_weight(self) -> Decimal:
        return sum((row.indicator.weight for row in self.rows), Decimal(0))

    @property
    def total_score(self) -> Decimal:
        return scoring.total(row.score for row in self.rows)


def achievement_values(plan: ActionPlan, quarter: int) -> tuple[dict[int, list], dict[int, Achievement]]:
    """indicator id → [value of quarter 1, …, value of quarter n] (None where unreported), and this
    quarter's achievements by indicator id (value and remarks, for the entry form): one query."""
    values: dict[int, list] = defaultdict(lambda: [None] * quarter)
    this_quarter = {}
    rows = Achievement.objects.filter(report__plan=plan, report__quarter__lte=quarter).values_list(
        "indicator_id", "report__quarter", "value_date", "value_number", "remarks"
    )
    for indicator_id, report_quarter, value_date, value_number, remarks in rows:
        values[indicator_id][report_quarter - 1] = value_date if value_date is not None else value_number
        if report_quarter == quarter:
            this_quarter[indicator_id] = Achievement(indicator_id=indicator_id, value_date=value_date,
                                                     value_number=value_number, remarks=remarks)
    return values, this_quarter


@dataclass(frozen=True)
class StructureRow:
    """An indicator with its area and activity, and what never changes with the values."""

    area: PerformanceArea
    activity: Activity
    indicator: Indicator
    unit_label: str
    weight: str
    targets: list[str]


@dataclass(frozen=True)
class PlanStructure:
    rows: list[StructureRow]
    signatories: list


# Plans whose structure each process keeps (a 12-indicator plan takes some 30 KB).
STRUCTURE_CACHE_PLANS = 2000


@functools.lru_cache(maxsize=STRUCTURE_CACHE_PLANS)
def plan_structure(plan_id: int, revision: int) -> PlanStructure:
    """The plan's areas, activities, indicators (with their printed unit, weight and targets) and
    signatories: four queries, then kept by revision (`ActionPlan.revision` moves on with every
    change to them), so that a page of a plan already seen reads only the plan's row. Nothing here
    may be changed by a caller: the rows are shared between requests."""
    indicators = Prefetch("indicators", queryset=Indicator.objects.order_by("number"))
    activities = Prefetch("activities", queryset=Activity.objects.order_by("number").prefetch_related(indicators))
    rows = []
    for area in PerformanceArea.objects.filter(plan_id=plan_id).order_by("number").prefetch_related(activities):
        for activity in area.activities.all():
            for indicator in activity.indicators.all():
                # Reuse the loaded parents so that `indicator.code` costs no query.
                activity.area = area
                indicator.activity = activity
                rows.append(StructureRow(
                    area=area, activity=activity, indicator=indicator, unit_label=UNIT_LABELS[indicator.unit],
                    weight=bangla.format_number(indicator.weight),
                    targets=[format_value(indicator.unit, t, bangla.BLANK_TARGET) for t in indicator.targets]))
    return PlanStructure(rows=rows, signatories=list(Signatory.objects.filter(plan_id=plan_id).order_by("order")))


def quarter_table(*, plan_id: int, quarter: int, with_values: bool = True) -> QuarterTable:
    """The quarter's table as the official form. `with_values=False` leaves the achievements out (every
    cell as unreported, one query fewer): for a save, which needs only the plan's indicators."""
    # The report comes with its plan, office and fiscal year in one query, and `year_is_final` (the
    # annual evaluation approved) with them; only a quarter not yet begun reads the plan on its own.
    # (At most one report per plan and quarter: no ordering, so no join for the model's ordering.)
    report = next(iter(QuarterlyReport.objects.select_related("plan__office", "plan__fiscal_year")
                       .annotate(year_is_final=Exists(Assessment.year_final(OuterRef("plan_id"))))
                       .filter(plan_id=plan_id, quarter=quarter).order_by()[:1]), None)
    if report is not None:
        plan = report.plan
        plan.year_is_final = report.year_is_final
    else:
        plan = get_object_or_404(ActionPlan.objects.select_related("office", "fiscal_year").annotate(
            year_is_final=Exists(Assessment.year_final(OuterRef("pk")))), pk=plan_id)
    structure = plan_structure(plan.pk, plan.revision)
    values, this_quarter = achievement_values(plan, quarter) if with_values else ({}, {})
    table = QuarterTable(plan=plan, quarter=quarter, report=report,
                         signatories=structure.signatories, achievements=this_quarter)
    for shared in structure.rows:
        indicator = shared.indicator
        to_date = scoring.roll_up(indicator.calculation_method, values.get(indicator.pk, []))
        cells = scored_value(indicator, to_date, plan.scoring_method)
        table.rows.append(TableRow(
            indicator=indicator,
            area=shared.area,
            activity=shared.activity,
            unit_label=shared.unit_label,
            weight=shared.weight,
            targets=shared.targets,
            achievement=cells.shown,
            achievement_value=to_date,
            tier=cells.tier,
            tier_percent=cells.tier_percent,
            score=cells.score,
        ))
    table.layout()
    return table


def plans_by_year_and_office(office_id: int | None):
    """[(fiscal year, [(office, [plans])])] of one office's plans, newest year first (the index page:
    a user's own plans, never everyone's)."""
    if office_id is None:
        return []
    plans = ActionPlan.objects.select_related("office", "fiscal_year", "template").filter(office_id=office_id).order_by(
        "-fiscal_year__start_year", "title")
    grouped: dict = {}
    for plan in plans:
        grouped.setdefault(plan.fiscal_year, {}).setdefault(plan.office, []).append(plan)
    return [(year, list(offices.items())) for year, offices in grouped.items()]


def last_transition(report: QuarterlyReport | None) -> ReportTransition | None:
    if report is None or report.status == QuarterlyReport.DRAFT:
        return None  # a draft has never moved (every transition leaves it another status): no query
    return report.transitions.select_related("actor").order_by("-at", "-pk").first()


def transitions(report: QuarterlyReport | None) -> list[ReportTransition]:
    if report is None:
        return []
    return list(report.transitions.select_related("actor"))


def entry_rows(table: QuarterTable, form) -> list[dict]:
    """One plain dict per indicator for the entry page: the table row, the inputs (`form.inputs`)
    and the evidence files. Dicts, because the template engine reads a dict's keys directly but
    tries (and fails) a key lookup on an object before each attribute: dozens of lookups a row."""
    files = defaultdict(list)
    if table.report is not None:
        for item in Evidence.objects.filter(report=table.report):
            files[item.indicator_id].append(item)
    return [{"row": row, "code": row.indicator.code, "title": row.indicator.title,
             "targets": " / ".join(row.targets), **form.inputs(row.indicator),
             "files": files[row.indicator.pk]}
            for row in table.rows]


@dataclass
class AchievementChange:
    at: datetime.datetime
    user: object
    indicator: Indicator
    old: str
    new: str
    remarks: str


def achievement_changes(table: QuarterTable) -> list[AchievementChange]:
    """Every change to this quarter's achievements, oldest first, with the value before and after."""
    if table.report is None:
        return []
    indicators = {row.indicator.pk: row.indicator for row in table.rows}
    records = (Achievement.history.filter(report_id=table.report.pk)
               .select_related("history_user").order_by("history_date", "history_id"))
    previous: dict[int, str] = {}
    changes = []
    for record in records:
        indicator = indicators.get(record.indicator_id)
        if indicator is None:
            continue
        value = record.value_date if record.value_date is not None else record.value_number
        shown = (bangla.NOT_REPORTED if record.history_type == "-"
                 else format_value(indicator.unit, value, bangla.NOT_REPORTED))
        changes.append(AchievementChange(
            at=record.history_date, user=record.history_user, indicator=indicator,
            old=previous.get(record.id, bangla.NOT_REPORTED), new=shown, remarks=record.remarks,
        ))
        previous[record.id] = shown
    return changes


def _waiting(rows, *, period: str, visible: Q | None):
    """Submitted rows (reports or documents) from the offices `visible` admits (None: all), newest
    first, each with `due` (for the period named by the field `period`) and `late`."""
    rows = rows.filter(status=QuarterlyReport.SUBMITTED).select_related("plan__office", "plan__fiscal_year").order_by(
        "-submitted_at", "-pk")
    due = deadlines.due_subquery(year=OuterRef("plan__fiscal_year_id"), period=OuterRef(period),
                                 tier=OuterRef("plan__office__tier_id"))
    rows = deadlines.with_lateness(rows, due=due, first_submitted="first_submitted_at", status="status")
    return rows if visible is None else rows.filter(visible)


def inbox(visible: Q | None):
    """Submitted reports waiting for review, as a queryset for the caller to page (see `_waiting`)."""
    return _waiting(QuarterlyReport.objects.all(), period="quarter", visible=visible)


def waiting_documents(visible: Q | None):
    """Submitted half-yearly and annual documents waiting for review (see `_waiting`): due with
    quarter 2, or on the annual date."""
    from reports.calendar_models import ANNUAL
    from reports.models import Assessment

    documents = Assessment.objects.alias(
        due_period=Case(When(kind=Assessment.HALF_YEAR, then=Value(2)), default=Value(ANNUAL)))
    return _waiting(documents, period="due_period", visible=visible)


def signed_document_by_token(token: str) -> SignedDocument | None:
    """The registry entry a verification link (the PDF's QR code) points at, by its secret token."""
    if not VERIFICATION_TOKEN_RE.fullmatch(token):
        return None  # never a query for what cannot be a token
    return (SignedDocument.objects.select_related("report__plan__office", "report__plan__fiscal_year",
                                                   "assessment__plan__office", "assessment__plan__fiscal_year")
            .filter(token=token).first())
