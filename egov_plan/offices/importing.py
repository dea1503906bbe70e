"""Importing the office tree from a file: CSV or .xlsx with the header
`code,name,location,tier,parent_code`.

Offices are created and updated by code, never deleted. The whole file is checked first and every
faulty line is named; a file with any fault writes nothing. A parent may come later in the file
than its children, or already be in the database.
"""

import csv
import io
import itertools
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext
from openpyxl import load_workbook

from egov_plan import i18n
from egov_plan.offices.models import Office
from egov_plan.offices.tree import TreeBuilder, all_tiers, office_move

HEADER = ["code", "name", "location", "tier", "parent_code"]
MAX_CODE = 40
MAX_TEXT = 200


@dataclass(frozen=True)
class OfficeRow:
    line: int
    code: str
    name: str
    location: str
    tier: str
    parent_code: str


@dataclass
class OfficeImportResult:
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    faults: list[str] = field(default_factory=list)


def _line(number: int | None, message: str) -> str:
    if number is None:
        return message
    return gettext("লাইন {number}: {message}").format(
        number=i18n.bengali_digits(number), message=message
    )


def _cell(value) -> str:
    """An .xlsx cell as text: a whole number typed into a number cell is that number ("12345", not "12345.0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(
    data: bytes, filename: str, *, limit: int | None = None
) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """A CSV or .xlsx file's rows as (line number, cells), at most `limit` of them (None: all), or the
    faults when it cannot be read at all. Shared by the office and the user import."""
    if not data.strip():
        return [], [gettext("ফাইলটি খালি।")]
    if filename.lower().endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = [
                (number, [_cell(v) for v in values])
                for number, values in enumerate(
                    itertools.islice(workbook.worksheets[0].iter_rows(values_only=True), limit),
                    start=1,
                )
            ]
            workbook.close()
        except Exception as exc:  # noqa: BLE001 - openpyxl raises what it meets on a hostile file (KeyError, AttributeError, …)
            return [], [gettext("xlsx ফাইলটি পড়া যায়নি ({type})।").format(type=type(exc).__name__)]
        return rows, []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [_line(line, gettext("ফাইলটি UTF-8 এনকোডিংয়ে নয়; UTF-8 এ সংরক্ষণ করে আবার দিন।"))]
    if "\x00" in text:
        return [], [gettext("এটি CSV ফাইল নয়: বাইনারি ফাইল পড়া যায় না।")]
    try:
        return [
            (number, [cell.strip() for cell in cells])
            for number, cells in enumerate(
                itertools.islice(csv.reader(io.StringIO(text)), limit), start=1
            )
        ], []
    except csv.Error:
        return [], [gettext('CSV ফাইলটি পড়া যায়নি: উদ্ধৃতিচিহ্ন (") মেলেনি।')]


def check_rows(
    rows: list[tuple[int, list[str]]],
    *,
    tiers: set[str],
    existing: set[str],
    database_parents: dict[str, str] | None = None,
) -> tuple[list[OfficeRow], list[str]]:
    """The file's offices and every fault, each naming its line. `database_parents` (code → parent
    code, "" at the top) is the stored tree above the offices the file names as parents: a move is
    checked against the tree as it will be, the file's parents over the stored ones."""
    faults: list[tuple[int, str]] = []
    content = [(n, cells) for n, cells in rows if any(cells)]
    if not content:
        return [], [gettext("ফাইলটি খালি।")]
    header_line, header = content[0]
    if [c.lower() for c in header] != HEADER:
        return [], [
            _line(
                header_line,
                gettext("প্রথম লাইনে শিরোনাম থাকতে হবে: {join}").format(join=",".join(HEADER)),
            )
        ]
    offices: list[OfficeRow] = []
    seen: dict[str, int] = {}
    for number, cells in content[1:]:
        if len(cells) != len(HEADER):
            faults.append(
                (
                    number,
                    gettext("{number}টি ঘর থাকতে হবে, আছে {found}টি।").format(
                        number=i18n.bengali_digits(len(HEADER)),
                        found=i18n.bengali_digits(len(cells)),
                    ),
                )
            )
            continue
        row = OfficeRow(number, *cells)
        problems = []
        if not row.code:
            problems.append(gettext("কোড নেই"))
        elif len(row.code) > MAX_CODE:
            problems.append(
                gettext("কোড {number} অক্ষরের বেশি").format(number=i18n.bengali_digits(MAX_CODE))
            )
        elif row.code in seen:
            problems.append(
                gettext("কোড “{code}” লাইন {number} এও আছে").format(
                    code=row.code, number=i18n.bengali_digits(seen[row.code])
                )
            )
        if not row.name:
            problems.append(gettext("নাম নেই"))
        if len(row.name) > MAX_TEXT or len(row.location) > MAX_TEXT:
            problems.append(
                gettext("নাম বা অবস্থান {number} অক্ষরের বেশি").format(
                    number=i18n.bengali_digits(MAX_TEXT)
                )
            )
        if row.tier not in tiers:
            problems.append(
                gettext("স্তর “{tier}” অজানা (হতে পারে: {join})").format(
                    tier=row.tier, join=", ".join(sorted(tiers))
                )
            )
        if row.parent_code and row.parent_code == row.code:
            problems.append(gettext("দপ্তর নিজের অধীনে থাকতে পারে না"))
        if problems:
            faults.append((number, "; ".join(problems) + "।"))
        if row.code and row.code not in seen:
            seen[row.code] = number
        offices.append(row)
    by_code = {row.code: row for row in offices}
    for row in offices:
        if row.parent_code and row.parent_code not in by_code and row.parent_code not in existing:
            faults.append(
                (
                    row.line,
                    gettext("নিয়ন্ত্রণকারী দপ্তরের কোড “{parent_code}” ফাইলে বা তালিকায় নেই।").format(
                        parent_code=row.parent_code
                    ),
                )
            )
    faults += _cycles(offices, by_code, database_parents or {})
    return offices, [_line(n, m) for n, m in sorted(set(faults))]


