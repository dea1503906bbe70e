from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from egov_plan.health import healthz
from reports.forms import LoginForm

admin.site.site_header = "ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা — প্রশাসন"
admin.site.site_title = "কর্মপরিকল্পনা প্রশাসন"
admin.site.index_title = "কর্মপরিকল্পনা ব্যবস্থাপনা"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(
        authentication_form=LoginForm, redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("reports.urls")),
]
