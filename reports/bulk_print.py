"""Bulk print: one quarter's signed PDFs of every office under an office, in one zip.

The zip holds each approved report's signed PDF (the stored one; signed first when there is
none yet) and `index.xlsx`: office, status, score and file name, one row per plan, offices
without an approved report listed as missing. The zip is written under a temporary name in
the destination's folder and renamed into place only when complete, so a run killed half-way
never leaves a half-written file where users or the download look for it; running it again
finishes the job (signed PDFs already stored are reused, not signed twice).
"""

import datetime
import io
import os
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import F
from openpyxl import Workbook
from openpyxl.styles import Font

from egov_plan.models import ActionPlan, Office
from reports import pdf
from reports.models import QuarterlyReport, SignedDocument
from reports.permissions import offices_below
from reports.selectors import quarter_table

INDEX_NAME = "index.xlsx"
INDEX_HEADERS = ("দপ্তর", "অবস্থা", "প্রাপ্ত নম্বর", "ফাইলের নাম")
MISSING_PLAN = "কর্মপরিকল্পনা নেই"
MISSING_REPORT = "প্রতিবেদন নেই"
NOT_APPROVED = "অনুমোদিত প্রতিবেদন নেই ({status})"
STATUS_LABELS = dict(QuarterlyReport.STATUS_CHOICES)

Progress = Callable[[int, int], None]


def office_by_reference(value: str) -> Office | None:
    """The office named on the command line: its primary key or its name (later: its code)."""
    query = Office.objects.filter(pk=int(value)) if value.isdigit() else Office.objects.filter(name=value)
    return query.first()


@dataclass
class Entry:
    """One line of the index: an office's plan and its report for the quarter (either may be missing)."""

    office: Office
    plan: ActionPlan | None
    report: QuarterlyReport | None

    @property
    def approved(self) -> bool:
        return self.report is not None and self.report.status == QuarterlyReport.APPROVED

    @property
    def file_name(self) -> str:
        if not self.approved:
            return ""
        plan = self.plan
        return f"apa-{plan.pk}-{plan.fiscal_year.start_year}-q{self.report.quarter}-rev{self.report.revision}.pdf"

    @property
    def status_label(self) -> str:
        if self.plan is None:
            return MISSING_PLAN
        if self.report is None:
            return MISSING_REPORT
        if not self.approved:
            return NOT_APPROVED.format(status=STATUS_LABELS[self.report.status])
        return STATUS_LABELS[self.report.status]


def entries(*, root_office_id: int, start_year: int, quarter: int) -> list[Entry]:
    """Every office under the root (not the root itself), with its plans of the year and their reports."""
    below = offices_below(root_office_id)
    plans = (ActionPlan.objects.filter(office_id__in=below, fiscal_year__start_year=start_year)
             .select_related("office", "fiscal_year").order_by("office__name", "title", "pk"))
    reports = {r.plan_id: r for r in QuarterlyReport.objects.filter(plan__in=plans, quarter=quarter)}
    found: list[Entry] = []
    with_plan = set()
    for plan in plans:
        found.append(Entry(office=plan.office, plan=plan, report=reports.get(plan.pk)))
        with_plan.add(plan.office_id)
    for office in Office.objects.filter(pk__in=below).exclude(pk__in=with_plan):
        found.append(Entry(office=office, plan=None, report=None))
    found.sort(key=lambda entry: (entry.office.name, entry.plan.title if entry.plan else "",
                                  entry.plan.pk if entry.plan else 0))
    return found


def approved_reports(*, root_office_id: int, start_year: int, quarter: int):
    return QuarterlyReport.objects.filter(
        plan__office_id__in=offices_below(root_office_id), plan__fiscal_year__start_year=start_year,
        quarter=quarter, status=QuarterlyReport.APPROVED)


def signed_count(*, root_office_id: int, start_year: int, quarter: int) -> int:
    """How many of those approved reports already have the signed PDF of their current revision."""
    reports = approved_reports(root_office_id=root_office_id, start_year=start_year, quarter=quarter)
    return SignedDocument.objects.filter(report__in=reports, revision=F("report__revision")).count()


def index_sheet(rows: list[tuple[Entry, Decimal | None]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "সূচি"
    sheet.append(INDEX_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for entry, score in rows:
        sheet.append((entry.office.name, entry.status_label, None if score is None else float(score),
                      entry.file_name))
    for column, width in zip("ABCD", (40, 30, 14, 34)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_zip(items: list[Entry], destination: Path, *, progress: Progress | None = None) -> Path:
    """Write the zip of `items` to `destination` atomically; returns `destination`."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.part")
    approved = [entry for entry in items if entry.approved]
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
            scored: list[tuple[Entry, Decimal | None]] = []
            done = 0
            if progress:
                progress(done, len(approved))
            for entry in items:
                score = None
                if entry.approved:
                    document = pdf.signed_document(report=entry.report)
                    with document.file.open("rb") as handle:
                        archive.writestr(entry.file_name, handle.read())
                    score = quarter_table(plan_id=entry.plan.pk, quarter=entry.report.quarter).total_score
                    done += 1
                    if progress:
                        progress(done, len(approved))
                scored.append((entry, score))
            archive.writestr(INDEX_NAME, index_sheet(scored))
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, destination)  # atomic on one file system: all or nothing is visible
    finally:
        temporary.unlink(missing_ok=True)
    return destination


def seconds_left(done: int, total: int, elapsed: float) -> float | None:
    """A straight-line estimate of the time left; None until there is something to go by."""
    if done <= 0 or total <= 0 or elapsed <= 0:
        return None
    return max(0.0, elapsed / done * (total - done))


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    return str(datetime.timedelta(seconds=round(seconds)))


def progress_bar(done: int, total: int, elapsed: float, width: int = 30) -> str:
    """`[#####.........] 5/15 left 0:00:20` for a terminal."""
    filled = width if total == 0 else width * done // total
    return (f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
            f"left {format_duration(seconds_left(done, total, elapsed))}")
