"""Import and export of plans in the layouts offices already keep: the seed's text, and xlsx.

Import reads a file into a plan document (egov_plan.core.seed_layout), checks it against the plan
rules and the database, and loads it in one transaction: a file with faults writes nothing.
Export writes a quarter's table in the same layouts; importing an export gives the plan back.
"""

import dataclasses
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext, gettext_noop
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from egov_plan import core_messages
from egov_plan.core import bangla, bijoy, scoring
from egov_plan.core.official_form import FORM_WORDS, XLSX_SHEET, achievement_header, target_header
from egov_plan.core.plan_rules import (
    PLAN_PLACE,
    Fault,
    check_plan,
    document_value,
    numbering_gaps,
    typed_target,
)
from egov_plan.core.seed_layout import (
    FILE_PLACE,
    MAX_COLUMNS,
    MAX_PART_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    Sheet,
    SheetRow,
    decode_text,
    heading,
    read_rows,
    too_large,
    too_many_rows,
    write_text,
)
from egov_plan.core_messages import ShownFault, number, shown, shown_all
from egov_plan.offices.models import Office
from egov_plan.offices.tree import find_office
from egov_plan.plans.amendments import has_reports_in_review
from egov_plan.plans.models import ActionPlan, Indicator
from reports import workflow
from reports.plans.files import dump_plan_file, load_plan_file
from reports.plans.xlsx_cells import text_cell
from reports.quarters.models import Achievement, QuarterlyReport
from reports.quarters.selectors import QuarterTable

# A second sheet of the .xlsx: the plan's optional English texts (code, text), for the report's
# English translation; the official sheet is untouched by it, and the text layout has none.
ENGLISH_SHEET = "English"
REPORT_PLACE = gettext_noop("প্রতিবেদন")
OFFICE_PLACE = gettext_noop("দপ্তর")
ENGLISH_HEADER = ("code", "English text")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_CONTENT_TYPE = "text/tab-separated-values; charset=utf-8"


# --- export -------------------------------------------------------------------------------------


def sheet_for(table: QuarterTable) -> Sheet:
    table.layout()  # one row group: the spans of the official form
    rows = []
    for row in table.rows:
        rows.append(
            SheetRow(
                serial=row.area.code,
                area=f"[{row.area.code}] {row.area.title}",
                area_weight=bangla.format_number(row.area.weight),
                activity=f"[{row.activity.code}] {row.activity.title}",
                indicator=f"[{row.indicator.code}] {row.indicator.title}",
                unit=row.unit_label,
                weight=row.weight,
                targets=list(row.targets),
                achievement=row.achievement,
                first_in_area=bool(row.area_rowspan),
                first_in_activity=bool(row.activity_rowspan),
                area_rows=row.area_rowspan or 1,
                activity_rows=row.activity_rowspan or 1,
            )
        )
    office = table.plan.office  # None for a template plan: its sheet has no office lines
    return Sheet(
        office_lines=[line for line in (office.name, office.location) if line] if office else [],
        title=table.title_line,
        target_header=target_header(table.fiscal_year_label),
        achievement_header=achievement_header(table.period_to_date),
        rows=rows,
        signatories=[[s.name, *s.lines] for s in table.signatories],
    )


def export_text(table: QuarterTable) -> bytes:
    return write_text(sheet_for(table)).encode("utf-8")


