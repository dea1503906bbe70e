"""Single sign-on: through Chromium, against a real OpenID Connect provider started on loopback
(tests/oidc_provider.py: Authlib's authorization server, RS256 ID tokens, discovery and JWKS).

A good sign-in lands on the index signed in, and logging out ends the session; an ID token signed
with the wrong key, replayed from an earlier sign-in, expired, or made for another application is
refused with a Bengali message, and leaves no user and no session behind; a first sign-in creates
the user in the office and role the claims name when OIDC_CREATE_USERS allows it, and is refused
for an office the app does not know, or when it does not allow it.
"""

import io
import json
import subprocess
import sys

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from playwright.sync_api import expect

from egov_plan.accounts.models import Membership
from egov_plan.offices.tree import office_create
from tests.browser.test_browser_workflow import browser  # noqa: F401 (the fixture)
from tests.conftest import PASSWORD, make_user
from tests.processes import free_port, stop, wait_until

CLIENT_ID = "apa-egov"
CLIENT_SECRET = "a-client-secret-for-the-tests"
PROVIDER_PASSWORD = "provider-password"


class Provider:
    def __init__(self, url):
        self.url = url

    def post(self, path, data):
        response = requests.post(self.url + path, data=json.dumps(data), timeout=10)
        response.raise_for_status()

    def accounts(self, **people):
        """username=claims: who can sign in at the provider, and what it says about them."""
        self.post(
            "/test/users",
            {
                name: {
                    "password": PROVIDER_PASSWORD,
                    "claims": {"preferred_username": name, **claims},
                }
                for name, claims in people.items()
            },
        )

    def mode(self, mode):
        self.post("/test/mode", {"mode": mode})


@pytest.fixture(scope="module")
def provider(live_server):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(django_settings.BASE_DIR / "tests" / "oidc_provider.py"),
            str(port),
            CLIENT_ID,
            CLIENT_SECRET,
            f"{live_server.url}/accounts/sso/callback/",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            process,
            lambda: requests.get(f"{url}/.well-known/openid-configuration", timeout=2).ok,
            timeout=30,
            what="the OpenID Connect provider",
            exited=lambda: process.stdout.read(),
        )
        yield Provider(url)
    finally:
        stop(process)


@pytest.fixture
def sso(provider, settings):
    """The app configured for the provider, as the README says, from its discovery document."""
    found = requests.get(f"{provider.url}/.well-known/openid-configuration", timeout=5).json()
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.OIDC_OP_ISSUER = found["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
    settings.OIDC_CREATE_USERS = False
    provider.mode("good")
    return provider


@pytest.fixture
def upazila(db):
    ministry = office_create(name="জনপ্রশাসন মন্ত্রণালয়", tier="ministry", location="ঢাকা", code="MOPA")
    return office_create(
        name="উপজেলা নির্বাহী অফিসারের কার্যালয়",
        tier="upazila",
        location="কেন্দুয়া",
        code="UNO-KENDUA",
        parent=ministry,
    )


def sign_in_through_the_provider(browser, live_server, username):  # noqa: F811
    """A new browser at the login page, through the provider's sign-in page, and back."""
    page = browser.new_page(locale="bn-BD")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="সরকারি একক সাইন-ইন").click()
    page.wait_for_url(lambda url: "/authorize" in url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: url.startswith(live_server.url) and "/accounts/sso/" not in url)
    return page


def signed_in_sessions() -> list[str]:
    return [
        s.get_decoded().get("_auth_user_id")
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id")
    ]


def assert_refused(page, live_server, message):
    """On the login page with the message, signed in nowhere."""
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    expect(page.locator(".alert-danger")).to_contain_text(message)
    assert signed_in_sessions() == []
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_known_user_signs_in_and_lands_on_the_index(browser, live_server, sso, upazila):  # noqa: F811
    user = make_user("rahim", upazila, Membership.OFFICER, first_name="রহিম উদ্দিন")
    sso.accounts(rahim={"office_code": "UNO-KENDUA", "role": "officer"})
    page = sign_in_through_the_provider(browser, live_server, "rahim")
    assert page.url == f"{live_server.url}/"
    expect(page.locator("nav")).to_contain_text("রহিম উদ্দিন")
    assert signed_in_sessions() == [str(user.pk)]
    assert get_user_model().objects.count() == 1


def test_logging_out_ends_the_session(browser, live_server, sso, upazila):  # noqa: F811
    make_user("rahim", upazila, Membership.OFFICER)
    sso.accounts(rahim={})
    page = sign_in_through_the_provider(browser, live_server, "rahim")
    page.get_by_role("button", name="লগ আউট").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert signed_in_sessions() == []
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


@pytest.mark.parametrize(
    "mode, message",
    [
        ("wrong-key", "স্বাক্ষর মেলেনি"),
        ("expired", "মেয়াদ শেষ হয়ে গেছে"),
        ("wrong-audience", "এই ব্যবস্থার জন্য নয়"),
    ],
    ids=["wrong-key", "expired", "wrong-audience"],
)
def test_a_forged_expired_or_misdirected_id_token_is_refused(
    browser,
    live_server,
    sso,
    upazila,
    settings,  # noqa: F811
    mode,
    message,
):
    # The claims would create the user if the token were accepted.
    settings.OIDC_CREATE_USERS = True
    sso.accounts(karim={"office_code": "UNO-KENDUA", "role": "officer"})
    sso.mode(mode)
    page = sign_in_through_the_provider(browser, live_server, "karim")
    assert_refused(page, live_server, message)
    assert not get_user_model().objects.exists()


