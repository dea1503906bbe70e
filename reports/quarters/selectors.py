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

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, IntegerField
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from egov_plan import rowsql
from egov_plan.accounts.models import Membership
from egov_plan.core import bangla, fiscal, plan_rules, scoring
from egov_plan.core.plan_rules import shown_value
from egov_plan.offices.models import Office
from egov_plan.plans.models import (
    ActionPlan,
    Activity,
    FiscalYear,
    Indicator,
    PerformanceArea,
    Signatory,
)
from reports.calendar import deadlines
from reports.pdf.models import SignedDocument
from reports.quarters.models import Achievement, Evidence, QuarterlyReport, ReportTransition
from reports.year.models import Assessment

TIER_NAMES = dict(zip(scoring.TIER_PERCENTS, plan_rules.TIER_NAMES))
VERIFICATION_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")


def format_value(unit: str, value: datetime.date | Decimal | int | None, blank: str) -> str:
    """A target or achievement as the form prints it (০৪/০৫/২৩, ৮৫%, ২), or `blank`."""
    return blank if value is None else shown_value(unit, value)


def printed_targets(indicator: Indicator) -> list[str]:
    """The five targets as the form prints them: `--` for a blank tier, `অজানা` for a lost one."""
    unknown = indicator.unknown_tier_indexes
    return [
        plan_rules.UNKNOWN_TARGET
        if k in unknown
        else format_value(indicator.unit, t, bangla.BLANK_TARGET)
        for k, t in enumerate(indicator.targets)
    ]


def shown_target(text: str) -> str:
    """A printed target in the active language: the lost mark `অজানা` is the one word in it."""
    return gettext(plan_rules.UNKNOWN_TARGET) if text == plan_rules.UNKNOWN_TARGET else text


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
    tier_percent: int | None = (
        None  # the tier reached (100 … 60), for pages that name it in their language
    )


def scored_value(indicator: Indicator, value, method: str) -> ScoredValue:
    targets = (
        indicator.scored_targets
    )  # none while a target is unknown: the indicator scores nothing
    tier = scoring.tier_reached(indicator.unit, targets, value)
    return ScoredValue(
        shown=format_value(indicator.unit, value, bangla.NOT_REPORTED),
        tier=format_tier(tier),
        tier_percent=tier,
        score=scoring.indicator_score(
            unit=indicator.unit,
            weight=indicator.weight,
            targets=targets,
            value=value,
            method=method,
        ),
    )


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
        return bangla.period_text(
            fiscal.quarter_start(start_year, self.quarter),
            fiscal.quarter_end(start_year, self.quarter),
        )

    @property
    def period_to_date(self) -> str:
        start_year = self.plan.fiscal_year.start_year
        return bangla.period_text(
            fiscal.fiscal_year_start(start_year), fiscal.quarter_end(start_year, self.quarter)
        )

    @property
    def title_line(self) -> str:
        return (
            f"{self.plan.title} {self.fiscal_year_label} এর {self.quarter_ordinal} "
            f"ত্রৈমাসিক প্রতিবেদন ({self.period})"
        )

    @property
    def total_weight(self) -> Decimal:
        return sum((row.indicator.weight for row in self.rows), Decimal(0))

    @property
    def total_score(self) -> Decimal:
        return scoring.total(row.score for row in self.rows)


def achievements_to_date(plan_id: int, quarter: int) -> list[list]:
    """A plan's achievements of quarters 1..n, each as [id, indicator id, value_date, value_number,
    remarks, report id, quarter] (plain SQL: every entry page, table page and save reads them)."""
    query, tail = _achievements_to_date_query()
    return query.values(tail, [plan_id, quarter])


@functools.cache
def _achievements_to_date_query() -> tuple[rowsql.Select, str]:
    col, t = rowsql.column, rowsql.table
    return (
        rowsql.Select(
            (Achievement, "a", ["indicator", "value_date", "value_number", "remarks"]),
            (QuarterlyReport, "r", ["quarter"]),
        ),
        f"FROM {t(Achievement)} a JOIN {t(QuarterlyReport)} r ON {col(QuarterlyReport, 'r', 'id')} = "
        f"{col(Achievement, 'a', 'report')} WHERE {col(QuarterlyReport, 'r', 'plan')} = %s "
        f"AND {col(QuarterlyReport, 'r', 'quarter')} <= %s",
    )


