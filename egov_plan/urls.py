from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from egov_plan import account_views
from egov_plan.health import healthz
from reports.forms import LoginForm

admin.site.site_header = _("ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা — প্রশাসন")
admin.site.site_title = _("কর্মপরিকল্পনা প্রশাসন")
admin.site.index_title = _("কর্মপরিকল্পনা ব্যবস্থাপনা")

# The database out of reach is a Bengali 503 with Retry-After; anything else Django's 500 page.
handler500 = "egov_plan.error_pages.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Django's language switch (POST language=bn|en, next=…): the login page has it too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/login/", auth_views.LoginView.as_view(
        authentication_form=LoginForm, redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Forgot password and invitations: Django's reset machinery (egov_plan/accounts.py).
    path("accounts/password/reset/", account_views.ForgotPasswordView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", account_views.ResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", account_views.NewPasswordView.as_view(),
         name="password_reset_confirm"),
    path("accounts/invitation/<uidb64>/<token>/", account_views.InvitationView.as_view(), name="invitation_confirm"),
    path("accounts/password/done/", account_views.ResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("reports.urls")),
]
