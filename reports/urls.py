from django.urls import path

from reports import bulk_views, dashboard_views, views

urlpatterns = [
    path("", views.index, name="index"),
    path("inbox/", views.inbox, name="inbox"),
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/export.xlsx", dashboard_views.dashboard_export, name="dashboard-export"),
    path("plans/<int:plan_id>/targets/", views.plan_targets, name="plan-targets"),
    path("plans/<int:plan_id>/quarters/<int:quarter>/", views.quarter_report, name="quarter-report"),
    path("plans/<int:plan_id>/quarters/<int:quarter>/edit/", views.quarter_edit, name="quarter-edit"),
    path("plans/<int:plan_id>/quarters/<int:quarter>/review/", views.quarter_review,
         name="quarter-review"),
    path("plans/<int:plan_id>/quarters/<int:quarter>/history/", views.quarter_history,
         name="quarter-history"),
    path("plans/<int:plan_id>/quarters/<int:quarter>/pdf", views.quarter_pdf, name="quarter-pdf"),
    path("plans/<int:plan_id>/quarters/<int:quarter>/export.<str:extension>", views.quarter_export,
         name="quarter-export"),
    path("verify/", views.verify, name="verify"),
    path("bulk-print/", bulk_views.bulk_print_request, name="bulk-print"),
    path("bulk-print/<uuid:job_id>/", bulk_views.bulk_print_status, name="bulk-print-status"),
    path("bulk-print/<uuid:job_id>/download", bulk_views.bulk_print_download, name="bulk-print-download"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence-download"),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence-delete"),
]