def achievement_values(
    plan: ActionPlan, quarter: int
) -> tuple[dict[int, list], dict[int, "StoredValue"]]:
    """indicator id → [value of quarter 1, …, value of quarter n] (None where unreported), and this
    quarter's achievements by indicator id (value and remarks, for the entry form): one query."""
    values: dict[int, list] = defaultdict(lambda: [None] * quarter)
    this_quarter = {}
    for (
        _,
        indicator_id,
        value_date,
        value_number,
        remarks,
        _,
        report_quarter,
    ) in achievements_to_date(plan.pk, quarter):
        values[indicator_id][report_quarter - 1] = (
            value_date if value_date is not None else value_number
        )
        if report_quarter == quarter:
            this_quarter[indicator_id] = StoredValue(
                value=value_date if value_date is not None else value_number, remarks=remarks
            )
    return values, this_quarter


@dataclass(frozen=True, slots=True)
class StoredValue:
    """A stored achievement as the entry form shows it (a model instance cost ten times more)."""

    value: datetime.date | Decimal | None
    remarks: str


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
    signatories: two queries, then kept by revision (`ActionPlan.revision` moves on with every
    change to them), so that a page of a plan already seen reads only the plan's row. Nothing here
    may be changed by a caller: the rows are shared between requests."""
    structure, tail = _structure_query()
    areas, activities, rows = {}, {}, []
    for area, activity, indicator in structure.rows(tail, [plan_id]):
        # One instance per area and activity, shared by their rows, so that `indicator.code`
        # (which reads the parents) costs no query.
        area = areas.setdefault(area.pk, area)
        activity = activities.setdefault(activity.pk, activity)
        activity.area = area
        indicator.activity = activity
        rows.append(
            StructureRow(
                area=area,
                activity=activity,
                indicator=indicator,
                unit_label=indicator.unit_word,
                weight=bangla.format_number(indicator.weight),
                targets=printed_targets(indicator),
            )
        )
    signatories, tail = rowsql.by_field(Signatory, "plan", ("order",))
    return PlanStructure(rows=rows, signatories=[s for (s,) in signatories.rows(tail, [plan_id])])


@functools.cache
def _structure_query() -> tuple[rowsql.Select, str]:
    """Every indicator of a plan with its activity and area, in the plan's order (plain SQL: on
    national deadline days each worker meets thousands of plans it has not kept yet)."""
    col, t = rowsql.column, rowsql.table
    return (
        rowsql.Select((PerformanceArea, "ar"), (Activity, "ac"), (Indicator, "i")),
        f"FROM {t(PerformanceArea)} ar JOIN {t(Activity)} ac ON {col(Activity, 'ac', 'area')} = "
        f"{col(PerformanceArea, 'ar', 'id')} JOIN {t(Indicator)} i ON {col(Indicator, 'i', 'activity')} = "
        f"{col(Activity, 'ac', 'id')} WHERE {col(PerformanceArea, 'ar', 'plan')} = %s ORDER BY "
        f"{col(PerformanceArea, 'ar', 'number')}, {col(Activity, 'ac', 'number')}, {col(Indicator, 'i', 'number')}",
    )


@functools.cache
def _plan_with_report_query(last_move: bool) -> tuple[rowsql.Select, str]:
    col, t = rowsql.column, rowsql.table
    year_final = Assessment.year_final_sql(col(ActionPlan, "p", "id"))
    due_parts, due_joins = deadlines.due_rule_joins(
        year=col(ActionPlan, "p", "fiscal_year"), tier=col(Office, "o", "tier")
    )
    parts = [
        (ActionPlan, "p"),
        (Office, "o"),
        (FiscalYear, "f"),
        (QuarterlyReport, "r"),
        *due_parts,
    ]
    tail = (
        f"FROM {t(ActionPlan)} p "
        f"JOIN {t(FiscalYear)} f ON {col(FiscalYear, 'f', 'id')} = {col(ActionPlan, 'p', 'fiscal_year')} "
        f"LEFT JOIN {t(Office)} o ON {col(Office, 'o', 'id')} = {col(ActionPlan, 'p', 'office')} "
        f"LEFT JOIN {t(QuarterlyReport)} r ON {col(QuarterlyReport, 'r', 'plan')} = {col(ActionPlan, 'p', 'id')} "
        f"AND {col(QuarterlyReport, 'r', 'quarter')} = %s "
        f"{due_joins}"
    )
    if last_move:
        user = get_user_model()
        parts += [(ReportTransition, "rt"), (user, "u")]
        last = (
            f"SELECT {col(ReportTransition, 'm', 'id')} FROM {t(ReportTransition)} m "
            f"WHERE {col(ReportTransition, 'm', 'report')} = {col(QuarterlyReport, 'r', 'id')} "
            f"ORDER BY {col(ReportTransition, 'm', 'at')} DESC, {col(ReportTransition, 'm', 'id')} DESC LIMIT 1"
        )
        tail += (
            f"LEFT JOIN {t(ReportTransition)} rt ON {col(ReportTransition, 'rt', 'id')} = ({last}) "
            f"LEFT JOIN {t(user)} u ON {col(user, 'u', 'id')} = {col(ReportTransition, 'rt', 'actor')} "
        )
    return (
        rowsql.Select(*parts, extra=[(year_final, BooleanField())]),
        f"{tail}WHERE {col(ActionPlan, 'p', 'id')} = %s",
    )


def plan_with_report(
    plan_id: int, quarter: int, *, last_move: bool = False
) -> tuple[ActionPlan, QuarterlyReport | None]:
    """The plan with its office and fiscal year, `year_is_final` (its annual evaluation approved),
    the quarter's due date for its office's tier (`known_due`, read by `deadlines.report_deadline`),
    and its report of the quarter if it has begun; with `last_move`, the report's last transition
    with its actor too (`known_last_move`, read by `last_transition`). One query (plain SQL: every
    entry page, save and table page reads it, and the ORM's compilation of it cost more than its
    round trip)."""
    query, tail = _plan_with_report_query(last_move)
    found = query.rows(tail, [quarter, quarter, plan_id])
    if not found:
        raise Http404(gettext("কর্মপরিকল্পনাটি পাওয়া যায়নি"))
    plan, office, year, report, deadline, calendar, *moved, plan.year_is_final = found[0]
    plan.known_due = {quarter: deadlines.rule_from(deadline, calendar)}
    rowsql.cache_relation(plan, "office", office)
    rowsql.cache_relation(plan, "fiscal_year", year)
    if report is not None:
        rowsql.cache_relation(report, "plan", plan)
        if last_move:
            transition, actor = moved
            if transition is not None:
                rowsql.cache_relation(transition, "actor", actor)
            report.known_last_move = transition
    return plan, report


def quarter_table(*, plan_id: int, quarter: int, with_values: bool = True) -> QuarterTable:
    """The quarter's table as the official form, with the report's last move (`last_transition`).
    `with_values=False` leaves the achievements and the last move out (every cell as unreported, one
    query fewer): for a save, which needs only the plan's indicators."""
    plan, report = plan_with_report(plan_id, quarter, last_move=with_values)
    structure = plan_structure(plan.pk, plan.revision)
    values, this_quarter = achievement_values(plan, quarter) if with_values else ({}, {})
    table = QuarterTable(
        plan=plan,
        quarter=quarter,
        report=report,
        signatories=structure.signatories,
        achievements=this_quarter,
    )
    for shared in structure.rows:
        indicator = shared.indicator
        to_date = scoring.roll_up(indicator.calculation_method, values.get(indicator.pk, []))
        cells = scored_value(indicator, to_date, plan.scoring_method)
        table.rows.append(
            TableRow(
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
            )
        )
    table.layout()
    return table


