"""Bulk print pages: the reviewer's request, the job's progress, and the zip's download."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from egov_plan import i18n
from egov_plan.accounts import permissions
from egov_plan.core import bangla
from egov_plan.offices.models import Office
from egov_plan.offices.tree import offices_under
from egov_plan.plans.models import FiscalYear
from reports.bulk import tasks
from reports.bulk.models import BulkPrintJob
from reports.bulk.printing import format_duration, seconds_left

REFRESH_SECONDS = 3
CHOICE_ERRORS = {
    "required": _("একটি নির্বাচন করুন।"),
    "invalid_choice": _("তালিকা থেকে একটি নির্বাচন করুন।"),
}


def printable_offices(member) -> list[Office]:
    """The reviewer's own office, then every office below it that has offices under it, in tree order."""
    return [member.office, *offices_under(member.office).filter(numchild__gt=0).order_by("path")]


class BulkPrintForm(forms.Form):
    office = forms.TypedChoiceField(
        label=_("যে দপ্তরের অধীন সব দপ্তর"), coerce=int, error_messages=CHOICE_ERRORS
    )
    year = forms.TypedChoiceField(label=_("অর্থবছর"), coerce=int, error_messages=CHOICE_ERRORS)
    quarter = forms.TypedChoiceField(label=_("ত্রৈমাসিক"), coerce=int, error_messages=CHOICE_ERRORS)

    def __init__(self, *args, offices: list[Office], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(office.pk, office.display_name) for office in offices]
        # In the request's language: the year in its digits, the quarters' ordinals translated.
        self.fields["year"].choices = [
            (year.start_year, i18n.digits(year.label)) for year in FiscalYear.objects.all()
        ]
        self.fields["quarter"].choices = [
            (q, capfirst(gettext("{label} ত্রৈমাসিক").format(label=i18n.quarter_ordinal(q))))
            for q in bangla.QUARTER_ORDINALS
        ]


def _reviewer(user):
    member = permissions.reviewer_membership(user)
    if member is None:
        raise PermissionDenied(gettext("শুধু পর্যালোচকদের জন্য"))
    return member


@require_http_methods(["GET", "POST"])
def bulk_print_request(request):
    member = _reviewer(request.user)
    offices = printable_offices(member)
    # ?office=&year=&quarter= preselect the choices (for links from the dashboard).
    initial = {key: request.GET[key] for key in ("office", "year", "quarter") if key in request.GET}
    form = BulkPrintForm(request.POST or None, offices=offices, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            job = BulkPrintJob.objects.create(
                requested_by=request.user,
                root_office_id=form.cleaned_data["office"],
                start_year=form.cleaned_data["year"],
                quarter=form.cleaned_data["quarter"],
            )
            tasks.start_bulk_print(job)
        return redirect("bulk-print-status", job_id=job.pk)
    jobs = BulkPrintJob.objects.filter(requested_by=request.user).select_related("root_office")[:20]
    return render(
        request,
        "reports/bulk_print.html",
        {"form": form, "jobs": jobs},
        status=400 if form.is_bound else 200,
    )


def _own_job(request, job_id) -> BulkPrintJob:
    job = (
        BulkPrintJob.objects.select_related("root_office")
        .filter(pk=job_id, requested_by=request.user)
        .first()
    )
    if job is None:
        raise Http404(gettext("এই মুদ্রণের অনুরোধটি পাওয়া যায়নি"))
    return job


def _downloadable(job: BulkPrintJob) -> bool:
    return job.status == BulkPrintJob.DONE and bool(job.file) and job.expires_at > timezone.now()


@require_GET
def bulk_print_status(request, job_id):
    job = _own_job(request, job_id)
    running = job.status in (BulkPrintJob.PENDING, BulkPrintJob.RUNNING)
    elapsed = (timezone.now() - job.started_at).total_seconds() if job.started_at else 0
    left = seconds_left(job.done, job.total, elapsed)
    return render(
        request,
        "reports/bulk_print_status.html",
        {
            "job": job,
            "running": running,
            "refresh": REFRESH_SECONDS if running else None,
            "percent": 100 * job.done // job.total if job.total else (0 if running else 100),
            "time_left": None if left is None else i18n.bengali_digits(format_duration(left)),
            "downloadable": _downloadable(job),
        },
    )


@require_GET
def bulk_print_download(request, job_id):
    job = _own_job(request, job_id)
    if not _downloadable(job):
        raise Http404(gettext("ফাইলটি আর পাওয়া যায় না"))
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("ফাইলটি আর পাওয়া যায় না")) from None
    name = f"apa-{job.start_year}-q{job.quarter}-office-{job.root_office_id}.zip"
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")
