"""Every .xlsx the app writes keeps formula-like text inert: an office named `=HYPERLINK(...)`, coded
`=1+1`, or a plan titled `=cmd|...` reaches the reader's spreadsheet as the text it is, never as a
live formula (OWASP CSV injection).

The writers: the quarter's export (page and `export_plan`), the dashboard's export, and the bulk
print's index. A test below fails when a module starts writing workbooks without being listed here.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from egov_plan.offices.models import Office
from egov_plan.offices.tree import office_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HYPERLINK = '=HYPERLINK("http://evil.example","x")'
SUM = "=1+1"
DDE = "=cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+1+cmd|' /C calc'!A0"
WRITERS = {"reports/plans/exchange.py", "reports/dashboard/views.py", "reports/bulk/printing.py"}


@pytest.fixture
def hostile(people):
    """The seed office renamed and recoded as formulas, its plan titled as one, and a second
    hostile office (with no plan) beside it under the supervising office."""
    Office.objects.filter(pk=people.office.pk).update(name=HYPERLINK, code=SUM, location=AT)
    people.plan.title = DDE
    people.plan.save()
    office_create(
        name=PLUS,
        tier="upazila",
        code="-2+3",
        location=DDE,
        parent=Office.objects.get(pk=people.supervising.pk),
    )
    return people


def assert_no_formula(data: bytes, *expected_texts: str) -> None:
    """No formula in any cell of any sheet, read by openpyxl and in the sheets' XML itself; the
    hostile texts are there, as text."""
    book = load_workbook(io.BytesIO(data))  # not data_only: a formula comes back as a formula
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    for text in expected_texts:
        assert any(text in value for value in texts), text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >/]", archive.read(name)), name


def test_the_quarter_export_writes_no_formula(hostile):
    response = client_for(hostile.officer).get(f"/plans/{hostile.plan.pk}/quarters/1/export.xlsx")
    assert response.status_code == 200
    assert_no_formula(response.content, HYPERLINK, AT, DDE)


def test_the_export_plan_command_writes_no_formula(hostile, tmp_path):
    call_command("export_plan", str(hostile.plan.pk), "1", "-o", str(tmp_path / "q1.xlsx"))
    assert_no_formula((tmp_path / "q1.xlsx").read_bytes(), HYPERLINK, AT, DDE)


def test_the_dashboard_export_writes_no_formula(hostile):
    response = client_for(hostile.reviewer).get("/dashboard/export.xlsx?year=2022&quarter=1")
    assert response.status_code == 200
    assert_no_formula(response.content, HYPERLINK, SUM, AT, PLUS, "-2+3", DDE)


def test_the_bulk_print_index_writes_no_formula(hostile, django_capture_on_commit_callbacks):
    client = client_for(hostile.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/bulk-print/", {"office": hostile.supervising.pk, "year": 2022, "quarter": 1}
        )
    assert response.status_code == 302
    download = client.get(response["Location"] + "download")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        index = archive.read("index.xlsx")
    assert_no_formula(index, HYPERLINK, SUM, PLUS, "-2+3")


def test_every_module_that_writes_a_workbook_is_checked_here():
    writers = {
        str(path.relative_to(ROOT))
        for folder in ("reports", "egov_plan")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"\bWorkbook\(", path.read_text(encoding="utf-8"))
    }
    assert writers == WRITERS
