"""A second factor for those who approve: with REQUIRE_SECOND_FACTOR on, reviewers and admins pass a
TOTP code (or a one-time recovery code) before approving, returning, reopening and the admin, once a
session; they enrol on first need with a QR code and the secret as text, confirmed by a first code.
Officers never are asked. Codes are computed here from the secret the page shows (RFC 6238)."""

import base64
import datetime
import os
import re
import shutil
import subprocess
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov_plan.core.bangla import to_bengali_digits
from egov_plan.plans.models import ActionPlan
from reports.plans.rollout import template_from_plan
from reports.quarters.models import QuarterlyReport
from reports.year.models import Assessment
from tests.browser.test_browser_workflow import browser, log_in  # noqa: F401 (the fixture)
from tests.conftest import client_for
from tests.year.test_half_year import narrative
from tests.year_helpers import SECOND_QUARTER, enter_quarter

pytestmark = pytest.mark.django_db

VERIFY, SETUP = "/accounts/second-factor/", "/accounts/second-factor/setup/"
WRONG = "কোডটি সঠিক নয়।"


@pytest.fixture
def required(settings):
    settings.REQUIRE_SECOND_FACTOR = True
    return settings


@pytest.fixture
def submitted(people):
    return QuarterlyReport.objects.create(
        plan=people.plan, quarter=2, status=QuarterlyReport.SUBMITTED
    )


def report_url(people, quarter=2):
    return f"/plans/{people.plan.pk}/quarters/{quarter}/"


def unbase32(text: str) -> bytes:
    """A key written as an authenticator app takes it (base32, maybe in groups, no padding)."""
    text = text.replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def secret_on(html: str) -> bytes:
    """The key the enrolment page shows as text."""
    return unbase32(re.search(r'class="second-factor-secret"[^>]*>([^<]+)<', html).group(1))


def code(key: bytes, *, ahead: int = 0) -> str:
    """The code an authenticator app shows now (`ahead` steps of 30 s later: within the tolerance)."""
    return f"{totp(key, step=30, digits=6, drift=ahead):06d}"


def field_errors(html: str) -> list[str]:
    return [
        unescape(re.sub(r"<[^>]+>", "", e)).strip()
        for e in re.findall(r'class="invalid-feedback[^"]*"[^>]*>(.*?)</', html, flags=re.S)
    ]


def enrol(client, back: str) -> tuple[bytes, list[str]]:
    """Enrol through the pages: the key read from the page, the recovery codes shown once."""
    page = client.get(SETUP, {"next": back}).content.decode()
    key = secret_on(page)
    response = client.post(SETUP, {"code": code(key), "next": back})
    assert response.status_code == 200, field_errors(response.content.decode())
    codes = re.findall(
        r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", response.content.decode()
    )
    return key, codes


def test_a_reviewer_without_a_device_is_sent_to_enrolment_and_nothing_is_approved(
    required, people, submitted
):
    reviewer = client_for(people.reviewer)
    page = reviewer.get(report_url(people)).content.decode()
    assert 'value="approve"' not in page and "দ্বিতীয় ধাপে যাচাই করুন" in page  # nothing to type in vain

    response = reviewer.post(f"{report_url(people)}review/", {"action": "approve"})
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fplans%2F{people.plan.pk}%2Fquarters%2F2%2F"
    submitted.refresh_from_db()
    assert submitted.status == QuarterlyReport.SUBMITTED and not submitted.transitions.exists()

    response = reviewer.get(
        response["Location"]
    )  # no device yet: enrolment, going back to the report
    assert response.status_code == 302 and response["Location"].startswith(f"{SETUP}?next=")
    page = reviewer.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert "দ্বিতীয় ধাপ চালু করুন" in html and 'src="data:image/svg+xml' in html  # the QR code, CSP-safe
    device = TOTPDevice.objects.get(user=people.reviewer)
    assert not device.confirmed and secret_on(html) == device.bin_key
    assert (
        secret_on(reviewer.get(SETUP).content.decode()) == device.bin_key
    )  # a reload shows the same key


