"""Bengali login at /accounts/login/, logout, and rate-limited failures."""

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_bengali(client):
    html = client.get("/accounts/login/").content.decode()
    assert "লগ ইন করুন" in html and "ব্যবহারকারীর নাম" in html and "পাসওয়ার্ড" in html


def test_a_user_logs_in_and_is_sent_where_they_were_going(client):
    make_user("officer")
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": PASSWORD, "next": "/inbox/"}
    )
    assert response.status_code == 302 and response["Location"] == "/inbox/"


def test_a_wrong_password_gets_a_bengali_message_and_keeps_the_username(client):
    make_user("officer")
    response = client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ব্যবহারকারীর নাম অথবা পাসওয়ার্ড সঠিক নয়" in html
    assert 'value="officer"' in html


def test_logging_out_ends_the_session(client):
    user = make_user("officer")
    client.force_login(user)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_failed_logins_are_rate_limited(client, settings):
    make_user("officer")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "অনেকবার ভুল পাসওয়ার্ড দেওয়া হয়েছে" in response.content.decode()


def test_password_validators_are_on(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    assert len(settings.AUTH_PASSWORD_VALIDATORS) == 4
    with pytest.raises(ValidationError):
        validate_password("12345678", get_user_model()(username="officer"))