def export_xlsx(table: QuarterTable) -> bytes:
    sheet = sheet_for(table)
    workbook = Workbook()
    ws = workbook.active
    ws.title = XLSX_SHEET
    width = 13
    thin = Side(style="thin", color="444444")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    bold = Font(bold=True)

    row_number = 1
    for line in sheet.office_lines + [sheet.title]:
        text_cell(ws, row_number, 1, line).font = bold
        ws.cell(row=row_number, column=1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=width)
        row_number += 1
    row_number += 1
    header_top = row_number
    for cells in sheet.header_rows():
        for column, value in enumerate(cells, start=1):
            cell = text_cell(ws, row_number, column, value or None)
            cell.font, cell.alignment, cell.border = bold, centre, border
        row_number += 1
    for column in list(range(1, 8)) + [13]:  # the titles span the three header rows
        ws.merge_cells(
            start_row=header_top, start_column=column, end_row=header_top + 2, end_column=column
        )
    ws.merge_cells(start_row=header_top, start_column=8, end_row=header_top, end_column=12)

    for row in sheet.rows:
        for column, value in enumerate(sheet.table_cells(row, ragged=False), start=1):
            cell = text_cell(ws, row_number, column, value or None)
            cell.border = border
            cell.alignment = wrap if column in (2, 4, 5) else centre
        if row.first_in_area and row.area_rows > 1:
            for column in (1, 2, 3):
                ws.merge_cells(
                    start_row=row_number,
                    start_column=column,
                    end_row=row_number + row.area_rows - 1,
                    end_column=column,
                )
        if row.first_in_activity and row.activity_rows > 1:
            ws.merge_cells(
                start_row=row_number,
                start_column=4,
                end_row=row_number + row.activity_rows - 1,
                end_column=4,
            )
        row_number += 1
    for signatory in sheet.signatories:
        row_number += 1
        for text in signatory:
            text_cell(ws, row_number, 1, text)
            row_number += 1
    for column, size in zip(range(1, width + 1), (6, 28, 7, 34, 40, 8, 12, 11, 11, 11, 11, 11, 22)):
        ws.column_dimensions[get_column_letter(column)].width = size
    english = english_texts(table)
    if english:
        ws = workbook.create_sheet(ENGLISH_SHEET)
        ws.append(ENGLISH_HEADER)
        for code, text in english:
            text_cell(ws, ws.max_row + 1, 1, code)
            text_cell(ws, ws.max_row, 2, text)
        ws.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def english_texts(table: QuarterTable) -> list[tuple[str, str]]:
    """(code, English text) of every area, activity and indicator that has one, in table order."""
    texts, seen = [], set()
    for row in table.rows:
        for item, code in (
            (row.area, f"{row.area.number}"),
            (row.activity, f"{row.area.number}.{row.activity.number}"),
            (row.indicator, f"{row.area.number}.{row.activity.number}.{row.indicator.number}"),
        ):
            if item.title_en and code not in seen:
                seen.add(code)
                texts.append((code, item.title_en))
    return texts


# --- import -------------------------------------------------------------------------------------


class _TooManyRows(Exception):
    pass


def cell_text(cell) -> str:
    """A cell as the text reader would see it typed: a date cell as dd/mm/yyyy, a number formatted
    as a percentage (stored 0.85) as 85%, a whole number stored as a float (30.0) as 30."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in (getattr(cell, "number_format", None) or ""):
            return f"{_plain(number * 100)}%"
        return _plain(number)
    return str(value).strip()


def _plain(number: Decimal) -> str:
    """1.5 → "1.5", 30.0 → "30", 85.000 → "85": as a person types it, never "3E+1"."""
    return format(number.normalize(), "f")


def _sheet_rows(ws) -> list:
    rows = []
    for row_number, values in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), start=1):
        if row_number > MAX_ROWS:
            raise _TooManyRows
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        rows.append((row_number, cells))
    return rows


def _unreadable(exc: Exception, kind: str = "xlsx") -> list[Fault]:
    return [
        ShownFault(
            place=core_messages.text(FILE_PLACE),
            message=gettext("%(kind)s ফাইলটি পড়া যায়নি (%(error)s)।")
            % {"kind": kind, "error": type(exc).__name__},
        )
    ]


def _unpacked_too_large(data: bytes, kind: str = "xlsx") -> list[Fault]:
    """An .xlsx or .docx whose parts unzip to more than a plan's can (a zip bomb, a million rows, a
    document part that would be parsed whole into memory) is refused from the zip's directory,
    before a byte of it is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return _unreadable(exc, kind)
    megabytes = MAX_UNPACKED_BYTES // 1024 // 1024
    if len(parts) <= 1000 and sum(part.file_size for part in parts) <= MAX_UNPACKED_BYTES:
        largest = max(parts, key=lambda part: part.file_size, default=None)
        if largest is None or largest.file_size <= MAX_PART_BYTES:
            return []
        megabytes = MAX_PART_BYTES // 1024 // 1024
    return [
        ShownFault(
            place=core_messages.text(FILE_PLACE),
            message=gettext(
                "%(kind)s ফাইলটির ভেতরের অংশ খুললে %(max)s মেগাবাইটের বেশি হয়; এটি কর্মপরিকল্পনার ফাইল মনে হচ্ছে না।"
            )
            % {"kind": kind, "max": number(megabytes)},
        )
    ]


