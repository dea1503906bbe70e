"""The reviewer's dashboard: every office under a chosen office, one row each, with its report's
status and marks for a fiscal year and quarter; counts, charts, filters, sorting and paging.

Everything is computed in the database with a fixed number of queries, whatever the number of
offices (a ministry's reviewer looks after thousands): the rows are offices under a path prefix,
joined to their plan of the year and its report of the quarter.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_plan.core import fiscal
from egov_plan.offices.models import Office, OfficeTier
from egov_plan.offices.tree import under_q
from egov_plan.plans.models import ActionPlan, FiscalYear
from reports.calendar import deadlines
from reports.quarters.models import QuarterlyReport

NOT_STARTED = "not_started"
STATUSES = [
    (NOT_STARTED, _("শুরু হয়নি")),
    (QuarterlyReport.DRAFT, _("খসড়া")),
    (QuarterlyReport.SUBMITTED, _("দাখিলকৃত")),
    (QuarterlyReport.RETURNED, _("ফেরতপ্রাপ্ত")),
    (QuarterlyReport.APPROVED, _("অনুমোদিত")),
]
# A filter, not a status: not submitted by the due date (reports/calendar/deadlines.py), whatever
# the status.
LATE = "late"
FILTERS = STATUSES + [(LATE, _("বিলম্বিত"))]
STATUS_LABELS = dict(STATUSES)
STATUS_COLOURS = {
    NOT_STARTED: "#adb5bd",
    QuarterlyReport.DRAFT: "#6c757d",
    QuarterlyReport.SUBMITTED: "#0d6efd",
    QuarterlyReport.RETURNED: "#dc3545",
    QuarterlyReport.APPROVED: "#198754",
}
# Marks to date as a share of the plan's total, in five bands.
SCORE_BANDS = [
    ("0", _("০–২০%"), 0, 20),
    ("20", _("২০–৪০%"), 20, 40),
    ("40", _("৪০–৬০%"), 40, 60),
    ("60", _("৬০–৮০%"), 60, 80),
    ("80", _("৮০–১০০%"), 80, 101),
]
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

    root: Office | None  # the office whose subtree is listed (None: every office, for admins)
    year: FiscalYear | None
    quarter: int
    title: str = ActionPlan.DEFAULT_TITLE  # which of an office's plans of the year (see plan_title)
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
    latest = (
        QuarterlyReport.objects.filter(plan__fiscal_year=year)
        .order_by("-quarter")
        .values_list("quarter", flat=True)
        .first()
    )
    return year, latest or 4


def plan_title(year: FiscalYear | None) -> str:
    """Which plan of each office the dashboard follows: the year's template's, else the default."""
    titles = list(
        ActionPlan.objects.filter(office__isnull=True, fiscal_year=year).values_list(
            "title", flat=True
        )[:2]
    )
    return titles[0] if len(titles) == 1 else ActionPlan.DEFAULT_TITLE


def office_rows(query: DashboardQuery) -> QuerySet:
    """The offices under `query.root`, filtered and sorted, each annotated with `plan_id`,
    `status`, `score`, `total_marks`, `changed`, `due` and `late` for the year and quarter.

    The office's plan of that year and title and its report of that quarter are joined (at most
    one each, by the unique constraints), so PostgreSQL answers with hash joins over the subtree.
    """
    offices = (
        Office.objects.filter(under_q(query.root))
        if query.root is not None
        else Office.objects.all()
    )
    rows = (
        offices.select_related("tier")
        .annotate(
            year_plan=FilteredRelation(
                "plans", condition=Q(plans__fiscal_year=query.year, plans__title=query.title)
            )
        )
        .annotate(
            quarter_report=FilteredRelation(
                "year_plan__reports", condition=Q(year_plan__reports__quarter=query.quarter)
            )
        )
        .annotate(
            plan_id=F("year_plan__id"),
            status=Coalesce(
                F("quarter_report__status"), Value(NOT_STARTED), output_field=CharField()
            ),
            score=F("quarter_report__score"),
            total_marks=F("year_plan__total_marks"),
            changed=F("quarter_report__updated_at"),
        )
        .annotate(
            status_order=Case(
                *[When(status=code, then=Value(i)) for i, (code, _) in enumerate(STATUSES)],
                default=Value(0),
            )
        )
    )
    rows = deadlines.with_lateness(
        rows,
        due=_due(query),
        first_submitted="quarter_report__first_submitted_at",
        status="quarter_report__status",
        expected=Q(plan_id__isnull=False),
    )
    if query.tier:
        rows = rows.filter(tier__code=query.tier)
    if query.status == LATE:
        rows = rows.filter(late=True)
    elif query.status:
        rows = rows.filter(status=query.status)
    if query.text:
        rows = rows.filter(
            Q(name__icontains=query.text)
            | Q(location__icontains=query.text)
            | Q(code__iexact=query.text)
        )
    order = SORTS.get(query.sort, SORTS["name"])
    first = (
        F(order[0]).desc(nulls_last=True) if query.descending else F(order[0]).asc(nulls_last=True)
    )
    return rows.order_by(first, *order[1:])


def _due(query: DashboardQuery):
    """The due date by tier (one query, once per request's query)."""
    if "_due" not in query.__dict__:
        query.__dict__["_due"] = deadlines.due_by_tier(
            year_id=query.year.pk if query.year else None, period=query.quarter
        )
    return query.__dict__["_due"]


def _band(rows: QuerySet) -> QuerySet:
    """Each row's marks as a share of its plan's total, in one of SCORE_BANDS (or NO_SCORE)."""
    percent = ExpressionWrapper(F("score") * 100 / F("total_marks"), output_field=DecimalField())
    return rows.alias(percent=percent).annotate(
        band=Case(
            *[
                When(
                    Q(score__isnull=False, total_marks__gt=0, percent__gte=low, percent__lt=high),
                    then=Value(code),
                )
                for code, _, low, high in SCORE_BANDS
            ],
            default=Value(NO_SCORE),
            output_field=CharField(),
        )
    )


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
    by_status: list[tuple[str, str, int]]  # (code, label, count)
    tiers: list[TierBar]
    bands: list[Bar]
    chart_height: int = 0


CHART_WIDTH = 420
BAR_HEIGHT = 22


def summary(query: DashboardQuery) -> Summary:
    """Counts by status, status by tier and the distribution of marks, from one grouped query
    (tier × status × band: a few dozen groups whatever the number of offices)."""
    unfiltered = DashboardQuery(
        root=query.root,
        year=query.year,
        quarter=query.quarter,
        title=query.title,
        tier=query.tier,
        text=query.text,
    )
    unfiltered.__dict__["_due"] = _due(query)
    groups = list(
        _band(office_rows(unfiltered).order_by())
        .values_list("tier__code", "status", "band", "late")
        .annotate(n=Count("pk"))
        .values_list("tier__code", "status", "band", "late", "n")
    )
    counts: dict[str, int] = {}
    per_tier: dict[str, dict[str, int]] = {}
    banded: dict[str, int] = {}
    late = 0
    for tier, status, band, is_late, n in groups:
        late += n if is_late else 0
        counts[status] = counts.get(status, 0) + n
        per_tier.setdefault(tier, {})[status] = per_tier.get(tier, {}).get(status, 0) + n
        banded[band] = banded.get(band, 0) + n
    by_status = [(code, label, counts.get(code, 0)) for code, label in STATUSES] + [
        (LATE, FILTERS[-1][1], late)
    ]

    tiers = []
    largest = max((sum(v.values()) for v in per_tier.values()), default=0) or 1
    for index, tier in enumerate(t for t in OfficeTier.objects.all() if t.code in per_tier):
        bar = TierBar(
            tier=tier.label, total=sum(per_tier[tier.code].values()), y=index * (BAR_HEIGHT + 8)
        )
        x = 0.0
        for status, label in STATUSES:
            n = per_tier[tier.code].get(status, 0)
            if n:
                width = n / largest * CHART_WIDTH
                bar.segments.append(
                    Bar(label=label, value=n, colour=STATUS_COLOURS[status], x=x, width=width)
                )
                x += width
        tiers.append(bar)

    bands = [
        Bar(label=label, value=banded.get(code, 0), colour="#198754")
        for code, label, _, _ in SCORE_BANDS
    ]
    bands.append(Bar(label=gettext("নম্বর নেই"), value=banded.get(NO_SCORE, 0), colour="#adb5bd"))
    band_max = max((b.value for b in bands), default=0) or 1
    for index, bar in enumerate(bands):
        bar.x = index * 70
        bar.width = bar.value / band_max * 120  # the bar's height, in the vertical chart
    return Summary(
        total=sum(counts.values()),
        by_status=by_status,
        tiers=tiers,
        bands=bands,
        chart_height=max(len(tiers), 1) * (BAR_HEIGHT + 8),
    )


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
