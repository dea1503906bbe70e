"""The year's ranking of an office among its siblings: offices with the same parent and tier, with
a plan of the same title and year.

Which total: the office's `Assessment.ranking_total` (stored, never recomputed here): the evaluated
total once the office above has approved the annual evaluation ("চূড়ান্ত"), else the self-assessed
total of a submitted annual self-assessment ("মূল্যায়ন বাকি"). Offices that have not submitted
their annual self-assessment are not ranked. Ties share a rank (standard competition ranking:
1, 2, 2, 4): an office's rank is 1 + the number of siblings with a strictly higher total.

Cost: a fixed number of queries however many siblings there are (a parent may have thousands of
children): the top few, the office's neighbours above and below, and one aggregate query counting,
for each total shown, the siblings above it. The page never lists every sibling.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from egov_plan.offices.models import Office
from egov_plan.plans.models import ActionPlan
from reports.year.models import Assessment

TOP = 10
AROUND = 2


@dataclass
class RankedRow:
    assessment: Assessment | None  # None: a gap ("…") between the top and the neighbourhood
    rank: int = 0
    is_self: bool = False

    @property
    def final(self) -> bool:
        return self.assessment is not None and self.assessment.status == Assessment.APPROVED


@dataclass
class Ranking:
    count: int  # siblings ranked (this office included when ranked)
    rank: int | None  # this office's rank, None when it is not ranked
    total: Decimal | None
    final: bool
    rows: list[RankedRow]


def siblings(plan: ActionPlan) -> QuerySet:
    """The ranked annual documents of the plan's office's siblings (itself included)."""
    office = plan.office
    rows = Assessment.objects.filter(
        kind=Assessment.ANNUAL,
        ranking_total__isnull=False,
        plan__fiscal_year_id=plan.fiscal_year_id,
        plan__title=plan.title,
        plan__office__tier_id=office.tier_id,
        plan__office__depth=office.depth,
    )
    parent_path = office.path[: -Office.steplen]
    if parent_path:
        rows = rows.filter(plan__office__path__startswith=parent_path)
    return rows


def ranking(
    plan: ActionPlan, own: Assessment | None, *, top: int = TOP, around: int = AROUND
) -> Ranking:
    rows = siblings(plan)
    shown = rows.select_related("plan__office")
    order = ("-ranking_total", "plan__office__path")
    top_rows = list(shown.order_by(*order)[:top])
    ranked = own is not None and own.ranking_total is not None
    neighbours: list[Assessment] = []
    if ranked:
        above = list(
            shown.filter(ranking_total__gt=own.ranking_total).order_by(
                "ranking_total", "-plan__office__path"
            )[:around]
        )
        below = list(
            shown.filter(ranking_total__lte=own.ranking_total)
            .exclude(pk=own.pk)
            .order_by(*order)[:around]
        )
        neighbours = above[::-1] + [own] + below
    scores = sorted({a.ranking_total for a in top_rows + neighbours})
    counts = rows.aggregate(
        count=Count("pk"),
        **{
            f"above_{i}": Count("pk", filter=Q(ranking_total__gt=score))
            for i, score in enumerate(scores)
        },
    )
    rank_of = {score: counts[f"above_{i}"] + 1 for i, score in enumerate(scores)}
    listed: list[RankedRow] = []
    seen = set()
    for assessment in top_rows:
        seen.add(assessment.pk)
        listed.append(
            RankedRow(
                assessment,
                rank_of[assessment.ranking_total],
                is_self=ranked and assessment.pk == own.pk,
            )
        )
    fresh = [a for a in neighbours if a.pk not in seen]
    if fresh and top_rows and len(fresh) == len(neighbours):
        listed.append(RankedRow(None))  # the neighbourhood lies further down: "…" between
    for assessment in fresh:
        listed.append(
            RankedRow(
                assessment, rank_of[assessment.ranking_total], is_self=assessment.pk == own.pk
            )
        )
    return Ranking(
        count=counts["count"],
        rank=rank_of[own.ranking_total] if ranked else None,
        total=own.ranking_total if ranked else None,
        final=ranked and own.status == Assessment.APPROVED,
        rows=listed,
    )
