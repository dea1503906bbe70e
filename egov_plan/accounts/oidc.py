"""Single sign-on through the government's OpenID Connect provider, beside passwords
(mozilla-django-oidc; README, "Single sign-on"). Off unless OIDC_CLIENT_ID and the provider's
addresses are set (egov_plan/settings.py refuses half a configuration, and plain-http addresses in
production).

The authorisation code flow with a nonce and PKCE (S256): /accounts/sso/start/ stores state, nonce
and code verifier in the session and sends the browser to the provider; /accounts/sso/callback/
takes the code back, exchanges it (client id and secret) for tokens and checks the ID token more
strictly than the library does: the signature with the provider's published key of the token's
kid (JWKS) and the configured algorithm only, the issuer, our client id among the audiences, the
expiry and issue time, and the nonce of this very login. Who signs in is named by a claim
(OIDC_USERNAME_CLAIM) and matched by username; someone the app does not know yet is created only
when OIDC_CREATE_USERS allows it, in the office and role of two more claims, as the user import
creates people (egov_plan/accounts/user_import.py). Every refusal is a Bengali message on the login page,
and leaves no user and no session behind.

django-axes counts failed passwords; a sign-in vouched for by the provider is no password guess,
so the callback does not go through `authenticate()` and its lockout (a user locked out after
wrong passwords may still sign in through the provider). The session names the app's
MembershipBackend, as a password login does, so every later request loads the user the same way.
"""

import logging
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from egov_plan.accounts import user_import
from egov_plan.offices.models import Office

logger = logging.getLogger(__name__)

SESSION_BACKEND = "egov_plan.accounts.permissions.MembershipBackend"
CLOCK_SKEW_SECONDS = 60
MAX_SHOWN = 60  # characters of a claim quoted in a message

SIGNATURE = _("সাইন-ইন সেবার পাঠানো পরিচয়পত্রের স্বাক্ষর মেলেনি; সাইন-ইন গ্রহণ করা হয়নি।")
EXPIRED = _("সাইন-ইন সেবার পাঠানো পরিচয়পত্রের মেয়াদ শেষ হয়ে গেছে; আবার সাইন-ইন করুন।")
AUDIENCE = _("সাইন-ইন সেবার পাঠানো পরিচয়পত্রটি এই ব্যবস্থার জন্য নয়; সাইন-ইন গ্রহণ করা হয়নি।")
ISSUER = _("পরিচয়পত্রটি নির্ধারিত সাইন-ইন সেবা থেকে আসেনি; সাইন-ইন গ্রহণ করা হয়নি।")
NONCE = _("সাইন-ইন সেবার উত্তরটি এই সাইন-ইনের নয় (পুরোনো বা আবার পাঠানো); সাইন-ইন গ্রহণ করা হয়নি।")
INVALID = _("সাইন-ইন সেবার উত্তর যাচাই করা যায়নি; সাইন-ইন গ্রহণ করা হয়নি।")
UNREACHABLE = _("সাইন-ইন সেবার সঙ্গে যোগাযোগ করা যায়নি; একটু পরে আবার চেষ্টা করুন।")
CANCELLED = _("সাইন-ইন সম্পন্ন হয়নি: সাইন-ইন সেবা অনুমতি দেয়নি।")
STALE = _("এই সাইন-ইন আর চলে না (আগেই ব্যবহৃত বা অন্য কোথাও শুরু হয়েছিল); আবার সাইন-ইন করুন।")
NO_USERNAME = _("সাইন-ইন সেবা ব্যবহারকারীর নাম পাঠায়নি; প্রশাসকের সঙ্গে যোগাযোগ করুন।")
BAD_USERNAME = _(
    "সাইন-ইন সেবার পাঠানো ব্যবহারকারীর নাম “{username}” এই ব্যবস্থায় চলে না; প্রশাসকের সঙ্গে যোগাযোগ করুন।"
)
UNKNOWN_USER = _("“{username}” নামে এই ব্যবস্থায় কোনো অ্যাকাউন্ট নেই; আপনার দপ্তরের প্রশাসকের সঙ্গে যোগাযোগ করুন।")
INACTIVE = _("এই অ্যাকাউন্টটি নিষ্ক্রিয়।")
ADMIN_REFUSED = _("প্রশাসকের অ্যাকাউন্টে একক সাইন-ইন চলে না; ব্যবহারকারীর নাম ও পাসওয়ার্ড দিয়ে প্রবেশ করুন।")
NO_OFFICE = _("সাইন-ইন সেবা আপনার দপ্তরের কোড পাঠায়নি; অ্যাকাউন্ট তৈরি হয়নি। প্রশাসকের সঙ্গে যোগাযোগ করুন।")
UNKNOWN_OFFICE = _(
    "সাইন-ইন সেবার পাঠানো দপ্তরের কোড “{code}” এই ব্যবস্থার দপ্তরের তালিকায় নেই; অ্যাকাউন্ট তৈরি হয়নি। প্রশাসকের সঙ্গে যোগাযোগ করুন।"
)
UNKNOWN_ROLE = _(
    "সাইন-ইন সেবার পাঠানো ভূমিকা “{role}” অজানা (হতে পারে: {join}); অ্যাকাউন্ট তৈরি হয়নি। প্রশাসকের সঙ্গে যোগাযোগ করুন।"
)