def xlsx_rows(
    data: bytes, english: dict | None = None, sheet: list | None = None
) -> tuple[list, list[Fault]]:
    """The official sheet's rows; `english` (if given) receives the English sheet's code → text,
    `sheet` (if given) the name of the sheet read."""
    if (fault := too_large(len(data))) is not None:
        return [], [shown(fault)]
    if faults := _unpacked_too_large(data):
        return [], faults
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a broken or hostile file, whatever the parser raised
        return [], _unreadable(exc)
    try:
        ws = workbook[XLSX_SHEET] if XLSX_SHEET in workbook.sheetnames else workbook.worksheets[0]
        if sheet is not None:
            sheet.append(ws.title)
        rows = _sheet_rows(ws)
        if english is not None and ENGLISH_SHEET in workbook.sheetnames:
            for _number, cells in _sheet_rows(workbook[ENGLISH_SHEET])[1:]:
                if len(cells) >= 2 and cells[0]:
                    english[bangla.to_latin_digits(cells[0])] = cells[1]
    except _TooManyRows:
        return [], [shown(too_many_rows())]
    except Exception as exc:  # noqa: BLE001 - e.g. lxml's XMLSyntaxError on an entity bomb, read lazily
        return [], _unreadable(exc)
    finally:
        workbook.close()
    return rows, []


def _apply_english(document: dict, english: dict[str, str]) -> None:
    """Give the document's areas, activities and indicators the English texts the file names by code."""
    for area in document["areas"]:
        codes = [(area, f"{area['number']}")]
        for activity in area["activities"]:
            codes.append((activity, f"{area['number']}.{activity['number']}"))
            codes += [
                (indicator, f"{area['number']}.{activity['number']}.{indicator['number']}")
                for indicator in activity["indicators"]
            ]
        for item, code in codes:
            if code in english:
                item["title_en"] = english[code]


def _is_sheet(data: bytes, filename: str) -> bool:
    return not _is_docx(data, filename) and (
        filename.lower().endswith(".xlsx") or data.startswith(b"PK\x03\x04")
    )


def _is_docx(data: bytes, filename: str) -> bool:
    if filename.lower().endswith(".docx"):
        return True
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def docx_rows(data: bytes) -> tuple[list, list[Fault], dict[int, str]]:
    """A Word file's paragraphs and table rows, in document order, as rows of cells (a paragraph is
    a row of one cell), and each row's place ("সারণি ১, সারি ৫" / "অনুচ্ছেদ ৩") by its number. A
    merged cell is read once, in its first row and column, as the spreadsheet reader sees it."""
    from docx import Document  # only for .docx imports
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if (fault := too_large(len(data))) is not None:
        return [], [shown(fault)], {}
    if faults := _unpacked_too_large(data, "docx"):
        return [], faults, {}
    try:
        word = Document(io.BytesIO(data))
        rows, places = [], {}
        tables = paragraphs = 0
        for block in word.iter_inner_content():
            if isinstance(block, Paragraph):
                paragraphs += 1
                rows.append((len(rows) + 1, [block.text.strip()]))
                places[len(rows)] = gettext("অনুচ্ছেদ %(n)s") % {"n": number(paragraphs)}
            elif isinstance(block, Table):
                tables += 1
                for r, tr in enumerate(block._tbl.tr_lst, start=1):
                    if len(rows) >= MAX_ROWS:
                        return [], [shown(too_many_rows())], {}
                    rows.append((len(rows) + 1, _docx_cells(tr, block, Paragraph)))
                    places[len(rows)] = gettext("সারণি %(table)s, সারি %(row)s") % {
                        "table": number(tables),
                        "row": number(r),
                    }
            if len(rows) > MAX_ROWS:
                return [], [shown(too_many_rows())], {}
    except Exception as exc:  # noqa: BLE001 - a broken or hostile file, whatever the parser raised
        return [], _unreadable(exc, "docx"), {}
    return rows, [], places


