"""The half-yearly and annual documents as PDFs: the same table partial as their pages, rendered by
WeasyPrint with the quarterly PDF's fonts and stylesheets, and once approved signed and registered
for /verify/ exactly as a quarterly report is (reports.pdf.render.store_signed)."""

from django.db import transaction
from django.template.loader import render_to_string

from reports.pdf import render as pdf
from reports.pdf.models import SignedDocument
from reports.year.models import Assessment
from reports.year.table import AssessmentTable, assessment_table

SIGNATURE_REASONS = {
    Assessment.HALF_YEAR: "অর্ধবার্ষিক স্ব-মূল্যায়ন প্রতিবেদন অনুমোদন",
    Assessment.ANNUAL: "বার্ষিক মূল্যায়ন অনুমোদন",
}


def assessment_html(table: AssessmentTable, *, draft: bool, stamp: pdf.Stamp | None = None) -> str:
    return render_to_string(
        "reports/report_pdf.html",
        {
            "table": table,
            "draft": draft,
            "stamp": stamp,
            "partial": "reports/_assessment_table.html",
        },
    )


def render_assessment_pdf(
    table: AssessmentTable, *, draft: bool, stamp: pdf.Stamp | None = None
) -> bytes:
    from weasyprint import HTML

    fonts, counters, stylesheets = pdf.renderer_state()
    html = assessment_html(table, draft=draft, stamp=stamp)
    return (
        HTML(string=html, base_url=str(pdf.STATIC) + "/")
        .render(stylesheets=stylesheets, font_config=fonts, counter_style=counters)
        .write_pdf(pdf_variant=pdf.PDF_VARIANT)
    )


def signed_assessment_pdf(*, assessment: Assessment) -> SignedDocument:
    """The signed PDF of the document's current approved revision, made on first request."""
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("plan__fiscal_year")
            .get(pk=assessment.pk)
        )
        revision = max(locked.revision, 1)
        existing = SignedDocument.objects.filter(assessment=locked, revision=revision).first()
        if existing is not None:
            return existing
        table = assessment_table(plan_id=locked.plan_id, kind=locked.kind, assessment=locked)
        approved_by, approved_at = pdf._approval(locked)

        def render(token: str) -> bytes:
            stamp = pdf.Stamp(
                reference=locked.reference,
                revision=revision,
                url=pdf.verification_url(token),
                approved_by=approved_by or table.plan.office.name,
                approved_at=approved_at,
            )
            return render_assessment_pdf(table, draft=False, stamp=stamp)

        return pdf.store_signed(
            render,
            office=table.plan.office,
            approved_by=approved_by,
            approved_at=approved_at,
            revision=revision,
            reason=SIGNATURE_REASONS[locked.kind],
            assessment=locked,
        )


def document_pdf(*, table: AssessmentTable) -> tuple[bytes, str]:
    """(PDF bytes, file name): the stored signed PDF once approved, else a draft made now."""
    assessment = table.assessment
    suffix = "half-year" if table.kind == Assessment.HALF_YEAR else "annual"
    stem = f"apa-{table.plan.pk}-{table.plan.fiscal_year.start_year}-{suffix}"
    if assessment is not None and assessment.status == Assessment.APPROVED:
        document = signed_assessment_pdf(assessment=assessment)
        with document.file.open("rb") as handle:
            return handle.read(), f"{stem}-rev{document.revision}.pdf"
    return render_assessment_pdf(table, draft=True), f"{stem}-draft.pdf"
