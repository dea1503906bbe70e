from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from egov_plan import bangla
from egov_plan.fiscal import QUARTERS
from reports import selectors


@require_GET
def index(request):
    return render(request, "reports/index.html", {
        "years": selectors.plans_by_year_and_office(),
        "quarters": list(bangla.QUARTER_ORDINALS.items()),
    })


@require_GET
def quarter_report(request, plan_id: int, quarter: int):
    if quarter not in QUARTERS:
        raise Http404("ত্রৈমাসিক ১ থেকে ৪ এর মধ্যে হতে হবে")
    table = selectors.quarter_table(plan_id=plan_id, quarter=quarter)
    return render(request, "reports/quarter_report.html", {
        "table": table,
        "show_scores": request.GET.get("scores") == "1",
    })