def test_an_id_token_replayed_from_an_earlier_sign_in_is_refused(
    browser,
    live_server,
    sso,
    upazila,  # noqa: F811
    settings,
):
    settings.OIDC_CREATE_USERS = True
    make_user("rahim", upazila, Membership.OFFICER)
    sso.accounts(rahim={}, karim={"office_code": "UNO-KENDUA", "role": "officer"})
    earlier = sign_in_through_the_provider(browser, live_server, "rahim")
    earlier.get_by_role("button", name="লগ আউট").click()
    earlier.wait_for_url(f"{live_server.url}/accounts/login/")
    # Karim's sign-in gets rahim's earlier ID token (valid signature, not yet expired, its old nonce).
    sso.mode("replay")
    page = sign_in_through_the_provider(browser, live_server, "karim")
    assert_refused(page, live_server, "এই সাইন-ইনের নয়")
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["rahim"]


def test_the_providers_answer_works_once(browser, live_server, sso, upazila):  # noqa: F811
    make_user("rahim", upazila, Membership.OFFICER)
    sso.accounts(rahim={})
    callbacks = []
    page = browser.new_page(locale="bn-BD")
    page.on(
        "request",
        lambda request: (
            callbacks.append(request.url) if "/accounts/sso/callback/" in request.url else None
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="সরকারি একক সাইন-ইন").click()
    page.get_by_label("Username").fill("rahim")
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(callbacks[0])  # the same code and state again
    assert_refused(page, live_server, "আবার সাইন-ইন করুন")


def test_a_first_sign_in_creates_the_user_in_the_office_and_role_of_the_claims(
    browser,
    live_server,
    sso,  # noqa: F811
    upazila,
    settings,
):
    settings.OIDC_CREATE_USERS = True
    sso.accounts(
        karim={
            "office_code": "UNO-KENDUA",
            "role": "reviewer",
            "name": "করিম হোসেন",
            "email": "karim@kendua.example.gov.bd",
        }
    )
    page = sign_in_through_the_provider(browser, live_server, "karim")
    assert page.url.startswith(f"{live_server.url}/")
    expect(page.locator("nav")).to_contain_text("করিম হোসেন")
    user = get_user_model().objects.get(username="karim")
    assert [(m.office, m.role) for m in Membership.objects.current().filter(user=user)] == [
        (upazila, Membership.REVIEWER)
    ]
    assert (user.first_name, user.email) == ("করিম হোসেন", "karim@kendua.example.gov.bd")
    assert not user.has_usable_password()
    assert signed_in_sessions() == [str(user.pk)]


@pytest.mark.parametrize(
    "claims, message",
    [
        (
            {"office_code": "NO-SUCH-OFFICE", "role": "officer"},
            "দপ্তরের কোড “NO-SUCH-OFFICE” এই ব্যবস্থার দপ্তরের তালিকায় নেই",
        ),
        ({"office_code": "UNO-KENDUA", "role": "minister"}, "ভূমিকা “minister” অজানা"),
    ],
    ids=["unknown-office", "unknown-role"],
)
def test_a_first_sign_in_naming_an_unknown_office_or_role_is_refused(
    browser,
    live_server,
    sso,
    upazila,  # noqa: F811
    settings,
    claims,
    message,
):
    settings.OIDC_CREATE_USERS = True
    sso.accounts(karim=claims)
    page = sign_in_through_the_provider(browser, live_server, "karim")
    assert_refused(page, live_server, message)
    assert not get_user_model().objects.exists()


def test_without_oidc_create_users_an_unknown_user_is_refused(browser, live_server, sso, upazila):  # noqa: F811
    sso.accounts(karim={"office_code": "UNO-KENDUA", "role": "officer"})
    page = sign_in_through_the_provider(browser, live_server, "karim")
    assert_refused(page, live_server, "“karim” নামে এই ব্যবস্থায় কোনো অ্যাকাউন্ট নেই")
    assert not get_user_model().objects.exists()


def test_an_admins_account_is_not_signed_in_through_the_provider_unless_allowed(
    browser,
    live_server,
    sso,  # noqa: F811
    upazila,
    settings,
):
    chief = make_user("chief", is_staff=True, is_superuser=True)
    sso.accounts(chief={"office_code": "UNO-KENDUA", "role": "officer"})
    page = sign_in_through_the_provider(browser, live_server, "chief")
    assert_refused(page, live_server, "প্রশাসকের অ্যাকাউন্টে একক সাইন-ইন চলে না")
    settings.OIDC_ADMINS = True
    page = sign_in_through_the_provider(browser, live_server, "chief")
    assert page.url == f"{live_server.url}/" and signed_in_sessions() == [str(chief.pk)]


def test_a_password_lockout_does_not_stop_the_single_sign_on(browser, live_server, sso, upazila):  # noqa: F811
    make_user("rahim", upazila, Membership.OFFICER)
    sso.accounts(rahim={})
    guesser = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        guesser.post("/accounts/login/", {"username": "rahim", "password": "wrong"})
    assert (
        guesser.post("/accounts/login/", {"username": "rahim", "password": PASSWORD}).status_code
        == 429
    )
    page = sign_in_through_the_provider(browser, live_server, "rahim")
    assert page.url == f"{live_server.url}/"


def test_oidc_discover_prints_the_settings_for_the_provider(provider):
    out = io.StringIO()
    call_command("oidc_discover", provider.url, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:5] == [
        f"OIDC_ISSUER={provider.url}",
        f"OIDC_AUTHORIZATION_URL={provider.url}/authorize",
        f"OIDC_TOKEN_URL={provider.url}/token",
        f"OIDC_USERINFO_URL={provider.url}/userinfo",
        f"OIDC_JWKS_URL={provider.url}/jwks",
    ]
    assert lines[5].endswith(f"{django_settings.SITE_URL}/accounts/sso/callback/")
    with pytest.raises(CommandError, match="names the issuer"):
        call_command("oidc_discover", provider.url + "/", stdout=io.StringIO())
