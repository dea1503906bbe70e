"""English on request: Bengali by default, the switch in the navigation remembers English, a
browser that asks for English gets it on a first visit; official documents stay Bengali."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from reports.pdf.render import report_html
from reports.quarters.selectors import quarter_table
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

BENGALI_DIGIT = re.compile(r"[০-৯]")


def html_lang(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


def test_bengali_is_the_default_for_a_browser_that_asks_for_nothing_or_an_unknown_language():
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}):
        response = Client().get("/accounts/login/", **headers)
        assert html_lang(response) == "bn"
        assert "লগ ইন করুন" in response.content.decode()


def test_a_browser_asking_for_english_gets_english_on_its_first_visit():
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,bn;q=0.5")
    html = response.content.decode()
    assert html_lang(response) == "en"
    assert "Log in" in html and "User name" in html and "লগ ইন করুন" not in html
    # The switch offers the other language, named in itself.
    assert 'name="language" value="bn"' in html and "বাংলা" in html


def test_the_switch_works_without_login_and_javascript_and_is_remembered(people):
    client = client_for(people.officer)
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language" value="en"' in page
    assert "csrfmiddlewaretoken" in page and not re.search(
        r"<script(?![^>]*\bsrc=)", page
    )  # no inline script

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/plans/"})
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["httponly"] and cookie["max-age"] >= 30 * 24 * 3600

    page = client.get("/")
    html = page.content.decode()
    assert html_lang(page) == "en"
    assert "Action plans" in html and "Log out" in html and "কর্মপরিকল্পনাসমূহ" not in html
    # A later visit (the cookie kept, the session gone) is still English, whatever the browser says.
    later = Client(HTTP_ACCEPT_LANGUAGE="bn")
    later.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert html_lang(later.get("/accounts/login/")) == "en"

    client.post("/i18n/setlang/", {"language": "bn", "next": "/"})
    assert html_lang(client.get("/")) == "bn"


def test_an_anonymous_visitor_can_switch_on_the_login_page():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_the_switch_never_redirects_off_site_nor_accepts_an_unknown_language():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/accounts/login/"})
    assert html_lang(client.get("/accounts/login/")) == "en"  # unchanged by the unknown one


def test_messages_and_form_errors_follow_the_language(people):
    client = client_for(people.reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/plans/{people.plan.pk}/quarters/1/review/"
    response = client.post(url, {"action": "return", "comment": ""})
    assert response.status_code == 400
    assert "Give the reason for returning the report." in response.content.decode()
    response = client.post(
        url, {"action": "approve", "comment": ""}
    )  # the seed's quarter is approved already
    assert response.status_code == 409
    assert "Only a submitted report can be approved." in response.content.decode()


def english_client(user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def official_table(html: str) -> str:
    return html[html.index('<div class="report-sheet"') :]


def test_with_english_ui_the_official_table_stays_bengali(people):
    page = english_client(people.officer).get(f"/plans/{people.plan.pk}/quarters/1/?scores=1")
    html = page.content.decode()
    assert (
        "Enter achievements" in html or "View achievements and evidence" in html
    )  # the UI is English
    table = official_table(html)
    for heading in (
        "কর্মসম্পাদন ক্ষেত্র",
        "কর্মসম্পাদন সূচক",
        "লক্ষ্যমাত্রা ২০২২-২০২৩",
        "অসাধারণ",
        "চলতি মানের নিম্নে",
        "অর্জিত স্তর",
        "প্রাপ্ত নম্বর",
        "মোট",
    ):
        assert heading in table
    assert "Performance indicator" not in table and "Excellent" not in table
    assert 'class="column-numbers"' in table and "<th>১২</th>" in table  # Bengali digits
    assert "English translation" in html  # the way to the translation


def test_with_english_ui_the_pdf_html_is_the_official_bengali_one_exactly(people):
    table = quarter_table(plan_id=people.plan.pk, quarter=1)
    table.layout(split=True)
    with translation.override("bn"):
        bengali = report_html(table, draft=True)
    with translation.override("en"):
        english_ui = report_html(table, draft=True)
    assert english_ui == bengali
    assert '<html lang="bn">' in bengali and "খসড়া" in bengali


def test_with_english_ui_the_signed_pdf_is_the_same_bengali_document(people, tmp_path):
    english = english_client(people.officer).get(f"/plans/{people.plan.pk}/quarters/1/pdf")
    bengali = client_for(people.reviewer).get(f"/plans/{people.plan.pk}/quarters/1/pdf")
    assert english.status_code == 200 and english.content == bengali.content
    path = tmp_path / "signed.pdf"
    path.write_bytes(english.content)
    import subprocess

    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60
    ).stdout
    assert "কর্মসম্পাদন সূচক" in text and "Performance indicator" not in text
    assert "Unofficial" not in text


def test_filters_print_latin_digits_only_where_the_interface_is_english(people):
    html_bn = client_for(people.officer).get("/").content.decode()
    html_en = english_client(people.officer).get("/").content.decode()
    assert "অর্থবছর ২০২২-২০২৩" in html_bn
    assert "Fiscal year 2022-2023" in html_en and "তারিখ" not in html_en
    assert "ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা 2022-2023" in html_en  # the plan's title is content
    assert not BENGALI_DIGIT.search(
        re.sub(r"<td>[^<]*</td>", "", html_en)
    )  # office names are content; the rest has Latin digits


def test_with_english_ui_the_half_yearly_table_stays_bengali(people):
    response = english_client(people.officer).get(f"/plans/{people.plan.pk}/half-year/")
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('<div class="report-sheet table-responsive"') :]
    assert "কর্মসম্পাদন সূচক" in table and "অসাধারণ" in table and "Performance indicator" not in table
    assert html_lang(response) == "en"


def test_the_entry_page_in_english_and_its_shared_fields_in_each_requests_language(people):
    from reports.quarters.models import QuarterlyReport

    QuarterlyReport.objects.filter(plan=people.plan, quarter=1).update(status="draft")
    url = f"/plans/{people.plan.pk}/quarters/1/edit/"
    bengali = (
        client_for(people.officer).get(url).content.decode()
    )  # the shared fields are made now, in Bengali
    english = english_client(people.officer).get(url).content.decode()
    assert (
        "Targets (100% / 90% / 80% / 70% / 60%)" in english
        and "This quarter's achievement" in english
    )
    assert "Achievement of [1.1.1] (Date)" in english and 'placeholder="dd/mm/yy"' in english
    assert "[1.3.1] remarks" in english and ">Save<" in english and ">Submit<" in english
    assert "[১.১.১] এর অর্জন (তারিখ)" in bengali and 'placeholder="দদ/মম/বব"' in bengali
    assert "[১.১.১] এর অর্জন (তারিখ)" in client_for(people.officer).get(url).content.decode()
