from django.urls import path

from reports import views

urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:plan_id>/quarters/<int:quarter>/", views.quarter_report, name="quarter-report"),
]
