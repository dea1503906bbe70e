"""The official report's tab-separated text layout (the seed's): reading and writing.

Pure functions over plain data; the messages about a file go through Django's translation (in the
request's language, digits included) while the form's own words stay Bengali (official_form). Reading turns rows of cells into a plan document (see
reports/plan_documents.py) plus faults with their line numbers; the same reader serves a
spreadsheet, whose rows are handed in as cells. The layout is ragged: where an activity cell
was merged the row is shifted one column left, so cells are placed by content: `[x]` area,
`[x.y]` activity, `[x.y.z]` indicator, then unit, weight, five targets and the achievement.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from egov_plan import bangla, fiscal, scoring
from egov_plan.active_language import digits
from egov_plan.official_form import (COLUMN_NUMBERS, DIGIT, HEADER_COLUMNS, HEADER_TITLES, PREFIX_COLUMNS,
                                     SERIAL_HEADER, TIER_PERCENT_LABELS, TITLE_MARK, TITLE_RE, UNITS)
from egov_plan.plan_rules import TIER_NAMES, Fault, number

AREA_RE = re.compile(rf"^\[({DIGIT}+)\]\s*(.*)$", re.S)
ACTIVITY_RE = re.compile(rf"^\[({DIGIT}+\.{DIGIT}+)\]\s*(.*)$", re.S)
INDICATOR_RE = re.compile(rf"^\[({DIGIT}+\.{DIGIT}+\.{DIGIT}+)\]\s*(.*)$", re.S)
BLANK_RE = re.compile(r"^-*$")  # '', '--', '-----'
UNIT_WORDS = {unit: word for word, unit in UNITS.items()}
ORDINAL_QUARTERS = {name: q for q, name in bangla.QUARTER_ORDINALS.items()}
DEFAULT_TOTAL_MARKS = "50"

Row = tuple[int, list[str]]  # (line or sheet row number, cells)

# A spreadsheet opening the text layout runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); the dashes of a blank value ('-----') are no formula.
FORMULA_STARTS = ("=", "+", "-", "@")
FILE_PLACE = gettext_noop("ফাইল")


def _runs_as_formula(cell: str) -> bool:
    if cell.startswith("'"):
        return _runs_as_formula(cell[1:])  # so that an apostrophe of the text's own survives too
    return cell.startswith(FORMULA_STARTS) and not BLANK_RE.match(cell)


def escape_cell(cell: str) -> str:
    """A cell as the text layout writes it: a leading apostrophe keeps a formula-like text inert."""
    return "'" + cell if _runs_as_formula(cell) else cell


def unescape_cell(cell: str) -> str:
    """The inverse of `escape_cell`, applied on reading the text layout."""
    return cell[1:] if cell.startswith("'") and _runs_as_formula(cell[1:]) else cell


def latin(text: str) -> str:
    return bangla.to_latin_digits(text)


@dataclass
class _Reader:
    rows: list[Row]
    faults: list[Fault] = field(default_factory=list)

    def fault(self, line: int | None, message: str, place: str = "") -> None:
        self.faults.append(Fault(place=place, message=message, line=line))


def decode_text(data: bytes) -> tuple[list[Row], list[Fault]]:
    """Bytes of a text file → rows of tab-separated cells; faults for what is not UTF-8 text."""
    if not data.strip():
        return [], [_empty_file()]
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], [Fault(place=gettext(FILE_PLACE), line=None,
                          message=gettext("এটি লেখা (text) ফাইল নয়: বাইনারি ফাইল পড়া যায় না।"))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            message = gettext("ফাইলটি UTF-8 এনকোডিংয়ে নয় (UTF-16 এ লেখা মনে হচ্ছে); UTF-8 এ সংরক্ষণ করে আবার দিন।")
        else:
            message = gettext("ফাইলটি UTF-8 এনকোডিংয়ে নয়; UTF-8 এ সংরক্ষণ করে আবার দিন।")
        return [], [Fault(place=gettext(FILE_PLACE), line=line, message=message)]
    return [(number, [unescape_cell(cell.strip()) for cell in line.rstrip("\r").split("\t")])
            for number, line in enumerate(text.split("\n"), start=1)], []


def _empty_file() -> Fault:
    return Fault(place=gettext(FILE_PLACE), message=gettext("ফাইলটি খালি।"), line=None)


def read_rows(rows: list[Row]) -> tuple[dict | None, list[Fault]]:
    """Rows of cells (text lines or sheet rows) → (plan document, faults)."""
    reader = _Reader(rows)
    non_blank = [(n, cells) for n, cells in rows if any(cells)]
    if not non_blank:
        return None, [_empty_file()]
    title_at = next((i for i, (_, cells) in enumerate(non_blank)
                     if any(TITLE_MARK in c for c in cells)), None)
    if title_at is None:
        reader.fault(non_blank[0][0], gettext("শিরোনাম পাওয়া যায়নি: “… ২০২২-২০২৩ এর প্রথম ত্রৈমাসিক প্রতিবেদন (…)” "
                                              "ধরনের লাইন থাকতে হবে।"))
        return None, reader.faults
    title_line, title_cells = non_blank[title_at]
    title_text = " ".join(c for c in title_cells if c)
    match = TITLE_RE.match(title_text)
    if not match:
        reader.fault(title_line, gettext("শিরোনাম থেকে অর্থবছর ও ত্রৈমাসিক পড়া যায়নি; “… ২০২২-২০২৩ এর প্রথম "
                                         "ত্রৈমাসিক প্রতিবেদন (জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত)” আকারে লিখুন।"))
        return None, reader.faults
    start_year, end_year = int(latin(match["start"])), int(latin(match["end"]))
    quarter = ORDINAL_QUARTERS[match["ordinal"]]
    if end_year != start_year + 1:
        reader.fault(title_line, gettext("শিরোনামের অর্থবছর পরপর দুই বছরের হতে হবে (যেমন %(example)s)।")
                     % {"example": number("2022-2023")})
    expected_period = bangla.period_text(fiscal.quarter_start(start_year, quarter),
                                         fiscal.quarter_end(start_year, quarter))
    if " ".join(match["period"].split()) != expected_period:
        reader.fault(title_line, gettext("শিরোনামের সময়কাল “%(period)s” %(ordinal)s ত্রৈমাসিকের সাথে মেলে না; হওয়ার "
                                         "কথা “%(expected)s”।") % {"period": match["period"],
                                                                   "ordinal": gettext(match["ordinal"]),
                                                                   "expected": expected_period})

    office_lines = [" ".join(c for c in cells if c) for _, cells in non_blank[:title_at]]
    office_lines = [line for line in office_lines if not re.fullmatch(rf"[{DIGIT[1:-1]}.\s]+", line)]
    if not office_lines:
        reader.fault(title_line, gettext("শিরোনামের উপরে দপ্তরের নাম নেই।"))

    document = {
        "office": {"name": office_lines[0] if office_lines else "",
                   "location": office_lines[1] if len(office_lines) > 1 else ""},
        "fiscal_year": start_year,
        "quarter": quarter,
        "plan": {"title": match["title"].strip(), "total_marks": DEFAULT_TOTAL_MARKS,
                 "scoring_method": scoring.STEP},
        "areas": [],
        "signatories": [],
        "reports": [{"quarter": quarter, "achievements_to_date": {}}],
    }
    header_at = next((i for i, (_, cells) in enumerate(rows) if cells and cells[0] == SERIAL_HEADER), None)
    if header_at is None:
        reader.fault(title_line + 1, gettext("সারণির শিরোনাম-সারি (“ক্রঃ”, “কর্মসম্পাদন ক্ষেত্র”, …) পাওয়া যায়নি।"))
        return None, reader.faults
    header_line, header_cells = rows[header_at]
    for column in HEADER_COLUMNS:
        if not any(cell == column or (column in PREFIX_COLUMNS and cell.startswith(column)) for cell in header_cells):
            reader.fault(header_line, gettext("“%(column)s” কলামটি নেই।") % {"column": column})
    _read_table(reader, rows[header_at + 1:], document)
    return (None if reader.faults else document), reader.faults


def _read_table(reader: _Reader, rows: list[Row], document: dict) -> None:
    area = activity = None
    last_table_row = None
    for line, cells in rows:
        at = next((i for i, c in enumerate(cells) if INDICATOR_RE.match(c)), None)
        if at is None:
            stray = next((c for c in cells if AREA_RE.match(c) or ACTIVITY_RE.match(c)), None)
            if stray and last_table_row is not None:
                reader.fault(line, gettext("“%(cell)s” সারিতে কোনো কর্মসম্পাদন সূচক ([ক.খ.গ]) নেই।") % {"cell": stray[:40]})
            continue
        last_table_row = line
        for i, cell in enumerate(cells[:at]):
            if (found := AREA_RE.match(cell)):
                weight = cells[i + 1] if i + 1 < at else ""
                area = {"number": int(latin(found[1])), "code": latin(found[1]), "title": found[2].strip(),
                        "weight": _number(reader, line, weight, gettext("ক্ষেত্রের মান")), "activities": [], "line": line}
                document["areas"].append(area)
                activity = None
            elif (found := ACTIVITY_RE.match(cell)):
                if area is None:
                    reader.fault(line, gettext("কার্যক্রম [%(code)s] এর আগে কোনো কর্মসম্পাদন ক্ষেত্র নেই।")
                                 % {"code": digits(found[1])})
                    return
                code = latin(found[1])
                activity = {"number": int(code.split(".")[1]), "code": code, "title": found[2].strip(),
                            "indicators": [], "line": line}
                area["activities"].append(activity)
        indicator_match = INDICATOR_RE.match(cells[at])
        code = latin(indicator_match[1])
        place = f"[{number(code)}]"
        if area is None or activity is None:
            reader.fault(line, gettext("সূচক %(place)s এর আগে কোনো কর্মসম্পাদন ক্ষেত্র বা কার্যক্রম নেই।")
                         % {"place": place}, place)
            return
        rest = cells[at + 1:] + [""] * 8
        unit = UNITS.get(rest[0])
        if unit is None:
            reader.fault(line, gettext("সূচক %(place)s: “একক” কলামে “%(cell)s” — তারিখ, %% বা সংখ্যা হতে হবে "
                                       "(কলামটি বাদ পড়েছে কি?)।") % {"place": place, "cell": rest[0]}, place)
            continue
        targets = [_value(reader, line, unit, rest[2 + k], gettext("সূচক %(place)s এর “%(name)s” লক্ষ্যমাত্রা")
                          % {"place": place, "name": gettext(TIER_NAMES[k])}) for k in range(5)]
        activity["indicators"].append({
            "number": int(code.split(".")[2]), "code": code, "title": indicator_match[2].strip(),
            "unit": unit, "weight": _number(reader, line, rest[1], gettext("সূচক %(place)s এর মান") % {"place": place}),
            "calculation_method": None, "targets": targets, "line": line,
        })
        achievement = _value(reader, line, unit, rest[7], gettext("সূচক %(place)s এর অর্জন") % {"place": place})
        if achievement is not None:
            document["reports"][0]["achievements_to_date"][code] = achievement
    if last_table_row is None:
        reader.fault(rows[0][0] if rows else None, gettext("সারণিতে কোনো কর্মসম্পাদন সূচক ([ক.খ.গ] …) পাওয়া যায়নি।"))
        return
    _read_signatories(reader, [(n, c) for n, c in rows if n > last_table_row], document)


def _read_signatories(reader: _Reader, rows: list[Row], document: dict) -> None:
    block: list[str] = []
    block_line = None
    for line, cells in rows + [(None, [])]:
        text = " ".join(c for c in cells if c)
        if text:
            block_line = block_line or line
            block.append(text)
            continue
        if block:
            if len(block) < 2 or len(block) > 4:
                reader.fault(block_line, gettext("স্বাক্ষরকারী “%(name)s”: নামের পরে এক থেকে তিন লাইনে পদবি ও দপ্তর "
                                                 "থাকতে হবে।") % {"name": block[0]})
            else:
                document["signatories"].append({"name": block[0], "lines": block[1:], "line": block_line})
        block, block_line = [], None


def _number(reader: _Reader, line: int, text: str, what: str) -> str | None:
    try:
        return str(bangla.parse_decimal(text))
    except ValueError:
        reader.fault(line, gettext("%(what)s “%(text)s” সংখ্যা নয়।") % {"what": what, "text": text})
        return None


def _value(reader: _Reader, line: int, unit: str, text: str, what: str) -> str | None:
    if BLANK_RE.match(text):
        return None
    try:
        if unit == scoring.DATE:
            return bangla.parse_date(text).isoformat()
        if unit == scoring.PERCENT:
            return str(bangla.parse_percent(text))
        return str(bangla.parse_count(text))
    except ValueError:
        message = {scoring.DATE: gettext_noop("%(what)s “%(text)s” সঠিক তারিখ (দদ/মম/বব) নয়।"),
                   scoring.PERCENT: gettext_noop("%(what)s “%(text)s” শতাংশ নয়।"),
                   scoring.COUNT: gettext_noop("%(what)s “%(text)s” পূর্ণসংখ্যা নয়।")}[unit]
        reader.fault(line, gettext(message) % {"what": what, "text": text})
        return None


# ---------------------------------------------------------------------------------------------
# Writing



@dataclass
class SheetRow:
    """One indicator row of the official table, as text."""

    serial: str
    area: str
    area_weight: str
    activity: str
    indicator: str
    unit: str
    weight: str
    targets: list[str]
    achievement: str
    first_in_area: bool
    first_in_activity: bool
    area_rows: int = 1
    activity_rows: int = 1


@dataclass
class Sheet:
    """The official report as text cells: what the text and spreadsheet exports write."""

    office_lines: list[str]
    title: str
    target_header: str
    achievement_header: str
    rows: list[SheetRow]
    signatories: list[list[str]]

    def header_rows(self) -> list[list[str]]:
        return [
            HEADER_TITLES + [self.target_header, "", "", "", "", self.achievement_header],
            [""] * 7 + list(TIER_NAMES) + [""],
            [""] * 7 + TIER_PERCENT_LABELS + [""],
            list(COLUMN_NUMBERS),
        ]

    def table_cells(self, row: SheetRow, *, ragged: bool) -> list[str]:
        """A row's cells; `ragged` drops the merged activity cell as the seed's text does."""
        tail = [row.indicator, row.unit, row.weight, *row.targets, row.achievement]
        if row.first_in_area:
            return [row.serial, row.area, row.area_weight, row.activity, *tail]
        if row.first_in_activity or not ragged:
            return ["", "", "", row.activity if row.first_in_activity else "", *tail]
        return ["", "", "", *tail, ""]


def write_text(sheet: Sheet) -> str:
    lines = [[""], *([line] for line in sheet.office_lines), [""], [""], [sheet.title], [""]]
    lines += sheet.header_rows()
    lines += [sheet.table_cells(row, ragged=True) for row in sheet.rows]
    for signatory in sheet.signatories:
        lines += [[""], *([line] for line in signatory)]
    return "\n".join("\t".join(escape_cell(cell) for cell in cells) for cells in lines) + "\n"