class Refused(Exception):
    """A sign-in the app does not accept: `message` for the user (Bengali), `reason` for the log."""

    def __init__(self, message: str, reason: str):
        super().__init__(reason)
        self.message = message


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


def provider_origin() -> str:
    """scheme://host[:port] of the provider's sign-in page (the login page's CSP form-action)."""
    parts = urlsplit(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    return f"{parts.scheme}://{parts.netloc}"


def _claim(claims: dict, name: str) -> str:
    """A claim as text: a string, or a list holding one; anything else is no value."""
    value = claims.get(name)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


def _requests_options() -> dict:
    return {
        "verify": settings.OIDC_VERIFY_SSL,
        "timeout": settings.OIDC_TIMEOUT,
        "proxies": settings.OIDC_PROXY,
    }


class Backend(OIDCAuthenticationBackend):
    """The library's token exchange, with the ID token checked in full and users found by username."""

    def get_token(self, payload):
        token = super().get_token(payload)
        if not isinstance(token, dict):
            raise Refused(INVALID, "the token endpoint's answer is no JSON object")
        return token

    def signing_key(self, header: dict):
        """The provider's published key (JWKS) that the token's header names."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, **_requests_options())
        response.raise_for_status()
        published = response.json()
        keys = published.get("keys", []) if isinstance(published, dict) else []
        keys = [
            k
            for k in keys
            if isinstance(k, dict)
            and k.get("use", "sig") == "sig"
            and k.get("alg", header["alg"]) == header["alg"]
        ]
        kid = header.get("kid")
        matching = [k for k in keys if k.get("kid") == kid] if kid is not None else keys
        if len(matching) != 1:
            raise Refused(SIGNATURE, f"no single published key for kid {kid!r}")
        try:
            return jwt.PyJWK(matching[0], algorithm=header["alg"])
        except (jwt.PyJWTError, KeyError, TypeError, ValueError) as error:
            raise Refused(SIGNATURE, f"the published key is unusable: {error!r}") from error

    def verify_token(self, token, **kwargs):
        """The ID token's claims, once everything in it is right; Refused otherwise."""
        nonce = kwargs.get("nonce")
        try:
            header = jwt.get_unverified_header(token)
        except (jwt.PyJWTError, TypeError, ValueError) as error:
            raise Refused(INVALID, f"no readable ID token: {error}") from error
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise Refused(
                SIGNATURE, f"signed with {header.get('alg')!r}, not {self.OIDC_RP_SIGN_ALGO}"
            )
        key = self.signing_key(header)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Refused(EXPIRED, str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise Refused(AUDIENCE, str(error)) from error
        except jwt.InvalidIssuerError as error:
            raise Refused(ISSUER, str(error)) from error
        except jwt.InvalidSignatureError as error:
            raise Refused(SIGNATURE, str(error)) from error
        except jwt.PyJWTError as error:
            raise Refused(INVALID, str(error)) from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise Refused(AUDIENCE, f"several audiences and azp {claims.get('azp')!r}")
        token_nonce = claims.get("nonce")
        if not (
            nonce and isinstance(token_nonce, str) and constant_time_compare(token_nonce, nonce)
        ):
            raise Refused(NONCE, "the ID token's nonce is not this login's")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, and what the userinfo endpoint (if any) adds for the same subject."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        response = requests.get(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            **_requests_options(),
        )
        response.raise_for_status()
        info = response.json()
        if not isinstance(info, dict) or info.get("sub") != payload["sub"]:
            raise Refused(INVALID, "the userinfo answer is not about the ID token's subject")
        return {**info, **payload}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        username = _claim(claims, settings.OIDC_USERNAME_CLAIM)
        if not username:
            raise Refused(NO_USERNAME, f"no {settings.OIDC_USERNAME_CLAIM} claim")
        user = self.UserModel.objects.filter(username=username).first()
        if user is None:
            if not settings.OIDC_CREATE_USERS:
                raise Refused(
                    str(UNKNOWN_USER).format(username=username[:MAX_SHOWN]), f"no user {username!r}"
                )
            user = self.create_user_from(claims, username)
        if not user.is_active:
            raise Refused(INACTIVE, f"{username!r} is inactive")
        if (user.is_staff or user.is_superuser) and not settings.OIDC_ADMINS:
            # Matched by a username claim, which a provider does not promise to keep unique: an
            # admin's account is not handed to whoever the provider names so (OIDC_ADMINS opens it).
            raise Refused(ADMIN_REFUSED, f"{username!r} is an admin")
        return user

    def create_user_from(self, claims: dict, username: str):
        """A first login: the user, in the office and role the claims name, or Refused."""
        try:
            if len(username) > user_import.MAX_NAME:
                raise ValidationError("too long")
            UnicodeUsernameValidator()(username)
        except ValidationError as error:
            raise Refused(
                str(BAD_USERNAME).format(username=username[:MAX_SHOWN]), f"username {username!r}"
            ) from error
        code = _claim(claims, settings.OIDC_OFFICE_CLAIM)
        if not code:
            raise Refused(NO_OFFICE, f"no {settings.OIDC_OFFICE_CLAIM} claim")
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise Refused(
                str(UNKNOWN_OFFICE).format(code=code[:MAX_SHOWN]), f"unknown office {code!r}"
            )
        role = _claim(claims, settings.OIDC_ROLE_CLAIM).lower()
        if role not in user_import.ROLES:
            raise Refused(
                str(UNKNOWN_ROLE).format(role=role[:MAX_SHOWN], join=", ".join(user_import.ROLES)),
                f"unknown role {role!r}",
            )
        email = _claim(claims, "email")
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        row = user_import.UserRow(
            line=0,
            username=username,
            full_name=_claim(claims, "name")[: user_import.MAX_NAME],
            email=email[: user_import.MAX_EMAIL],
            mobile="",
            office_code=code,
            role=role,
            designation="",
        )
        try:
            with transaction.atomic():
                user = user_import.create_user(row, office)
        except IntegrityError:  # the same person signed in from another tab a moment before
            user = self.UserModel.objects.get(username=username)
        logger.warning("single sign-on created user %r in office %s as %s", username, code, role)
        return user


class StartView(OIDCAuthenticationRequestView):
    """The login page's single sign-on button: off to the provider."""

    def get(self, request):
        if not enabled():
            raise Http404
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back (the redirect URL registered with it)."""

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            user = self.signed_in_user(request)
        except Refused as refusal:
            logger.warning("single sign-on refused: %s", refusal)
            return self.refuse(request, refusal.message)
        except requests.RequestException as error:
            logger.warning("single sign-on: the provider's answer was an error or none: %s", error)
            return self.refuse(request, UNREACHABLE)
        auth.login(request, user, backend=SESSION_BACKEND)
        return HttpResponseRedirect(self.success_url)

    def signed_in_user(self, request):
        if request.GET.get("error"):
            raise Refused(CANCELLED, f"the provider answered {request.GET['error'][:80]!r}")
        state, code = request.GET.get("state"), request.GET.get("code")
        states = request.session.get("oidc_states")
        if not (state and code and isinstance(states, dict) and state in states):
            raise Refused(STALE, "no login in this session has that state")
        # Spent at once, whatever follows: the same answer cannot be used twice.
        started = states.pop(state)
        request.session["oidc_states"] = states
        request.session.save()
        user = Backend().authenticate(
            request, nonce=started.get("nonce"), code_verifier=started.get("code_verifier")
        )
        if user is None:
            raise Refused(INVALID, "the provider's answer held no ID token")
        return user

    @staticmethod
    def refuse(request, message):
        """Back to the login page with the message, and no session left (signed in or not)."""
        if request.user.is_authenticated:
            auth.logout(request)
        else:
            request.session.flush()
        messages.error(request, str(message))
        return HttpResponseRedirect(reverse("login"))