def _docx_cells(tr, table, paragraph) -> list[str]:
    """One Word table row's cells by the table's grid, read from the row's own XML in one pass (not
    python-docx's `row.cells`, which resolves each vertical merge from the table's top: quadratic
    in the rows). A cell merged across columns (gridSpan) or down from the row above (vMerge) is
    read once, in its first column and row, as the spreadsheet reader sees it."""
    cells = [""] * (tr.grid_before or 0)
    for tc in tr.tc_lst:
        if len(cells) >= MAX_COLUMNS:
            break
        text = (
            ""
            if tc.vMerge == "continue"
            else "\n".join(paragraph(p, table).text for p in tc.p_lst).strip()
        )
        cells += [text] + [""] * (max(tc.grid_span, 1) - 1)
    return cells[:MAX_COLUMNS]


def _column_letters(column: int) -> str:
    """A spreadsheet's column name: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _in_file(faults: list[Fault], decoded: "DecodedFile") -> list[Fault]:
    """Each fault's place as the file's kind names it: a sheet's cell (J10) or row, a Word table's
    row and column; a text file keeps its lines."""
    placed = []
    for fault in faults:
        if decoded.sheet is not None and fault.line and fault.column is not None:
            fault = dataclasses.replace(
                fault,
                where=gettext("পাতা “%(sheet)s”, ঘর %(cell)s")
                % {"sheet": decoded.sheet, "cell": f"{_column_letters(fault.column)}{fault.line}"},
            )
        elif fault.line in decoded.places:
            where = decoded.places[fault.line]
            if fault.column is not None and decoded.sheet is None:
                where = gettext("%(row)s, কলাম %(column)s") % {
                    "row": where,
                    "column": number(fault.column + 1),
                }
            fault = dataclasses.replace(fault, where=where)
        placed.append(fault)
    return placed


@dataclass
class DecodedFile:
    """A plan file's rows of cells as the reader sees them: Bijoy cells already in Unicode."""

    rows: list
    faults: list[Fault]
    places: dict[int, str] = field(default_factory=dict)  # a .docx's line → "সারণি ১, সারি ৫"
    english: dict[str, str] = field(default_factory=dict)  # an .xlsx's English texts by code
    sheet: str | None = None  # the .xlsx sheet read
    conversions: list[tuple[int, int, str, str]] = field(
        default_factory=list
    )  # (line, column, before, after)


def decode_plan_file(data: bytes, filename: str) -> DecodedFile:
    english: dict[str, str] = {}
    places: dict[int, str] = {}
    if _is_docx(data, filename):
        rows, faults, places = docx_rows(data)
    elif filename.lower().endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        sheet: list[str] = []
        rows, faults = xlsx_rows(data, english, sheet)
    else:
        rows, text_faults = decode_text(data)
        faults = shown_all(text_faults)
    decoded = DecodedFile(
        rows=rows,
        faults=faults,
        places=places,
        english=english,
        sheet=sheet[0] if _is_sheet(data, filename) and sheet else None,
    )
    if decoded.sheet is not None:  # a sheet's rows are named by it: "পাতা “প্রতিবেদন”, সারি ১০"
        decoded.places = {
            line: gettext("পাতা “%(sheet)s”, সারি %(row)s")
            % {"sheet": decoded.sheet, "row": number(line)}
            for line, _ in rows
        }
    unsure = []  # short cells no detector can tell from Latin (GKK, Mo): Bijoy where they spell the form's words
    for at, (line, cells) in enumerate(rows if not faults else []):
        converted, indexes = bijoy.convert_cells(cells)
        if indexes:
            decoded.conversions += [
                (line, index + 1, cells[index], converted[index]) for index in indexes
            ]
            rows[at] = (line, converted)
        unsure += [
            (at, index)
            for index, cell in enumerate(cells)
            if index not in indexes and _spells_form_word(cell)
        ]
    if decoded.conversions:  # a file typed in Bijoy: its headings and unit words are, too
        for at, index in unsure:
            line, cells = rows[at]
            before, after = cells[index], bijoy.to_unicode(cells[index])
            rows[at] = (line, cells[:index] + [after] + cells[index + 1 :])
            decoded.conversions.append((line, index + 1, before, after))
        decoded.conversions.sort()
    return decoded