def plans_by_year_and_office(office_id: int | None):
    """[(fiscal year, [(office, [plans])])] of one office's plans, newest year first (the index page:
    a user's own plans, never everyone's)."""
    if office_id is None:
        return []
    plans = (
        ActionPlan.objects.select_related("office", "fiscal_year", "template")
        .filter(office_id=office_id)
        .order_by("-fiscal_year__start_year", "title")
    )
    grouped: dict = {}
    for plan in plans:
        grouped.setdefault(plan.fiscal_year, {}).setdefault(plan.office, []).append(plan)
    return [(year, list(offices.items())) for year, offices in grouped.items()]


def last_transition(report: QuarterlyReport | None) -> ReportTransition | None:
    """The report's last move with its actor, read with the report by `quarter_table`
    (`plan_with_report(..., last_move=True)`): no query of its own."""
    if report is None or report.status == QuarterlyReport.DRAFT:
        return None  # a draft has never moved (every transition leaves it another status)
    return report.known_last_move


def transitions(report: QuarterlyReport | None) -> list[ReportTransition]:
    if report is None:
        return []
    return list(report.transitions.select_related("actor"))


@functools.cache
def _evidence_query() -> tuple[rowsql.Select, str]:
    """A report's evidence files with who uploaded each, in the model's order (uploaded_at, id)."""
    col, t, user = rowsql.column, rowsql.table, get_user_model()
    return (
        rowsql.Select((Evidence, "x"), (user, "u")),
        f"FROM {t(Evidence)} x LEFT JOIN {t(user)} u ON {col(user, 'u', 'id')} = {col(Evidence, 'x', 'uploaded_by')} "
        f"WHERE {col(Evidence, 'x', 'report')} = %s ORDER BY {col(Evidence, 'x', 'uploaded_at')}, "
        f"{col(Evidence, 'x', 'id')}",
    )


