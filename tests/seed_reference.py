"""The test suite's own reading of the seed text file (fixtures/ copy).

Independent of the product's code on purpose: the page is checked against the
seed as printed. The file is ragged (a merged activity cell shifts its row one
column left), so cells are placed by content: `[x]` area, `[x.y]` activity,
`[x.y.z]` indicator, then unit, weight, five targets and the achievement.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "seed_report_2022_23_q1.txt"

AREA_RE = re.compile(r"^\[[০-৯]+\] ")
ACTIVITY_RE = re.compile(r"^\[[০-৯]+\.[০-৯]+\] ")
INDICATOR_RE = re.compile(r"^\[[০-৯]+\.[০-৯]+\.[০-৯]+\] ")
UNITS = ("তারিখ", "%", "সংখ্যা")


@dataclass
class SeedRow:
    serial: str | None
    area: str | None
    area_weight: str | None
    activity: str | None
    indicator: str
    unit: str
    weight: str
    targets: list[str]
    achievement: str
    area_rowspan: int = 0
    activity_rowspan: int = 0


@dataclass
class SeedReport:
    office_lines: list[str]
    title: str
    header_rows: list[list[str]]
    rows: list[SeedRow] = field(default_factory=list)
    signatories: list[list[str]] = field(default_factory=list)


def read_seed(path: Path = SEED_FILE) -> SeedReport:
    lines = path.read_text(encoding="utf-8").split("\n")
    non_blank = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    title_index = next(i for i, text in non_blank if "ত্রৈমাসিক প্রতিবেদন" in text)
    header_index = next(i for i, line in enumerate(lines) if line.startswith("ক্রঃ\t"))
    office_lines = [
        text for i, text in non_blank if i < title_index and not re.match(r"^[০-৯.]+$", text)
    ]
    report = SeedReport(
        office_lines=office_lines,
        title=lines[title_index].strip(),
        header_rows=[[c.strip() for c in lines[header_index + k].split("\t")] for k in range(4)],
    )
    last_table_line = header_index + 3
    for index in range(header_index + 4, len(lines)):
        cells = [c.strip() for c in lines[index].split("\t")]
        at = next((k for k, c in enumerate(cells) if INDICATOR_RE.match(c)), None)
        if at is None:
            continue
        last_table_line = index
        area_at = next((k for k, c in enumerate(cells) if AREA_RE.match(c)), None)
        activity = next((c for c in cells if ACTIVITY_RE.match(c)), None)
        assert cells[at + 1] in UNITS, cells
        report.rows.append(
            SeedRow(
                serial=cells[area_at - 1] if area_at is not None else None,
                area=cells[area_at] if area_at is not None else None,
                area_weight=cells[area_at + 1] if area_at is not None else None,
                activity=activity,
                indicator=cells[at],
                unit=cells[at + 1],
                weight=cells[at + 2],
                targets=cells[at + 3 : at + 8],
                achievement=cells[at + 8],
            )
        )
    _count_spans(report.rows)
    block: list[str] = []
    for line in lines[last_table_line + 1 :] + [""]:
        if line.strip():
            block.append(line.strip())
        elif block:
            report.signatories.append(block)
            block = []
    return report


def _count_spans(rows: list[SeedRow]) -> None:
    area_row = activity_row = None
    for row in rows:
        if row.area is not None:
            area_row = row
        if row.activity is not None:
            activity_row = row
        area_row.area_rowspan += 1
        activity_row.activity_rowspan += 1


def is_blank(cell: str) -> bool:
    """The seed prints a blank tier as `--`, `-----` or nothing."""
    return cell in ("", "--", "-----")
