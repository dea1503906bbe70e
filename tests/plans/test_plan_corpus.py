"""The plan corpus (tests/data/plans/, written by its build.py in the layouts real offices keep, in
Unicode, Bijoy and mixed): each good file imports cell for cell as its NAME.expected.json says, and
each faulty file reports exactly the faults its NAME.faults lists, no fault missed, none invented."""

import datetime
import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from egov_plan.core.bijoy import looks_like_bijoy
from egov_plan.offices.tree import office_create
from reports.plans.exchange import decode_plan_file, import_plan
from reports.plans.files import dump_plan_file

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent.parent / "data" / "plans"
FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".xlsx", ".docx"))
GOOD = [p for p in FILES if p.with_suffix(".expected.json").exists()]
FAULTY = [p for p in FILES if p.with_suffix(".faults").exists()]


@pytest.fixture
def office(db):
    return office_create(
        name="উপজেলা নির্বাহী অফিসারের কার্যালয়", location="মুক্তাগাছা, ময়মনসিংহ", code="UNO-MYM-MUK"
    )


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def typed(value):
    """A document value as compared: a date as written (ISO), a number as a Decimal."""
    if value is None or isinstance(value, datetime.date):
        return value
    text = str(value)
    return text if "-" in text[1:] else Decimal(text)


def as_imported(plan) -> dict:
    document = dump_plan_file(plan=plan)
    indicators = {}
    for area in document["areas"]:
        for activity in area["activities"]:
            for item in activity["indicators"]:
                code = f"{area['number']}.{activity['number']}.{item['number']}"
                indicators[code] = {
                    "title": nfc(item["title"]),
                    "unit": item["unit"],
                    "unit_label": item.get("unit_label", ""),
                    "weight": typed(item["weight"]),
                    "method": item["calculation_method"],
                    "targets": [typed(t) for t in item["targets"]],
                    "notes": nfc(item.get("notes", "")),
                }
    return {
        "title": nfc(document["plan"]["title"]),
        "fiscal_year": document["fiscal_year"],
        "total_marks": typed(document["plan"]["total_marks"]),
        "indicators": indicators,
        "achievements": {
            str(r["quarter"]): {code: typed(a["value"]) for code, a in r["achievements"].items()}
            for r in document["reports"]
            if r["achievements"]
        },
    }


def as_expected(path: Path) -> dict:
    document = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    for item in document["indicators"].values():
        item.update(
            title=nfc(item["title"]),
            weight=typed(item["weight"]),
            notes=nfc(item["notes"]),
            targets=[typed(t) for t in item["targets"]],
        )
    document["total_marks"] = typed(document["total_marks"])
    document["title"] = nfc(document["title"])
    document["achievements"] = {
        q: {code: typed(v) for code, v in values.items()}
        for q, values in document["achievements"].items()
    }
    return document


def test_the_corpus_holds_every_layout_and_encoding():
    assert len(FILES) >= 10 and len(GOOD) + len(FAULTY) == len(FILES)
    assert {p.suffix for p in FILES} == {".txt", ".xlsx", ".docx"}

    def bijoy_cells(path):
        return [c for _, cells in decode_plan_file_raw(path) for c in cells if looks_like_bijoy(c)]

    in_bijoy = [p for p in FILES if bijoy_cells(p)]
    assert len(in_bijoy) >= 3 and any(p.name.startswith("mixed") for p in in_bijoy)


def decode_plan_file_raw(path: Path):
    """The file's cells before Bijoy conversion (the text reader, or the sheet's and table's own)."""
    from egov_plan.core.seed_layout import decode_text
    from reports.plans.exchange import docx_rows, xlsx_rows

    data = path.read_bytes()
    if path.suffix == ".txt":
        return decode_text(data)[0]
    return xlsx_rows(data)[0] if path.suffix == ".xlsx" else docx_rows(data)[0]


@pytest.mark.parametrize("path", GOOD, ids=[p.name for p in GOOD])
def test_a_good_file_imports_cell_for_cell(office, path):
    result = import_plan(data=path.read_bytes(), filename=path.name)
    assert [str(f) for f in result.faults] == []
    assert as_imported(result.plan) == as_expected(path)
    assert {r.status for r in result.plan.reports.all()} <= {"draft"}


@pytest.mark.parametrize("path", FAULTY, ids=[p.name for p in FAULTY])
def test_a_faulty_file_reports_exactly_its_known_faults(office, path):
    result = import_plan(data=path.read_bytes(), filename=path.name)
    assert result.plan is None
    expected = path.with_suffix(".faults").read_text(encoding="utf-8").splitlines()
    assert [str(f) for f in result.faults] == expected


def test_the_bijoy_file_converts_every_cell_it_reads(office):
    decoded = decode_plan_file((CORPUS / "bijoy_quarterly.txt").read_bytes(), "bijoy_quarterly.txt")
    assert len(decoded.conversions) > 20
    assert not [c for _, cells in decoded.rows for c in cells if looks_like_bijoy(c)]
