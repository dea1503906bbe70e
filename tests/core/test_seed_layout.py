"""The official text layout read without Django: the seed's report reads whole, and what is wrong
with a file comes back as problems at their lines, said here as the Bengali interface says them
(tests/core/bengali.py; the English is in tests/plans/test_plan_faults_in_english.py)."""

from pathlib import Path

from egov_plan.core.plan_rules import LAYOUT, VALUE, Digits, Fault, Problem
from egov_plan.core.seed_layout import (
    FILE_PLACE,
    MAX_FILE_BYTES,
    decode_text,
    escape_cell,
    read_rows,
    too_large,
    unescape_cell,
)
from tests.core.bengali import say

SEED_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "seed_report_2022_23_q1.txt"
SEED_TEXT = SEED_FILE.read_text(encoding="utf-8")


def line_of(fragment: str, text: str = SEED_TEXT) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if fragment in line)


def read(text: str, **options):
    rows, faults = decode_text(text.encode())
    assert faults == []
    return read_rows(rows, **options)


def test_the_seed_report_reads_whole_without_a_fault():
    document, faults = read(SEED_TEXT)
    assert faults == [] and document["notices"] == []
    assert (document["fiscal_year"], document["quarter"]) == (2022, 1)
    indicators = [i for a in document["areas"] for b in a["activities"] for i in b["indicators"]]
    assert len(indicators) >= 10
    assert document["plan"]["total_marks"] == "50"


def test_a_files_faults_are_problems_at_their_lines():
    text = SEED_TEXT.replace("জুলাই, ২০২২ হতে", "আগস্ট, ২০২২ হতে").replace(
        "\t৮৫%\t৮০%\t৭৫%", "\t৮৫%\t৮০%\t৭o%"
    )
    _, faults = read(text)
    assert [(f.line, f.kind, say(f.message)) for f in faults] == [
        (
            line_of("ত্রৈমাসিক প্রতিবেদন"),
            LAYOUT,
            "শিরোনামের সময়কাল “আগস্ট, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত” প্রথম ত্রৈমাসিকের সাথে মেলে না; "
            "হওয়ার কথা “জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত”।",
        ),
        (
            line_of("৭o%", text),
            VALUE,
            "সূচক [১.৩.১] এর “উত্তম” লক্ষ্যমাত্রা “৭o%” শতাংশ নয়।",
        ),
    ]
    assert (faults[1].field, faults[1].column) == ("targets", 9)  # the cell it is about


def test_a_fraction_in_a_percent_cell_waits_for_the_admins_decision():
    text = SEED_TEXT.replace("\t৮৫%\t৮০%\t৭৫%", "\t0.85\t৮০%\t৭৫%")
    (fault,) = read(text)[1]
    key, suggestion = fault.repair
    assert suggestion == "৮৫%"  # Bengali digits: the caller shows them in its language's
    assert say(fault.message) == (
        "সূচক [১.৩.১] এর “অসাধারণ” লক্ষ্যমাত্রা “0.85” এককের ভগ্নাংশের মতো দেখায় (স্প্রেডশিট শতাংশকে এভাবে "
        "রাখে)। প্রস্তাবিত সংশোধন: “৮৫%”; গ্রহণ বা বাতিল করুন।"
    )
    document, faults = read(text, repairs={key: True})
    assert faults == []
    assert [say(n.message) for n in document["notices"]] == [
        "সূচক [১.৩.১] এর “অসাধারণ” লক্ষ্যমাত্রা “0.85” সংশোধন করে “৮৫%” পড়া হলো (আপনি গ্রহণ করেছেন)।"
    ]


def test_files_that_are_no_plan_text_are_refused_as_a_whole():
    assert decode_text(b"") == ([], [Fault(place=FILE_PLACE, message=Problem("empty_file"))])
    (binary,) = decode_text(b"\x00\x01PK")[1]
    assert say(binary.message) == "এটি লেখা (text) ফাইল নয়: বাইনারি ফাইল পড়া যায় না।"
    (utf16,) = decode_text(SEED_TEXT.encode("utf-16"))[1]
    assert utf16.message == Problem("utf16_file")


def test_a_file_larger_than_a_plan_says_its_size_rounded_up():
    assert too_large(MAX_FILE_BYTES) is None
    fault = too_large(MAX_FILE_BYTES + 1)
    assert fault.message.params == {"size": Digits("৫.১"), "max": Digits("৫")}
    assert say(fault.message) == (
        "ফাইলটি অনেক বড় (৫.১ মেগাবাইট); কর্মপরিকল্পনার ফাইল সর্বোচ্চ ৫ মেগাবাইট হতে পারে।"
    )


def test_a_formula_like_cell_is_written_inert_and_read_back_as_it_was():
    for cell in ("=SUM(A1)", "+১", "@x", "'=x", "-----", "সাধারণ"):
        assert unescape_cell(escape_cell(cell)) == cell
    assert escape_cell("=SUM(A1)") == "'=SUM(A1)" and escape_cell("-----") == "-----"
