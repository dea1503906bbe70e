"""Invitations and "forgot password": Django's reset tokens, Bengali pages and e-mails, links on SITE_URL,
nothing said about whether an account exists, rate limited like the login; no password is ever mailed."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from egov_plan.accounts.invitations import invitation_token_generator, send_invitations
from egov_plan.accounts.user_import import import_users
from egov_plan.offices.tree import office_create
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "নতুন-গোপন-পাসওয়ার্ড-৪২"
RESET = "/accounts/password/reset/"


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://apa.example.gov.bd"


@pytest.fixture
def invited(db):
    office = office_create(
        name="উপজেলা নির্বাহী অফিসারের কার্যালয়", tier="upazila", location="ত্রিশাল", code="UNO-TRI"
    )
    data = (
        "username,full_name,email,mobile,office_code,role\n"
        "rahim,রহিম উদ্দিন,rahim@example.gov.bd,,UNO-TRI,officer\n"
    ).encode()
    result = import_users(data=data, filename="users.csv")
    assert send_invitations(user_ids=result.new_user_ids) == 1
    return User.objects.get(username="rahim"), office


def link_in(message) -> str:
    return re.search(r"https://apa\.example\.gov\.bd(/accounts/\S+/)", message.body).group(1)


def set_password(client, path: str, password: str = NEW_PASSWORD):
    response = client.get(path)  # Django moves the token into the session and redirects
    assert response.status_code == 302
    form = response["Location"]
    assert "ব্যবহারকারীর নাম" in client.get(form).content.decode()
    return client.post(form, {"new_password1": password, "new_password2": password})


def test_the_invitation_is_bengali_text_and_html_with_a_link_on_site_url_and_no_password(invited):
    user, office = invited
    message = mail.outbox[0]
    assert message.to == ["rahim@example.gov.bd"] and "পাসওয়ার্ড ঠিক করুন" in message.subject
    assert "প্রিয় রহিম উদ্দিন" in message.body and office.display_name in message.body
    assert "rahim" in message.body and "৭ দিন" in message.body
    html = message.alternatives[0][0]
    assert (
        message.alternatives[0][1] == "text/html"
        and "https://apa.example.gov.bd/accounts/invitation/" in html
    )
    assert link_in(message).startswith("/accounts/invitation/")
    assert not user.has_usable_password() and user.password.startswith("!")


def test_the_invited_user_sets_a_password_once_and_logs_in(invited, client):
    path = link_in(mail.outbox[0])
    response = set_password(client, path)
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    assert "পাসওয়ার্ড সংরক্ষিত হয়েছে" in client.get("/accounts/password/done/").content.decode()
    assert (
        client.post("/accounts/login/", {"username": "rahim", "password": NEW_PASSWORD}).status_code
        == 302
    )
    # The link is spent: the password it was made against is gone.
    again = client.get(path, follow=True).content.decode()
    assert "লিংকটি আর কাজ করে না" in again


def test_the_invitation_expires_after_invitation_days(invited, client, settings, monkeypatch):
    path = link_in(mail.outbox[0])
    settings.INVITATION_DAYS = 2
    later = time.time() + 2 * 24 * 3600 + 60
    monkeypatch.setattr(
        invitation_token_generator,
        "_now",
        lambda: __import__("datetime").datetime.fromtimestamp(later),
    )
    assert "লিংকটি আর কাজ করে না" in client.get(path, follow=True).content.decode()


def test_an_invitation_token_is_no_reset_token(invited, client):
    path = link_in(mail.outbox[0]).replace("/accounts/invitation/", "/accounts/password/reset/")
    assert "লিংকটি আর কাজ করে না" in client.get(path, follow=True).content.decode()


def test_weak_or_mismatched_passwords_are_refused_in_bengali(invited, client):
    path = link_in(mail.outbox[0])
    form = client.get(path)["Location"]
    html = client.post(form, {"new_password1": "12345", "new_password2": "12345"}).content.decode()
    assert "পাসওয়ার্ডটি খুব ছোট" in html and "শুধু অঙ্ক থাকতে পারে না" in html
    html = client.post(
        form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    ).content.decode()
    assert "দুটি পাসওয়ার্ড মেলেনি" in html
    assert not User.objects.get(username="rahim").has_usable_password()


def test_the_login_page_links_to_forgot_password_in_bengali(client):
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()
    html = client.get(RESET).content.decode()
    assert "পাসওয়ার্ড ভুলে গেছেন?" in html and "ই-মেইল ঠিকানা" in html


def test_forgot_password_sends_a_link_and_says_the_same_whether_or_not_the_account_exists(client):
    make_user("officer", email="officer@example.gov.bd")
    known = client.post(RESET, {"email": "Officer@Example.gov.bd"}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@example.gov.bd"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert (
        known.redirect_chain == unknown.redirect_chain == [("/accounts/password/reset/sent/", 302)]
    )

    def page(response):  # the language switch's CSRF token differs; nothing else may
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert page(known) == page(unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@example.gov.bd"]
    message = mail.outbox[0]
    assert "নতুন করে ঠিক করুন" in message.subject and "প্রিয় officer" in message.body
    assert "২৪ ঘণ্টা" in message.body
    assert PASSWORD not in message.body and message.alternatives[0][1] == "text/html"
    response = set_password(client, link_in(message))
    assert response.status_code == 302
    assert (
        client.post(
            "/accounts/login/", {"username": "officer", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_an_invited_user_who_lost_the_link_can_ask_for_a_new_one(invited, client):
    mail.outbox.clear()
    client.post(RESET, {"email": "rahim@example.gov.bd"})
    assert len(mail.outbox) == 1 and link_in(mail.outbox[0]).startswith("/accounts/password/reset/")


def test_an_inactive_user_gets_nothing(client):
    make_user("gone", email="gone@example.gov.bd", is_active=False)
    client.post(RESET, {"email": "gone@example.gov.bd"})
    assert mail.outbox == []


def test_forgot_password_is_rate_limited_per_address_and_per_mailbox(client, settings):
    make_user("officer", email="officer@example.gov.bd")
    settings.PASSWORD_RESET_RATE_LIMIT = 3
    for i in range(3):
        assert client.post(RESET, {"email": f"someone{i}@example.gov.bd"}).status_code == 302
    response = client.post(RESET, {"email": "officer@example.gov.bd"})
    assert (
        response.status_code == 429
        and "অল্প সময়ে অনেকবার অনুরোধ করা হয়েছে" in response.content.decode()
    )
    assert mail.outbox == []
    # The same mailbox from many addresses.
    for i in range(3):
        client.post(RESET, {"email": "officer@example.gov.bd"}, REMOTE_ADDR=f"10.0.0.{i + 1}")
    response = client.post(RESET, {"email": "officer@example.gov.bd"}, REMOTE_ADDR="10.0.0.99")
    # The mailbox's count: the refused request above, then two sent, then refused.
    assert response.status_code == 429 and len(mail.outbox) == 2


@pytest.mark.parametrize("email", ["", "not-an-address", "x" * 300 + "@example.gov.bd", "a@b\x00c"])
def test_bad_input_gets_a_bengali_form_error_never_a_500(client, email):
    response = client.post(RESET, {"email": email})
    assert response.status_code == 200
    assert (
        "এই ঘরটি পূরণ করুন" in response.content.decode() or "ই-মেইল ঠিকানা" in response.content.decode()
    )
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/x/y/",
        "/accounts/invitation/MQ/zzz-zzz/",
        "/accounts/invitation/%ff%fe/1-2/",
        "/accounts/password/reset/x/set-password/",
    ],
)
def test_bad_links_say_so_in_bengali(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200 and "লিংকটি আর কাজ করে না" in response.content.decode()


def test_the_reset_pages_are_in_english_through_the_catalogue_too(client):
    client.cookies["django_language"] = "en"
    assert client.get(RESET).status_code == 200
