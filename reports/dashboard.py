"""The reviewer's dashboard: every office under a chosen office, one row each, with its report's
status and marks for a fiscal year and quarter; counts, charts, filters, sorting and paging.

Everything is computed in the database with a fixed number of queries, whatever the number of
offices (a ministry's reviewer looks after thousands): the rows are offices under a path prefix,
annotated with their plan and report by correlated subqueries on indexed columns.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case, CharField, Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Value, When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from egov_plan import bangla, fiscal
from egov_plan.models import ActionPlan, FiscalYear, Office, OfficeTier
from egov_plan.offices import under_q
from reports.models import QuarterlyReport

NOT_STARTED = "not_started"
STATUSES = [
    (NOT_STARTED, "শুরু হয়নি"),
    (QuarterlyReport.DRAFT, "খসড়া"),
    (QuarterlyReport.SUBMITTED, "দাখিলকৃত"),
    (QuarterlyReport.RETURNED, "ফেরতপ্রাপ্ত"),
    (QuarterlyReport.APPROVED, "অনুমোদিত"),
]
STATUS_LABELS = dict(STATUSES)
STATUS_COLOURS = {NOT_STARTED: "#adb5bd", QuarterlyReport.DRAFT: "#6c757d", QuarterlyReport.SUBMITTED: "#0d6efd",
                  QuarterlyReport.RETURNED: "#dc3545", QuarterlyReport.APPROVED: "#198754"}
# Marks to date as a share of the plan's total, in five bands.
SCORE_BANDS = [("0", "০–২০%", 0, 20), ("20", "২০–৪০%", 20, 40), ("40", "৪০–৬০%", 40, 60),
               ("60", "৬০–৮০%", 60, 80), ("80", "৮০–১০০%", 80, 101)]
NO_SCORE = "none"
SORTS = {
    "name": ("name", "location", "code"),
    "location": ("location", "name", "code"),
    "tier": ("tier__order", "name", "code"),
    "status": ("status_order", "name", "code"),
    "score": ("score", "name", "code"),
    "changed": ("changed", "name", "code"),
}
PAGE_SIZE = 50


@dataclass
class DashboardQuery:
    """What the reviewer asked for, already checked against what they may see."""

    root: Office | None        # the office whose subtree is listed (None: every office, for admins)
    year: FiscalYear | None
    quarter: int
    tier: str = ""
    status: str = ""
    text: str = ""
    sort: str = "name"
    descending: bool = False


def default_period(today: datetime.date | None = None) -> tuple[FiscalYear | None, int]:
    """The current fiscal year and quarter, or, where the current year has no plans yet, the latest
    year that has, at its latest reported quarter."""
    today = today or timezone.localdate()
    start_year = fiscal.fiscal_year_of(today)
    current = FiscalYear.objects.filter(start_year=start_year).first()
    if current is not None:
        return current, (today.month - 7) % 12 // 3 + 1
    year = FiscalYear.objects.filter(start_year__lt=start_year).order_by("-start_year").first()
    if year is None:
        return None, 1
    latest = (QuarterlyReport.objects.filter(plan__fiscal_year=year).order_by("-quarter")
              .values_list("quarter", flat=True).first())
    return year, latest or 4


def _plans(query: DashboardQuery) -> QuerySet:
    return ActionPlan.objects.filter(office=OuterRef("pk"), fiscal_year=query.year).order_by("pk")


def _reports(query: DashboardQuery) -> QuerySet:
    return QuarterlyReport.objects.filter(plan__office=OuterRef("pk"), plan__fiscal_year=query.year,
                                          quarter=query.quarter).order_by("plan_id")


def office_rows(query: DashboardQuery) -> QuerySet:
    """The offices under `query.root`, filtered and sorted, each annotated with `plan_id`,
    `status`, `score`, `total_marks`, `changed` for the year and quarter."""
    reports = _reports(query)
    offices = Office.objects.filter(under_q(query.root)) if query.root is not None else Office.objects.all()
    rows = (offices.select_related("tier")
            .annotate(plan_id=Subquery(_plans(query).values("pk")[:1]),
                      status=Coalesce(Subquery(reports.values("status")[:1]), Value(NOT_STARTED),
                                      output_field=CharField()),
                      score=Subquery(reports.values("score")[:1]),
                      total_marks=Subquery(_plans(query).values("total_marks")[:1]),
                      changed=Subquery(reports.values("updated_at")[:1]))
            .annotate(status_order=Case(*[When(status=code, then=Value(i)) for i, (code, _) in enumerate(STATUSES)],
                                        default=Value(0))))
    if query.tier:
        rows = rows.filter(tier__code=query.tier)
    if query.status:
        rows = rows.filter(status=query.status)
    if query.text:
        rows = rows.filter(Q(name__icontains=query.text) | Q(location__icontains=query.text)
                           | Q(code__iexact=query.text))
    order = SORTS.get(query.sort, SORTS["name"])
    first = F(order[0]).desc(nulls_last=True) if query.descending else F(order[0]).asc(nulls_last=True)
    return rows.order_by(first, *order[1:])


def _band(rows: QuerySet) -> QuerySet:
    """Each row's marks as a share of its plan's total, in one of SCORE_BANDS (or NO_SCORE)."""
    percent = ExpressionWrapper(F("score") * 100 / F("total_marks"), output_field=DecimalField())
    return rows.alias(percent=percent).annotate(band=Case(
        *[When(Q(score__isnull=False, total_marks__gt=0, percent__gte=low, percent__lt=high), then=Value(code))
          for code, _, low, high in SCORE_BANDS],
        default=Value(NO_SCORE), output_field=CharField()))


@dataclass
class Bar:
    label: str
    value: int
    colour: str
    x: float = 0
    width: float = 0


@dataclass
class TierBar:
    tier: str
    total: int
    segments: list[Bar] = field(default_factory=list)
    y: float = 0


@dataclass
class Summary:
    total: int
    by_status: list[tuple[str, str, int]]      # (code, label, count)
    tiers: list[TierBar]
    bands: list[Bar]
    chart_height: int = 0
    band_max: int = 0


CHART_WIDTH = 420
BAR_HEIGHT = 22


def summary(query: DashboardQuery) -> Summary:
    """Counts by status, status by tier, and the distribution of marks: three grouped queries."""
    unfiltered = DashboardQuery(root=query.root, year=query.year, quarter=query.quarter, tier=query.tier,
                                text=query.text)
    rows = office_rows(unfiltered).order_by()
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_status = [(code, label, counts.get(code, 0)) for code, label in STATUSES]
    total = sum(counts.values())

    tier_names = {t.code: t.name for t in OfficeTier.objects.all()}
    tier_order = list(tier_names)
    per_tier: dict[str, dict[str, int]] = {}
    for tier, status, n in rows.values_list("tier__code", "status").annotate(n=Count("pk")).values_list(
            "tier__code", "status", "n"):
        per_tier.setdefault(tier, {})[status] = n
    tiers = []
    largest = max((sum(v.values()) for v in per_tier.values()), default=0) or 1
    for index, code in enumerate(t for t in tier_order if t in per_tier):
        bar = TierBar(tier=tier_names[code], total=sum(per_tier[code].values()), y=index * (BAR_HEIGHT + 8))
        x = 0.0
        for status, label in STATUSES:
            n = per_tier[code].get(status, 0)
            if n:
                width = n / largest * CHART_WIDTH
                bar.segments.append(Bar(label=label, value=n, colour=STATUS_COLOURS[status], x=x, width=width))
                x += width
        tiers.append(bar)

    banded = dict(_band(rows).values_list("band").annotate(n=Count("pk")).values_list("band", "n"))
    bands = [Bar(label=label, value=banded.get(code, 0), colour="#198754") for code, label, _, _ in SCORE_BANDS]
    bands.append(Bar(label="নম্বর নেই", value=banded.get(NO_SCORE, 0), colour="#adb5bd"))
    band_max = max((b.value for b in bands), default=0) or 1
    for index, bar in enumerate(bands):
        bar.x = index * 70
        bar.width = bar.value / band_max * 120  # the bar's height, in the vertical chart
    return Summary(total=total, by_status=by_status, tiers=tiers, bands=bands,
                   chart_height=max(len(tiers), 1) * (BAR_HEIGHT + 8), band_max=band_max)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def score_text(score: Decimal | None) -> str:
    return "—" if score is None else bangla.format_score(score)
