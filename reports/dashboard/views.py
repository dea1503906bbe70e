"""/dashboard/: the offices under a reviewer, with their reports' status and marks."""

import io
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from egov_plan.accounts import permissions
from egov_plan.core import bangla
from egov_plan.core.fiscal import QUARTERS
from egov_plan.offices.models import Office, OfficeTier
from egov_plan.plans.models import FiscalYear
from reports.dashboard import overview as dashboard
from reports.dashboard.overview import DashboardQuery
from reports.plans.xlsx_cells import text_row

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ID = 2**63 - 1
COLUMNS = [
    ("name", _("দপ্তর")),
    ("location", _("অবস্থান")),
    ("tier", _("স্তর")),
    ("status", _("অবস্থা")),
    ("score", _("এ পর্যন্ত প্রাপ্ত নম্বর")),
    ("changed", _("সর্বশেষ পরিবর্তন")),
]


class DashboardForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("অর্থবছর"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("এই অর্থবছর নেই।")},
    )
    quarter = forms.TypedChoiceField(
        label=_("ত্রৈমাসিক"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(q, bangla.QUARTER_ORDINALS[q]) for q in QUARTERS],
        error_messages={"invalid_choice": _("ত্রৈমাসিক ১ থেকে ৪ এর মধ্যে হতে হবে।")},
    )
    under = forms.IntegerField(
        label=_("দপ্তর"),
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("দপ্তরটি পাওয়া যায়নি।"),
            "min_value": _("দপ্তরটি পাওয়া যায়নি।"),
            "max_value": _("দপ্তরটি পাওয়া যায়নি।"),
        },
    )
    tier = forms.ChoiceField(
        label=_("স্তর"), required=False, error_messages={"invalid_choice": _("এই স্তর নেই।")}
    )
    status = forms.ChoiceField(
        label=_("অবস্থা"),
        required=False,
        choices=[("", _("সব"))] + dashboard.FILTERS,
        error_messages={"invalid_choice": _("এই অবস্থা নেই।")},
    )
    q = forms.CharField(
        label=_("নাম বা অবস্থান"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("খোঁজার লেখা ১০০ অক্ষরের মধ্যে রাখুন।")},
    )
    sort = forms.ChoiceField(
        required=False, choices=[(k, k) for k in dashboard.SORTS], widget=forms.HiddenInput
    )
    dir = forms.ChoiceField(
        required=False, choices=[("asc", "asc"), ("desc", "desc")], widget=forms.HiddenInput
    )

    def __init__(self, *args, years, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.start_year, y.label) for y in years]
        self.fields["tier"].choices = [("", gettext("সব"))] + [(t.code, t.name) for t in tiers]


def _reviewer_root(user) -> Office | None:
    """The office whose subtree the user looks after (None for admins: every office)."""
    if user.is_staff:
        return None
    member = permissions.reviewer_membership(user)
    if member is None:
        raise Http404(gettext("পাতাটি পাওয়া যায়নি"))
    return member.office


def _query(request) -> tuple[DashboardForm, DashboardQuery, list[Office]]:
    """The dashboard query from the request's parameters; faulty ones get a message next to the
    field and are ignored, so the page still shows something useful."""
    root = _reviewer_root(request.user)
    years = list(FiscalYear.objects.all())
    form = DashboardForm(request.GET, years=years, tiers=OfficeTier.objects.all())
    form.is_valid()
    data = {
        name: value
        for name, value in getattr(form, "cleaned_data", {}).items()
        if name not in form.errors
    }
    year = next((y for y in years if y.start_year == data.get("year")), None)
    default_year, default_quarter = (
        dashboard.default_period()
        if year is None or not data.get("quarter")
        else (year, data["quarter"])
    )
    year = year or default_year
    chosen = root
    if data.get("under"):
        office = Office.objects.select_related("tier").filter(pk=data["under"]).first()
        if office is not None and (root is None or office.pk == root.pk or office.is_under(root)):
            chosen = office
        else:
            form.add_error("under", gettext("এই দপ্তরটি আপনার অধীনে নেই।"))
    query = DashboardQuery(
        root=chosen,
        year=year,
        quarter=data.get("quarter") or default_quarter,
        title=dashboard.plan_title(year),
        tier=data.get("tier") or "",
        status=data.get("status") or "",
        text=(data.get("q") or "").strip(),
        sort=data.get("sort") or "name",
        descending=data.get("dir") == "desc",
    )
    return form, query, _trail(root, chosen)


