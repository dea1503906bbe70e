"""The quarterly report as a PDF: WeasyPrint renders the same table partial as the web page.

Long plans: WeasyPrint cannot cut a cell that spans rows cleanly across a page break. The
PDF therefore lays the table out in row groups (one per activity, or chunk of one) that a
page break never cuts, the area and activity cells continuing from group to group; the
group that starts a page prints the area and activity text again. That is decided during
the one layout pass (reports.pdf.page_starts), not by laying out a second time.

Renderer state: the font configuration, counter styles and parsed stylesheets are made once
per thread and shared by all its renders. Drafts are kept in the media storage (`draft-pdfs/`,
shared by every app server, see `draft_pdf`): the name holds the report's version and a digest of
the HTML the draft prints and of the renderer (stylesheets, text layer, WeasyPrint version), so an
unchanged draft is served without rendering, and any edit (values, plan, template) makes a new one.

Imports: WeasyPrint, the text layer, segno and pyHanko (`reports.pdf.signing`) are imported
when a PDF is rendered or signed, not with this module: serving an already signed PDF (the
download, `manage.py export_pdf`) reads the stored file and never loads the PDF stack.

Text layer: `reports.pdf.text_layer` makes every drawn line of text carry its real text
(/ActualText), so Bengali words extract and copy exactly; the document says its language
(`<html lang="bn">` → /Lang) and title (`<title>` → /Title), and every PDF is PDF/A-3b
(PDF_VARIANT), which signing keeps: pyHanko appends its signature, validation data and timestamps
as incremental updates.
"""

from __future__ import annotations

import atexit
import base64
import datetime
import functools
import hashlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from egov_plan import media
from egov_plan.core import bangla
from reports.pdf.models import SignedDocument, new_verification_token
from reports.quarters.models import QuarterlyReport
from reports.quarters.selectors import (
    QuarterTable,
    acted_by,
    quarter_table,
    with_offices_at_the_time,
)

STATIC = settings.BASE_DIR / "static"
STYLESHEETS = (STATIC / "css" / "report-table.css", STATIC / "css" / "report-pdf.css")
MAX_LAYOUT_PASSES = 3
# Every official PDF (signed and draft) and its translation is PDF/A-3b, the archival form: sRGB
# output intent, XMP metadata (title, language), every font embedded (README, "PDF/A").
PDF_VARIANT = "pdf/a-3b"
DRAFT_FOLDER = "draft-pdfs"  # in the media storage
DRAFT_KEEP_SECONDS = (
    30 * 24 * 3600
)  # then purge_drafts deletes a draft (it is rendered again if asked for)

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration


@dataclass
class Stamp:
    """The printed line under the signatories of a signed report."""

    reference: str
    revision: int
    url: str
    approved_by: str
    approved_at: datetime.datetime | None

    @property
    def revision_label(self) -> str:
        return bangla.to_bengali_digits(self.revision)

    @property
    def approved_on(self) -> str:
        if self.approved_at is None:
            return ""
        return bangla.format_date(timezone.localtime(self.approved_at).date())

    @property
    def qr_data_uri(self) -> str:
        import segno

        svg = segno.make(self.url, error="m").svg_inline(scale=4, border=1)
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def verification_url(token: str) -> str:
    """The link in the QR code: its secret token, not the guessable reference, finds the record."""
    return f"{settings.SITE_URL}/verify/?token={token}"


_thread_state = threading.local()


@atexit.register
def _forget_renderer() -> None:
    """Drop the main thread's renderer at exit, while WeasyPrint (its fonts' clean-up) is still loaded."""
    _thread_state.__dict__.pop("renderer", None)


def renderer_state() -> tuple[FontConfiguration, CounterStyle, list[CSS]]:
    """(fonts, counter styles, stylesheets), made once per thread and shared by its renders."""
    state = getattr(_thread_state, "renderer", None)
    if state is None:
        from weasyprint import CSS
        from weasyprint.css.counters import CounterStyle
        from weasyprint.text.fonts import FontConfiguration

        from reports.pdf import text_layer as pdf_text_layer

        pdf_text_layer.install()
        fonts = FontConfiguration()
        # One registry for our @counter-style (Bengali page numbers) and the rendering.
        counters = CounterStyle()
        stylesheets = [
            CSS(filename=str(path), font_config=fonts, counter_style=counters)
            for path in STYLESHEETS
        ]
        state = _thread_state.renderer = (fonts, counters, stylesheets)
    return state


