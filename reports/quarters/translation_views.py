"""The unofficial English translation of a quarterly report: the table and its PDF.

Same permissions as the Bengali report. The table is the official one rendered in English
(English headings and tier names, Latin digits, dd/mm/yy dates, the plan's English texts
where entered, else the Bengali ones), marked as a translation; the PDF is never signed.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports.pdf import render as pdf
from reports.quarters.views import _table_for_user


@require_GET
def quarter_report_en(request, plan_id: int, quarter: int):
    table = _table_for_user(request.user, plan_id, quarter)
    return render(
        request,
        "reports/quarter_report_en.html",
        {"table": table, "show_scores": request.GET.get("scores") == "1"},
    )


@require_GET
def quarter_pdf_en(request, plan_id: int, quarter: int):
    table = _table_for_user(request.user, plan_id, quarter)
    response = HttpResponse(pdf.translation_pdf(table), content_type="application/pdf")
    stem = f"apa-{table.plan.pk}-{table.plan.fiscal_year.start_year}-q{quarter}"
    response["Content-Disposition"] = f'inline; filename="{stem}-english-translation.pdf"'
    return response
