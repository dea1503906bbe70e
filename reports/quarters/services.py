"""Writes to quarterly reports: saving achievements, evidence, and the workflow.

Every function runs in one transaction with the report row locked
(`select_for_update`), so that two people acting on the same report at once
are serialised: the second one sees the first one's result.

Saving values is concurrent per field: the entry page carries, for each value
and remark, what was stored when the page was rendered (`seen`). A save writes
only the fields its user changed since then, and is refused only when someone
else changed one of those same fields in between (`EditConflict`); officers
editing different indicators never get in each other's way.

Permissions (who may call what) are the views' business; these functions
guard the report's state.
"""

import contextlib
import dataclasses
import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext

from egov_plan import rowsql
from egov_plan.plans.models import ActionPlan, Indicator
from reports import workflow
from reports.calendar import deadlines
from reports.pdf.tasks import sign_approved_report
from reports.quarters.marks import lock_plan_reports, rescore_plan
from reports.quarters.models import Achievement, Evidence, QuarterlyReport
from reports.quarters.selectors import plan_structure, plan_with_report
from reports.workflow import WorkflowError
from reports.year.models import Assessment


@dataclass(frozen=True)
class Entry:
    """What the officer typed for one indicator in this quarter.

    `seen_value` / `seen_remarks` are the stored field's `field_token` when the
    page was rendered; None means "no page": write it whatever is stored.
    """

    value: datetime.date | Decimal | None
    remarks: str = ""
    seen_value: str | None = None
    seen_remarks: str | None = None


