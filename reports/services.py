"""Writes to quarterly reports: saving achievements, evidence, and the workflow.

Every function runs in one transaction with the report row locked
(`select_for_update`), so that two people acting on the same report at once
are serialised: the second one sees the first one's result (a new version or
a new status) and is refused instead of silently overwriting it.

Permissions (who may call what) are the views' business; these functions
guard the report's state.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from egov_plan.models import ActionPlan, Indicator
from reports.models import Achievement, Evidence, QuarterlyReport, ReportTransition
from reports.scores import rescore_plan
from reports.tasks import sign_approved_report


class WorkflowError(Exception):
    """A request the report's state does not allow; the message is for the user (Bengali)."""


class StaleReport(WorkflowError):
    """The page was rendered from an older version of the report."""

    def __init__(self, report: QuarterlyReport, changes: list[Achievement]):
        super().__init__("আপনি পাতাটি খোলার পর অন্য কেউ এই প্রতিবেদনে পরিবর্তন সংরক্ষণ করেছেন। "
                         "আপনার মান সংরক্ষিত হয়নি; নিচের পরিবর্তনগুলো দেখে আবার সংরক্ষণ করুন।")
        self.report = report
        self.changes = changes


@dataclass(frozen=True)
class Entry:
    """What the officer typed for one indicator in this quarter."""

    value: datetime.date | Decimal | None
    remarks: str = ""


LOCKED_MESSAGES = {
    QuarterlyReport.SUBMITTED: "প্রতিবেদনটি দাখিল করা হয়েছে; পর্যালোচনা শেষ না হওয়া পর্যন্ত পরিবর্তন করা যাবে না।",
    QuarterlyReport.APPROVED: "প্রতিবেদনটি অনুমোদিত; পর্যালোচক পুনরায় না খোলা পর্যন্ত কোনো পরিবর্তন করা যাবে না।",
}


def _lock(report_id: int) -> QuarterlyReport:
    return QuarterlyReport.objects.select_for_update().get(pk=report_id)


def _require_editable(report: QuarterlyReport) -> None:
    if not report.is_editable:
        raise WorkflowError(LOCKED_MESSAGES[report.status])


def report_for_quarter(*, plan: ActionPlan, quarter: int) -> QuarterlyReport:
    report, created = QuarterlyReport.objects.get_or_create(plan=plan, quarter=quarter)
    if created:
        rescore_plan(plan_id=plan.pk)  # earlier quarters' values already count to date
        report.refresh_from_db()
    return report


def _move(report: QuarterlyReport, *, user, to_status: str, comment: str = "") -> None:
    ReportTransition.objects.create(report=report, actor=user, from_status=report.status,
                                    to_status=to_status, comment=comment)
    report.status = to_status
    report.version += 1
    fields = ["status", "version", "updated_at"]
    if to_status == QuarterlyReport.SUBMITTED:
        report.submitted_at = timezone.now()
        fields.append("submitted_at")
    if to_status == QuarterlyReport.APPROVED:
        report.revision += 1
        fields.append("revision")
    report.save(update_fields=fields)


def changes_since(report: QuarterlyReport, version: int) -> list[Achievement]:
    return list(report.achievements.filter(updated_in_version__gt=version)
                .select_related("indicator__activity__area", "updated_by")
                .order_by("indicator__activity__area__number", "indicator__activity__number",
                          "indicator__number"))


def _write_entries(report: QuarterlyReport, *, user, entries: dict[int, Entry],
                   version: int) -> int:
    """Write the entries that differ from what is stored; returns how many changed."""
    if version != report.version:
        raise StaleReport(report, changes_since(report, version))
    stored = {a.indicator_id: a for a in report.achievements.all()}
    valid_ids = set(Indicator.objects.filter(activity__area__plan_id=report.plan_id, pk__in=entries)
                    .values_list("pk", flat=True))
    changed = []
    for indicator_id, entry in entries.items():
        if indicator_id not in valid_ids:
            continue
        achievement = stored.get(indicator_id)
        if achievement is None:
            if entry.value is None and not entry.remarks:
                continue
            achievement = Achievement(report=report, indicator_id=indicator_id)
        elif achievement.value == entry.value and achievement.remarks == entry.remarks:
            continue
        achievement.set_value(entry.value)
        achievement.remarks = entry.remarks
        changed.append(achievement)
    if changed:
        report.version += 1
        report.save(update_fields=["version", "updated_at"])
        for achievement in changed:
            achievement.updated_by = user
            achievement.updated_in_version = report.version
            achievement._history_user = user  # simple_history: who made this change
            achievement.save()
    return len(changed)


