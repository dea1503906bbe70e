"""The inbox's rows, written in Python.

At a deadline a reviewer goes back to the inbox after every approval, and its fifty rows a page
(office, plan, period, submission time, due date and lateness, link) were three quarters of its
time through the template engine. Here each row is one list of strings; texts are escaped as the
template's autoescaping did (`entry_html.esc`), digits and words follow the active language, and
the markup is the one `templates/reports/inbox.html` used to loop over.
"""

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from egov_plan import i18n
from egov_plan.core import bangla
from reports.fast.entry_html import esc
from reports.templatetags.bangla import bn_date, bn_datetime
from reports.year.models import Assessment


def _common_cells(row, shown) -> list[str]:
    plan = row.plan
    return [
        f"<td>{esc(plan.office.display_name)}</td>",
        f"<td>{esc(plan.title)} {esc(shown(plan.fiscal_year.label))}</td>",
    ]


def _timing_cells(row, late: str) -> list[str]:
    return [
        f"<td>{esc(bn_datetime(row.submitted_at))}</td>",
        f"<td>{esc(bn_date(row.due) or '—')}{late if row.late else ''}</td>",
    ]


def _late_badge() -> str:
    return f' <span class="badge status-late">{esc(gettext("বিলম্বিত"))}</span>'


def report_rows_html(reports) -> SafeString:
    """A `<tr>` per submitted quarterly report (rows from `selectors.review_queue`)."""
    shown = bangla.to_latin_digits if i18n.english() else str
    late, review = _late_badge(), esc(gettext("পর্যালোচনা করুন"))
    rows = []
    for report in reports:
        url = reverse("quarter-report", args=[report.plan_id, report.quarter])
        rows.append(
            "".join(
                [
                    "<tr>",
                    *_common_cells(report, shown),
                    f"<td>{esc(shown(bangla.to_bengali_digits(report.quarter)))}</td>",
                    *_timing_cells(report, late),
                    f'<td><a class="btn btn-sm btn-success" href="{esc(url)}">{review}</a></td></tr>',
                ]
            )
        )
    return mark_safe("\n".join(rows))


def document_rows_html(documents) -> SafeString:
    """A `<tr>` per submitted half-yearly or annual document (rows from `selectors.waiting_documents`)."""
    shown = bangla.to_latin_digits if i18n.english() else str
    late = _late_badge()
    evaluate, review = esc(gettext("মূল্যায়ন করুন")), esc(gettext("পর্যালোচনা করুন"))
    rows = []
    for document in documents:
        annual = document.kind == Assessment.ANNUAL
        url = reverse("annual" if annual else "half-year", args=[document.plan_id])
        rows.append(
            "".join(
                [
                    "<tr>",
                    *_common_cells(document, shown),
                    f"<td>{esc(document.get_kind_display())}</td>",
                    *_timing_cells(document, late),
                    '<td><a class="btn btn-sm btn-success" '
                    f'href="{esc(url)}">{evaluate if annual else review}</a></td></tr>',
                ]
            )
        )
    return mark_safe("\n".join(rows))