def render_document(
    table: QuarterTable, *, draft: bool, stamp: Stamp | None = None, translation: bool = False
):
    """The laid-out WeasyPrint document, its row groups placed so no page cuts one.

    One layout pass (reports.pdf.page_starts); the table is left laid out as the PDF prints
    it (area and activity repeated on the groups that start a page), for `report_html`."""
    from weasyprint import HTML

    from reports.pdf import page_starts as pdf_page_starts

    fonts, counters, stylesheets = renderer_state()
    table.layout(split=True)
    table.layout(
        split=True, repeat=frozenset(range(len(table.row_groups)))
    )  # every continued cell shown
    html = report_html(table, draft=draft, stamp=stamp, translation=translation)
    with pdf_page_starts.laying_out(pdf_page_starts.continued_columns(table.row_groups)):
        document = HTML(string=html, base_url=str(STATIC) + "/").render(
            stylesheets=stylesheets, font_config=fonts, counter_style=counters
        )
    starts = pdf_page_starts.finish(document)
    if starts is None:  # a page-start group changes the page before it: lay out as before
        return render_document_in_passes(table, draft=draft, stamp=stamp, translation=translation)
    table.layout(split=True, repeat=starts)
    return document


def render_document_in_passes(
    table: QuarterTable, *, draft: bool, stamp: Stamp | None = None, translation: bool = False
):
    """Lay out, repeat the area and activity on the groups that start a page, lay out again
    (until the page starts stay put): for the rare table `render_document` cannot finish."""
    from weasyprint import HTML

    fonts, counters, stylesheets = renderer_state()
    repeat: frozenset[int] = frozenset()
    for _ in range(MAX_LAYOUT_PASSES):
        table.layout(split=True, repeat=repeat)
        html = report_html(table, draft=draft, stamp=stamp, translation=translation)
        document = HTML(string=html, base_url=str(STATIC) + "/").render(
            stylesheets=stylesheets, font_config=fonts, counter_style=counters
        )
        first = {group: min(pages) for group, pages in group_pages(document).items()}
        starts_page = frozenset(i for i in first if i > 0 and first[i] != first.get(i - 1))
        if starts_page == repeat:
            break
        repeat = starts_page
    return document


def report_html(
    table: QuarterTable, *, draft: bool, stamp: Stamp | None = None, translation: bool = False
) -> str:
    """The PDF's HTML: the official Bengali report whatever the interface language, or (translation)
    the unofficial English translation, which is never signed and carries no stamp."""
    if translation and stamp is not None:
        raise ValueError("a translation is never stamped as signed")
    return render_to_string(
        "reports/report_pdf.html",
        {
            "table": table,
            "draft": draft,
            "stamp": stamp,
            "translation": translation,
            "language": "en" if translation else "bn",
        },
    )


def group_pages(document) -> dict[int, set[int]]:
    """Row group → the pages it appears on (a group cut by a page break has two)."""
    pages: dict[int, set[int]] = {}
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and getattr(box, "element_tag", "") == "tbody":
                ident = element.get("id") or ""
                if ident.startswith("row-group-"):
                    pages.setdefault(int(ident.removeprefix("row-group-")), set()).add(number)
    return pages


def render_report_pdf(table: QuarterTable, *, draft: bool, stamp: Stamp | None = None) -> bytes:
    return render_document(table, draft=draft, stamp=stamp).write_pdf(pdf_variant=PDF_VARIANT)


def translation_pdf(table: QuarterTable) -> bytes:
    """The unofficial English translation of the table as a PDF: unsigned, no verification
    link or QR code, marked as a translation on every page."""
    return render_document(table, draft=False, translation=True).write_pdf(pdf_variant=PDF_VARIANT)


def _approval(report) -> tuple[str, datetime.datetime | None]:
    """Who approved the report (or self-assessment) last, with the office they approved it for
    then (`acted_by`: the office of that day, even if they have been transferred since),
    and when."""
    last = (
        report.transitions.filter(to_status=QuarterlyReport.APPROVED).select_related("actor").last()
    )
    if last is None or last.actor is None:
        return "", None
    with_offices_at_the_time(report.plan.office, ([last], "actor_id", "at"))
    return acted_by(last.actor, last.acting_office)[:200], last.at  # SignedDocument.approved_by


def approval_stamp(table: QuarterTable, *, revision: int, token: str | None = None) -> Stamp:
    """The stamp of a signed revision; `token` is the one its SignedDocument keeps (a fresh one if None)."""
    approved_by, approved_at = _approval(table.report)
    return Stamp(
        reference=table.report.reference,
        revision=revision,
        url=verification_url(token or new_verification_token()),
        approved_by=approved_by or table.plan.office.name,
        approved_at=approved_at,
    )