def _spells_form_word(cell: str) -> bool:
    """Whether a Latin-letter cell reads, as Bijoy, as one of the form's own words (একক, গড়, নং …)."""
    if not cell or not cell.isascii() or not any(c.isalpha() for c in cell):
        return False
    return unicodedata.normalize("NFC", heading(bijoy.to_unicode(cell))) in FORM_WORDS


def read_plan_file(
    data: bytes,
    filename: str,
    *,
    single_tier: int = 0,
    repairs: dict[str, bool] | None = None,
    decoded: DecodedFile | None = None,
) -> tuple[dict | None, list[Fault]]:
    """A text (.txt/.tsv), spreadsheet (.xlsx) or Word (.docx) file → (plan document, faults);
    `single_tier`: where a plan with one annual target puts it (seed_layout.read_rows); `decoded`:
    the file as decode_plan_file gave it already (the preview shows its rows too)."""
    decoded = decoded or decode_plan_file(data, filename)
    if decoded.faults:
        return None, decoded.faults
    places = decoded.places
    document, read_faults = read_rows(decoded.rows, single_tier=single_tier, repairs=repairs)
    faults = shown_all(read_faults)
    if document is not None:
        document["notices"] = _in_file(shown_all(document["notices"]), decoded)
    if document is not None and decoded.conversions:
        document["conversions"] = decoded.conversions
    if document is not None and decoded.english:
        _apply_english(document, decoded.english)
    if document is not None and places:
        for area in document[
            "areas"
        ]:  # a .docx or .xlsx names its rows so: the plan rules' faults say it too
            area["where"] = places.get(area.get("line"))
            for activity in area["activities"]:
                for indicator in activity["indicators"]:
                    indicator["where"] = places.get(indicator.get("line"))
    return document, _in_file(faults, decoded)


@dataclass
class PlanImportResult:
    plan: ActionPlan | None
    faults: list[Fault] = field(default_factory=list)
    quarter: int | None = None  # the latest quarter whose achievements the file held
    notices: list[Fault] = field(
        default_factory=list
    )  # what the admin should know (tiers left blank)
    preview: str = ""  # what `render` made of the loaded plan
    single_target: bool = False  # the file gave one annual target per indicator, not five tiers


def _existing_plan(document: dict) -> ActionPlan | None:
    data = document["office"]
    office = find_office(
        name=data["name"], location=data.get("location", ""), code=data.get("code")
    )
    if office is None:
        return None
    return (
        ActionPlan.objects.filter(
            office=office,
            fiscal_year__start_year=document["fiscal_year"],
            title=document["plan"]["title"],
        )
        .select_related("office", "fiscal_year")
        .first()
    )


def _structure(document: dict) -> list:
    """What may not change silently once reports are in: numbers, units, weights, targets."""

    def number(text):
        return None if text is None else Decimal(str(text))

    return [
        (
            a["number"],
            number(a["weight"]),
            [
                (
                    b["number"],
                    [
                        (
                            i["number"],
                            i["unit"],
                            i.get("unit_label") or "",
                            number(i["weight"]),
                            [typed_target(i["unit"], t) for t in i["targets"]],
                            i.get("unknown_tiers") or [],
                        )
                        for i in b["indicators"]
                    ],
                )
                for b in a["activities"]
            ],
        )
        for a in document["areas"]
    ]


