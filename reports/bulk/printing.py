"""Bulk print: one quarter's signed PDFs of every office under an office, in one zip.

The zip holds each approved report's signed PDF (the stored one; signed first when there is
none yet) and `index.xlsx`: office, status, score and file name, one row per plan, offices
without an approved report listed as missing. A run killed half-way never leaves a half-written
zip where users or the download look for it, and running it again finishes the job (signed PDFs
already stored are reused, not signed twice):

- the job's zip (`store_zip`) is built in a temporary file of the process (in memory up to
  SPOOL_BYTES, then an unnamed file on the machine's temporary disk, gone with the process however
  it ends) and only then saved to the media storage; the job names it once it is stored whole. A
  file in `bulk/` that no job names (a save cut short, a second delivery's copy) is deleted by the
  periodic purge once it is `STALE_FILE_SECONDS` old;
- the command's zip (`write_zip`, a file on this machine) is written under a temporary name in
  the destination's folder and renamed into place when complete; the next run removes the
  temporary files of runs killed before.
"""

import datetime
import io
import os
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import F
from django.dispatch import Signal
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from egov_plan.offices.models import Office
from egov_plan.offices.tree import offices_under, under_q
from egov_plan.plans.models import ActionPlan
from reports.pdf import render as pdf
from reports.pdf.models import SignedDocument
from reports.plans.xlsx_cells import text_row
from reports.quarters.models import QuarterlyReport

INDEX_NAME = "index.xlsx"
INDEX_HEADERS = ("দপ্তর", "দপ্তর কোড", "অবস্থা", "প্রাপ্ত নম্বর", "ফাইলের নাম")
MISSING_PLAN = "কর্মপরিকল্পনা নেই"
MISSING_REPORT = "প্রতিবেদন নেই"
NOT_APPROVED = "অনুমোদিত প্রতিবেদন নেই ({status})"
# The index is part of the printed set: Bengali whatever language asked for it.
STATUS_LABELS = {code: label for code, label in QuarterlyReport.STATUS_CHOICES}

PrintProgress = Callable[[int, int], None]
# A file in the storage's bulk/ that no job names, this old, belongs to a run that died or lost a
# race with another delivery of its task (a run stores its zip in one go): the periodic purge
# deletes it.
STALE_FILE_SECONDS = 3600
# A job's zip is built in memory up to this size, beyond it in a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024
# Sent after each PDF is written into the zip being built (keyword arguments: done, total); the
# worker tests stop a worker there to kill it in the middle of the assembly.
zip_entry_written = Signal()


def office_by_reference(value: str) -> Office | None:
    """The office named on the command line, by its code."""
    return Office.objects.filter(code=value).first()


@dataclass
class IndexLine:
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
            return NOT_APPROVED.format(status=self._status())
        return self._status()

    def _status(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return str(STATUS_LABELS[self.report.status])


def entries(*, root_office_id: int, start_year: int, quarter: int) -> list[IndexLine]:
    """Every office under the root (not the root itself), in tree order, with its plans of the
    year and their reports."""
    root = Office.objects.get(pk=root_office_id)
    plans = (
        ActionPlan.objects.filter(
            under_q(root, prefix="office__"), fiscal_year__start_year=start_year
        )
        .select_related("office", "fiscal_year")
        .order_by("title", "pk")
    )
    reports = {
        r.plan_id: r for r in QuarterlyReport.objects.filter(plan__in=plans, quarter=quarter)
    }
    plans_of: dict[int, list[ActionPlan]] = {}
    for plan in plans:
        plans_of.setdefault(plan.office_id, []).append(plan)
    found: list[IndexLine] = []
    for office in offices_under(root).order_by("path"):
        for plan in plans_of.get(office.pk, [None]):
            found.append(
                IndexLine(office=office, plan=plan, report=reports.get(plan.pk) if plan else None)
            )
    return found


def approved_reports(*, root_office_id: int, start_year: int, quarter: int):
    root = Office.objects.get(pk=root_office_id)
    return QuarterlyReport.objects.filter(
        under_q(root, prefix="plan__office__"),
        plan__fiscal_year__start_year=start_year,
        quarter=quarter,
        status=QuarterlyReport.APPROVED,
    )


def signed_count(*, root_office_id: int, start_year: int, quarter: int) -> int:
    """How many of those approved reports already have the signed PDF of their current revision."""
    reports = approved_reports(
        root_office_id=root_office_id, start_year=start_year, quarter=quarter
    )
    return SignedDocument.objects.filter(report__in=reports, revision=F("report__revision")).count()


def index_sheet(items: list[IndexLine]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "সূচি"
    text_row(sheet, INDEX_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for entry in items:
        score = entry.report.score if entry.approved else None
        text_row(
            sheet,
            (
                entry.office.display_name,
                entry.office.code,
                entry.status_label,
                None if score is None else float(score),
                entry.file_name,
            ),
        )
    for column, width in zip("ABCDE", (50, 16, 30, 14, 34)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_archive(handle, items: list[IndexLine], *, progress: PrintProgress | None) -> None:
    """Write the zip of `items` into the open binary file `handle`."""
    approved = [entry for entry in items if entry.approved]
    stored = {
        document.report_id: document
        for document in SignedDocument.objects.filter(
            report__in=[entry.report for entry in approved], revision=F("report__revision")
        )
    }
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
        if progress:
            progress(0, len(approved))
        for done, entry in enumerate(approved, start=1):
            document = stored.get(entry.report.pk) or pdf.signed_report_pdf(report=entry.report)
            with document.file.open("rb") as source:
                archive.writestr(entry.file_name, source.read())
            zip_entry_written.send(sender=_write_archive, done=done, total=len(approved))
            if progress:
                progress(done, len(approved))
        archive.writestr(INDEX_NAME, index_sheet(items))


def store_zip(items: list[IndexLine], name: str, *, progress: PrintProgress | None = None) -> str:
    """Build the zip of `items` and save it whole to the media storage as `name`; returns the name
    it was stored under (another when a file of a run that died holds `name`: see the module)."""
    with tempfile.SpooledTemporaryFile(
        max_size=SPOOL_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR
    ) as spool:
        _write_archive(spool, items, progress=progress)
        spool.seek(0)
        return default_storage.save(name, File(spool, name=name))


def write_zip(
    items: list[IndexLine], destination: Path, *, progress: PrintProgress | None = None
) -> Path:
    """Write the zip of `items` to `destination`, a file on this machine, atomically; returns it.

    The temporary files of earlier runs of the same destination, killed before they finished,
    are removed first."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    for leftover in destination.parent.glob(f".{destination.name}.*.part"):
        leftover.unlink(missing_ok=True)
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.part")
    try:
        with open(temporary, "wb") as handle:
            _write_archive(handle, items, progress=progress)
            handle.flush()
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
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
        f"left {format_duration(seconds_left(done, total, elapsed))}"
    )
