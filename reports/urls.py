from django.urls import path, register_converter

from egov_plan.accounts import people_views
from reports.bulk import views as bulk_views
from reports.dashboard import views as dashboard_views
from reports.quarters import translation_views, views
from reports.year import views as assessment_views

MAX_ID = 2**31 - 1  # the largest id any database here stores; larger numbers never reach a query


class IdConverter:
    """A whole number that fits a database integer (Django's `int` is unbounded); the view judges 0."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("out of range")  # no match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.index, name="index"),
    # At the root, so that the service worker's scope covers every entry page.
    path("entry-sw.js", views.entry_service_worker, name="entry-service-worker"),
    path("inbox/", views.inbox, name="inbox"),
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/export.xlsx", dashboard_views.dashboard_export, name="dashboard-export"),
    path("plans/<id:plan_id>/targets/", views.plan_targets, name="plan-targets"),
    path("plans/<id:plan_id>/quarters/<id:quarter>/", views.quarter_report, name="quarter-report"),
    path("plans/<id:plan_id>/quarters/<id:quarter>/edit/", views.quarter_edit, name="quarter-edit"),
    path(
        "plans/<id:plan_id>/quarters/<id:quarter>/review/",
        views.quarter_review,
        name="quarter-review",
    ),
    path(
        "plans/<id:plan_id>/quarters/<id:quarter>/history/",
        views.quarter_history,
        name="quarter-history",
    ),
    path("plans/<id:plan_id>/quarters/<id:quarter>/pdf", views.quarter_pdf, name="quarter-pdf"),
    path(
        "plans/<id:plan_id>/quarters/<id:quarter>/en/",
        translation_views.quarter_report_en,
        name="quarter-report-en",
    ),
    path(
        "plans/<id:plan_id>/quarters/<id:quarter>/en/pdf",
        translation_views.quarter_pdf_en,
        name="quarter-pdf-en",
    ),
    path(
        "plans/<id:plan_id>/quarters/<id:quarter>/export.<str:extension>",
        views.quarter_export,
        name="quarter-export",
    ),
    path("plans/<id:plan_id>/half-year/", assessment_views.half_year, name="half-year"),
    path("plans/<id:plan_id>/half-year/pdf", assessment_views.half_year_pdf, name="half-year-pdf"),
    path("plans/<id:plan_id>/annual/", assessment_views.annual, name="annual"),
    path("plans/<id:plan_id>/annual/pdf", assessment_views.annual_pdf, name="annual-pdf"),
    path("verify/", views.verification_page, name="verify"),
    path("bulk-print/", bulk_views.bulk_print_request, name="bulk-print"),
    path("bulk-print/<uuid:job_id>/", bulk_views.bulk_print_status, name="bulk-print-status"),
    path(
        "bulk-print/<uuid:job_id>/download",
        bulk_views.bulk_print_download,
        name="bulk-print-download",
    ),
    path("people/", people_views.people_list, name="people"),
    path("people/add/", people_views.person_add, name="person-add"),
    path("people/<id:membership_id>/", people_views.person, name="person"),
    path("people/<id:membership_id>/role/", people_views.person_role, name="person-role"),
    path(
        "people/<id:membership_id>/transfer/", people_views.person_transfer, name="person-transfer"
    ),
    path(
        "people/<id:membership_id>/deactivate/",
        people_views.person_deactivate,
        name="person-deactivate",
    ),
    path("office/", people_views.choose_office, name="choose-office"),
    path("evidence/<id:evidence_id>/", views.evidence_download, name="evidence-download"),
    path("evidence/<id:evidence_id>/delete/", views.evidence_delete, name="evidence-delete"),
]
