"""The admin's user import: upload, a preview that writes nothing, then confirm; faults in Bengali."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from egov_plan.accounts.models import Membership
from tests.conftest import client_for, current_membership, make_user
from tests.i18n.test_admin_bengali import ALLOWED_LATIN, visible_latin

pytestmark = pytest.mark.django_db
URL = "/admin/auth/user/import/"
HEADER = "username,full_name,email,mobile,office_code,role,designation\n"
User = get_user_model()


def upload(text: str, name: str = "users.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + text).encode(), content_type="text/csv")


@pytest.fixture
def admin_client(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return client_for(people.admin)


def test_it_previews_then_writes_on_confirm_and_invites(admin_client, people):
    make_user("known", people.office, Membership.OFFICER, email="known@example.gov.bd")
    response = admin_client.post(
        URL,
        {
            "file": upload(
                "new1,নতুন এক,new1@example.gov.bd,01712345678,LGD,reviewer,উপসচিব\n"
                "known,পরিচিত,known@example.gov.bd,,LGD,officer,\n"
                "officer,officer,,,MYMCC,officer,\n".replace(
                    ",,,MYMCC", f",officer@example.gov.bd,,{people.office.code}"
                )
            )
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "নিশ্চিত করুন ও আমদানি করুন" in html and "এখনও কিছু সংরক্ষিত হয়নি" in html
    assert (
        "new1" in html and "নতুন এক" in html and "পূর্ণ নাম, দপ্তর" in html
    )  # known: name and office change
    assert not User.objects.filter(username="new1").exists() and mail.outbox == []
    assert visible_latin(html) <= ALLOWED_LATIN | {"new", "known", "example", "gov"}
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)

    response = admin_client.post(URL, {"token": token})
    assert response.status_code == 302 and response["Location"] == "/admin/auth/user/"
    new = User.objects.get(username="new1")
    assert (
        current_membership(new).office.code,
        current_membership(new).role,
        new.profile.designation,
    ) == ("LGD", "reviewer", "উপসচিব")
    assert current_membership(User.objects.get(username="known")).office.code == "LGD"
    assert [m.to for m in mail.outbox] == [["new1@example.gov.bd"]]
    page = admin_client.get("/admin/auth/user/").content.decode()
    assert "আমদানি হয়েছে: ১ জন নতুন, ২ জনের তথ্য বদলেছে, ০ জন অপরিবর্তিত।" in page
    # The same confirmation twice imports nothing twice.
    again = admin_client.post(URL, {"token": token})
    assert again.status_code == 302 and again["Location"] == URL


def test_a_faulty_file_shows_every_fault_and_offers_no_confirmation(admin_client):
    response = admin_client.post(
        URL, {"file": upload("a,ক,a@x.gov.bd,,NOPE,officer,\nb,খ,bad,,LGD,boss,\n")}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "ফাইলে ২টি ভুল আছে; কিছুই আমদানি হয়নি" in html
    assert "লাইন ২: দপ্তরের কোড “NOPE” তালিকায় নেই।" in html and "লাইন ৩:" in html
    assert 'name="token"' not in html and User.objects.filter(username__in=["a", "b"]).count() == 0


@pytest.mark.parametrize("post", [{}, {"token": "forged"}, {"file": ""}, {"token": ""}])
def test_bad_input_is_a_bengali_answer_never_a_500(admin_client, post):
    response = admin_client.post(URL, post, follow=True)
    assert response.status_code in (200, 400)
    assert "ফাইল" in response.content.decode()


def test_a_binary_or_huge_upload_is_refused_with_a_reason(admin_client, monkeypatch):
    from egov_plan.accounts import user_import

    response = admin_client.post(URL, {"file": SimpleUploadedFile("u.xlsx", b"PK\x03\x04nonsense")})
    assert response.status_code == 400 and "xlsx ফাইলটি পড়া যায়নি" in response.content.decode()
    monkeypatch.setattr(user_import, "MAX_FILE_BYTES", 10)
    response = admin_client.post(URL, {"file": upload("a,ক,a@x.gov.bd,,LGD,officer,\n")})
    assert response.status_code == 400 and "ফাইলটি অনেক বড়" in response.content.decode()


def test_the_page_reads_in_bengali_and_only_admins_reach_it(admin_client, people):
    html = admin_client.get(URL).content.decode()
    assert "ফাইল থেকে ব্যবহারকারী আমদানি" in html
    header_words = {
        "username",
        "full_name",
        "email",
        "mobile",
        "office_code",
        "role",
        "designation",
        "csv",
        "CSV",
        "UTF",
        "xlsx",
        "XXXXXXXXX",
    }
    assert visible_latin(html) <= ALLOWED_LATIN | header_words
    assert "ফাইল থেকে ব্যবহারকারী আমদানি" in admin_client.get("/admin/auth/user/").content.decode()
    response = client_for(people.reviewer).get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_user_page_shows_the_profile(admin_client, people):
    response = admin_client.get(f"/admin/auth/user/{people.officer.pk}/change/")
    assert response.status_code == 200 and "মোবাইল নম্বর" in response.content.decode()
