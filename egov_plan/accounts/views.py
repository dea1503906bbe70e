"""Forgot password, reset and invitation pages: Django's views with the app's Bengali forms and
templates. Asking for a reset is rate limited like the login, counted in the database
(egov_plan/rate_limit.py) per address and per e-mail address, so every worker shares the count."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from egov_plan import i18n, rate_limit
from egov_plan.accounts import oidc
from egov_plan.accounts.forms import LoginForm
from egov_plan.accounts.invitations import (
    ForgotPasswordForm,
    NewPasswordForm,
    invitation_token_generator,
)


class LoginView(auth_views.LoginView):
    """The Bengali login; with single sign-on configured, its button too (egov_plan/accounts/oidc.py)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "single_sign_on": oidc.enabled()}

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["single_sign_on"]:
            # The button's form goes to /accounts/sso/start/, which redirects to the provider: the
            # page's form-action must allow where that redirect leads.
            response._csp_update = {"form-action": [oidc.provider_origin()]}
        return response


def _reset_allowed(request) -> bool:
    limit, window = settings.PASSWORD_RESET_RATE_LIMIT, settings.PASSWORD_RESET_RATE_WINDOW
    by_address = rate_limit.hit(
        f"reset:{get_client_ip_address(request)}", limit=limit, window=window
    )
    # NUL cannot be stored in PostgreSQL text (the form refuses such an address anyway).
    email = str(request.POST.get("email", "")).replace("\x00", "")[:254].strip().lower()
    # The mailbox's own count: nobody floods one person's inbox from many addresses.
    by_email = rate_limit.hit(f"reset-mail:{email}", limit=limit, window=window) if email else True
    return by_address and by_email


class ForgotPasswordView(auth_views.PasswordResetView):
    form_class = ForgotPasswordForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if not _reset_allowed(request):
            minutes = max(settings.PASSWORD_RESET_RATE_WINDOW // 60, 1)
            return render(
                request,
                "registration/password_reset_limited.html",
                {"minutes": minutes},
                status=429,
            )
        # The link in the e-mail is built on SITE_URL, not on the Host the request names.
        self.extra_email_context = {
            "site_url": settings.SITE_URL,
            "hours": i18n.number(settings.PASSWORD_RESET_TIMEOUT // 3600),
        }
        return super().post(request, *args, **kwargs)


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class NewPasswordView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class InvitationView(NewPasswordView):
    token_generator = invitation_token_generator
    extra_context = {"invitation": True}


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