def _trail(root: Office | None, chosen: Office | None) -> list[Office]:
    """The offices from the reviewer's own down to the chosen one, for the breadcrumb (one query)."""
    if chosen is None:
        return []
    depth_from = root.depth if root is not None else 1
    steplen = Office.steplen
    paths = [chosen.path[: d * steplen] for d in range(depth_from, chosen.depth + 1)]
    return list(Office.objects.filter(path__in=paths).order_by("depth"))


def _params(query: DashboardQuery, **changes) -> str:
    values = {
        "year": query.year.start_year if query.year else "",
        "quarter": query.quarter,
        "under": query.root.pk if query.root else "",
        "tier": query.tier,
        "status": query.status,
        "q": query.text,
        "sort": query.sort,
        "dir": "desc" if query.descending else "asc",
    }
    values.update(changes)
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


@require_GET
def dashboard_page(request):
    form, query, trail = _query(request)
    rows = dashboard.office_rows(query) if query.year else Office.objects.none()
    page = Paginator(rows, dashboard.PAGE_SIZE).get_page(request.GET.get("page"))
    sort_links = {
        key: _params(
            query, sort=key, dir="desc" if query.sort == key and not query.descending else "asc"
        )
        for key in dashboard.SORTS
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "query": query,
            "trail": trail,
            "page": page,
            "summary": dashboard.summary(query) if query.year else None,
            "pager_query": _params(query) + "&",
            "export_query": _params(query),
            "sort_links": sort_links,
            "status_labels": dashboard.STATUS_LABELS,
            "chart_width": dashboard.CHART_WIDTH,
            "columns": COLUMNS,
            "selected": {
                "year": query.year.start_year if query.year else "",
                "quarter": query.quarter,
                "tier": query.tier,
                "status": query.status,
            },
        },
    )


@require_GET
def dashboard_export(request):
    """The same view as .xlsx: every row the filters admit, not only one page."""
    form, query, _page = _query(request)
    if query.year is None:
        raise Http404(gettext("কোনো অর্থবছর নেই"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("দপ্তরসমূহ"))
    text_row(
        sheet,
        [
            gettext("দপ্তর কোড"),
            gettext("দপ্তর"),
            gettext("অবস্থান"),
            gettext("স্তর"),
            gettext("অবস্থা"),
            gettext("এ পর্যন্ত প্রাপ্ত নম্বর"),
            gettext("মোট নম্বর"),
            gettext("সর্বশেষ পরিবর্তন"),
            gettext("বিলম্ব"),
        ],
    )
    rows = dashboard.office_rows(query).values_list(
        "code",
        "name",
        "location",
        "tier__name",
        "status",
        "score",
        "total_marks",
        "changed",
        "late",
    )
    late_label = gettext("বিলম্বিত")  # as the page's badge; empty when on time (or not due yet)
    for code, name, location, tier, status, score, total, changed, late in rows.iterator(
        chunk_size=2000
    ):
        text_row(
            sheet,
            [
                code,
                name,
                location,
                tier,
                str(dashboard.status_label(status)),
                None if score is None else float(score),
                None if total is None else float(total),
                None if changed is None else timezone.localtime(changed).replace(tzinfo=None),
                late_label if late else None,
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    label = f"{query.year.start_year}-q{query.quarter}"
    response["Content-Disposition"] = f'attachment; filename="dashboard-{label}.xlsx"'
    return response
