"""A plan's optional English texts (areas, activities, indicators): entered on the admin's plan page
without an amendment, kept by the .xlsx export and import, the plan document, copying forward and
roll-out, and left alone by a file that has none."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from egov_plan.offices.tree import office_create
from egov_plan.plans.models import ActionPlan, Activity, Indicator, PerformanceArea, PlanAmendment
from reports.plans.exchange import ENGLISH_SHEET, export_text, export_xlsx, import_plan
from reports.plans.files import copy_plan_forward, dump_plan_file, load_plan_file
from reports.plans.rollout import rollout_template, template_from_plan
from reports.quarters.selectors import quarter_table
from tests.conftest import client_for
from tests.helpers import indicator_by_code
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

TEXTS = {
    "area": "Strengthening e-governance and innovation",
    "activity": "Increasing the use of e-Nothi",
    "indicator": "Notes disposed of in e-file",
}


@pytest.fixture
def english(people):
    indicator = indicator_by_code(people.plan, "1.3.1")
    Indicator.objects.filter(pk=indicator.pk).update(title_en=TEXTS["indicator"])
    Activity.objects.filter(pk=indicator.activity_id).update(title_en=TEXTS["activity"])
    PerformanceArea.objects.filter(pk=indicator.activity.area_id).update(title_en=TEXTS["area"])
    return people.plan


def texts_of(plan: ActionPlan) -> dict:
    indicator = indicator_by_code(plan, "1.3.1")
    return {
        "area": indicator.activity.area.title_en,
        "activity": indicator.activity.title_en,
        "indicator": indicator.title_en,
    }


def test_the_admin_plan_page_edits_the_english_texts_without_an_amendment(people):
    admin = client_for(people.admin)
    url = f"/admin/egov_plan/actionplan/{people.plan.pk}/change/"
    data = form_data(admin.get(url).content.decode(), "actionplan_form")
    assert "areas-0-title_en" in data and "areas-0-activities-2-title_en" in data
    data["areas-0-title_en"] = TEXTS["area"]
    data["areas-0-activities-2-title_en"] = TEXTS["activity"]
    data["areas-0-activities-2-indicators-0-title_en"] = TEXTS["indicator"]
    response = admin.post(
        url, data
    )  # the seed's first quarter is approved: no reason asked for these
    assert response.status_code == 302
    assert texts_of(people.plan) == TEXTS
    assert not PlanAmendment.objects.filter(plan=people.plan).exists()


def test_the_plan_document_round_trips_them(english):
    document = dump_plan_file(plan=english)
    area = document["areas"][0]
    assert (
        area["title_en"] == TEXTS["area"] and area["activities"][2]["title_en"] == TEXTS["activity"]
    )
    assert "title_en" not in area["activities"][0]  # none entered: none dumped
    Indicator.objects.filter(activity__area__plan=english).update(title_en="")
    load_plan_file(document=document)
    assert texts_of(english)["indicator"] == TEXTS["indicator"]


def test_the_xlsx_export_carries_them_on_its_own_sheet_and_the_import_reads_them(english, people):
    table = quarter_table(plan_id=english.pk, quarter=1)
    data = export_xlsx(table)
    workbook = load_workbook(io.BytesIO(data))
    rows = list(workbook[ENGLISH_SHEET].iter_rows(values_only=True))
    assert rows == [
        ("code", "English text"),
        ("1", TEXTS["area"]),
        ("1.3", TEXTS["activity"]),
        ("1.3.1", TEXTS["indicator"]),
    ]
    assert "Notes disposed" not in str(
        list(workbook.worksheets[0].iter_rows(values_only=True))
    )  # official sheet

    PerformanceArea.objects.filter(plan=english).update(title_en="")
    Activity.objects.filter(area__plan=english).update(title_en="")
    Indicator.objects.filter(activity__area__plan=english).update(title_en="")
    english.reports.update(status="draft")
    result = import_plan(data=data, filename="plan.xlsx")
    assert result.faults == [] and result.plan.pk == english.pk
    assert texts_of(english) == TEXTS


def test_a_file_without_english_texts_leaves_them_alone(english):
    english.reports.update(status="draft")
    text = export_text(
        quarter_table(plan_id=english.pk, quarter=1)
    )  # the official layout: no English
    result = import_plan(data=text, filename="plan.txt")
    assert result.faults == []
    assert texts_of(english) == TEXTS


def test_copying_forward_and_the_copy_command_keep_them(english, capsys):
    assert texts_of(copy_plan_forward(plan=english, to_year=2023)) == TEXTS
    call_command("copy_plan", str(english.pk), "--to-year", "2024")
    copied = ActionPlan.objects.get(office=english.office, fiscal_year__start_year=2024)
    assert texts_of(copied) == TEXTS


def test_a_template_and_its_roll_out_keep_them(english, people):
    template = template_from_plan(plan=english)
    assert texts_of(template) == TEXTS
    district = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        location="ময়মনসিংহ",
        tier="district",
        code="DC-MYM",
        parent=people.supervising,
    )
    assert rollout_template(template=template, under=people.supervising).created == 1
    assert texts_of(ActionPlan.objects.get(office=district, template=template)) == TEXTS
