"""Getting in without a password ever being sent: invitations for imported users and "forgot password",
both through Django's password-reset machinery (a signed, expiring token in a link; the user sets the
password on the app's own page). No password is mailed, printed or kept in clear anywhere.

- An invitation's link (INVITATION_DAYS) outlives a reset's (PASSWORD_RESET_TIMEOUT): its own token
  generator, with its own salt, so a reset token is no invitation and the other way round.
- A token carries the password hash and the last login: once the password is set, the link is spent.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm, _unicode_ci_compare
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_plan import i18n
from egov_plan.accounts.models import Membership


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token, valid for INVITATION_DAYS instead of PASSWORD_RESET_TIMEOUT."""

    key_salt = "egov_plan.accounts.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= settings.INVITATION_DAYS * 24 * 3600


invitation_token_generator = InvitationTokenGenerator()


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse(
        "invitation_confirm",
        kwargs={"uidb64": uid, "token": invitation_token_generator.make_token(user)},
    )


def send_invitations(*, user_ids: list[int], batch: int = 200) -> int:
    """E-mail each of these users (those with an address) a link to set their password; how many were
    sent. One SMTP connection; the users read a batch at a time."""
    user_model = get_user_model()
    sent = 0
    context_base = {
        "days": i18n.number(settings.INVITATION_DAYS),
        "login": settings.SITE_URL + reverse("login"),
    }
    with get_connection() as connection:
        for start in range(0, len(user_ids), batch):
            messages = []
            current = Prefetch(
                "memberships",
                Membership.objects.current().select_related("office"),
                to_attr="current",
            )
            for user in user_model.objects.filter(
                pk__in=user_ids[start : start + batch]
            ).prefetch_related(current):
                if not user.email:
                    continue
                office = user.current[0].office if user.current else None
                context = {
                    **context_base,
                    "name": user.get_full_name() or user.username,
                    "username": user.username,
                    "office": office.display_name if office else "",
                    "link": invitation_link(user),
                }
                message = EmailMultiAlternatives(
                    subject=gettext("ই-গভর্ন্যান্স কর্মপরিকল্পনায় আপনার অ্যাকাউন্ট: পাসওয়ার্ড ঠিক করুন"),
                    body=render_to_string("emails/invitation.txt", context),
                    to=[user.email],
                )
                message.attach_alternative(
                    render_to_string("emails/invitation.html", context), "text/html"
                )
                messages.append(message)
            sent += connection.send_messages(messages) or 0
    return sent


class ForgotPasswordForm(PasswordResetForm):
    """Django's reset form in Bengali. Users who never set a password (invited, the link lost) may use
    it too; who gets an e-mail is never shown (the page after it reads the same either way)."""

    email = forms.EmailField(
        label=_("ই-মেইল ঠিকানা"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("এই ঘরটি পূরণ করুন।"),
            "invalid": _("একটি সঠিক ই-মেইল ঠিকানা লিখুন।"),
            "max_length": _("ই-মেইল ঠিকানাটি অনেক বড়।"),
        },
    )

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        users = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (u for u in users if _unicode_ci_compare(email, getattr(u, email_field)))


# The password validators' messages, which Django's Bengali catalogue leaves in English.
VALIDATOR_MESSAGES = {
    "password_too_short": _("পাসওয়ার্ডটি খুব ছোট; অন্তত {min_length} অক্ষর হতে হবে।"),
    "password_too_common": _("পাসওয়ার্ডটি খুব সাধারণ; অন্য একটি বেছে নিন।"),
    "password_entirely_numeric": _("পাসওয়ার্ডে শুধু অঙ্ক থাকতে পারে না।"),
    "password_too_similar": _("পাসওয়ার্ডটি আপনার নাম বা ই-মেইলের খুব কাছাকাছি।"),
}


class NewPasswordForm(SetPasswordForm):
    """Setting one's password from an invitation or a reset link, in Bengali."""

    error_messages = {"password_mismatch": _("দুটি পাসওয়ার্ড মেলেনি।")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minimum = i18n.number(_min_length())
        self.fields["new_password1"].label = gettext("নতুন পাসওয়ার্ড")
        self.fields["new_password1"].help_text = gettext(
            "অন্তত {min_length} অক্ষর; শুধু অঙ্ক নয়, খুব সাধারণ নয়, আপনার নামের কাছাকাছি নয়।"
        ).format(min_length=minimum)
        self.fields["new_password2"].label = gettext("নতুন পাসওয়ার্ড আবার")
        self.fields["new_password2"].help_text = gettext("যাচাইয়ের জন্য একই পাসওয়ার্ড আবার লিখুন।")
        for field in self.fields.values():
            field.error_messages["required"] = gettext("এই ঘরটি পূরণ করুন।")

    def validate_password_for_user(self, user, password_field_name="password2"):
        password = self.cleaned_data.get(password_field_name)
        if not password:
            return
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            messages = []
            for item in error.error_list:
                bengali = VALIDATOR_MESSAGES.get(item.code)
                messages.append(
                    str(bengali).format(min_length=i18n.number(_min_length()))
                    if bengali
                    else gettext("পাসওয়ার্ডটি গ্রহণযোগ্য নয়।")
                )
            self.add_error(password_field_name, messages)


def _min_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 8
