"""Pages keep a plan's structure by its revision: every change to areas, activities, indicators,
weights, targets or signatories gives a new revision, so no page ever shows an old structure."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov_plan.offices.models import OfficeTier
from egov_plan.offices.tree import office_create
from egov_plan.plans.models import ActionPlan, Signatory
from reports.plans.files import dump_plan_file, load_plan_file
from reports.plans.rollout import adjust_targets, rollout_template, template_from_plan
from reports.quarters.models import QuarterlyReport
from tests.conftest import client_for
from tests.helpers import indicator_by_code
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def table_page(client, plan) -> str:
    response = client.get(f"/plans/{plan.pk}/quarters/1/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_plan_seen_before_costs_only_its_own_row(people):
    client = client_for(people.officer)
    path = f"/plans/{people.plan.pk}/quarters/1/?scores=1"
    client.get("/")  # the session's renewal is not the page's
    with CaptureQueriesContext(connection) as first:
        client.get(path)
    with CaptureQueriesContext(connection) as again:
        client.get(path)
    # the indicators with their activities and areas (one query), and the signatories, are read once
    assert len(first) - len(again) == 2
    assert not any("egov_plan_indicator" in q["sql"] for q in again)


def test_a_target_changed_in_the_admin_shows_at_once(people):
    officer = client_for(people.officer)
    assert "৮৫%" in table_page(officer, people.plan)
    QuarterlyReport.objects.filter(plan=people.plan).update(status="draft")  # no reason needed
    admin = client_for(people.admin)
    data = form_data(
        admin.get(f"/admin/egov_plan/actionplan/{people.plan.pk}/change/").content.decode(),
        "actionplan_form",
    )
    data["areas-0-activities-2-indicators-0-target_100"] = "৮৮"
    response = admin.post(f"/admin/egov_plan/actionplan/{people.plan.pk}/change/", data)
    assert response.status_code == 302
    assert indicator_by_code(people.plan, "1.3.1").targets[0] == 88
    page = table_page(officer, people.plan)
    assert "৮৮%" in page and "৮৫%" not in page.split("১.৩.১", 1)[1].split("১.৩.২", 1)[0]


def test_an_imported_change_and_a_new_signatory_show_at_once(people):
    officer = client_for(people.officer)
    table_page(officer, people.plan)
    document = dump_plan_file(plan=people.plan, reports=False)
    document["areas"][0]["activities"][0]["indicators"][0]["title"] = "নতুন শিরোনামের সূচক"
    load_plan_file(document=document)
    assert "নতুন শিরোনামের সূচক" in table_page(officer, people.plan)
    Signatory.objects.create(plan=people.plan, order=9, name="নতুন স্বাক্ষরকারী", line_1="পদবি")
    assert "নতুন স্বাক্ষরকারী" in table_page(officer, people.plan)
    Signatory.objects.filter(plan=people.plan, order=9).delete()
    assert "নতুন স্বাক্ষরকারী" not in table_page(officer, people.plan)


def test_targets_an_office_adjusts_in_bulk_show_at_once(people):
    template = template_from_plan(plan=people.plan)
    template.targets_adjustable = True
    template.save()
    district = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        tier="district",
        location="ময়মনসিংহ",
        code="DC-MYMENSINGH",
        parent=people.supervising,
    )
    rollout_template(
        template=template, under=people.supervising, tier=OfficeTier.objects.get(code="district")
    )
    plan = ActionPlan.objects.get(office=district)
    reviewer = client_for(people.reviewer)
    assert "০৪/০৫/২৩" in table_page(reviewer, plan)
    indicator = indicator_by_code(plan, "1.1.1")
    adjust_targets(
        plan=plan,
        targets={indicator.pk: [datetime.date(2023, 4, 20)] + indicator.targets[1:]},
        user=people.officer,
    )
    row = table_page(reviewer, plan).split("[১.১.১]", 1)[1].split("</tr>", 1)[0]
    assert "২০/০৪/২৩" in row and "০৪/০৫/২৩" not in row


def test_a_target_changed_in_the_plan_editor_shows_at_once(people):
    QuarterlyReport.objects.filter(plan=people.plan).delete()  # no reason needed
    admin = client_for(people.admin)
    assert "৮৫%" in table_page(admin, people.plan)
    data = form_data(admin.get(f"/plans/{people.plan.pk}/targets/").content.decode(), "plan-editor")
    data[f"i-i{indicator_by_code(people.plan, '1.3.1').pk}-target_0"] = "৯০"
    assert (
        admin.post(f"/plans/{people.plan.pk}/targets/", {**data, "op": "save"}).status_code == 302
    )
    row = table_page(admin, people.plan).split("[১.৩.১]", 1)[1].split("</tr>", 1)[0]
    assert "৯০%" in row and "৮৫%" not in row
