"""The official report's tab-separated text layout (the seed's): reading and writing.

Pure functions over plain data, without Django: the faults about a file are Problems (codes and
their parameters) that the caller says in the interface language (egov_plan/core_messages.py),
while the form's own words stay Bengali (official_form). Reading turns rows of cells into a plan
document (see reports/plans/files.py) plus faults with their line numbers; the same reader
serves a spreadsheet, whose rows are handed in as cells. The layout is ragged: where an activity
cell was merged the row is shifted one column left, so cells are placed by content: `[x]` area,
`[x.y]` activity, `[x.y.z]` indicator, then unit, weight, five targets and the achievement.
"""

import dataclasses
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from egov_plan.core import bangla, fiscal, scoring
from egov_plan.core.official_form import (
    ACHIEVEMENT,
    ACTIVITY,
    AREA,
    AREA_WEIGHT,
    CALCULATION_WORDS,
    COLUMN_NUMBERS,
    DIGIT,
    HEADER_TITLES,
    HEADING_PREFIXES,
    HEADINGS,
    INDICATOR,
    METHOD,
    NOTE_PREFIXES,
    OTHER,
    PERCENT_WORDS,
    PLAIN_WEIGHT_HEADING,
    PLAN_TITLE_RE,
    QUARTER_HEADING_RE,
    QUARTER_WORDS,
    REQUIRED_HEADINGS,
    ROLE_NAMES,
    SERIAL,
    TARGETS,
    TIER_PERCENT_LABELS,
    TITLE_MARK,
    TITLE_RE,
    TO_DATE_HEADINGS,
    TOTAL_WORDS,
    UNIT,
    UNIT_WORDS,
    UNITS,
    UNKNOWN_MARKS,
    WEIGHT,
)
from egov_plan.core.plan_rules import (
    LAYOUT,
    QUARTER,
    TIER_NAMES,
    TO_DATE,
    UNIT_KIND,
    VALUE,
    Digits,
    Fault,
    Problem,
    Term,
    counts_whole,
    is_unknown_mark,
    number,
)
from egov_plan.core.plan_rules import typed_target as typed_value

# The calculation methods by name, for messages (the words of the form's "গণনা পদ্ধতি" column).
METHOD_NAMES = {method: word for word, method in CALCULATION_WORDS.items()}


def _code_re(parts: int) -> re.Pattern:
    """`[১.২] title` (the form's own way) or `১.২ title` / `১.২. title` (many offices' files): an
    unbracketed code needs a title with a letter in it, so that a weight (`৩০`) or a dotted date
    (`৩১.০৫.২০২৩`) is never taken for one; and codes are looked for only in the columns of the area,
    activity and indicator (see _read_table), so that `১.৫ লক্ষ` or a footnote is not either."""
    code = rf"{DIGIT}+" + rf"\.{DIGIT}+" * (parts - 1)
    return re.compile(rf"^(?:\[\s*({code})\s*\]\s*|({code})[.):।]?\s+(?=.*[^\W\d_]))(.*)$", re.S)


class _CodeMatch:
    """A code cell's number and title, from either form of `_code_re`."""

    def __init__(self, match: re.Match):
        self._match = match

    def __getitem__(self, group: int) -> str:
        if group == 1:
            return self._match[1] or self._match[2]
        return self._match[3]


class _CodePattern:
    def __init__(self, parts: int):
        self._re = _code_re(parts)

    def match(self, cell: str) -> _CodeMatch | None:
        found = self._re.match(cell)
        return _CodeMatch(found) if found else None


AREA_RE = _CodePattern(1)
ACTIVITY_RE = _CodePattern(2)
INDICATOR_RE = _CodePattern(3)
BLANK_RE = re.compile(r"^-*$")  # '', '--', '-----'
ORDINAL_QUARTERS = {name: q for q, name in bangla.QUARTER_ORDINALS.items()}
Row = tuple[int, list[str]]  # (line or sheet row number, cells)

# A spreadsheet opening the text layout runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); the dashes of a blank value ('-----') are no formula.
FORMULA_STARTS = ("=", "+", "-", "@")
FILE_PLACE = Problem("file_place")  # the file as a whole


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
    notices: list[Fault] = field(default_factory=list)  # what the admin should know, not a fault
    repairs: dict[str, bool] = field(
        default_factory=dict
    )  # the admin's decisions: cell key → accepted

    def fault(
        self,
        line: int | None,
        message: Problem,
        place: Problem | str = "",
        kind: str = LAYOUT,
        repair: tuple[str, str] | None = None,
    ) -> None:
        self.faults.append(Fault(place=place, message=message, line=line, kind=kind, repair=repair))

    def tag(self, since: int, field_name: str | None = None, column: int | None = None) -> None:
        """Name the cell the faults added since `since` are about: what it holds (for the plan rules
        said beside them) and its column (for a spreadsheet's cell reference)."""
        self.faults[since:] = [
            dataclasses.replace(
                f, field=f.field or field_name, column=f.column if f.column is not None else column
            )
            for f in self.faults[since:]
        ]

    def notice(self, line: int | None, message: Problem, place: Problem | str = "") -> None:
        self.notices.append(Fault(place=place, message=message, line=line))


