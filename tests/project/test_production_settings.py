"""Production: secure by default, refuses development secrets, sessions expire when idle, /healthz."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from egov_plan import sessions
from reports.pdf.signing import create_development_certificate
from tests.conftest import SIGNING_PASSPHRASE, client_for

SECRET = "x7#Qm2$vL9@pR4&tW8*zK1!nB6^cF3%hJ5(dG0)sA-yE+uI=oT"


@pytest.fixture(scope="module")
def production_key(tmp_path_factory):
    path = tmp_path_factory.mktemp("production") / "signer.p12"
    create_development_certificate(
        path, "production-passphrase", common_name="APA reporting signer"
    )
    return path


def production_env(tmp_path, production_key, **overrides):
    """Only what the README says production must set, and nothing from the developer's shell."""
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "apa.example.gov.bd",
        "SITE_URL": "https://apa.example.gov.bd",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SIGNING_PKCS12_PATH": str(production_key),
        "SIGNING_PKCS12_PASSPHRASE": "production-passphrase",
        "VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "egov_plan.settings",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run(env, *args):
    return subprocess.run(
        [sys.executable, *args],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_silent_with_only_the_production_variables(tmp_path, production_key):
    result = run(
        production_env(tmp_path, production_key),
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


SERVE = ["-c", "import egov_plan.wsgi; print('serving')"]


@pytest.mark.parametrize(
    "overrides, complaint",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is the development key"),
        ({"SITE_URL": None}, "SITE_URL is the default http://127.0.0.1:8000"),
        (
            {"SIGNING_PKCS12_PATH": "development"},
            "the signing key is the self-signed DEVELOPMENT certificate",
        ),
    ],
)
def test_the_server_refuses_to_start_with_a_development_secret(
    tmp_path, production_key, signing_key, overrides, complaint
):
    if overrides.get("SIGNING_PKCS12_PATH") == "development":
        overrides = {
            "SIGNING_PKCS12_PATH": str(signing_key),
            "SIGNING_PKCS12_PASSPHRASE": SIGNING_PASSPHRASE,
        }
    result = run(production_env(tmp_path, production_key, **overrides), *SERVE)
    assert result.returncode != 0 and "serving" not in result.stdout
    assert "refusing to start in production" in result.stderr and complaint in result.stderr


def test_the_server_starts_with_production_secrets_or_when_development_is_asked_for(
    tmp_path, production_key
):
    assert run(production_env(tmp_path, production_key), *SERVE).stdout.strip() == "serving"
    development = production_env(
        tmp_path, production_key, SECRET_KEY=None, SITE_URL=None, DEVELOPMENT="1"
    )
    assert run(development, *SERVE).stdout.strip() == "serving"


@pytest.mark.django_db
def test_a_session_expires_after_the_idle_time_and_requests_renew_it(people):
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600
    client = client_for(people.officer)
    assert client.get("/").status_code == 200
    remaining = Session.objects.get().expire_date - timezone.now()
    assert 8 * 3600 - 60 < remaining.total_seconds() <= 8 * 3600

    # Ten minutes later (the last renewal long enough ago), a request moves the expiry on.
    session = client.session
    session[sessions.KEY] -= 10 * 60
    session.save()
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(hours=7, minutes=50))
    assert client.get("/").status_code == 200
    assert (Session.objects.get().expire_date - timezone.now()).total_seconds() > 8 * 3600 - 60

    Session.objects.update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )  # idle too long
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_healthz_says_whether_the_database_and_storage_answer(settings, tmp_path):
    response = client_for(None).get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "storage": "ok"}
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    response = client_for(None).get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["storage"] == "failing"


STATIC_HEADERS = """
import json, django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
call_command("collectstatic", "--noinput", verbosity=0)
client = Client(HTTP_HOST="apa.example.gov.bd", HTTP_X_FORWARDED_PROTO="https")
answers = {}
for name in ("css/app.css", "vendor/bootstrap/bootstrap.min.css", "fonts/NotoSansBengali-Regular.subset.woff2"):
    for encoding in ("br, gzip", "gzip", ""):
        response = client.get(static(name), HTTP_ACCEPT_ENCODING=encoding)
        headers = {key: response.get(key) for key in ("Cache-Control", "Content-Encoding", "Vary")}
        answers[f"{name} {encoding}"] = {"url": static(name), "status": response.status_code,
                                         "length": len(b"".join(response.streaming_content)),
                                         **headers}
print(json.dumps(answers))
"""


def test_static_files_are_served_hashed_cached_forever_and_compressed(tmp_path, production_key):
    """Production (DEBUG off): collectstatic's content-hashed names, which WhiteNoise lets browsers
    keep for ten years without asking again, Brotli or gzip to whoever accepts it."""
    result = run(production_env(tmp_path, production_key), "-c", STATIC_HEADERS)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    for key, answer in answers.items():
        name = key.split()[0]
        stem, suffix = name.rsplit(".", 1)
        assert answer["status"] == 200, key
        assert answer["url"].startswith(f"/static/{stem}.") and answer["url"].endswith(f".{suffix}")
        assert len(answer["url"]) == len(f"/static/{name}") + 13, answer["url"]  # .<12 hex digits>
        assert answer["Cache-Control"] == "max-age=315360000, public, immutable", key
    for name in ("css/app.css", "vendor/bootstrap/bootstrap.min.css"):
        plain = answers[f"{name} "]
        assert plain["Content-Encoding"] is None and "Accept-Encoding" in plain["Vary"]
        assert answers[f"{name} br, gzip"]["Content-Encoding"] == "br"
        assert answers[f"{name} gzip"]["Content-Encoding"] == "gzip"
        assert (
            answers[f"{name} br, gzip"]["length"]
            < answers[f"{name} gzip"]["length"]
            < plain["length"] / 2
        )
    # WOFF2 is compressed already: served as it is.
    assert {
        answers[f"fonts/NotoSansBengali-Regular.subset.woff2 {e}"]["Content-Encoding"]
        for e in ("br, gzip", "gzip", "")
    } == {None}