def test_after_enrolment_with_a_first_code_approving_works(required, people, submitted):
    reviewer = client_for(people.reviewer)
    key, codes = enrol(reviewer, report_url(people))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=people.reviewer).confirmed
    stored = set(
        StaticToken.objects.filter(device__user=people.reviewer).values_list("token", flat=True)
    )
    assert len(stored) == 10 and not stored & (
        {c.replace("-", "") for c in codes} | set(codes)
    )  # hashed only

    response = reviewer.post(f"{report_url(people)}review/", {"action": "approve"})
    assert response.status_code == 302 and response["Location"] == report_url(people)
    submitted.refresh_from_db()
    assert submitted.status == QuarterlyReport.APPROVED
    # Verified for the session: the next action asks nothing.
    assert (
        reviewer.post(
            f"{report_url(people)}review/", {"action": "reopen", "comment": "সংশোধন"}
        ).status_code
        == 302
    )
    # A confirmed device is not replaced by a second enrolment (a stolen password is not enough).
    assert reviewer.get(SETUP)["Location"].startswith(VERIFY)


def test_a_wrong_code_is_refused_with_a_bengali_message_beside_the_field(
    required, people, submitted
):
    key, _ = enrol(client_for(people.reviewer), "/")
    later = client_for(people.reviewer)  # another session: asked again
    right = code(key, ahead=1)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = later.post(VERIFY, {"code": wrong, "next": report_url(people)})
    assert response.status_code == 400
    assert WRONG in field_errors(response.content.decode())[0]
    assert later.post(f"{report_url(people)}review/", {"action": "approve"})["Location"].startswith(
        VERIFY
    )
    assert "অনুমোদন করুন" not in later.get(report_url(people)).content.decode()

    response = later.post(VERIFY, {"code": "", "next": "/"})
    assert response.status_code == 400 and field_errors(response.content.decode()) == [
        "কোডটি লিখুন।"
    ]

    # django-otp's growing delay after a wrong code has passed; the code typed in Bengali digits.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        response = later.post(
            VERIFY, {"code": to_bengali_digits(code(key, ahead=1)), "next": report_url(people)}
        )
    assert response.status_code == 302 and response["Location"] == report_url(people)
    assert later.post(f"{report_url(people)}review/", {"action": "approve"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == QuarterlyReport.APPROVED


def test_a_recovery_code_works_once_only(required, people, submitted):
    _, codes = enrol(client_for(people.reviewer), "/")
    lost_phone = client_for(people.reviewer)
    response = lost_phone.post(
        VERIFY, {"code": codes[3].upper().replace("-", " "), "next": report_url(people)}
    )
    assert response.status_code == 302
    assert lost_phone.post(f"{report_url(people)}review/", {"action": "approve"}).status_code == 302
    assert StaticToken.objects.filter(device__user=people.reviewer).count() == 9

    again = client_for(people.reviewer)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        response = again.post(VERIFY, {"code": codes[3], "next": "/"})
    assert response.status_code == 400 and WRONG in field_errors(response.content.decode())[0]
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=10)):
        assert again.post(VERIFY, {"code": codes[4], "next": "/"}).status_code == 302


def test_codes_cannot_be_brute_forced(required, people):
    required.SECOND_FACTOR_RATE_LIMIT = 3
    required.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own growing delay aside: the limit alone
    key, _ = enrol(client_for(people.reviewer), "/")  # the first attempt of the window
    guesser = client_for(people.reviewer)
    current = {code(key, ahead=steps) for steps in (-1, 0, 1, 2)}
    for guess in [g for g in ("123456", "654321", "111111") if g not in current][:2]:
        assert guesser.post(VERIFY, {"code": guess}).status_code == 400
    response = guesser.post(
        VERIFY, {"code": code(key, ahead=1), "next": "/"}
    )  # right, but too many tries
    assert response.status_code == 429
    assert "অল্প সময়ে অনেকবার কোড দেওয়া হয়েছে" in field_errors(response.content.decode())[0]
    assert guesser.post(f"/plans/{people.plan.pk}/quarters/1/review/", {"action": "reopen"})[
        "Location"
    ].startswith(VERIFY)


