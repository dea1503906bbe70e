"""Due dates, lateness and the closing of entry, from a fiscal year's reporting calendar.

A report is due by the end of its due date, Asia/Dhaka time (the project's TIME_ZONE). It is late
when its first submission came after that day, or when it has not been submitted and that day has
passed. A year without a calendar has no deadlines: nothing in it is late or closed.

The lateness of many rows is computed in the database (`due_subquery` or `due_by_tier`, and
`with_lateness` over the report's `first_submitted_at` column), so that the dashboard stays at a
fixed number of queries; a page of rows already read (the inbox's) gets it in Python from one
query for their years' deadlines (`set_due_and_lateness`, deciding as `with_lateness` does).
"""

import datetime
import functools
from dataclasses import dataclass

from django.db.models import BooleanField, Case, DateField, F, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from egov_plan import rowsql
from egov_plan.active_language import digits
from egov_plan.core import bangla
from reports.calendar.models import ANNUAL, Deadline, ReportingCalendar
from reports.quarters.models import QuarterlyReport

# Pure rules ---------------------------------------------------------------------------------

DEFAULT_DUE = {1: (0, 10, 15), 2: (1, 1, 15), 3: (1, 4, 15), 4: (1, 7, 15), ANNUAL: (1, 7, 15)}


def default_due(start_year: int, period: int) -> datetime.date:
    """15 October, 15 January, 15 April, 15 July (quarter 4 and the annual evaluation)."""
    years_on, month, day = DEFAULT_DUE[period]
    return datetime.date(start_year + years_on, month, day)


def is_late(
    *, due: datetime.date | None, submitted_on: datetime.date | None, today: datetime.date
) -> bool:
    if due is None:
        return False
    return submitted_on > due if submitted_on is not None else today > due


def closes_on(*, due: datetime.date | None, grace_days: int, closes: bool) -> datetime.date | None:
    """The first day on which entry is closed, or None when it never closes."""
    if due is None or not closes:
        return None
    return due + datetime.timedelta(days=grace_days + 1)


# The calendar in the database -----------------------------------------------------------------


def calendar_create(
    *,
    fiscal_year,
    closes_after_grace: bool = False,
    grace_days: int = 0,
    remind_days_before: int = 3,
) -> ReportingCalendar:
    """A calendar with the default due date of every period for all tiers."""
    calendar = ReportingCalendar.objects.create(
        fiscal_year=fiscal_year,
        closes_after_grace=closes_after_grace,
        grace_days=grace_days,
        remind_days_before=remind_days_before,
    )
    Deadline.objects.bulk_create(
        Deadline(calendar=calendar, period=period, due=default_due(fiscal_year.start_year, period))
        for period in DEFAULT_DUE
    )
    return calendar


def due_subquery(*, year, period, tier) -> Subquery:
    """The due date for a fiscal year id, period and tier id (values or outer references): the
    tier's own date if it has one, else the date for all tiers."""
    rows = (
        Deadline.objects.filter(calendar__fiscal_year_id=year, period=period)
        .filter(Q(tier_id=tier) | Q(tier__isnull=True))
        .order_by(F("tier_id").asc(nulls_last=True))
        .values("due")[:1]
    )
    return Subquery(rows, output_field=DateField())


def due_by_tier(*, year_id: int | None, period: int) -> Case | Value:
    """The due date of a fiscal year's period for every row of offices, by their tier: one small
    query (a date per tier at most) turned into a CASE, so that thousands of rows need no subquery."""
    dues = dict(
        Deadline.objects.filter(calendar__fiscal_year_id=year_id, period=period).values_list(
            "tier_id", "due"
        )
    )
    general = Value(dues.pop(None, None), output_field=DateField())
    if not dues:
        return general
    return Case(
        *[When(tier_id=tier, then=Value(due)) for tier, due in dues.items()],
        default=general,
        output_field=DateField(),
    )