def _own_values(document: dict, plan: ActionPlan | None, quarter: int) -> tuple[dict, list[Fault]]:
    """The quarter's own values from the file's achievements to date, given earlier quarters."""
    faults, own = [], {}
    earlier: dict[str, list] = {}
    methods: dict[str, str] = {}
    if plan is not None:
        for indicator in Indicator.objects.filter(activity__area__plan=plan).select_related(
            "activity__area"
        ):
            code = (
                f"{indicator.activity.area.number}.{indicator.activity.number}.{indicator.number}"
            )
            methods[code] = indicator.calculation_method
            earlier[code] = [None] * (quarter - 1)
        for achievement in Achievement.objects.filter(
            report__plan=plan, report__quarter__lt=quarter
        ).select_related("indicator__activity__area", "report"):
            i = achievement.indicator
            code = f"{i.activity.area.number}.{i.activity.number}.{i.number}"
            earlier[code][achievement.report.quarter - 1] = achievement.value
    to_date = document["reports"][0]["achievements_to_date"]
    for area in document["areas"]:
        for activity in area["activities"]:
            for indicator in activity["indicators"]:
                code = indicator["code"]
                method = (
                    methods.get(code)
                    or indicator.get("calculation_method")
                    or scoring.DEFAULT_CALCULATION[indicator["unit"]]
                )
                indicator["calculation_method"] = method  # an update keeps the plan's own method
                value = typed_target(indicator["unit"], to_date.get(code))
                try:
                    quarter_value = scoring.quarter_value_for(
                        method, earlier.get(code, [None] * (quarter - 1)), value
                    )
                except ValueError:
                    faults.append(
                        ShownFault(
                            place=code,
                            line=indicator.get("line"),
                            where=indicator.get("where"),
                            message=gettext(
                                "সূচক [%(code)s]: এ পর্যন্ত অর্জন “%(value)s” আগের ত্রৈমাসিকগুলোর সংরক্ষিত অর্জনের সাথে মেলে না।"
                            )
                            % {"code": number(code), "value": to_date.get(code) or "-----"},
                        )
                    )
                    continue
                if quarter_value is not None:
                    own[code] = {"value": document_value(quarter_value), "remarks": ""}
    return own, faults


def _plan_faults_beside(document: dict, faults: list[Fault]) -> list[Fault]:
    """The plan rules' faults of a document the reader found faults in, leaving out those the
    reader's already explain: an unreadable weight (and so its sums), a row's unreadable target."""
    said = {(f.line, f.field) for f in faults}
    unread_areas = set()
    for area in document["areas"]:
        items = [i for a in area["activities"] for i in a["indicators"]]
        if (
            area["weight"] is None
            or area.get("incomplete")
            or any(i["weight"] is None for i in items)
        ):
            unread_areas.add(area.get("line"))
    plan_unread = any(a["weight"] is None for a in document["areas"])

    def stands(fault: Fault) -> bool:
        if fault.field == "weight":
            return (fault.line, "weight") not in said
        if (fault.field or "").startswith("target_"):
            return (fault.line, "targets") not in said
        if fault.field == "indicator_sum":
            return fault.line not in unread_areas
        if fault.field == "area_sum":
            return not plan_unread
        return True

    return [f for f in shown_all(check_plan(document) + numbering_gaps(document)) if stands(f)]


def _office_of(document: dict, office_name: str | None) -> tuple[Office | None, list[Fault]]:
    """The office a file's plan is for: the one named on import (by code, or by a name no other
    office shares), else the file's own; never invented (a new top-level office with a made-up code
    and tier would be wrong, and silently so)."""
    if office_name:
        named = Office.objects.filter(code=office_name).first() or find_office(name=office_name)
        if named is None:
            return None, [
                ShownFault(
                    place=gettext(OFFICE_PLACE),
                    message=gettext(
                        "“%(office)s” কোড বা নামের কোনো দপ্তর নেই (একই নামের একাধিক দপ্তর থাকলে কোড দিন)।"
                    )
                    % {"office": office_name},
                )
            ]
        return named, []
    data = document["office"]
    named = find_office(name=data["name"], location=data.get("location", ""), code=data.get("code"))
    if named is None:
        return None, [
            ShownFault(
                place=gettext(OFFICE_PLACE),
                message=gettext(
                    "ফাইলের দপ্তর “%(office)s” পাওয়া যায়নি: দপ্তরটি আগে যোগ করুন (দপ্তরের তালিকা আমদানি), অথবা কোন "
                    "দপ্তরের কর্মপরিকল্পনা তা দপ্তরের কোড দিয়ে বলুন (--office কোড, বা আমদানি পাতার “দপ্তর” ঘরে)।"
                )
                % {
                    "office": ", ".join(
                        part for part in (data["name"], data.get("location")) if part
                    )
                },
            )
        ]
    return named, []