def test_an_officer_saves_and_submits_with_no_second_factor(required, people):
    officer = client_for(people.officer)
    edit = f"{report_url(people, 3)}edit/"
    assert officer.post(edit, {"version": "0", "action": "save"})["Location"] != VERIFY
    response = officer.post(edit, {"version": "1", "action": "submit"})
    assert response.status_code == 302 and not response["Location"].startswith(VERIFY)
    assert (
        QuarterlyReport.objects.get(plan=people.plan, quarter=3).status == QuarterlyReport.SUBMITTED
    )
    assert officer.get(SETUP)["Location"] == "/"  # no enrolment for officers
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize(
    "action, status, data",
    [
        ("return", QuarterlyReport.SUBMITTED, {"comment": "প্রমাণক দিন"}),
        ("reopen", QuarterlyReport.APPROVED, {"comment": "সংশোধন"}),
    ],
)
def test_returning_and_reopening_ask_too(required, people, action, status, data):
    report = QuarterlyReport.objects.create(plan=people.plan, quarter=2, status=status)
    response = client_for(people.reviewer).post(
        f"{report_url(people)}review/", {"action": action, **data}
    )
    assert response["Location"].startswith(VERIFY)
    report.refresh_from_db()
    assert report.status == status


@pytest.mark.parametrize("action", ["approve", "return"])
def test_the_years_documents_ask_too(required, people, action):
    enter_quarter(people, 2, SECOND_QUARTER)
    url = f"/plans/{people.plan.pk}/half-year/"
    assert (
        client_for(people.officer)
        .post(url, {"action": "submit", **narrative(people.plan)})
        .status_code
        == 302
    )
    reviewer = client_for(people.reviewer)
    assert "second-factor-first" in reviewer.get(url).content.decode()
    response = reviewer.post(url, {"action": action, "comment": "কারণ"})
    assert response["Location"] == f"{VERIFY}?next=%2Fplans%2F{people.plan.pk}%2Fhalf-year%2F"
    assert Assessment.objects.get(plan=people.plan).status == Assessment.SUBMITTED
    enrol(reviewer, url)
    assert reviewer.post(url, {"action": action, "comment": "কারণ"}).status_code == 302
    assert Assessment.objects.get(plan=people.plan).status != Assessment.SUBMITTED


def test_approving_targets_asks_too(required, people):
    template = template_from_plan(plan=people.plan)
    template.targets_adjustable = True
    template.save()
    ActionPlan.objects.filter(pk=people.plan.pk).update(template=template)
    reviewer = client_for(people.reviewer)
    url = f"/plans/{people.plan.pk}/targets/"
    assert reviewer.post(url, {"action": "approve"})["Location"].startswith(VERIFY)
    assert ActionPlan.objects.get(pk=people.plan.pk).targets_approved_at is None
    enrol(reviewer, url)
    assert reviewer.post(url, {"action": "approve"}).status_code == 302
    assert ActionPlan.objects.get(pk=people.plan.pk).targets_approved_at is not None


