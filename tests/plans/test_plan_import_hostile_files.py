"""Hostile and broken plan files: each is refused with a Bengali message, never a 500 or a
traceback, in bounded memory and time (an entity bomb, a million rows, a file of 106 MB)."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from egov_plan.core.seed_layout import MAX_FILE_BYTES, MAX_ROWS
from egov_plan.plans.models import ActionPlan
from reports.plans.exchange import import_plan
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

MB = 1024 * 1024

LOL = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(2, 10))
ENTITY_BOMB = (
    f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol1 "lol">{LOL}]>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="&lol9;" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def workbook_bytes(rows=(("x",),)) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook `data` with its part `name` replaced by `content`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(
                info.filename, content if info.filename == name else source.read(info.filename)
            )
    return out.getvalue()


def sheet_of_rows(count: int) -> bytes:
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


@pytest.fixture(scope="module")
def million_rows() -> bytes:
    return with_part(workbook_bytes(), "xl/worksheets/sheet1.xml", sheet_of_rows(1_000_000))


def refused(result, fragment: str) -> None:
    assert result.plan is None and not ActionPlan.objects.exists()
    assert any(fragment in f.message for f in result.faults), [f.message for f in result.faults]


def test_an_xlsx_with_an_xml_entity_bomb_could_not_be_read(db):
    bomb = with_part(workbook_bytes(), "xl/workbook.xml", ENTITY_BOMB.encode())
    assert len(bomb) < 10_000
    refused(import_plan(data=bomb, filename="bomb.xlsx"), "xlsx ফাইলটি পড়া যায়নি")


def test_the_admins_import_page_says_so_instead_of_500(db):
    admin = client_for(make_user("admin", is_staff=True, is_superuser=True))
    bomb = with_part(workbook_bytes(), "xl/workbook.xml", ENTITY_BOMB.encode())
    response = admin.post(
        "/admin/egov_plan/actionplan/import/", {"file": SimpleUploadedFile("b.xlsx", bomb)}
    )
    assert response.status_code == 400 and "xlsx ফাইলটি পড়া যায়নি" in response.content.decode()


def test_a_million_row_xlsx_is_refused_quickly_and_in_little_memory(db, million_rows):
    assert len(million_rows) < 6 * MB
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = import_plan(data=million_rows, filename="rows.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    refused(result, "মেগাবাইটের বেশি হয়")
    assert peak < 100 * MB and time.monotonic() - started < 10


def test_an_xlsx_of_more_rows_than_a_plan_has_is_refused_while_reading(db):
    rows = with_part(workbook_bytes(), "xl/worksheets/sheet1.xml", sheet_of_rows(MAX_ROWS + 1))
    refused(import_plan(data=rows, filename="rows.xlsx"), "টির বেশি সারি")


def test_a_text_of_more_rows_than_a_plan_has_is_refused(db):
    refused(import_plan(data="ক\n".encode() * (MAX_ROWS + 1), filename="rows.txt"), "টির বেশি সারি")
    refused(
        import_plan(data="ক".encode() + b"\tx" * 200 + b"\n", filename="wide.txt"), "টির বেশি কলাম"
    )


def test_a_file_larger_than_a_plan_is_refused_before_it_is_read(db, tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as out:  # 106 MB, sparse: no memory or disk to write it
        out.truncate(106 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(CommandError, match="ফাইলটি অনেক বড়"):
            call_command("import_plan", str(big))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * MB
    refused(import_plan(data=b"x" * (MAX_FILE_BYTES + 1), filename="big.txt"), "ফাইলটি অনেক বড়")


def test_the_import_page_refuses_a_large_upload_beside_its_field(db):
    admin = client_for(make_user("admin", is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("big.xlsx", b"PK" + b"\0" * (MAX_FILE_BYTES + 1))
    response = admin.post(
        "/admin/egov_plan/actionplan/import/", {"file": upload, "office": "নিজ দপ্তর"}
    )
    page = response.content.decode()
    assert (
        response.status_code == 400
        and "ফাইলটি অনেক বড় (৫.১ মেগাবাইট); কর্মপরিকল্পনার ফাইল সর্বোচ্চ ৫ মেগাবাইট হতে পারে।" in page
    )
    assert 'value="নিজ দপ্তর"' in page  # what the admin typed is kept


def test_the_command_reports_a_bomb_without_a_traceback(db, tmp_path, capsys):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(with_part(workbook_bytes(), "xl/workbook.xml", ENTITY_BOMB.encode()))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_plan", str(path))
    assert "xlsx ফাইলটি পড়া যায়নি (XMLSyntaxError)" in capsys.readouterr().err


def test_a_text_of_exactly_as_many_rows_as_a_plan_may_have_is_read(db):
    faults = import_plan(data="ক\n".encode() * MAX_ROWS, filename="rows.txt").faults
    assert faults and not any("টির বেশি সারি" in f.message for f in faults)


def docx_with_document(body: str) -> bytes:
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return with_part(
        out.getvalue(),
        "word/document.xml",
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>{body}</w:body></w:document>'.encode(),
    )


def test_a_word_file_whose_document_part_is_larger_than_a_plan_is_refused_before_it_is_parsed(db):
    padding = "<w:p><w:r><w:t>" + "ক" * 1000 + "</w:t></w:r></w:p>"
    data = docx_with_document(padding * 2500)  # 7.5 MB of XML, a few kilobytes zipped
    assert len(data) < 1024 * 1024
    refused(
        import_plan(data=data, filename="big.docx"),
        "docx ফাইলটির ভেতরের অংশ খুললে ৫ মেগাবাইটের বেশি হয়",
    )


def test_a_word_table_of_more_rows_than_a_plan_has_is_refused_while_reading(db):
    rows = "<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>" * (MAX_ROWS + 1)
    refused(
        import_plan(data=docx_with_document(f"<w:tbl>{rows}</w:tbl>"), filename="rows.docx"),
        "টির বেশি সারি",
    )