def is_row_late(
    *,
    due: datetime.date | None,
    first_submitted_at,
    status: str,
    today: datetime.date | None = None,
) -> bool:
    """Whether one report or document is late, as `with_lateness` decides it in SQL."""
    if due is None:
        return False
    if first_submitted_at is not None:
        return timezone.localdate(first_submitted_at) > due
    if status in (QuarterlyReport.SUBMITTED, QuarterlyReport.APPROVED):
        return False  # imported as submitted or approved: never late
    return (today or timezone.localdate()) > due


def set_due_and_lateness(rows, *, period, today: datetime.date | None = None) -> None:
    """Set `due` and `late` on each of a page's `rows` (reports or documents, with their plan and
    office loaded; `period(row)` gives the row's period): one query, for the deadlines of the rows'
    fiscal years. For a page of rows already read: the same as `with_lateness` without the
    due-date subquery in every row's SQL (compiling it cost the inbox most of its time)."""
    years = {row.plan.fiscal_year_id for row in rows}
    if not years:
        return
    dues = {
        (year, number, tier): due
        for year, number, tier, due in Deadline.objects.filter(
            calendar__fiscal_year_id__in=years
        ).values_list("calendar__fiscal_year_id", "period", "tier_id", "due")
    }
    today = today or timezone.localdate()
    for row in rows:
        year, number = row.plan.fiscal_year_id, period(row)
        tier = row.plan.office.tier_id if row.plan.office_id is not None else None
        row.due = (dues.get((year, number, tier)) if tier is not None else None) or dues.get(
            (year, number, None)
        )
        row.late = is_row_late(
            due=row.due, first_submitted_at=row.first_submitted_at, status=row.status, today=today
        )