def report_save(*, report: QuarterlyReport, user, entries: dict[int, Entry], version: int) -> int:
    """Save this quarter's values if the page was rendered from the current version."""
    with transaction.atomic():
        # Lock the row: a concurrent save waits here, then finds the version moved on.
        locked = _lock(report.pk)
        _require_editable(locked)
        changed = _write_entries(locked, user=user, entries=entries, version=version)
        if changed:
            rescore_plan(plan_id=locked.plan_id)
        return changed


def report_submit(*, report: QuarterlyReport, user, entries: dict[int, Entry],
                  version: int) -> QuarterlyReport:
    """Save the values and submit the report for review, in one transaction."""
    with transaction.atomic():
        locked = _lock(report.pk)
        _require_editable(locked)
        _write_entries(locked, user=user, entries=entries, version=version)
        _move(locked, user=user, to_status=QuarterlyReport.SUBMITTED)
        rescore_plan(plan_id=locked.plan_id)
        return locked


def _review(report: QuarterlyReport, *, user, from_status: str, to_status: str,
            comment: str = "", refusal: str) -> QuarterlyReport:
    with transaction.atomic():
        locked = _lock(report.pk)
        if locked.status != from_status:
            raise WorkflowError(refusal)
        _move(locked, user=user, to_status=to_status, comment=comment)
        return locked


def report_approve(*, report: QuarterlyReport, user, comment: str = "") -> QuarterlyReport:
    with transaction.atomic():
        approved = _review(report, user=user, from_status=QuarterlyReport.SUBMITTED,
                           to_status=QuarterlyReport.APPROVED, comment=comment,
                           refusal="শুধু দাখিলকৃত প্রতিবেদন অনুমোদন করা যায়।")
        if settings.SIGN_ON_APPROVAL:
            # Approving stays instant: a worker signs the PDF once the approval is committed
            # (a failure is logged; the download still signs on demand).
            pk, revision = approved.pk, approved.revision
            transaction.on_commit(lambda: sign_approved_report.delay(pk, revision), robust=True)
        return approved


def report_return(*, report: QuarterlyReport, user, comment: str) -> QuarterlyReport:
    if not comment.strip():
        raise WorkflowError("ফেরত পাঠানোর কারণ লিখুন।")
    return _review(report, user=user, from_status=QuarterlyReport.SUBMITTED,
                   to_status=QuarterlyReport.RETURNED, comment=comment.strip(),
                   refusal="শুধু দাখিলকৃত প্রতিবেদন ফেরত পাঠানো যায়।")


def report_reopen(*, report: QuarterlyReport, user, reason: str) -> QuarterlyReport:
    """Unlock an approved report so that its office can correct it."""
    if not reason.strip():
        raise WorkflowError("পুনরায় খোলার কারণ লিখুন।")
    return _review(report, user=user, from_status=QuarterlyReport.APPROVED,
                   to_status=QuarterlyReport.RETURNED, comment=reason.strip(),
                   refusal="শুধু অনুমোদিত প্রতিবেদন পুনরায় খোলা যায়।")


def evidence_add(*, report: QuarterlyReport, indicator: Indicator, user, upload: UploadedFile,
                 kind: str) -> Evidence:
    """Store a file already checked by the form (`kind` read from its content)."""
    with transaction.atomic():
        locked = _lock(report.pk)
        _require_editable(locked)
        evidence = Evidence(report=locked, indicator=indicator, original_name=upload.name[:255],
                            kind=kind, size=upload.size, uploaded_by=user)
        upload.name = "upload" + Evidence.KINDS[kind][1]  # the stored name's suffix follows the content
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        return evidence


def evidence_remove(*, evidence: Evidence, user) -> None:
    with transaction.atomic():
        locked = _lock(evidence.report_id)
        _require_editable(locked)
        stored = evidence.file.name
        evidence.delete()
        # Remove the file only once the row is gone for good.
        transaction.on_commit(lambda: evidence.file.storage.delete(stored))