def field_token(value: datetime.date | Decimal | str | None) -> str:
    """A field's value as a comparable string: what the page carries as `seen`."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return format(Decimal(value).normalize(), "f")


@dataclass(frozen=True)
class FieldConflict:
    """A field both this user and someone else changed, to different values."""

    indicator: Indicator
    field: str  # "value" or "remarks"
    yours: datetime.date | Decimal | str | None
    theirs: datetime.date | Decimal | str | None
    by: object
    at: datetime.datetime | None


class EditConflict(WorkflowError):
    """Someone else changed a field this user changed too; nothing was saved."""

    def __init__(self, conflicts: list[FieldConflict]):
        super().__init__(
            gettext(
                "আপনি পাতাটি খোলার পর অন্য কেউ একই ঘরে ভিন্ন মান সংরক্ষণ করেছেন। আপনার কোনো "
                "মান সংরক্ষিত হয়নি; নিচে দুটি মান দেখে ঠিক করুন এবং আবার সংরক্ষণ করুন।"
            )
        )
        self.conflicts = conflicts


def _lock(report: QuarterlyReport) -> QuarterlyReport:
    """The report read afresh, its row locked, with its plan (`year_is_final` set: its annual
    evaluation approved) and the plan's office (the marks need the plan, the deadline the office's
    tier): `selectors.plan_with_report`, the read every entry and table page makes.

    Every report row of the plan is locked (`lock_plan_reports`), not only this one: a save rescores
    all the plan's quarters, so two saves of different quarters of one plan, each holding its own
    row, would wait for each other's. The report and plan are read after the lock, by a statement
    of their own: a locking statement that had to wait reads the rows it joins as they were before
    (in PostgreSQL's READ COMMITTED), and a plan edited meanwhile must be seen as it is now."""
    lock_plan_reports(plan_id=report.plan_id)
    _, locked = plan_with_report(report.plan_id, report.quarter)
    if locked is None:
        raise QuarterlyReport.DoesNotExist(report.pk)
    return locked


def _entry_closed(report: QuarterlyReport) -> bool:
    return deadlines.report_deadline(plan=report.plan, period=report.quarter, report=report).closed


def year_locked(plan_id: int) -> bool:
    """Whether the plan's annual evaluation is approved: then its year is final (one query)."""
    return Assessment.year_final(plan_id).exists()


def require_year_open(plan_id: int) -> None:
    workflow.require_year_open(year_final=year_locked(plan_id))


def _require_editable(report: QuarterlyReport) -> None:
    """The workflow's `require_editable` for a report as `_lock` returns it (its plan knows whether
    the year is final)."""
    workflow.require_editable(
        report, year_final=report.plan.year_is_final, closed=lambda: _entry_closed(report)
    )


def report_for_quarter(*, plan: ActionPlan, quarter: int) -> QuarterlyReport:
    report, created = QuarterlyReport.objects.get_or_create(plan=plan, quarter=quarter)
    if created:  # earlier quarters' values already count to date
        report.score = rescore_plan(
            plan_id=plan.pk, plan=plan, indicators=_plan_indicators(report)
        )[quarter]
    return report


def _field_changes(entry: Entry, stored: Achievement | None):
    """(field, typed, stored, seen) for the value and the remarks of one indicator."""
    yield "value", entry.value, stored.value if stored else None, entry.seen_value
    yield "remarks", entry.remarks, stored.remarks if stored else "", entry.seen_remarks


def _write_entries(
    report: QuarterlyReport, *, user, entries: dict[int, Entry], indicators: list[Indicator]
) -> int:
    """Write the fields this user changed; returns how many indicators changed.

    A fixed number of queries however many indicators change: new and changed rows in one INSERT …
    ON CONFLICT UPDATE (the new rows' ids come back), and their history (who, when, what) in one
    more. (A bulk UPDATE's CASE per row and field cost more than all the rest of a save.) Plain
    SQL (egov_plan.rowsql): through the ORM these writes cost a save more than their round trips.
    """
    query, tail = rowsql.by_field(Achievement, "report")
    stored = {a.indicator_id: a for (a,) in query.rows(tail, [report.pk])}
    ours = {indicator.pk for indicator in indicators}  # the plan's: nothing is written to another's
    changed, conflicts = [], []
    for indicator_id, entry in entries.items():
        if indicator_id not in ours:
            continue
        achievement = stored.get(indicator_id)
        writes = {}
        for field, typed, current, seen in _field_changes(entry, achievement):
            if field_token(typed) == field_token(current):
                continue  # already so
            if seen is not None and field_token(typed) == seen:
                continue  # not changed by this user (maybe by someone else)
            if seen is not None and field_token(current) != seen:
                conflicts.append(
                    FieldConflict(
                        indicator=indicator_id,
                        field=field,
                        yours=typed,
                        theirs=current,
                        by=achievement.updated_by_id if achievement else None,
                        at=achievement.updated_at if achievement else None,
                    )
                )
                continue
            writes[field] = typed
        if not writes:
            continue
        if achievement is None:
            achievement = Achievement(report=report, indicator_id=indicator_id)
        if "value" in writes:
            achievement.set_value(writes["value"])
        if "remarks" in writes:
            achievement.remarks = writes["remarks"]
        changed.append(achievement)
    if conflicts:
        indicators = Indicator.objects.select_related("activity__area").in_bulk(
            [c.indicator for c in conflicts]
        )
        users = get_user_model().objects.in_bulk([c.by for c in conflicts if c.by is not None])
        raise EditConflict(
            [
                dataclasses.replace(c, indicator=indicators[c.indicator], by=users.get(c.by))
                for c in conflicts
            ]
        )
    if changed:
        now = timezone.now()
        report.version += 1
        report.updated_at = now
        connection = connections["default"]
        rowsql.execute(
            f"UPDATE {rowsql.table(QuarterlyReport)} SET {rowsql.column(QuarterlyReport, None, 'version')} = %s, "
            f"{rowsql.column(QuarterlyReport, None, 'updated_at')} = %s "
            f"WHERE {rowsql.column(QuarterlyReport, None, 'id')} = %s",
            [
                report.version,
                rowsql.prepared(QuarterlyReport, "updated_at", now, connection),
                report.pk,
            ],
        )
        for achievement in changed:
            achievement.updated_by = user
            achievement.updated_at = now
            achievement.updated_in_version = report.version
        # New and changed rows alike in one INSERT … ON CONFLICT UPDATE; the new rows' ids come back.
        returned = rowsql.insert(
            Achievement,
            WRITTEN,
            [
                [getattr(a, Achievement._meta.get_field(n).attname) for n in WRITTEN]
                for a in changed
            ],
            conflict=["report", "indicator"],
            update=WRITTEN[2:],
            returning=["indicator", "id"],
        )
        ids = dict(
            returned
            if returned is not None
            else report.achievements.values_list("indicator_id", "pk")
        )
        created = [a for a in changed if a.pk is None]
        updated = [a for a in changed if a.pk is not None]
        for achievement in created:
            achievement.pk = ids[achievement.indicator_id]
        _record_history(created=created, updated=updated, user=user, at=now)
    return len(changed)


# What a save writes of an achievement (the first two: the row's identity).
WRITTEN = [
    "report",
    "indicator",
    "value_date",
    "value_number",
    "remarks",
    "updated_by",
    "updated_at",
    "updated_in_version",
]


def _record_history(*, created: list[Achievement], updated: list[Achievement], user, at) -> None:
    """The audit rows simple_history writes on save(), for a bulk write: one INSERT."""
    history, names, attnames = _history_columns()
    rowsql.insert(
        history,
        names,
        [
            [getattr(achievement, attname) for attname in attnames] + [at, user.pk, kind]
            for kind, achievements in (("+", created), ("~", updated))
            for achievement in achievements
        ],
    )


@functools.cache
def _history_columns() -> tuple[type, list[str], list[str]]:
    """The history model, the fields a history row is written with, and the achievement's attributes
    they copy (kept: `Achievement.history` builds a new manager class on every access)."""
    history = Achievement.history.model
    tracked = history.tracked_fields
    return (
        history,
        [f.name for f in tracked] + ["history_date", "history_user", "history_type"],
        [f.attname for f in tracked],
    )


def _plan_indicators(report: QuarterlyReport) -> list[Indicator]:
    """The plan's indicators: which ones a save may write, and what the marks are scored on (the
    plan's structure as kept by its revision, read under the lock: no query once kept)."""
    return [row.indicator for row in plan_structure(report.plan_id, report.plan.revision).rows]


def _transaction_joined():
    """The caller's transaction if it is in one (the entry page's and the API's, which hold the save
    key's claim), else one of its own; in the caller's, no savepoint (two statements a save).

    Only for a write whose every refusal is raised before its first write (`report_save`: the
    workflow's and the edit conflict): a refusal then leaves nothing to undo, and the caller, which
    goes on querying after catching one (the page shown again with both values), keeps a usable
    transaction, as it would not if a savepoint-less `atomic` had marked it for rollback. A
    database error still ends the caller's whole transaction as it passes out through it."""
    if connections["default"].in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()


def report_save(*, report: QuarterlyReport, user, entries: dict[int, Entry]) -> int:
    """Save the fields of this quarter that the user changed; refuse if someone else changed them too
    (every refusal before the first write: see `_transaction_joined`)."""
    with _transaction_joined():
        # Lock the row: a concurrent save waits here, then compares with what the first one wrote.
        locked = _lock(report)
        _require_editable(locked)
        indicators = _plan_indicators(locked)
        changed = _write_entries(locked, user=user, entries=entries, indicators=indicators)
        if changed:
            rescore_plan(
                plan_id=locked.plan_id, plan=locked.plan, indicators=indicators, locked=True
            )
        return changed


def report_submit(*, report: QuarterlyReport, user, entries: dict[int, Entry]) -> QuarterlyReport:
    """Save the values and submit the report for review, in one transaction."""
    with transaction.atomic():
        locked = _lock(report)
        _require_editable(locked)
        indicators = _plan_indicators(locked)
        _write_entries(locked, user=user, entries=entries, indicators=indicators)
        workflow.move(locked, workflow.SUBMIT, user=user)
        rescore_plan(plan_id=locked.plan_id, plan=locked.plan, indicators=indicators, locked=True)
        return locked


def _review(report: QuarterlyReport, action: str, *, user, comment: str = "") -> QuarterlyReport:
    with transaction.atomic():
        locked = _lock(report)
        workflow.move(locked, action, user=user, comment=comment)
        return locked


def report_approve(*, report: QuarterlyReport, user, comment: str = "") -> QuarterlyReport:
    with transaction.atomic():
        approved = _review(report, workflow.APPROVE, user=user, comment=comment)
        if settings.SIGN_ON_APPROVAL:
            # Approving stays instant: a worker signs the PDF once the approval is committed
            # (a failure is logged; the download still signs on demand).
            pk, revision = approved.pk, approved.revision
            transaction.on_commit(lambda: sign_approved_report.delay(pk, revision), robust=True)
        return approved


def report_return(*, report: QuarterlyReport, user, comment: str) -> QuarterlyReport:
    comment = workflow.require_reason(workflow.RETURN, comment)
    require_year_open(report.plan_id)
    return _review(report, workflow.RETURN, user=user, comment=comment)


def report_reopen(*, report: QuarterlyReport, user, reason: str) -> QuarterlyReport:
    """Unlock an approved report, or one whose entry closed at the end of its grace period, so that
    its office can correct it."""
    reason = workflow.require_reason(workflow.REOPEN, reason)
    with transaction.atomic():
        locked = _lock(report)
        workflow.require_year_open(year_final=locked.plan.year_is_final)
        workflow.move(
            locked, workflow.REOPEN, user=user, comment=reason, closed=lambda: _entry_closed(locked)
        )
        return locked


def evidence_add(
    *, report: QuarterlyReport, indicator: Indicator, user, upload: UploadedFile, kind: str
) -> Evidence:
    """Store a file already checked by the form (`kind` read from its content)."""
    with transaction.atomic():
        locked = _lock(report)
        _require_editable(locked)
        evidence = Evidence(
            report=locked,
            indicator=indicator,
            original_name=upload.name[:255],
            kind=kind,
            size=upload.size,
            uploaded_by=user,
        )
        upload.name = (
            "upload" + Evidence.KINDS[kind][1]
        )  # the stored name's suffix follows the content
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        return evidence


def evidence_remove(*, evidence: Evidence, user) -> None:
    with transaction.atomic():
        locked = _lock(evidence.report)
        _require_editable(locked)
        stored = evidence.file.name
        evidence.delete()
        # Remove the file only once the row is gone for good.
        transaction.on_commit(lambda: evidence.file.storage.delete(stored))