def test_the_admin_asks_for_it(required, people):
    admin = client_for(people.admin)
    response = admin.get("/admin/egov_plan/office/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Fegov_plan%2Foffice%2F"
    assert (
        admin.post("/admin/egov_plan/office/add/", {"code": "X"})["Location"]
        == f"{VERIFY}?next=%2Fadmin%2F"
    )
    enrol(admin, "/admin/")
    assert admin.get("/admin/egov_plan/office/").status_code == 200


def test_an_admin_resets_a_lost_device_and_the_user_enrols_again(required, people, submitted):
    reviewer = client_for(people.reviewer)
    enrol(reviewer, "/")
    admin = client_for(people.admin)
    enrol(admin, "/admin/")
    response = admin.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [people.reviewer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=people.reviewer).exists()
    assert not StaticToken.objects.filter(device__user=people.reviewer).exists()
    # The session verified with the removed device is asked again, and enrols anew.
    response = reviewer.post(f"{report_url(people)}review/", {"action": "approve"})
    assert response["Location"].startswith(VERIFY)
    assert reviewer.get(response["Location"])["Location"].startswith(SETUP)
    # The same from the command line (the last admin's lost phone).
    call_command("reset_second_factor", "admin")
    assert admin.get("/admin/")["Location"].startswith(VERIFY)


def test_with_the_setting_off_nobody_is_asked(settings, people, submitted):
    settings.REQUIRE_SECOND_FACTOR = False
    reviewer = client_for(people.reviewer)
    assert 'value="approve"' in reviewer.get(report_url(people)).content.decode()
    assert reviewer.post(f"{report_url(people)}review/", {"action": "approve"})[
        "Location"
    ] == report_url(people)
    submitted.refresh_from_db()
    assert submitted.status == QuarterlyReport.APPROVED
    assert client_for(people.admin).get("/admin/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_next_never_leaves_the_site(required, people):
    key, _ = enrol(client_for(people.reviewer), "https://evil.example/")
    response = client_for(people.reviewer).post(
        VERIFY, {"code": code(key, ahead=1), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_a_reviewer_enrols_by_the_qr_code_and_approves(
    browser,
    live_server,
    people,
    required,  # noqa: F811
    tmp_path,
):
    report = QuarterlyReport.objects.create(
        plan=people.plan, quarter=2, status=QuarterlyReport.SUBMITTED
    )
    page = log_in(browser, live_server, "reviewer")
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + report_url(people))
    page.get_by_role("link", name="দ্বিতীয় ধাপে যাচাই করুন").click()
    page.wait_for_url(f"{live_server.url}{SETUP}?next=*")

    qr = page.locator("img.second-factor-qr")
    assert qr.evaluate(
        "image => image.complete && image.naturalWidth > 0"
    )  # drawn, under the page's CSP
    key = unbase32(page.locator(".second-factor-secret").inner_text())
    assert key == TOTPDevice.objects.get(user=people.reviewer).bin_key
    if shutil.which("zbarimg"):  # what a phone's camera reads: the same key, for this user
        qr.screenshot(path=str(tmp_path / "qr.png"))
        scanned = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
        address = urlsplit(scanned)
        assert (address.scheme, address.netloc, unquote(address.path)) == (
            "otpauth",
            "totp",
            "/APA e-governance:reviewer",
        )
        assert unbase32(parse_qs(address.query)["secret"][0]) == key
    elif os.environ.get("CI"):
        pytest.fail("zbarimg (Debian's zbar-tools) is missing: CI must install it")

    page.get_by_label("কোড").fill(f"{(int(code(key)) + 1) % 10**6:06d}")
    page.get_by_role("button", name="নিশ্চিত করুন").click()
    assert "কোডটি সঠিক নয়" in page.locator(".invalid-feedback").inner_text()
    page.wait_for_timeout(1100)  # django-otp's delay after a wrong code
    page.get_by_label("কোড").fill(to_bengali_digits(code(key)))
    page.get_by_role("button", name="নিশ্চিত করুন").click()
    assert page.locator("ol.recovery-codes li").count() == 10
    page.get_by_role("link", name="লিখে রেখেছি, এগিয়ে যান").click()
    page.wait_for_url(live_server.url + report_url(people))
    page.get_by_role("button", name="অনুমোদন করুন").click()
    assert "অনুমোদিত" in page.locator(".badge").first.inner_text()
    report.refresh_from_db()
    assert report.status == QuarterlyReport.APPROVED
    assert violations == []


def test_an_api_token_approves_only_if_it_was_made_after_the_second_factor(
    required, people, submitted
):
    from egov_plan.accounts.api_tokens import api_token_check
    from egov_plan.accounts.models import ApiToken
    from tests.api_world import ApiClient

    approve = f"/plans/{people.plan.pk}/quarters/2/approve"
    # A token made without the second factor (before it was required, or by an officer since promoted).
    old = ApiClient(people.reviewer).post(approve, {"comment": ""})
    assert old.status_code == 403 and "দ্বিতীয় ধাপ" in old.json()["detail"]
    submitted.refresh_from_db()
    assert submitted.status == QuarterlyReport.SUBMITTED

    reviewer = client_for(people.reviewer)
    asked = reviewer.get("/accounts/tokens/")  # the token page asks first: nothing typed in vain
    assert asked.status_code == 302 and asked["Location"].startswith(VERIFY)
    enrol(reviewer, "/accounts/tokens/")
    page = reviewer.post(
        "/accounts/tokens/", {"name": "ড্যাশবোর্ড", "days": "90", "scope": ApiToken.WRITE}
    )
    raw = re.search(r"apa_[A-Za-z0-9_-]{20,}", page.content.decode()).group(0)
    assert api_token_check(raw).second_factor_at is not None
    client = ApiClient()
    client.client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    assert client.post(approve, {"comment": ""}).status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == QuarterlyReport.APPROVED

    call_command("reset_second_factor", people.reviewer.username)  # a lost phone: its tokens go too
    assert api_token_check(raw) is None
