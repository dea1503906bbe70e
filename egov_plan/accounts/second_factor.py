"""A second factor for those who approve: TOTP (django-otp's TOTP device, any authenticator app) with
ten one-time recovery codes (django-otp's static device).

- Who: reviewers and admins (staff), when REQUIRE_SECOND_FACTOR is on (egov_plan/accounts/permissions.py).
- When: approving, returning, reopening (quarters, the year's documents, evaluations, targets) and
  every admin page ask for a verified second factor; once verified it lasts for the session
  (django-otp keeps the device in the session, OTPMiddleware reads it back). An officer's entry and
  submit never ask.
- Enrolment on first need: an unconfirmed TOTP device (the same one until confirmed, so that a
  reload shows the secret the app already scanned), confirmed by a first code; only then are the
  recovery codes made and shown, once. A user with a confirmed device cannot enrol another: an admin
  removes the lost one (the users' admin action, or `manage.py reset_second_factor`).
- Recovery codes are stored hashed: the static device's token column holds a digest of the code,
  never the code (django-otp compares the column with what it is given, so we give it the digest).
- Every attempt (enrolment or verification) is counted per user in the database
  (egov_plan/rate_limit.py) on top of django-otp's own growing delay after each wrong code.
"""

import base64
import hashlib
import re
import secrets
from urllib.parse import urlencode

import django_otp
from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov_plan import i18n, rate_limit
from egov_plan.accounts import permissions
from egov_plan.core import bangla

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_CODE_LENGTH = 16  # about 78 bits: shown as four groups of four
TOTP_DIGITS = 6
DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


def is_verified(user) -> bool:
    """Whether this request's user has passed their second factor in this session (OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def pending(request) -> bool:
    """The user must pass a second factor before acting, and has not yet in this session."""
    return permissions.must_use_second_factor(request.user) and not is_verified(request.user)


def ask(request, back: str):
    """The redirect to the second factor (and back to `back`, a page of this site) when it is pending;
    None when the user may go on. Called before anything is changed."""
    if not pending(request):
        return None
    return redirect(page_url("second-factor", back))


def page_url(name: str, back: str) -> str:
    """The address of a second-factor page that goes back to `back` when done."""
    return f"{reverse(name)}?{urlencode({'next': back})}"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made on first need and kept until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=False, digits=TOTP_DIGITS
    )


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it by hand: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG data: URI (the CSP allows data: images)."""
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def normalise(typed: str) -> str:
    """What the user typed, as compared: Latin digits, no spaces or dashes, lower case."""
    return re.sub(r"[\s\-]+", "", bangla.to_latin_digits(str(typed))).lower()


def recovery_digest(code: str) -> str:
    """What is stored for a recovery code: 96 bits of its SHA-256, in the 16 characters the static
    token's column holds. The code has ~78 random bits, so the digest cannot be turned back into it."""
    digest = hashlib.sha256(f"egov_plan.recovery:{normalise(code)}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def new_recovery_codes(user) -> list[str]:
    """Ten fresh one-time codes for `user` (any earlier ones stop working); only their digests are kept."""
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=recovery_digest(code)) for code in codes
        )
    return ["-".join(code[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)) for code in codes]


def reset(user) -> int:
    """Remove the user's authenticator and recovery codes (a lost phone): they enrol again on next need,
    a session verified with the removed device is no longer verified, and their API tokens are
    revoked. How many devices went."""
    from egov_plan.accounts.api_tokens import api_tokens_revoke_all

    with transaction.atomic():
        api_tokens_revoke_all(user=user)  # made with the removed device: they go with it
        return sum(
            model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
            for model in (TOTPDevice, StaticDevice)
        )


class CodeRefused(Exception):
    """A code that did not pass; its Bengali message goes next to the field, the page answers `status`."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _attempt_allowed(user) -> None:
    if not rate_limit.hit(
        f"second-factor:{user.pk}",
        limit=settings.SECOND_FACTOR_RATE_LIMIT,
        window=settings.SECOND_FACTOR_RATE_WINDOW,
    ):
        raise CodeRefused(
            gettext("অল্প সময়ে অনেকবার কোড দেওয়া হয়েছে; প্রায় {minutes} মিনিট পরে আবার চেষ্টা করুন।").format(
                minutes=i18n.number(max(settings.SECOND_FACTOR_RATE_WINDOW // 60, 1))
            ),
            status=429,
        )


def _check(user, device, token: str) -> bool:
    """django-otp's check under a row lock (a code is used once even by two requests at the same time)."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise CodeRefused(
            gettext("কয়েকবার ভুল কোড দেওয়া হয়েছে; কয়েক সেকেন্ড অপেক্ষা করে আবার চেষ্টা করুন।"), status=429
        )
    return django_otp.verify_token(user, device.persistent_id, token) is not None


def _wrong_code() -> CodeRefused:
    return CodeRefused(
        gettext("কোডটি সঠিক নয়। অ্যাপে এখন যে ৬ অঙ্কের কোড দেখাচ্ছে সেটি লিখুন, অথবা একটি পুনরুদ্ধার কোড।")
    )


def accept_code(user, typed: str):
    """The device that accepts what the user typed (the authenticator's code, or a recovery code, which
    is spent); raises CodeRefused otherwise."""
    _attempt_allowed(user)
    code = normalise(typed)
    if re.fullmatch(rf"[0-9]{{{TOTP_DIGITS}}}", code):
        device = confirmed_device(user)
        if device is not None and _check(user, device, code):
            return device
    elif len(code) == RECOVERY_CODE_LENGTH:
        for device in StaticDevice.objects.filter(user=user, confirmed=True):
            if _check(user, device, recovery_digest(code)):
                return device
    raise _wrong_code()


def confirm_enrolment(user, device: TOTPDevice, typed: str) -> list[str]:
    """Confirm the new device with its first code: it becomes the user's authenticator and the
    recovery codes are made (returned in clear this once). Raises CodeRefused."""
    _attempt_allowed(user)
    code = normalise(typed)
    if not re.fullmatch(rf"[0-9]{{{TOTP_DIGITS}}}", code) or not _check(user, device, code):
        raise CodeRefused(
            gettext(
                "কোডটি সঠিক নয়। কিউআর কোডটি অ্যাপে যোগ করে অ্যাপে এখন যে ৬ অঙ্কের কোড দেখাচ্ছে সেটি লিখুন।"
            )
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = new_recovery_codes(user)
    device.confirmed = True
    return codes


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("কোড"),
        max_length=40,
        strip=True,
        error_messages={"required": _("কোডটি লিখুন।"), "max_length": _("কোডটি সঠিক নয়।")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class AdminSecondFactorMiddleware:
    """Every admin page asks a staff user for the second factor first (after OTPMiddleware). Other paths
    pay one string comparison; the admin's logout stays open."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = None  # (the admin's prefix, its logout), once the URLs are loaded

    def __call__(self, request):
        if self.paths is None:
            self.paths = reverse("admin:index"), reverse("admin:logout")
        admin, logout = self.paths
        if (
            request.path.startswith(admin)
            and request.path != logout
            and request.user.is_staff
            and pending(request)
        ):
            return ask(request, request.get_full_path() if request.method == "GET" else admin)
        return self.get_response(request)