def import_plan(
    *,
    data: bytes,
    filename: str,
    office_name: str | None = None,
    dry_run: bool = False,
    single_tier: int = 0,
    repairs: dict[str, bool] | None = None,
    render: Callable[[ActionPlan, int | None], str] | None = None,
    decoded: DecodedFile | None = None,
) -> PlanImportResult:
    """Read, check and load a plan file in one transaction; `dry_run`: check everything as an import
    would (the database included), then roll it all back. `render(plan, quarter)`, called on the
    loaded plan before anything is committed or rolled back, makes the result's `preview`."""
    document, faults = read_plan_file(
        data, filename, single_tier=single_tier, repairs=repairs, decoded=decoded
    )
    if faults:
        # The file's own faults, and the plan's rules over what could be read (weights that do not sum,
        # tiers out of order, numbering), except where a fault already said the cell: every one at once.
        if document is not None:
            faults = faults + _plan_faults_beside(document, faults)
        return PlanImportResult(plan=None, faults=sorted(faults, key=lambda f: f.line or 0))
    named, office_faults = _office_of(document, office_name)
    if named is not None:
        document["office"] = {"name": named.name, "location": named.location, "code": named.code}
    quarter = document["quarter"]
    by_quarter = document.pop(
        "quarter_values", {}
    )  # a file of the plan's quarters: each one's own values
    notices = document.pop("notices", [])
    single_target = document.pop("single_target", False)
    with transaction.atomic():
        plan = _existing_plan(document) if named is not None else None
        current = dump_plan_file(plan=plan) if plan is not None else None
        reports = {r.quarter: r for r in plan.reports.all()} if plan is not None else {}
        if plan is not None:
            document["plan"]["scoring_method"] = plan.scoring_method
        faults = office_faults + shown_all(check_plan(document) + numbering_gaps(document))
        written = sorted(by_quarter) if by_quarter else ([quarter] if quarter else [])
        if plan is not None:
            if _structure(document) != _structure(current) and has_reports_in_review(plan):
                faults.append(
                    ShownFault(
                        place=core_messages.text(PLAN_PLACE),
                        message=gettext(
                            "এই কর্মপরিকল্পনার দাখিলকৃত বা অনুমোদিত প্রতিবেদন আছে; ফাইল থেকে এর কাঠামো, মান বা "
                            "লক্ষ্যমাত্রা বদলানো যাবে না (প্রশাসন পাতায় কারণসহ পরিবর্তন করুন)।"
                        ),
                    )
                )
            for q in written:
                if q in reports and not workflow.is_editable(reports[q]):
                    faults.append(
                        ShownFault(
                            place=gettext(REPORT_PLACE),
                            message=gettext(
                                "%(ordinal)s ত্রৈমাসিকের প্রতিবেদনটি %(status)s; এর অর্জন ফাইল থেকে বদলানো যাবে না।"
                            )
                            % {
                                "ordinal": gettext(bangla.QUARTER_ORDINALS[q]),
                                "status": reports[q].get_status_display(),
                            },
                        )
                    )
        if by_quarter:  # each quarter's own value, as the file gives it
            own_by_quarter = {
                q: {code: {"value": value, "remarks": ""} for code, value in values.items()}
                for q, values in by_quarter.items()
            }
        elif (
            quarter
        ):  # one report's achievements to date: this quarter's own values, given the earlier ones
            own, value_faults = _own_values(document, plan, quarter)
            faults += value_faults
            own_by_quarter = {quarter: own}
        else:
            own_by_quarter = {}
        if faults:
            return PlanImportResult(
                plan=None, faults=sorted(faults, key=lambda f: f.line or 0), quarter=quarter
            )
        # Imported achievements are drafts (an import never submits or approves); a report already in
        # draft or returned keeps its state.
        document["reports"] = [
            {
                "quarter": q,
                "status": reports[q].status if q in reports else QuarterlyReport.DRAFT,
                "achievements": own,
            }
            for q, own in sorted(own_by_quarter.items())
        ]
        if current is not None:
            # Keep the other quarters' reports as they are.
            document["reports"] = [
                r for r in current["reports"] if r["quarter"] not in own_by_quarter
            ] + document["reports"]
        plan = load_plan_file(document=document)
        result = PlanImportResult(
            plan=plan,
            quarter=quarter or (max(own_by_quarter) if own_by_quarter else None),
            notices=notices,
            single_target=single_target,
        )
        if render is not None:
            result.preview = render(plan, result.quarter)
        if dry_run:
            transaction.set_rollback(True)
        return result
