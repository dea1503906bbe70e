"""Single sign-on's safe defaults: off (no button, no endpoints) unless configured; half a
configuration, or plain-http provider addresses in production, stop the app from starting; a
provider that does not answer is a Bengali message on the login page, not an error page."""

import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from tests.processes import free_port

pytestmark = pytest.mark.django_db

BUTTON = "সরকারি একক সাইন-ইন"


def test_unset_it_is_off(client):
    page = client.get("/accounts/login/")
    assert BUTTON not in page.content.decode()
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404


@pytest.fixture
def configured(settings):
    """Configured for a provider that is not there: nothing listens on the port."""
    base = f"http://127.0.0.1:{free_port()}"
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "apa-egov", "secret"
    settings.OIDC_OP_ISSUER = base
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"
    settings.OIDC_TIMEOUT = 2
    return base


def test_configured_the_login_page_has_the_button_and_lets_its_form_go_to_the_provider(
    client, configured
):
    page = client.get("/accounts/login/?next=/inbox/")
    assert BUTTON in page.content.decode()
    assert f"form-action 'self' {configured}" in page["Content-Security-Policy"]
    start = client.get("/accounts/sso/start/?next=/inbox/")
    assert start.status_code == 302 and start["Location"].startswith(f"{configured}/authorize?")
    asked = parse_qs(urlsplit(start["Location"]).query)
    assert asked["redirect_uri"] == ["http://testserver/accounts/sso/callback/"]
    assert asked["code_challenge_method"] == ["S256"] and asked["nonce"] and asked["state"]


def test_a_provider_that_does_not_answer_is_a_bengali_message(client, configured):
    start = client.get("/accounts/sso/start/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    answer = client.get(f"/accounts/sso/callback/?code=a-code&state={state}", follow=True)
    assert answer.redirect_chain[-1][0] == "/accounts/login/"
    assert "সাইন-ইন সেবার সঙ্গে যোগাযোগ করা যায়নি" in answer.content.decode()
    assert not get_user_model().objects.exists()


def test_a_callback_the_app_did_not_start_is_refused(client, configured):
    answer = client.get("/accounts/sso/callback/?code=a-code&state=forged", follow=True)
    assert "আবার সাইন-ইন করুন" in answer.content.decode()
    assert "_auth_user_id" not in client.session.keys()


def test_the_provider_refusing_is_a_bengali_message(client, configured):
    start = client.get("/accounts/sso/start/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    answer = client.get(f"/accounts/sso/callback/?error=access_denied&state={state}", follow=True)
    assert "সাইন-ইন সেবা অনুমতি দেয়নি" in answer.content.decode()


PROVIDER = {
    "OIDC_CLIENT_ID": "apa-egov",
    "OIDC_CLIENT_SECRET": "secret",
    "OIDC_ISSUER": "https://sso.example.gov.bd",
    "OIDC_AUTHORIZATION_URL": "https://sso.example.gov.bd/authorize",
    "OIDC_TOKEN_URL": "https://sso.example.gov.bd/token",
    "OIDC_JWKS_URL": "https://sso.example.gov.bd/jwks",
}


def load_settings(tmp_path, **variables):
    """Import the production settings in a process of its own, with only these variables."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "egov_plan.settings",
        "VAR_DIR": str(tmp_path),
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_with_an_https_provider(tmp_path):
    result = load_settings(tmp_path, **PROVIDER)
    assert result.returncode == 0 and "started" in result.stdout, result.stderr


@pytest.mark.parametrize(
    "change, complaint",
    [
        (
            {"OIDC_TOKEN_URL": "http://sso.example.gov.bd/token"},
            "OIDC_TOKEN_URL must be an https address",
        ),
        (
            {"OIDC_USERINFO_URL": "http://sso.example.gov.bd/userinfo"},
            "OIDC_USERINFO_URL must be an https address",
        ),
        ({"OIDC_JWKS_URL": ""}, "set OIDC_JWKS_URL"),
        ({"OIDC_SIGN_ALGORITHM": "none"}, "OIDC_SIGN_ALGORITHM must be one of"),
    ],
)
def test_production_refuses_a_plain_http_or_half_configured_provider(tmp_path, change, complaint):
    result = load_settings(tmp_path, **{**PROVIDER, **change})
    assert result.returncode != 0
    assert complaint in result.stderr


def test_a_development_run_may_use_a_loopback_provider_over_http(tmp_path):
    loopback = {
        name: value.replace("https://sso.example.gov.bd", "http://127.0.0.1:9000")
        for name, value in PROVIDER.items()
    }
    result = load_settings(tmp_path, DEVELOPMENT="1", **loopback)
    assert result.returncode == 0, result.stderr
