"""Export of a quarterly report to .xlsx and to the text layout: from the page and the shell."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.seed_reference import is_blank, read_seed

pytestmark = pytest.mark.django_db


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_the_xlsx_has_the_seeds_columns_header_rows_bengali_digits_and_merged_cells(
    officer_client, people
):
    response = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="apa-' in response["Content-Disposition"]
    sheet = workbook(response.content)
    seed = read_seed()
    rows = [
        [("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert (
        rows[0][0] == "ময়মনসিংহ সিটি কর্পোরেশন"
        and rows[1][0] == "ময়মনসিংহ"
        and rows[2][0] == seed.title
    )
    header_at = next(i for i, row in enumerate(rows) if row[0] == "ক্রঃ")
    for k in range(4):
        assert rows[header_at + k][:13] == seed.header_rows[k][:13]
    body = rows[header_at + 4 : header_at + 16]
    for cells, expected in zip(body, seed.rows):
        assert (
            cells[4] == expected.indicator
            and cells[5] == expected.unit
            and cells[6] == expected.weight
        )
        assert cells[7:12] == ["--" if is_blank(t) else t for t in expected.targets]
        assert cells[12] == expected.achievement
    merged = {str(r) for r in sheet.merged_cells.ranges}
    first = header_at + 5  # 1-based row of the first indicator
    assert f"B{first}:B{first + 5}" in merged  # area [১] spans its six rows
    assert f"D{first + 1}:D{first + 2}" in merged  # activity [১.২] spans two
    assert f"H{header_at + 1}:L{header_at + 1}" in merged  # the target group header
    assert sheet.column_dimensions["E"].width >= 30 and sheet.column_dimensions["A"].width < 10
    assert not any(ch.isascii() and ch.isdigit() for row in body for cell in row for ch in cell)


def test_the_text_export_is_the_seed_layout(officer_client, people):
    response = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/export.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "text/tab-separated-values"
    )
    text = response.content.decode()
    seed = read_seed()
    assert seed.title in text
    assert "\t".join(seed.header_rows[3]) in text
    # a continuation row is shifted left exactly as the seed has it
    assert (
        "\t\t\t[১.২.২] ইতিপূর্বে বাস্তবায়িত উদ্ভাবনী ধারণা, সহজিকৃত ও ডিজিটাইজকৃত সেবাসমূহ চালুকৃত\tতারিখ\t৭\t"
        in text
    )
    assert text.rstrip().endswith("ময়মনসিংহ সিটি কর্পোরেশন")


@pytest.mark.parametrize(
    "role, status",
    [
        ("officer", 200),
        ("reviewer", 200),
        ("other_officer", 404),
        ("other_reviewer", 404),
        ("admin", 200),
    ],
)
def test_only_those_who_may_see_the_report_can_export_it(people, role, status):
    assert (
        client_for(getattr(people, role))
        .get(f"/plans/{people.plan.pk}/quarters/1/export.xlsx")
        .status_code
        == status
    )


def test_an_unknown_export_format_is_a_404(officer_client, people):
    assert officer_client.get(f"/plans/{people.plan.pk}/quarters/1/export.exe").status_code == 404


def test_the_export_command_picks_the_format_from_the_file_ending(seed_plan, tmp_path):
    call_command("export_plan", str(seed_plan.pk), "1", "-o", str(tmp_path / "q1.xlsx"))
    assert workbook((tmp_path / "q1.xlsx").read_bytes())["A1"].value == "ময়মনসিংহ সিটি কর্পোরেশন"
    call_command("export_plan", str(seed_plan.pk), "1", "-o", str(tmp_path / "q1.txt"))
    assert read_seed().title in (tmp_path / "q1.txt").read_text(encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("export_plan", str(seed_plan.pk), "1", "-o", str(tmp_path / "q1.doc"))
    with pytest.raises(CommandError):
        call_command("export_plan", "999", "1", "-o", str(tmp_path / "x.txt"))