def entry_rows(table: QuarterTable, form) -> list[dict]:
    """One plain dict per indicator for the entry page: the table row, the inputs (`form.inputs`)
    and the evidence files. Dicts, because the template engine reads a dict's keys directly but
    tries (and fails) a key lookup on an object before each attribute: dozens of lookups a row."""
    files = defaultdict(list)
    if table.report is not None:
        query, tail = _evidence_query()
        for item, uploader in query.rows(tail, [table.report.pk]):
            rowsql.cache_relation(item, "uploaded_by", uploader)
            files[item.indicator_id].append(item)
    return [
        {
            "row": row,
            "code": row.indicator.code,
            "title": row.indicator.title,
            "targets": " / ".join(map(shown_target, row.targets)),
            **form.inputs(row.indicator),
            "files": files[row.indicator.pk],
        }
        for row in table.rows
    ]


@dataclass
class AchievementChange:
    at: datetime.datetime
    user: object
    indicator: Indicator
    old: str
    new: str
    remarks: str
    user_id: int | None = None
    acting_office: Office | None = None  # set by `with_offices_at_the_time`


def achievement_changes(table: QuarterTable) -> list[AchievementChange]:
    """Every change to this quarter's achievements, oldest first, with the value before and after."""
    if table.report is None:
        return []
    indicators = {row.indicator.pk: row.indicator for row in table.rows}
    records = (
        Achievement.history.filter(report_id=table.report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    previous: dict[int, str] = {}
    changes = []
    for record in records:
        indicator = indicators.get(record.indicator_id)
        if indicator is None:
            continue
        value = record.value_date if record.value_date is not None else record.value_number
        shown = (
            bangla.NOT_REPORTED
            if record.history_type == "-"
            else format_value(indicator.unit, value, bangla.NOT_REPORTED)
        )
        changes.append(
            AchievementChange(
                at=record.history_date,
                user=record.history_user,
                indicator=indicator,
                old=previous.get(record.id, bangla.NOT_REPORTED),
                new=shown,
                remarks=record.remarks,
                user_id=record.history_user_id,
            )
        )
        previous[record.id] = shown
    return changes


def offices_at_the_time(acts, office: Office | None) -> dict[tuple[int, datetime.date], Office]:
    """The office each person acted for, for (user id, day) pairs: of the memberships they held that
    day, the one of `office` or of an office above it (a reviewer's), else the first.
    A transfer ends memberships without deleting them, so what someone did before it is still told
    with the office they did it for. One query, whatever the number of acts."""
    acts = {(user_id, day) for user_id, day in acts if user_id is not None}
    if not acts:
        return {}
    held = defaultdict(list)
    for member in (
        Membership.objects.filter(user_id__in={user_id for user_id, _day in acts})
        .select_related("office")
        .order_by("start_date", "pk")
    ):
        held[member.user_id].append(member)
    found = {}
    for user_id, day in acts:
        # held at any time that day: a transfer's day belongs to both offices (what was done before it
        # was done for the office left)
        current = [
            m
            for m in held[user_id]
            if m.start_date <= day and (m.end_date is None or m.end_date >= day)
        ]
        mine = [
            m
            for m in current
            if office is not None and (m.office_id == office.pk or office.is_under(m.office))
        ]
        if mine or current:
            found[(user_id, day)] = (mine or current)[0].office
    return found


def with_offices_at_the_time(office: Office | None, *groups) -> list[list]:
    """Each item of each group `(items, user attribute, time attribute)` (transitions, achievement
    changes, evidence files) given `acting_office`: see `offices_at_the_time`. One query for every
    act of every group (none if there is no act); the groups' items are returned, group by group."""
    groups = [(list(items), user_attr, at_attr) for items, user_attr, at_attr in groups]
    keys = [
        [(getattr(item, user_attr), timezone.localdate(getattr(item, at_attr))) for item in items]
        for items, user_attr, at_attr in groups
    ]
    offices = offices_at_the_time([key for group in keys for key in group], office)
    for (items, _user_attr, _at_attr), group in zip(groups, keys):
        for item, key in zip(items, group):
            item.acting_office = offices.get(key)
    return [items for items, _user_attr, _at_attr in groups]


def acted_by(user, acting_office: Office | None) -> str:
    """A person as reports name them: their name, and the office they acted for then (if known)."""
    name = "—" if user is None else (user.get_full_name() or user.get_username())
    return (
        f"{name} ({acting_office.display_name})"
        if user is not None and acting_office is not None
        else name
    )


class ReviewQueue:
    """The submitted reports (or half-yearly and annual documents) of the offices under `under`
    (None: every office, for staff), newest first, with their plan, office and fiscal year, for a
    Paginator: `count()` and a slice are each one plain-SQL query (a reviewer opens the review_queue
    after every approval; the ORM's compilation of these was most of the page's time). The page
    shown gets its due dates and lateness from `set_inbox_lateness`."""

    ordered = True  # (for the Paginator)

    def __init__(self, model, under: Office | None):
        self.model, self.under = model, under

    def _where(self) -> tuple[str, list]:
        col = rowsql.column
        where, params = f"WHERE {col(self.model, 'x', 'status')} = %s", [QuarterlyReport.SUBMITTED]
        if (
            self.under is not None
        ):  # as offices.under_q: a prefix of the indexed path, below the office
            where += f" AND {col(Office, 'o', 'path')} LIKE %s AND {col(Office, 'o', 'depth')} > %s"
            params += [f"{self.under.path}%", self.under.depth]
        return where, params

    def _from(self) -> str:
        col, t = rowsql.column, rowsql.table
        return (
            f"FROM {t(self.model)} x JOIN {t(ActionPlan)} p ON {col(ActionPlan, 'p', 'id')} = "
            f"{col(self.model, 'x', 'plan')} "
            f"LEFT JOIN {t(Office)} o ON {col(Office, 'o', 'id')} = {col(ActionPlan, 'p', 'office')}"
        )

    def count(self) -> int:
        where, params = self._where()
        return _COUNT.values(f"{self._from()} {where}", params)[0][0]

    def __getitem__(self, window: slice) -> list:
        if window.stop <= window.start:  # an empty list's one page: nothing to read
            return []
        where, params = self._where()
        col = rowsql.column
        query = _waiting_select(self.model)
        year = (
            f"JOIN {rowsql.table(FiscalYear)} f ON {col(FiscalYear, 'f', 'id')} = "
            f"{col(ActionPlan, 'p', 'fiscal_year')}"
        )
        found = query.rows(
            f"{self._from()} {year} {where} ORDER BY {col(self.model, 'x', 'submitted_at')} DESC, "
            f"{col(self.model, 'x', 'id')} DESC LIMIT %s OFFSET %s",
            [*params, window.stop - window.start, window.start],
        )
        rows = []
        for row, plan, office, year in found:
            rowsql.cache_relation(plan, "office", office)
            rowsql.cache_relation(plan, "fiscal_year", year)
            rowsql.cache_relation(row, "plan", plan)
            rows.append(row)
        return rows


_COUNT = rowsql.Select(extra=[("COUNT(*)", IntegerField())])


@functools.cache
def _waiting_select(model) -> rowsql.Select:
    return rowsql.Select((model, "x"), (ActionPlan, "p"), (Office, "o"), (FiscalYear, "f"))


def review_queue(under: Office | None) -> ReviewQueue:
    """Submitted reports waiting for review (see `ReviewQueue`)."""
    return ReviewQueue(QuarterlyReport, under)


def waiting_documents(under: Office | None) -> ReviewQueue:
    """Submitted half-yearly and annual documents waiting for review (see `ReviewQueue`)."""
    return ReviewQueue(Assessment, under)


def set_inbox_lateness(reports: list, documents: list) -> None:
    """`due` and `late` of the rows on an review_queue's pages (one query): a report is due with its
    quarter, a half-yearly document with quarter 2, an annual one on the annual date."""
    from reports.calendar.models import ANNUAL

    deadlines.set_due_and_lateness(
        [*reports, *documents],
        period=lambda row: (
            row.quarter
            if isinstance(row, QuarterlyReport)
            else 2
            if row.kind == Assessment.HALF_YEAR
            else ANNUAL
        ),
    )


def signed_document_by_token(token: str) -> SignedDocument | None:
    """The registry entry a verification link (the PDF's QR code) points at, by its secret token."""
    if not VERIFICATION_TOKEN_RE.fullmatch(token):
        return None  # never a query for what cannot be a token
    return (
        SignedDocument.objects.select_related(
            "report__plan__office",
            "report__plan__fiscal_year",
            "assessment__plan__office",
            "assessment__plan__fiscal_year",
        )
        .filter(token=token)
        .first()
    )