def _cycles(
    offices: list[OfficeRow], by_code: dict[str, OfficeRow], database_parents: dict[str, str]
) -> list[tuple[int, str]]:
    """Rows whose chain of parents never reaches the top: through the file's parents, and through
    the stored tree for an office the file does not list (a move under one's own descendant, which
    the tree would refuse half-way through the import)."""
    faults = []
    for row in offices:
        seen, code, through_database = {row.code}, row.parent_code, False
        while code:
            if code == row.code and through_database:
                faults.append(
                    (
                        row.line,
                        gettext(
                            "দপ্তর “{code}” কে “{parent_code}” এর অধীনে রাখা যায় না: "
                            "“{parent_code}” নিজেই “{code}” এর অধীনে।"
                        ).format(code=row.code, parent_code=row.parent_code),
                    )
                )
                break
            if code in seen:
                faults.append(
                    (row.line, gettext("নিয়ন্ত্রণকারী দপ্তরের শৃঙ্খল ঘুরে নিজের কাছে ফিরে এসেছে।"))
                )
                break
            seen.add(code)
            if code in by_code:
                code = by_code[code].parent_code
            else:
                code, through_database = database_parents.get(code, ""), True
    return faults


def _final_depth(code: str, by_code: dict[str, OfficeRow], database_parents: dict[str, str]) -> int:
    """How far below the top the office will stand once the file is in (the file has no cycles)."""
    depth = 0
    while code:
        code = by_code[code].parent_code if code in by_code else database_parents.get(code, "")
        depth += 1
    return depth


def _database_parents(codes: set[str]) -> dict[str, str]:
    """The stored offices with these codes and everything above them, as code → parent code ("" at
    the top): two indexed queries on the materialised path, whatever the file's size."""
    step = Office.steplen
    paths = Office.objects.filter(code__in=codes).values_list("path", flat=True)
    above = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
    code_at = dict(Office.objects.filter(path__in=above).values_list("path", "code"))
    return {code: code_at.get(path[:-step], "") for path, code in code_at.items()}


def _in_tree_order(offices: list[OfficeRow]) -> list[OfficeRow]:
    """Parents before their children (a parent may come later in the file)."""
    by_code = {row.code: row for row in offices}
    ordered, placed = [], set()

    def place(row: OfficeRow) -> None:
        if row.code in placed:
            return
        parent = by_code.get(row.parent_code)
        if parent is not None:
            place(parent)
        placed.add(row.code)
        ordered.append(row)

    for row in offices:
        place(row)
    return ordered


def import_offices(*, data: bytes, filename: str) -> OfficeImportResult:
    rows, faults = read_rows(data, filename)
    if faults:
        return OfficeImportResult(faults=faults)
    tiers = all_tiers()
    with transaction.atomic():
        named_parents = {cells[4] for _, cells in rows if len(cells) == len(HEADER) and cells[4]}
        database_parents = _database_parents(named_parents)
        offices, faults = check_rows(
            rows,
            tiers=set(tiers),
            existing=set(database_parents),
            database_parents=database_parents,
        )
        if faults:
            return OfficeImportResult(faults=faults)
        result = OfficeImportResult()
        existing = {o.code: o for o in Office.objects.filter(code__in=[r.code for r in offices])}
        parents = {
            o.code: o
            for o in Office.objects.filter(code__in={r.parent_code for r in offices} - {""})
        }
        builder = TreeBuilder()
        paths: dict[str, str] = {code: o.path for code, o in {**parents, **existing}.items()}
        moves = []
        for row in _in_tree_order(offices):
            office = existing.get(row.code)
            if office is None:
                office = builder.add(
                    Office(
                        code=row.code, name=row.name, location=row.location, tier=tiers[row.tier]
                    ),
                    paths.get(row.parent_code, ""),
                )
                paths[row.code] = office.path
                result.created += 1
                continue
            changed = [
                f
                for f, v in (("name", row.name), ("location", row.location))
                if getattr(office, f) != v
            ]
            office.name, office.location = row.name, row.location
            if office.tier_id != tiers[row.tier].pk:
                office.tier = tiers[row.tier]
                changed.append("tier")
            if changed:
                office.save(update_fields=changed)
            current_parent = office.path[: -Office.steplen]
            if current_parent != paths.get(row.parent_code, ""):
                moves.append(row)
            result.updated += bool(changed)
            result.unchanged += not changed
        builder.save()
        by_code = {row.code: row for row in offices}
        # Top-down in the tree as it will be: each office's new parent has its final place already, so
        # no move goes under an office that a later line takes out from under the one moved.
        moves.sort(key=lambda row: _final_depth(row.code, by_code, database_parents))
        for row in moves:
            # Moves are rare (an office re-attached); treebeard rewrites the moved subtree's paths.
            office = Office.objects.get(code=row.code)
            office_move(
                office=office,
                parent=Office.objects.get(code=row.parent_code) if row.parent_code else None,
            )
            result.moved += 1
    return result
