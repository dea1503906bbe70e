from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from egov_plan.accounts import oidc, second_factor_views, token_views
from egov_plan.accounts import views as account_views
from egov_plan.health import healthz

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
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    # Single sign-on (OpenID Connect, egov_plan/accounts/oidc.py): 404 unless configured.
    path(
        "accounts/sso/start/",
        login_not_required(oidc.StartView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "accounts/sso/callback/",
        login_not_required(oidc.CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Forgot password and invitations: Django's reset machinery (egov_plan/accounts/invitations.py).
    path(
        "accounts/password/reset/",
        account_views.ForgotPasswordView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        account_views.ResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.NewPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        account_views.InvitationView.as_view(),
        name="invitation_confirm",
    ),
    path("accounts/tokens/", token_views.tokens, name="api-tokens"),
    path(
        "accounts/password/done/",
        account_views.ResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The second factor of reviewers and admins (egov_plan/accounts/second_factor.py).
    path("accounts/second-factor/", second_factor_views.second_factor_page, name="second-factor"),
    path("accounts/second-factor/setup/", second_factor_views.setup, name="second-factor-setup"),
    # The JSON API (reports/api/): token-authenticated, problem+json errors, its docs at /api/v1/docs.
    path("api/v1/", include("reports.api.urls", namespace="api-v1")),
    path("", include("reports.urls")),
]
