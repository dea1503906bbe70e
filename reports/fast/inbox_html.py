"""The inbox's rows, written in Python.

At a deadline a reviewer goes back to the inbox after every approval, and its fifty rows a page
(office, plan, period, submission time, due date and lateness, link) were most of its time through
the template engine. Here each row is one list of parts joined once, escaped by construction
(`reports/fast/safe_html.py`); digits and words follow the active language, and the markup is
the one `templates/reports/inbox.html` used to loop over (tests/fast/test_inbox_html.py holds the
two to the same markup).
"""

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from egov_plan import i18n
from egov_plan.core import bangla
from reports.fast.safe_html import html, join
from reports.templatetags.bangla import bn_date, bn_datetime
from reports.year.models import Assessment


def _common_cells(row, shown) -> list[SafeString]:
    plan = row.plan
    return [
        html("<td>{}</td>", plan.office.display_name),
        html("<td>{} {}</td>", plan.title, shown(plan.fiscal_year.label)),
    ]


def _timing_cells(row, late: SafeString) -> list[SafeString]:
    return [
        html("<td>{}</td>", bn_datetime(row.submitted_at)),
        html("<td>{}{}</td>", bn_date(row.due) or "—", late if row.late else ""),
    ]


def _late_badge() -> SafeString:
    return html(' <span class="badge status-late">{}</span>', gettext("বিলম্বিত"))


def _row(cells: list[SafeString]) -> SafeString:
    return join([html("<tr>"), *cells, html("</tr>")])


def _link(url: str, text: str) -> SafeString:
    return html('<td><a class="btn btn-sm btn-success" href="{}">{}</a></td>', url, text)


def report_rows_html(reports) -> SafeString:
    """A `<tr>` per submitted quarterly report (rows from `selectors.review_queue`)."""
    shown = bangla.to_latin_digits if i18n.english() else str
    late, review = _late_badge(), gettext("পর্যালোচনা করুন")
    rows = []
    for report in reports:
        url = reverse("quarter-report", args=[report.plan_id, report.quarter])
        rows.append(
            _row(
                [
                    *_common_cells(report, shown),
                    html("<td>{}</td>", shown(bangla.to_bengali_digits(report.quarter))),
                    *_timing_cells(report, late),
                    _link(url, review),
                ]
            )
        )
    return join(rows, "\n")


def document_rows_html(documents) -> SafeString:
    """A `<tr>` per submitted half-yearly or annual document (rows from
    `selectors.waiting_documents`)."""
    shown = bangla.to_latin_digits if i18n.english() else str
    late = _late_badge()
    evaluate, review = gettext("মূল্যায়ন করুন"), gettext("পর্যালোচনা করুন")
    rows = []
    for document in documents:
        annual = document.kind == Assessment.ANNUAL
        url = reverse("annual" if annual else "half-year", args=[document.plan_id])
        rows.append(
            _row(
                [
                    *_common_cells(document, shown),
                    html("<td>{}</td>", document.get_kind_display()),
                    *_timing_cells(document, late),
                    _link(url, evaluate if annual else review),
                ]
            )
        )
    return join(rows, "\n")