def signed_report_pdf(*, report: QuarterlyReport) -> SignedDocument:
    """The signed PDF of the report's current approved revision, made on first request."""
    with transaction.atomic():
        # Lock the report: two first downloads at once must not sign two documents.
        locked = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
        revision = max(locked.revision, 1)
        existing = SignedDocument.objects.filter(report=locked, revision=revision).first()
        if existing is not None:
            return existing
        table = quarter_table(plan_id=locked.plan_id, quarter=locked.quarter)
        approved_by, approved_at = _approval(locked)

        def render(token: str) -> bytes:
            return render_report_pdf(
                table, draft=False, stamp=approval_stamp(table, revision=revision, token=token)
            )

        return store_signed(
            render,
            office=table.plan.office,
            approved_by=approved_by,
            approved_at=approved_at,
            revision=revision,
            report=locked,
        )


def store_signed(
    render,
    *,
    office,
    approved_by: str,
    approved_at,
    revision: int,
    reason: str | None = None,
    **owner,
) -> SignedDocument:
    """Render (given the new verification token), sign and store one approved revision of `owner`
    (report=… or assessment=…); the caller holds the owner's row lock."""
    from reports.pdf import signing

    token = new_verification_token()
    signed = signing.sign_pdf(
        render(token),
        signer_name=approved_by or office.name,
        location=office.name,
        reason=reason or signing.SIGNATURE_REASON,
    )
    expires = signing.archive_expiry(signed) if signing.timestamper() is not None else None
    document = SignedDocument(
        revision=revision,
        approved_by=approved_by,
        token=token,
        approved_at=approved_at,
        sha256=hashlib.sha256(signed).hexdigest(),
        archive_expires_at=expires,
        level=signing.B_LTA if expires is not None else signing.B_B,
        **owner,
    )
    document.file.save("signed.pdf", ContentFile(signed), save=False)
    document.save()
    return document


def report_pdf(*, table: QuarterTable) -> tuple[bytes, str]:
    """(PDF bytes, file name): the stored signed PDF when approved, else a draft made now."""
    report = table.report
    stem = f"apa-{table.plan.pk}-{table.plan.fiscal_year.start_year}-q{table.quarter}"
    if report is not None and report.status == QuarterlyReport.APPROVED:
        document = signed_report_pdf(report=report)
        with document.file.open("rb") as handle:
            return handle.read(), f"{stem}-rev{document.revision}.pdf"
    return draft_pdf(table), f"{stem}-draft.pdf"


@functools.cache
def renderer_revision() -> str:
    """What, besides the HTML, decides how a PDF looks: stylesheets, text layer, WeasyPrint."""
    import weasyprint

    from reports.pdf import text_layer as pdf_text_layer

    digest = hashlib.sha256()
    for path in STYLESHEETS:
        digest.update(path.read_bytes())
    digest.update(pdf_text_layer.WEASYPRINT_DRAW_TEXT_FINGERPRINT.encode())
    digest.update(weasyprint.__version__.encode())
    digest.update(PDF_VARIANT.encode())
    return digest.hexdigest()


def draft_name(table: QuarterTable) -> str:
    """Where the draft is kept: the report's version and a digest of everything the draft prints and
    how it is printed, in a folder per report (plan and quarter)."""
    table.layout(split=True)
    digest = hashlib.sha256(
        (renderer_revision() + report_html(table, draft=True)).encode()
    ).hexdigest()
    version = table.report.version if table.report is not None else 0
    return f"{DRAFT_FOLDER}/{table.plan.pk}/q{table.quarter}/v{version}-{digest}.draft"


def _kept_draft(name: str) -> bytes | None:
    """The draft kept under `name`, if it is there whole: the file is the PDF's SHA-256 (hex) and
    the PDF, so a write cut short (a process killed while saving) reads as no draft."""
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        kept = handle.read()
    digest, data = kept[:64], kept[64:]
    return data if hashlib.sha256(data).hexdigest().encode() == digest else None


def _keep_draft(name: str, data: bytes) -> None:
    # The report's earlier drafts go: one draft per report, whatever the number of edits.
    for earlier in media.files_under(name.rpartition("/")[0]):
        default_storage.delete(earlier)
    default_storage.save(name, ContentFile(hashlib.sha256(data).hexdigest().encode() + data))


def draft_pdf(table: QuarterTable) -> bytes:
    """The draft, rendered only if this very draft was not rendered before.

    Drafts are kept in the media storage, not in a cache backend: the storage is shared by every
    app server and worker already (evidence and signed PDFs must be), and a draft (70-125 KB) in
    the cluster's Redis would share memory with Celery's queue and the rate-limit counters, where
    thousands of drafts at a deadline either exhaust it or, under an eviction policy, push those
    out. Without Redis the cache is one per process, so each process would render its own."""
    name = draft_name(table)
    data = _kept_draft(name)
    if data is None:
        data = render_report_pdf(table, draft=True)
        _keep_draft(name, data)
    return data


def purge_old_drafts() -> int:
    """Delete the drafts rendered more than DRAFT_KEEP_SECONDS ago; returns how many."""
    return media.delete_older_than(DRAFT_FOLDER, DRAFT_KEEP_SECONDS)
