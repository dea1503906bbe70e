"""Admins edit a whole plan on its admin page; a plan that breaks a rule is not saved."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov_plan.plans.models import ActionPlan, PlanAmendment
from reports.quarters.models import QuarterlyReport
from tests.conftest import client_for
from tests.helpers import indicator_by_code
from tests.html_forms import form_data
from tests.seed_reference import SEED_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(people):
    return client_for(people.admin)


def change_url(plan):
    return f"/admin/egov_plan/actionplan/{plan.pk}/change/"


def plan_form(admin, plan) -> dict:
    response = admin.get(change_url(plan))
    assert response.status_code == 200
    return form_data(response.content.decode(), "actionplan_form")


def field_for(data: dict, area: int, activity: int, indicator: int, name: str) -> str:
    """The form field of indicator [area.activity.indicator] (positions as on the page, 1-based)."""
    return f"areas-{area - 1}-activities-{activity - 1}-indicators-{indicator - 1}-{name}"


def errors(response) -> list[str]:
    html = response.content.decode()
    return [
        re.sub(r"<[^>]+>", " ", item).strip()
        for item in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    ]


def unlock(plan):
    QuarterlyReport.objects.filter(plan=plan).update(status="draft")


def test_the_plan_page_holds_areas_activities_indicators_and_signatories(admin, people):
    html = admin.get(change_url(people.plan)).content.decode()
    for text in [
        "কর্মসম্পাদন ক্ষেত্রসমূহ",
        "কার্যক্রমসমূহ",
        "কর্মসম্পাদন সূচকসমূহ",
        "স্বাক্ষরকারীগণ",
        "ই-নথির ব্যবহার বৃদ্ধি",
        "উম্মে হালিমা",
    ]:
        assert text in html, text
    data = plan_form(admin, people.plan)
    # targets are shown in the indicator's unit, Bengali digits
    assert data[field_for(data, 1, 1, 1, "target_100")] == "০৪/০৫/২৩"
    assert data[field_for(data, 1, 3, 1, "target_100")] == "৮৫%"
    assert data[field_for(data, 2, 1, 1, "target_80")] == ""
    # numbers too are shown in Bengali digits
    assert (data["total_marks"], data["areas-0-weight"], data["areas-0-number"]) == (
        "৫০",
        "৩০",
        "১",
    )
    assert data[field_for(data, 2, 1, 1, "weight")] == "৬"


def test_saving_the_page_unchanged_keeps_the_plan(admin, people):
    response = admin.post(change_url(people.plan), plan_form(admin, people.plan))
    assert response.status_code == 302
    assert indicator_by_code(people.plan, "1.3.1").targets[0] == 85


def test_targets_are_typed_by_unit_in_either_script(admin, people):
    unlock(people.plan)
    data = plan_form(admin, people.plan)
    data[field_for(data, 1, 3, 1, "target_100")] = "90"  # percent, Latin digits
    data[field_for(data, 1, 1, 1, "target_100")] = "2023-05-01"  # date, ISO
    data[field_for(data, 2, 1, 1, "target_80")] = "৩"  # count, Bengali digits
    response = admin.post(change_url(people.plan), data)
    assert response.status_code == 302, errors(response)
    assert indicator_by_code(people.plan, "1.3.1").targets[0] == 90
    assert indicator_by_code(people.plan, "1.1.1").targets[0].isoformat() == "2023-05-01"
    assert indicator_by_code(people.plan, "2.1.1").targets == [4, 3, 3, 2, None]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d.update({field_for(d, 1, 3, 1, "target_100"): "৭০"}),
            "সূচক [১.৩.১]: লক্ষ্যমাত্রা ক্রমানুসারে নয়",
        ),
        (
            lambda d: d.update({field_for(d, 2, 1, 1, "weight"): "৭"}),
            "ক্ষেত্র [২]: সূচকগুলোর মানের যোগফল ২১, কিন্তু ক্ষেত্রের মান ২০",
        ),
        (
            lambda d: d.update({"total_marks": "60"}),
            "কর্মপরিকল্পনা: ক্ষেত্রগুলোর মানের যোগফল ৫০, কিন্তু মোট নম্বর ৬০",
        ),
        (
            lambda d: d.update({field_for(d, 1, 3, 1, "target_100"): "১২০"}),
            "সূচক [১.৩.১] এর “অসাধারণ” লক্ষ্যমাত্রা ১২০%: শতাংশ ০ থেকে ১০০ এর মধ্যে হতে হবে",
        ),
        (
            lambda d: d.update({field_for(d, 1, 4, 1, "target_100"): "৩২/১৩/২২"}),
            "তারিখ দদ/মম/বব আকারে লিখুন",
        ),
        (
            lambda d: d.update({field_for(d, 1, 2, 2, "number"): "1"}),
            "একই ক্রম একাধিকবার দেওয়া হয়েছে; প্রতিটি আলাদা হতে হবে।",
        ),
        (
            lambda d: d.update({"areas-1-number": "1"}),
            "একই ক্রম একাধিকবার দেওয়া হয়েছে; প্রতিটি আলাদা হতে হবে।",
        ),
        (
            lambda d: d.update(
                {
                    f"{field_for(d, 2, 1, 1, 'target_100')[:-10]}{t}": ""
                    for t in ("target_100", "target_90", "target_80", "target_70", "target_60")
                }
            ),
            "সূচক [২.১.১]: অন্তত একটি লক্ষ্যমাত্রা দিন",
        ),
    ],
)
def test_a_plan_that_breaks_a_rule_is_not_saved(admin, people, change, message):
    unlock(people.plan)
    data = plan_form(admin, people.plan)
    change(data)
    response = admin.post(change_url(people.plan), data)
    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert (
        "নিচের ভুল" in response.content.decode()
        and "Please correct" not in response.content.decode()
    )
    assert indicator_by_code(people.plan, "1.3.1").targets[0] == 85
    assert indicator_by_code(people.plan, "2.1.1").weight == 6
    assert ActionPlan.objects.get(pk=people.plan.pk).total_marks == 50


def test_a_plan_with_approved_reports_records_who_when_and_why_a_target_changed(admin, people):
    data = plan_form(admin, people.plan)  # the seed's first quarter is approved
    data[field_for(data, 1, 3, 1, "target_100")] = "৯০"
    response = admin.post(change_url(people.plan), data)
    assert response.status_code == 200
    assert any("“পরিবর্তনের কারণ” লিখুন" in error for error in errors(response))
    assert indicator_by_code(people.plan, "1.3.1").targets[0] == 85

    data["change_reason"] = "মন্ত্রিপরিষদ বিভাগের ১২/১০/২২ তারিখের নির্দেশনা"
    assert admin.post(change_url(people.plan), data).status_code == 302
    assert indicator_by_code(people.plan, "1.3.1").targets[0] == 90
    amendment = PlanAmendment.objects.get(plan=people.plan)
    assert amendment.user == people.admin and amendment.at is not None
    assert amendment.reason == "মন্ত্রিপরিষদ বিভাগের ১২/১০/২২ তারিখের নির্দেশনা"
    assert amendment.summary == "সূচক [১.৩.১]: অসাধারণ ৮৫% → ৯০"
    assert "মন্ত্রিপরিষদ বিভাগের" in admin.get(change_url(people.plan)).content.decode()


def test_a_plan_without_reports_in_review_changes_without_a_reason(admin, people):
    unlock(people.plan)
    data = plan_form(admin, people.plan)
    data[field_for(data, 2, 2, 2, "target_100")] = "৮৫"
    assert admin.post(change_url(people.plan), data).status_code == 302
    assert indicator_by_code(people.plan, "2.2.2").targets[0] == Decimal(85)
    assert not PlanAmendment.objects.exists()


def test_plans_are_searched_and_filtered_by_year_and_office(admin, people):
    from reports.plans.files import copy_plan_forward

    copy_plan_forward(plan=people.plan, to_year=2023)
    listing = admin.get(
        f"/admin/egov_plan/actionplan/?fiscal_year__id__exact={people.plan.fiscal_year.pk}"
    ).content.decode()
    assert listing.count('class="field-title"') == 1
    listing = admin.get(
        f"/admin/egov_plan/actionplan/?office__id__exact={people.office.pk}"
    ).content.decode()
    assert listing.count('class="field-title"') == 2
    assert (
        admin.get("/admin/egov_plan/actionplan/?q=ময়মনসিংহ")
        .content.decode()
        .count('class="field-title"')
        == 2
    )
    assert (
        admin.get("/admin/egov_plan/actionplan/?q=নেই-এমন")
        .content.decode()
        .count('class="field-title"')
        == 0
    )


def test_the_admin_imports_an_uploaded_file(admin, people):
    ActionPlan.objects.all().delete()
    response = admin.post(
        "/admin/egov_plan/actionplan/import/",
        {"file": SimpleUploadedFile("seed.txt", SEED_FILE.read_bytes()), "office": ""},
    )
    assert response.status_code == 200 and not ActionPlan.objects.exists()  # the preview first
    token = response.context["token"]
    response = admin.post(
        "/admin/egov_plan/actionplan/import/", {"token": token, "action": "import"}
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get()
    assert response["Location"] == change_url(plan)

    broken = SEED_FILE.read_bytes().replace("৩১/১০/২২".encode(), "৩২/১৩/২২".encode(), 1)
    response = admin.post(
        "/admin/egov_plan/actionplan/import/", {"file": SimpleUploadedFile("b.txt", broken)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "কিছুই আমদানি হয়নি" in html and "“৩২/১৩/২২” সঠিক তারিখ (দদ/মম/বব) নয়" in html
    assert admin.post("/admin/egov_plan/actionplan/import/", {}).status_code == 400


def test_only_admins_reach_the_import_page(people):
    assert client_for(people.officer).get("/admin/egov_plan/actionplan/import/").status_code == 302