# Bounds on what a plan file may hold, checked before it is read (a real plan is tens of kilobytes,
# a few hundred rows of about twenty columns): a hostile or broken file is refused with a message,
# in little memory and time, instead of taking a worker past its timeout.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 25 * 1024 * 1024  # an .xlsx's or .docx's parts, unzipped
MAX_PART_BYTES = (
    5 * 1024 * 1024
)  # any one of them (a sheet, the shared strings, word/document.xml), unzipped
MAX_ROWS = 5000
MAX_COLUMNS = 100


def too_large(size: int) -> Fault | None:
    """The fault of a file of `size` bytes, if it is larger than a plan file may be."""
    if size <= MAX_FILE_BYTES:
        return None
    return Fault(
        place=FILE_PLACE,
        message=Problem(
            "file_too_large",
            {
                "size": number(
                    Decimal(math.ceil(size * 10 / 1024 / 1024)) / 10
                ),  # 5.1, never "5" for over 5
                "max": number(MAX_FILE_BYTES // 1024 // 1024),
            },
        ),
    )


def too_many_rows() -> Fault:
    return Fault(
        place=FILE_PLACE,
        message=Problem("too_many_rows", {"max": number(MAX_ROWS)}),
    )


def decode_text(data: bytes) -> tuple[list[Row], list[Fault]]:
    """Bytes of a text file → rows of tab-separated cells; faults for what is not UTF-8 text."""
    if (fault := too_large(len(data))) is not None:
        return [], [fault]
    if not data.strip():
        return [], [_empty_file()]
    if (
        data.count(b"\n") + (not data.endswith(b"\n")) > MAX_ROWS
    ):  # its lines, the last one unended or not
        return [], [too_many_rows()]
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], [
            Fault(
                place=FILE_PLACE,
                line=None,
                message=Problem("binary_file"),
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            message = Problem("utf16_file")
        else:
            message = Problem("not_utf8_file")
        return [], [Fault(place=FILE_PLACE, line=line, message=message)]
    rows = []
    for line_number, line in enumerate(text.split("\n"), start=1):
        if line.count("\t") >= MAX_COLUMNS:
            return [], [
                Fault(
                    place=FILE_PLACE,
                    line=line_number,
                    message=Problem("too_many_columns", {"max": number(MAX_COLUMNS)}),
                )
            ]
        rows.append(
            (line_number, [unescape_cell(cell.strip()) for cell in line.rstrip("\r").split("\t")])
        )
    return rows, []


def _empty_file() -> Fault:
    return Fault(place=FILE_PLACE, message=Problem("empty_file"), line=None)


def read_rows(
    rows: list[Row], *, single_tier: int = 0, repairs: dict[str, bool] | None = None
) -> tuple[dict | None, list[Fault]]:
    """Rows of cells (text lines or sheet rows) → (plan document, faults). The title names the
    fiscal year and the quarter of the report (the seed's), or only the plan's fiscal year (a file of
    the plan, with or without its quarters' columns). A plan with one annual target instead of
    five tiers puts it in `single_tier` (0: the 100 % tier). What the admin should know but is no
    fault (the tiers left blank) is in the document's "notices". A percent that a spreadsheet broke
    is a fault with a suggested repair until `repairs` (cell key → accepted) decides it."""
    reader = _Reader(rows, repairs=dict(repairs or {}))
    non_blank = [(n, cells) for n, cells in rows if any(cells)]
    if not non_blank:
        return None, [_empty_file()]
    title_at = next(
        (i for i, (_, cells) in enumerate(non_blank) if any(TITLE_MARK in c for c in cells)), None
    )
    plan_title = None
    if title_at is None:
        header_index = next(
            (i for i, (_, cells) in enumerate(non_blank) if _is_header(cells)), len(non_blank)
        )
        title_at = next(
            (
                i
                for i, (_, cells) in enumerate(non_blank[:header_index])
                if PLAN_TITLE_RE.match(" ".join(c for c in cells if c))
            ),
            None,
        )
        if title_at is not None:
            plan_title = PLAN_TITLE_RE.match(" ".join(c for c in non_blank[title_at][1] if c))
    if title_at is None:
        reader.fault(non_blank[0][0], Problem("no_title"))
        return None, reader.faults
    title_line, title_cells = non_blank[title_at]
    if plan_title is not None:
        match, quarter = plan_title, None
        start_year, end = int(latin(match["start"])), int(latin(match["end"]))
        end_year = end if end >= 100 else start_year // 100 * 100 + end
    else:
        title_text = " ".join(c for c in title_cells if c)
        match = TITLE_RE.match(title_text)
        if not match:
            reader.fault(title_line, Problem("title_unread"))
            return None, reader.faults
        start_year, end_year = int(latin(match["start"])), int(latin(match["end"]))
        quarter = ORDINAL_QUARTERS[match["ordinal"]]
    if end_year != start_year + 1:
        reader.fault(title_line, Problem("title_years", {"example": number("2022-2023")}))
    if quarter is not None:
        expected_period = bangla.period_text(
            fiscal.quarter_start(start_year, quarter), fiscal.quarter_end(start_year, quarter)
        )
        if " ".join(match["period"].split()) != expected_period:
            reader.fault(
                title_line,
                Problem(
                    "title_period",
                    {
                        "period": match["period"],
                        "ordinal": Term(match["ordinal"]),
                        "expected": expected_period,
                    },
                ),
            )

    office_lines = [" ".join(c for c in cells if c) for _, cells in non_blank[:title_at]]
    office_lines = [
        line for line in office_lines if not re.fullmatch(rf"[{DIGIT[1:-1]}.\s]+", line)
    ]
    if not office_lines:
        reader.fault(title_line, Problem("no_office"))

    document = {
        "office": {
            "name": office_lines[0] if office_lines else "",
            "location": office_lines[1] if len(office_lines) > 1 else "",
        },
        "fiscal_year": start_year,
        "quarter": quarter,
        "plan": {
            "title": match["title"].strip(),
            "total_marks": None,
            "scoring_method": scoring.STEP,
        },
        "areas": [],
        "signatories": [],
        "reports": [{"quarter": quarter, "achievements_to_date": {}}] if quarter else [],
        "quarter_values": {},  # a file with the quarters' columns: quarter → {code: value}
    }
    title_index = next(i for i, (n, _) in enumerate(rows) if n == title_line)
    header_at = next(
        (i for i, (_, cells) in enumerate(rows) if i > title_index and _is_header(cells)), None
    )
    if header_at is None:
        reader.fault(title_line + 1, Problem("no_header_row"))
        return None, reader.faults
    data_at = next(
        (
            i
            for i in range(header_at + 1, len(rows))
            if any(INDICATOR_RE.match(c) for c in rows[i][1])
        ),
        len(rows),
    )
    columns = _place_columns(reader, rows[header_at:data_at])
    if columns is None:
        return None, reader.faults
    _read_table(reader, rows[data_at:], document, columns, single_tier)
    document["notices"] = reader.notices
    document["single_target"] = columns.single_target  # the admin may put it in another tier
    return document, reader.faults  # with faults, what could be read: the plan rules say the rest


def heading(cell: str) -> str:
    """A header cell as compared: English in brackets, a trailing colon and extra spaces dropped."""
    cell = re.sub(r"\([^()]*[A-Za-z][^()]*\)", " ", cell)
    return " ".join(cell.split()).rstrip(":").strip()


def _role(cell: str) -> str | None:
    text = heading(cell)
    for role, words in HEADINGS.items():
        if text in words:
            return role
    for role, prefix in HEADING_PREFIXES:
        if text.startswith(prefix):
            return role
    return None


def _is_header(cells: list[str]) -> bool:
    roles = {_role(c) for c in cells}
    return INDICATOR in roles and bool(roles & {SERIAL, AREA, ACTIVITY, UNIT})


TIER_HEADINGS = {heading(name): k for k, name in enumerate(TIER_NAMES)}
TIER_PERCENT_HEADINGS = {
    bangla.to_latin_digits(label).replace(" ", ""): k for k, label in enumerate(TIER_PERCENT_LABELS)
}


@dataclass
class Columns:
    """Where each of the form's columns stands, as an offset from the indicator's cell (a ragged
    row, shifted left where a merged cell was dropped, keeps its cells' order after the indicator)."""

    offsets: dict[str, int]
    tiers: list[int]
    base: int = 0  # the indicator's column in the header: a row's code cells stand at or before it
    area_weight: int | None = None  # the area's weight, as an offset from the area's own cell
    # A file of the plan's quarters: each quarter's achievement column, and the one to date beside them.
    quarters: dict[int, int] = field(default_factory=dict)
    to_date: int | None = None
    # Columns kept as the indicator's notes, with their headings (earlier actuals, projections).
    notes: list[tuple[int, str]] = field(default_factory=list)
    single_target: bool = False  # one annual target instead of five tiers: `tiers` all point at it

    def cell(self, cells: list[str], at: int, role: str) -> str:
        offset = self.offsets.get(role)
        return _cell(cells, at + offset) if offset is not None else ""

    def tier_cell(self, cells: list[str], at: int, tier: int) -> str:
        return _cell(cells, at + self.tiers[tier])


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if 0 <= index < len(cells) else ""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _quarter_of(cell: str) -> int | None:
    """The quarter a heading names as an achievement column ("১ম ত্রৈমাসিক", "Q2"), or None."""
    found = QUARTER_HEADING_RE.match(_nfc(heading(cell)))
    if not found:
        return None
    return int(found["q"]) if found["q"] else QUARTER_WORDS[found["ordinal"]]


def _is_note_heading(cell: str) -> bool:
    return any(heading(cell).startswith(prefix) for prefix in NOTE_PREFIXES)


def _place_columns(reader: _Reader, header_rows: list[Row]) -> Columns | None:
    """Each column's role from the header rows (top-down: the first heading of a column names it);
    the five tiers from their names (or their percents) under the targets' heading; the quarters'
    achievement columns and the one to date beside them; the columns kept as notes (earlier
    actuals, projections: a heading over several columns, merged, names each of them)."""
    header_line = header_rows[0][0]
    roles: dict[int, str] = {}
    tiers: dict[int, int] = {}
    quarters: dict[int, int] = {}
    to_date: set[int] = set()
    labels: dict[int, list[str]] = {}  # every heading over a column, top-down
    noted: set[int] = set()
    width = max((len(cells) for _, cells in header_rows), default=0)
    for _line, cells in header_rows:
        previous = None
        group = None  # a notes heading merged over the blank cells to its right
        for column, cell in enumerate(cells):
            role = _role(cell)
            if heading(cell) == PLAIN_WEIGHT_HEADING and previous == AREA:
                role = AREA_WEIGHT  # the area's weight stands right after it, headed just "মান"
            elif heading(cell) == PLAIN_WEIGHT_HEADING and previous in (UNIT, METHOD, INDICATOR):
                role = WEIGHT
            if role and column not in roles:
                roles[column] = role
            previous = roles.get(column, previous)
            tier = TIER_HEADINGS.get(heading(cell))
            if tier is None:
                tier = TIER_PERCENT_HEADINGS.get(bangla.to_latin_digits(cell).replace(" ", ""))
            if tier is not None and column not in tiers:
                tiers[column] = tier
            if (quarter := _quarter_of(cell)) is not None:
                quarters.setdefault(column, quarter)
            elif _nfc(heading(cell)) in TO_DATE_HEADINGS:
                to_date.add(column)
            if cell.strip():
                group = heading(cell) if _is_note_heading(cell) else None
                labels.setdefault(column, []).append(heading(cell))
                if group:
                    noted.add(column)
            elif group:
                labels.setdefault(column, []).append(group)
                noted.add(column)
        # A merged heading at the row's end: a sheet keeps no blank cells after it, so it goes on
        # over the columns that the rows below head.
        for column in range(len(cells), width) if group else ():
            if any(column < len(other) and other[column].strip() for _, other in header_rows):
                labels.setdefault(column, []).append(group)
                noted.add(column)
    first_tier = min(tiers, default=None)
    for column, role in roles.items():
        if role == ACHIEVEMENT and first_tier is not None and column < first_tier:
            roles[column] = (
                OTHER  # "অর্জন ২০২০-২১" before the targets: a past year's, not this quarter's
            )
            noted.add(column)
    if quarters:
        # The quarters' columns (under one "অর্জন" heading, or each named so) are no single achievement;
        # the achievement column left beside them, or one headed "এ পর্যন্ত"/"মোট", is the one to date.
        for column in quarters:
            if roles.get(column) in (ACHIEVEMENT, OTHER):
                del roles[column]
        to_date = {c for c in to_date if c not in quarters and c > min(quarters)} | {
            c for c, role in roles.items() if role == ACHIEVEMENT
        }
        for column in to_date:
            roles.pop(column, None)
    found = {
        role: column for column, role in sorted(roles.items(), reverse=True)
    }  # the first of each
    missing = [name for role, name in REQUIRED_HEADINGS if role not in found]
    for name in missing:
        reader.fault(header_line, Problem("column_missing", {"column": name}))
    twice = sorted(
        {
            role
            for role in roles.values()
            if role not in (OTHER, SERIAL, TARGETS) and list(roles.values()).count(role) > 1
        }
    )
    for role in twice:  # which of the two holds the values? refused rather than guessed
        reader.fault(header_line, Problem("column_twice", {"column": ROLE_NAMES[role]}))
    tier_twice = sorted({tier for tier in tiers.values() if list(tiers.values()).count(tier) > 1})
    for tier in tier_twice:
        reader.fault(header_line, Problem("column_twice", {"column": Term(TIER_NAMES[tier])}))
    quarter_twice = sorted({q for q in quarters.values() if list(quarters.values()).count(q) > 1})
    for quarter in quarter_twice:
        reader.fault(
            header_line,
            Problem("quarter_column_twice", {"ordinal": Term(bangla.QUARTER_ORDINALS[quarter])}),
        )
    if len(to_date) > 1:
        reader.fault(header_line, Problem("to_date_column_twice"))
    if missing or twice or tier_twice or quarter_twice or len(to_date) > 1:
        return None
    base = found[INDICATOR]
    by_tier = {tier: column for column, tier in sorted(tiers.items(), reverse=True)}
    single = False
    if not by_tier:
        # One annual target (লক্ষ্যমাত্রা) and no tiers: it stands alone when the next column has a
        # heading of its own; blank-headed columns after it would be tiers no heading names.
        after = found[TARGETS] + 1
        if (
            after >= width
            or after in roles
            or after in quarters
            or after in to_date
            or after in noted
        ):
            single = True
            by_tier = {k: found[TARGETS] for k in range(5)}
    unplaced = [TIER_NAMES[k] for k in range(5) if k not in by_tier]
    if unplaced:
        reader.fault(
            header_line,
            Problem("tiers_unplaced", {"tiers": tuple(Term(t) for t in unplaced)}),
        )
        return None
    area_weight = (
        found[AREA_WEIGHT] - found[AREA]
        if AREA_WEIGHT in found and found[AREA_WEIGHT] > found[AREA]
        else None
    )
    notes = [
        (column - base, " ".join(labels[column]))
        for column in sorted(noted)
        if column > base
        and column not in quarters
        and column not in to_date
        and column in labels
        and roles.get(column, OTHER) == OTHER
    ]
    return Columns(
        offsets={role: column - base for role, column in found.items() if column > base},
        tiers=[by_tier[k] - base for k in range(5)],
        base=base,
        area_weight=area_weight,
        quarters={q: column - base for column, q in quarters.items()},
        to_date=next(iter(to_date)) - base if to_date else None,
        notes=notes,
        single_target=single,
    )


def _total_in(cells: list[str]) -> str | None:
    """The number of a total row (“মোট …”), or None when the row is no total."""
    at = next((i for i, c in enumerate(cells) if heading(c) in TOTAL_WORDS), None)
    if at is None:
        return None
    return next((c for c in cells[at + 1 :] if c and not BLANK_RE.match(c)), "")


def _read_table(
    reader: _Reader, rows: list[Row], document: dict, columns: Columns, single_tier: int = 0
) -> None:
    area = activity = None
    last_table_row = None
    total_rows = set()

    def indicator_at(cells):  # a ragged row is only ever shifted left of the header's columns
        return next(
            (i for i, c in enumerate(cells[: columns.base + 1]) if INDICATOR_RE.match(c)), None
        )

    last_indicator = max(
        (line for line, cells in rows if indicator_at(cells) is not None), default=None
    )
    for line, cells in rows:
        at = indicator_at(cells)
        if at is None:
            if (total := _total_in(cells)) is not None:
                total_rows.add(line)
                document["plan"]["total_marks"] = _number(
                    reader, line, total, Problem("what_total_marks")
                )
                continue
            stray = next(
                (c for c in cells[: columns.base + 1] if AREA_RE.match(c) or ACTIVITY_RE.match(c)),
                None,
            )
            if stray and last_table_row is not None and line < last_indicator:
                reader.fault(
                    line,
                    Problem("row_without_indicator", {"cell": stray[:40]}),
                )
            continue
        last_table_row = line
        for i, cell in enumerate(cells[:at]):
            if found := AREA_RE.match(cell):
                step = columns.area_weight or 1  # by its heading where the file has one
                weight = cells[i + step] if i + step < at else ""
                said = len(reader.faults)
                area_weight = _number(reader, line, weight, Problem("what_area_weight"))
                reader.tag(said, "weight", i + step)
                area = {
                    "number": int(latin(found[1])),
                    "code": latin(found[1]),
                    "title": found[2].strip(),
                    "weight": area_weight,
                    "activities": [],
                    "line": line,
                }
                document["areas"].append(area)
                activity = None
            elif found := ACTIVITY_RE.match(cell):
                if area is None:
                    reader.fault(
                        line,
                        Problem("activity_without_area", {"code": Digits(found[1])}),
                    )
                    return
                code = latin(found[1])
                activity = {
                    "number": int(code.split(".")[1]),
                    "code": code,
                    "title": found[2].strip(),
                    "indicators": [],
                    "line": line,
                }
                area["activities"].append(activity)
        indicator_match = INDICATOR_RE.match(cells[at])
        code = latin(indicator_match[1])
        place = Digits(f"[{number(code)}]")
        if area is None or activity is None:
            reader.fault(line, Problem("indicator_without_parent", {"place": place}), place)
            return
        unit_cell = columns.cell(cells, at, UNIT)
        unit, unit_label = unit_of(unit_cell)
        if unit is None:
            reader.fault(
                line,
                Problem("unit_unknown", {"place": place, "cell": unit_cell}),
                place,
                kind=UNIT_KIND,
            )
            reader.tag(
                len(reader.faults) - 1,
                column=at + columns.offsets[UNIT] if UNIT in columns.offsets else None,
            )
            area["incomplete"] = (
                True  # an indicator left out: its area's sums would say nothing true
            )
            continue
        whole = counts_whole(unit, unit_label)
        targets, unknown = [], []
        said = len(reader.faults)
        for k in range(5):
            if columns.single_target and k != single_tier:
                targets.append(None)  # one annual target: the other tiers stay blank (and are said)
                continue
            tier_said = len(reader.faults)
            cell = _repaired(
                reader,
                line,
                at + columns.tiers[k],
                unit,
                columns.tier_cell(cells, at, k),
                Problem("what_target", {"place": place, "name": Term(TIER_NAMES[k])}),
                lost=UNKNOWN_MARKS[0],
            )
            if is_unknown_mark(cell):  # a lost cell, said so: kept unknown, never made up
                unknown.append(k)
                targets.append(None)
                continue
            targets.append(
                _value(
                    reader,
                    line,
                    unit,
                    cell,
                    Problem("what_target", {"place": place, "name": Term(TIER_NAMES[k])}),
                    whole=whole,
                )
            )
            reader.tag(tier_said, column=at + columns.tiers[k])
        reader.tag(
            said, "targets"
        )  # a target that could not be read: the tiers' order is not checked
        if columns.single_target and targets[single_tier] is not None:
            reader.notice(
                line,
                Problem(
                    "single_target",
                    {
                        "place": place,
                        "tier": Term(TIER_NAMES[single_tier]),
                        "blank": tuple(Term(TIER_NAMES[k]) for k in range(5) if k != single_tier),
                    },
                ),
                place,
            )
        method_cell = heading(columns.cell(cells, at, METHOD))
        notes = [
            bangla.to_bengali_digits(
                f"{label}: {_cell(cells, at + offset).strip()}"
            )  # as the form prints
            for offset, label in columns.notes
            if not BLANK_RE.match(_cell(cells, at + offset).strip())
        ]
        said = len(reader.faults)
        weight = _number(
            reader,
            line,
            columns.cell(cells, at, WEIGHT),
            Problem("what_weight", {"place": place}),
        )
        reader.tag(
            said, "weight", at + columns.offsets[WEIGHT] if WEIGHT in columns.offsets else None
        )
        indicator = {
            "number": int(code.split(".")[2]),
            "code": code,
            "title": indicator_match[2].strip(),
            "unit": unit,
            "weight": weight,
            "calculation_method": CALCULATION_WORDS.get(method_cell),
            "targets": targets,
            "line": line,
            **({"unit_label": unit_label} if unit_label else {}),
            **({"unknown_tiers": unknown} if unknown else {}),
            **({"notes": "\n".join(notes)} if notes else {}),
        }
        activity["indicators"].append(indicator)
        if columns.quarters:
            _read_quarters(reader, line, cells, at, columns, document, indicator, whole)
            continue
        what = Problem("what_achievement", {"place": place})
        said = len(reader.faults)
        achievement = _value(
            reader,
            line,
            unit,
            _repaired(
                reader,
                line,
                at + columns.offsets.get(ACHIEVEMENT, 0),
                unit,
                columns.cell(cells, at, ACHIEVEMENT),
                what,
            ),
            what,
            whole=whole,
        )
        reader.tag(
            said,
            column=at + columns.offsets[ACHIEVEMENT] if ACHIEVEMENT in columns.offsets else None,
        )
        if achievement is not None:
            if document["quarter"] is None:
                reader.fault(
                    line,
                    Problem(
                        "achievement_without_quarter",
                        {"place": place, "text": columns.cell(cells, at, ACHIEVEMENT)},
                    ),
                    place,
                )
                continue
            document["reports"][0]["achievements_to_date"][code] = achievement
    if last_table_row is None:
        reader.fault(rows[0][0] if rows else None, Problem("no_indicator"))
        return
    if document["plan"]["total_marks"] is None and not total_rows:
        # No total row: the plan's total is what its areas' weights add up to.
        weights = [
            bangla.parse_decimal(a["weight"]) for a in document["areas"] if a["weight"] is not None
        ]
        document["plan"]["total_marks"] = str(sum(weights)) if weights else None
    _read_signatories(
        reader, [(n, c) for n, c in rows if n > last_table_row and n not in total_rows], document
    )


def _shown(unit: str, value) -> Digits:
    """A value for a message, as the form prints it (dd/mm/yy, 85%, 1,200)."""
    if unit == scoring.DATE:
        return Digits(bangla.format_date(value))
    return Digits(number(value) + ("%" if unit == scoring.PERCENT else ""))


def _read_quarters(
    reader: _Reader,
    line: int,
    cells: list[str],
    at: int,
    columns: Columns,
    document: dict,
    indicator: dict,
    whole: bool,
) -> None:
    """The indicator's achievement in each quarter's column (a date within its quarter), and the
    one to date, which must be the quarters' roll-up by the indicator's calculation method."""
    code, unit = indicator["code"], indicator["unit"]
    place = Digits(f"[{number(code)}]")
    year = document["fiscal_year"]
    values: list = [None] * 4
    faults = len(reader.faults)
    for quarter, offset in sorted(columns.quarters.items()):
        ordinal = Term(bangla.QUARTER_ORDINALS[quarter])
        what = Problem("what_quarter_achievement", {"place": place, "ordinal": ordinal})
        said = len(reader.faults)
        text = _repaired(reader, line, at + offset, unit, _cell(cells, at + offset), what)
        value = _value(reader, line, unit, text, what, whole=whole)
        reader.tag(said, column=at + offset)
        if value is None:
            continue
        typed = typed_value(unit, value)
        if unit == scoring.DATE and not fiscal.quarter_start(
            year, quarter
        ) <= typed <= fiscal.quarter_end(year, quarter):
            reader.fault(
                line,
                Problem(
                    "outside_quarter",
                    {
                        "place": place,
                        "ordinal": ordinal,
                        "text": text,
                        "start": _shown(unit, fiscal.quarter_start(year, quarter)),
                        "end": _shown(unit, fiscal.quarter_end(year, quarter)),
                    },
                ),
                place,
                kind=QUARTER,
            )
            reader.tag(len(reader.faults) - 1, column=at + offset)
            continue
        values[quarter - 1] = typed
        document["quarter_values"].setdefault(quarter, {})[code] = value
    if columns.to_date is None or len(reader.faults) > faults:
        return  # a quarter's own fault is said; its roll-up would only repeat it
    what = Problem("what_to_date", {"place": place})
    said = len(reader.faults)
    text = _repaired(
        reader, line, at + columns.to_date, unit, _cell(cells, at + columns.to_date), what
    )
    to_date = _value(reader, line, unit, text, what, whole=whole)
    reader.tag(said, column=at + columns.to_date)
    if to_date is None:
        return
    method = indicator["calculation_method"] or scoring.DEFAULT_CALCULATION[unit]
    rolled = scoring.roll_up(method, values)
    if rolled != typed_value(unit, to_date):
        reader.fault(
            line,
            Problem(
                "to_date_differs",
                {
                    "place": place,
                    "text": text,
                    "method": Term(METHOD_NAMES[method]),
                    "rolled": "—" if rolled is None else _shown(unit, rolled),
                },
            ),
            place,
            kind=TO_DATE,
        )
        reader.tag(len(reader.faults) - 1, column=at + columns.to_date)


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
                reader.fault(
                    block_line,
                    Problem("signatory_lines", {"name": block[0]}),
                )
            else:
                document["signatories"].append(
                    {"name": block[0], "lines": block[1:], "line": block_line}
                )
        block, block_line = [], None


MIXED_DIGITS = "mixed_digits"  # a Problem's code: Bengali and Latin digits in one number


def _number(reader: _Reader, line: int, text: str, what: Problem) -> str | None:
    try:
        return str(bangla.parse_decimal(text))
    except ValueError:
        code = MIXED_DIGITS if bangla.mixes_digits(text) else "not_a_number"
        reader.fault(line, Problem(code, {"what": what, "text": text}), kind=VALUE)
        return None


def _is_date(text: str) -> bool:
    try:
        bangla.parse_date(text)
    except ValueError:
        return False
    return True


def unit_of(cell: str) -> tuple[str | None, str]:
    """(unit, its own word) of a unit cell: তারিখ, %, সংখ্যা, or a count in a unit of its own
    (জন, টি, লক্ষ, হাজার কোটি টাকা: a short word with no digit). (None, "") for what is no unit,
    such as a number or a title that a missing column moved here."""
    text = heading(cell)  # "তারিখ (Date)", "% (Percent)" are তারিখ and %
    if text in UNITS:
        return UNITS[text], ""
    if text in PERCENT_WORDS:
        return scoring.PERCENT, ""
    if valid_unit_label(text):
        return scoring.COUNT, text
    return None, ""


NOT_UNIT_WORDS = (
    {heading(w) for words in HEADINGS.values() for w in words}
    | set(CALCULATION_WORDS)
    | {heading(t) for t in TIER_NAMES}
    | set(TOTAL_WORDS)
)


def valid_unit_label(text: str) -> bool:
    """Whether `text` can be a count's own unit word (জন, লক্ষ টাকা): a few words with a letter and
    no digit, and not a word of the form's that a shifted column would bring here (a heading, a
    calculation method, a tier's name)."""
    text = " ".join(text.split())
    return bool(
        text
        and len(text) <= 30
        and len(text.split()) <= 4
        and not re.search(DIGIT, text)
        and re.search(r"[^\W\d_]", text)
        and not is_unknown_mark(text)
        and text not in NOT_UNIT_WORDS
        and text not in UNITS
    )


# What a spreadsheet leaves in a percent cell when a conversion broke it: its number format instead
# of its value ("$-5000445]0.2f%", "[$-445]0.00%", "0.00%" with no number), or a fraction of one
# (0.85 for 85 %), which Excel shows as a percent but a text export writes as it stores it.
FORMAT_CODE_RE = re.compile(r"\$-[0-9A-Fa-f]+\]|\[\$|^[#0]*[.,]?[#0]+f?%$|\d\.\d+f%")
FORMAT_CODE = "format_code"
FRACTION = "fraction"


def _repaired(
    reader: _Reader, line: int, column: int, unit: str, text: str, what: Problem, *, lost: str = ""
) -> str:
    """The text to read from a percent cell, once the admin has decided its suggested repair: a format
    code becomes `lost` (a target unknown, an achievement blank), a fraction its percent. Until
    decided it is a fault that carries the suggestion; a fraction rejected is read as written."""
    stripped = text.strip()
    if unit != scoring.PERCENT or not stripped:
        return text
    if FORMAT_CODE_RE.search(stripped):
        reason, suggestion = FORMAT_CODE, lost
    else:
        try:
            value = bangla.parse_decimal(stripped)
        except ValueError:
            return text
        if not 0 < value < 1:
            return text  # "৮৫" without its sign is 85 %, as the column says
        reason, suggestion = FRACTION, bangla.format_percent(value * 100)
    key = f"{line}:{column + 1}"
    shown = Digits(suggestion) if suggestion else Problem("blank")
    decision = reader.repairs.get(key)
    if decision:
        reader.notice(
            line,
            Problem("repair_accepted", {"what": what, "text": stripped, "suggestion": shown}),
        )
        return suggestion
    if decision is False and reason == FRACTION:
        reader.notice(line, Problem("repair_rejected", {"what": what, "text": stripped}))
        return text
    code = "format_code" if reason == FORMAT_CODE else "fraction"
    message = Problem(code, {"what": what, "text": stripped})
    if decision is None:
        # the suggestion (Bengali digits) is shown in the interface language's, see core_messages
        message = Problem(
            "sentences", {"parts": (message, Problem("repair_suggested", {"suggestion": shown}))}
        )
        reader.fault(line, message, kind=VALUE, repair=(key, suggestion))
    else:  # a format code that the admin would keep: there is no value to keep
        reader.fault(line, message, kind=VALUE)
    return ""  # said once: the blank cell adds no second fault


def _value(
    reader: _Reader, line: int, unit: str, text: str, what: Problem, *, whole: bool = True
) -> str | None:
    if BLANK_RE.match(text):
        return None
    try:
        if unit == scoring.DATE:
            return bangla.parse_date(text).isoformat()
        if unit == scoring.PERCENT:
            return str(bangla.parse_percent(text))
        if whole:
            return str(bangla.parse_count(text))
        measure = bangla.parse_decimal(text)
        if measure != measure.quantize(
            Decimal("0.01")
        ):  # stored with two decimals: never rounded silently
            raise ValueError(f"more than two decimals: {text!r}")
        return str(measure)
    except ValueError:
        if bangla.mixes_digits(text):
            code = MIXED_DIGITS
        elif unit != scoring.DATE and _is_date(text):
            code = "date_in_other_unit"
        elif unit == scoring.COUNT and not whole:
            code = "not_a_measure"
        else:
            code = {
                scoring.DATE: "not_a_date",
                scoring.PERCENT: "not_a_percent",
                scoring.COUNT: "not_a_whole_number",
            }[unit]
        reader.fault(
            line,
            Problem(code, {"what": what, "text": text, "unit": UNIT_WORDS[unit]}),
            kind=VALUE,
        )
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