def with_lateness(
    rows: QuerySet,
    *,
    due,
    first_submitted: str,
    status: str,
    expected: Q | None = None,
    today: datetime.date | None = None,
) -> QuerySet:
    """`rows` annotated with `due` (the expression given: a date or None) and `late`.
    `first_submitted` and `status` name the rows' report's first submission time and status.
    Late: first submitted after the due date, or never submitted (nor imported as submitted or
    approved) and the due date has passed. Rows outside `expected` (e.g. an office without a plan
    for the year) are never late."""
    today = today or timezone.localdate()
    never_late = Q(due__isnull=True) if expected is None else Q(due__isnull=True) | ~expected
    submitted_on = TruncDate(first_submitted, tzinfo=timezone.get_current_timezone())
    return (
        rows.annotate(due=due)
        .alias(submitted_on=submitted_on)
        .annotate(
            late=Case(
                When(never_late, then=Value(False)),
                When(
                    **{f"{first_submitted}__isnull": False},
                    then=Case(
                        When(submitted_on__gt=F("due"), then=Value(True)), default=Value(False)
                    ),
                ),
                When(
                    Q(**{f"{status}__in": [QuarterlyReport.SUBMITTED, QuarterlyReport.APPROVED]}),
                    then=Value(False),
                ),
                When(due__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


# One report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDeadline:
    due: datetime.date | None
    closes_on: datetime.date | None  # the first day entry is closed (None: it never closes)
    late: bool
    closed: bool  # entry is closed now (and no reviewer reopened it since)

    @property
    def due_text(self) -> str:
        """dd/mm/yy in the interface's digits (Latin under English)."""
        return digits(bangla.format_date(self.due)) if self.due else ""

    @property
    def closes_text(self) -> str:
        return digits(bangla.format_date(self.closes_on)) if self.closes_on else ""

    def late_submissions(self, transitions) -> set[int]:
        """The ids of the submissions among `transitions` made after the due date."""
        return {
            t.pk
            for t in transitions
            if self.due
            and t.to_status == QuarterlyReport.SUBMITTED
            and timezone.localdate(t.at) > self.due
        }


@dataclass(frozen=True)
class DueRule:
    """A period's due date for one tier, with its calendar's grace."""

    due: datetime.date
    grace_days: int
    closes_after_grace: bool


def due_rule_joins(*, year: str, tier: str) -> tuple[list, str]:
    """The Select parts and LEFT JOINs (aliases `d` and `c`) that read the due date of (the fiscal
    year column `year`, the period given as the one %s parameter, the tier column `tier`): the
    tier's own date if it has one, else the date for every tier. `rule_from` turns what they read
    into a DueRule. For a read that has the plan already (`selectors.plan_with_report`): the
    deadline costs no query of its own."""
    col, t = rowsql.column, rowsql.table
    choose = (
        f"SELECT {col(Deadline, 'd2', 'id')} FROM {t(Deadline)} d2 JOIN {t(ReportingCalendar)} c2 ON "
        f"{col(ReportingCalendar, 'c2', 'id')} = {col(Deadline, 'd2', 'calendar')} "
        f"WHERE {col(ReportingCalendar, 'c2', 'fiscal_year')} = {year} AND {col(Deadline, 'd2', 'period')} = %s "
        f"AND ({col(Deadline, 'd2', 'tier')} = {tier} OR {col(Deadline, 'd2', 'tier')} IS NULL) "
        f"ORDER BY CASE WHEN {col(Deadline, 'd2', 'tier')} IS NULL THEN 1 ELSE 0 END LIMIT 1"
    )
    return (
        [(Deadline, "d", ["due"]), (ReportingCalendar, "c", ["grace_days", "closes_after_grace"])],
        f"LEFT JOIN {t(Deadline)} d ON {col(Deadline, 'd', 'id')} = ({choose}) "
        f"LEFT JOIN {t(ReportingCalendar)} c ON {col(ReportingCalendar, 'c', 'id')} = "
        f"{col(Deadline, 'd', 'calendar')} ",
    )


def rule_from(deadline: Deadline | None, calendar: ReportingCalendar | None) -> DueRule | None:
    if deadline is None:  # no calendar for the year, or no date for the period
        return None
    return DueRule(
        due=deadline.due,
        grace_days=calendar.grace_days,
        closes_after_grace=calendar.closes_after_grace,
    )


@functools.cache
def _due_rule_query() -> tuple[rowsql.Select, str]:
    parts, joins = due_rule_joins(year="%s", tier="%s")
    return (rowsql.Select(*parts), f"FROM (SELECT 1) one {joins}")


def due_rule(*, plan, period: int) -> DueRule | None:
    """The due date of a plan's period for its office's tier (one query), or None when the year has
    no calendar or the calendar no date for the period. A plan read by `selectors.plan_with_report`
    carries its quarter's rule already (`known_due`), and costs none."""
    known = getattr(plan, "known_due", {})
    if period in known:
        return known[period]
    tier_id = (
        plan.office.tier_id if plan.office_id is not None else None
    )  # a template has no office
    query, tail = _due_rule_query()
    found = query.rows(tail, [plan.fiscal_year_id, period, tier_id])
    return rule_from(*found[0]) if found else None


def report_deadline(
    *, plan, period: int, report: QuarterlyReport | None, today: datetime.date | None = None
) -> ReportDeadline:
    """The due date of a plan's period for its office's tier, whether the report is late and
    whether entry has closed (`due_rule`: one query unless the plan carries the rule; one more only
    when entry has closed, for a reopening since)."""
    today = today or timezone.localdate()
    rule = due_rule(plan=plan, period=period)
    if (
        rule is None
    ):  # no calendar for the year, or no date for the period: never late, never closed
        return ReportDeadline(due=None, closes_on=None, late=False, closed=False)
    due = rule.due
    closing = closes_on(due=due, grace_days=rule.grace_days, closes=rule.closes_after_grace)
    first = (
        timezone.localdate(report.first_submitted_at)
        if report is not None and report.first_submitted_at
        else None
    )
    closed = closing is not None and today >= closing
    reopened_since_close = (
        closed
        and report is not None
        and report.pk is not None
        and any(
            timezone.localdate(at) >= closing
            for at in report.transitions.filter(to_status=QuarterlyReport.RETURNED).values_list(
                "at", flat=True
            )
        )
    )
    done = report is not None and report.status in (
        QuarterlyReport.SUBMITTED,
        QuarterlyReport.APPROVED,
    )
    late = not done if first is None else True
    late = late and is_late(due=due, submitted_on=first, today=today)
    return ReportDeadline(
        due=due, closes_on=closing, late=late, closed=closed and not reopened_since_close
    )
