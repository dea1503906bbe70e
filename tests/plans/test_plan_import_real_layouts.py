"""Real plans of other offices, rekeyed into the seed's own layout so that only their content
differs: columns placed by their headings (past years' actuals before the targets), the forms of
dates, codes and headings real documents use, the plan's total from the file, and faults that say
what is wrong with the cell rather than something near it."""

import datetime as dt

import pytest

from egov_plan.offices.models import Office
from egov_plan.offices.tree import office_create
from egov_plan.plans.models import ActionPlan
from reports.plans.exchange import import_plan
from reports.plans.files import dump_plan_file
from reports.quarters.models import Achievement
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db

OFFICE = "জেলা প্রশাসকের কার্যালয়"
TITLE = "ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা ২০২২-২০২৩ এর প্রথম ত্রৈমাসিক প্রতিবেদন (জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত)"
TIERS = ["অসাধারণ", "অতি উত্তম", "উত্তম", "চলতি মান", "চলতি মানের নিম্নে"]


@pytest.fixture
def office(db):
    return office_create(name=OFFICE, location="টাঙ্গাইল", code="DC-TNG")


def text_file(header: list[list[str]], rows: list[list[str]], foot: list[list[str]] = ()) -> bytes:
    lines = [
        [OFFICE],
        ["টাঙ্গাইল"],
        [""],
        [TITLE],
        [""],
        *header,
        *rows,
        *foot,
        [""],
        ["মোঃ আব্দুল করিম"],
        ["জেলা প্রশাসক"],
        ["টাঙ্গাইল"],
    ]
    return ("\n".join("\t".join(cells) for cells in lines) + "\n").encode()


def line_of(data: bytes, fragment: str) -> int:
    return next(i for i, line in enumerate(data.decode().split("\n"), 1) if fragment in line)


# The APA form's way: two past years' actuals stand between the indicator's weight and its targets,
# and the serial and area columns carry other, equivalent, headings.
APA_HEADER = [
    [
        "ক্রমিক নম্বর",
        "কৌশলগত উদ্দেশ্য (Strategic Objectives)",
        "মান",
        "কার্যক্রম (Activities)",
        "কর্মসম্পাদন সূচক (Performance Indicators)",
        "একক (Unit)",
        "কর্মসম্পাদন সূচকের মান",
        "প্রকৃত অর্জন ২০২০-২১",
        "প্রকৃত অর্জন ২০২১-২২",
        "লক্ষ্যমাত্রা ২০২২-২০২৩",
        "",
        "",
        "",
        "",
        "অর্জন (জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত)",
    ],
    [""] * 9 + TIERS + [""],
    [""] * 9 + ["১০০%", "৯০%", "৮০%", "৭০%", "৬০%", ""],
]
APA_ROWS = [
    [
        "১",
        "১. ই-গভর্ন্যান্স ও উদ্ভাবন কার্যক্রম",
        "১৫",
        "১.১ সেবা সহজিকরণ",
        "১.১.১ একটি সেবা সহজিকরণ প্রক্রিয়া বাস্তবায়িত",
        "তারিখ",
        "১০",
        "৩০-০৬-২০২১",
        "৩০-০৬-২০২২",
        "16-03-2023",
        "23.03.2023",
        "৩০/০৩/২০২৩",
        "০৬/০৪/২৩",
        "১৩-০৪-২০২৩",
        "-----",
    ],
    [
        "",
        "",
        "",
        "১.২ প্রশিক্ষণ",
        "১.২.১ প্রশিক্ষণপ্রাপ্ত কর্মচারী",
        "সংখ্যা",
        "৫",
        "৪০",
        "৫০",
        "৬০",
        "৫৫",
        "৫০",
        "৪৫",
        "৪০",
        "২০",
    ],
]


def test_columns_are_placed_by_their_headings_when_past_years_actuals_stand_before_the_targets(
    office,
):
    data = text_file(APA_HEADER, APA_ROWS, [["", "মোট", "১৫"]])
    result = import_plan(data=data, filename="plan.txt")
    assert result.faults == []
    plan = result.plan
    assert plan.office == office and plan.total_marks == 15
    dates = indicator_by_code(plan, "1.1.1")
    assert list(dates.targets) == [
        dt.date(2023, 3, 16),
        dt.date(2023, 3, 23),
        dt.date(2023, 3, 30),
        dt.date(2023, 4, 6),
        dt.date(2023, 4, 13),
    ]
    count = indicator_by_code(plan, "1.2.1")
    assert list(count.targets) == [60, 55, 50, 45, 40] and count.weight == 5
    # the achievement is the achievement's own column, not the 70 % target nor last year's actual
    assert {a.indicator.code: a.value for a in Achievement.objects.filter(report__plan=plan)} == {
        "১.২.১": 20
    }


def test_a_typo_in_the_sixty_percent_tier_is_named_as_that_tier(office):
    rows = [APA_ROWS[0], APA_ROWS[1][:13] + ["চল্লিশ", "২০"]]
    data = text_file(APA_HEADER, rows)
    faults = import_plan(data=data, filename="plan.txt").faults
    assert [(f.line, f.message) for f in faults] == [
        (line_of(data, "১.২.১"), "সূচক [১.২.১] এর “চলতি মানের নিম্নে” লক্ষ্যমাত্রা “চল্লিশ” পূর্ণসংখ্যা নয়।")
    ]


def test_targets_whose_tiers_no_heading_names_are_refused_rather_than_guessed(office):
    header = [APA_HEADER[0]]  # the tiers' names and percents are missing
    data = text_file(header, APA_ROWS)
    result = import_plan(data=data, filename="plan.txt")
    assert result.plan is None and not ActionPlan.objects.exists()
    assert [f.message for f in result.faults] == [
        "লক্ষ্যমাত্রার স্তরের কলাম শিরোনাম থেকে চেনা যায়নি (অসাধারণ, অতি উত্তম, উত্তম, চলতি মান, চলতি মানের নিম্নে): "
        "প্রতিটি স্তরের নাম (অসাধারণ … চলতি মানের নিম্নে) বা শতাংশ (১০০% … ৬০%) শিরোনামে থাকতে হবে।"
    ]


def test_the_total_is_the_sum_of_the_weights_when_the_file_gives_none(office):
    plan = import_plan(data=text_file(APA_HEADER, APA_ROWS), filename="plan.txt").plan
    assert plan.total_marks == 15


def test_a_total_row_that_the_weights_do_not_reach_is_a_fault(office):
    faults = import_plan(
        data=text_file(APA_HEADER, APA_ROWS, [["", "সর্বমোট", "৭০"]]), filename="plan.txt"
    ).faults
    assert [f.message for f in faults] == [
        "কর্মপরিকল্পনা: ক্ষেত্রগুলোর মানের যোগফল ১৫, কিন্তু মোট নম্বর ৭০; দুটি সমান হতে হবে।"
    ]


def test_a_weight_mixing_bengali_and_latin_digits_is_refused_in_its_own_cell(office):
    rows = [APA_ROWS[0][:6] + ["৬.০০2"] + APA_ROWS[0][7:], APA_ROWS[1]]
    data = text_file(APA_HEADER, rows)
    faults = import_plan(data=data, filename="plan.txt").faults
    assert (
        line_of(data, "১.১.১"),
        "সূচক [১.১.১] এর মান “৬.০০2” এ বাংলা ও ইংরেজি অঙ্ক মেশানো; যেকোনো এক ধরনের অঙ্কে লিখুন।",
    ) in [(f.line, f.message) for f in faults]


def test_a_date_target_under_a_count_unit_is_said_to_be_a_date(office):
    rows = [APA_ROWS[0][:5] + ["সংখ্যা"] + APA_ROWS[0][6:], APA_ROWS[1]]
    data = text_file(APA_HEADER, rows)
    messages = [f.message for f in import_plan(data=data, filename="plan.txt").faults]
    assert (
        "সূচক [১.১.১] এর “অসাধারণ” লক্ষ্যমাত্রা “16-03-2023” একটি তারিখ, কিন্তু সূচকের একক “সংখ্যা”; তারিখের "
        "লক্ষ্যমাত্রার একক “তারিখ” হতে হবে।" in messages
    )
    assert not any("পূর্ণসংখ্যা নয়" in m for m in messages)


@pytest.mark.parametrize("serial", ["ক্রঃ", "ক্রমিক নং", "ক্রমিক নম্বর", "ক্রম"])
def test_equivalent_serial_headings_are_accepted(office, serial):
    header = [[serial, *APA_HEADER[0][1:]], *APA_HEADER[1:]]
    assert import_plan(data=text_file(header, APA_ROWS), filename="plan.txt").faults == []


def test_bracketed_and_unbracketed_codes_read_alike(office):
    bracketed = [
        [
            c.replace("১.১.১ ", "[১.১.১] ")
            .replace("১.১ ", "[১.১] ")
            .replace("১.২.১ ", "[১.২.১] ")
            .replace("১.২ ", "[১.২] ")
            .replace("১. ", "[১] ")
            for c in row
        ]
        for row in APA_ROWS
    ]
    assert bracketed[0][1].startswith("[১] ") and bracketed[1][4].startswith("[১.২.১] ")
    unbracketed = dump_plan_file(
        plan=import_plan(data=text_file(APA_HEADER, APA_ROWS), filename="p.txt").plan
    )
    ActionPlan.objects.all().delete()
    second = import_plan(data=text_file(APA_HEADER, bracketed), filename="plan.txt").plan
    assert dump_plan_file(plan=second) == unbracketed
    assert indicator_by_code(second, "1.1.1").title == "একটি সেবা সহজিকরণ প্রক্রিয়া বাস্তবায়িত"
    assert [a["title"] for a in unbracketed["areas"]] == ["ই-গভর্ন্যান্স ও উদ্ভাবন কার্যক্রম"]


def test_no_office_is_invented_for_a_real_plan(db):
    offices = Office.objects.count()
    result = import_plan(data=text_file(APA_HEADER, APA_ROWS), filename="plan.txt")
    assert result.plan is None and Office.objects.count() == offices
    assert "ফাইলের দপ্তর “জেলা প্রশাসকের কার্যালয়, টাঙ্গাইল” পাওয়া যায়নি" in result.faults[0].message


def as_xlsx(data: bytes) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in data.decode().split("\n"):
        sheet.append([cell or None for cell in line.split("\t")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_of_the_same_layout_reads_the_same(office):
    text = text_file(APA_HEADER, APA_ROWS, [["", "মোট", "১৫"]])
    from_text = dump_plan_file(plan=import_plan(data=text, filename="plan.txt").plan)
    ActionPlan.objects.all().delete()
    from_xlsx = import_plan(data=as_xlsx(text), filename="plan.xlsx")
    assert from_xlsx.faults == []
    assert dump_plan_file(plan=from_xlsx.plan) == from_text


def as_docx(header: list[list[str]], rows: list[list[str]], *, merge_areas: bool = True) -> bytes:
    """The plan as offices keep it in Word: the office and title as paragraphs, the table with its
    headings merged over two and three rows and the targets' heading over the five tiers, each
    area's cells merged down its rows, and the signatories as paragraphs after it."""
    import io

    from docx import Document

    word = Document()
    for line in (OFFICE, "টাঙ্গাইল", TITLE):
        word.add_paragraph(line)
    width = max(len(r) for r in header + rows)
    table = word.add_table(rows=len(header) + len(rows), cols=width)
    for r, cells in enumerate(header + rows):
        for c, text in enumerate(cells):
            if text:
                table.cell(r, c).text = text
    targets_at = header[0].index(next(c for c in header[0] if c.startswith("লক্ষ্যমাত্রা")))
    table.cell(0, targets_at).merge(table.cell(0, targets_at + 4))
    for c in range(width):  # the other headings stand over all the header rows
        if not targets_at <= c <= targets_at + 4 and header[0][c]:
            table.cell(0, c).merge(table.cell(len(header) - 1, c))
    if merge_areas:
        top = len(header)
        for c in (0, 1, 2):
            table.cell(top, c).merge(table.cell(top + len(rows) - 1, c))
    for line in ("", "মোঃ আব্দুল করিম", "জেলা প্রশাসক", "টাঙ্গাইল"):
        word.add_paragraph(line)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_a_word_file_of_the_same_layout_with_merged_cells_reads_the_same(office):
    from_text = dump_plan_file(
        plan=import_plan(data=text_file(APA_HEADER, APA_ROWS), filename="p.txt").plan
    )
    ActionPlan.objects.all().delete()
    from_word = import_plan(data=as_docx(APA_HEADER, APA_ROWS), filename="plan.docx")
    assert from_word.faults == []
    assert dump_plan_file(plan=from_word.plan) == from_text


def test_a_word_files_faults_name_the_table_row_where_they_are(office):
    rows = [APA_ROWS[0], APA_ROWS[1][:13] + ["চল্লিশ", "২০"]]
    faults = import_plan(data=as_docx(APA_HEADER, rows), filename="plan.docx").faults
    assert [str(f) for f in faults] == [
        "সারণি ১, সারি ৫, কলাম ১৪: সূচক [১.২.১] এর “চলতি মানের নিম্নে” লক্ষ্যমাত্রা “চল্লিশ” পূর্ণসংখ্যা নয়।"
    ]


def test_a_broken_word_file_could_not_be_read(office):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<not-xml")
    result = import_plan(data=out.getvalue(), filename="plan.docx")
    assert result.plan is None and "docx ফাইলটি পড়া যায়নি" in result.faults[0].message


def test_a_past_years_achievement_before_the_targets_is_not_taken_for_the_quarters(office):
    header = [
        APA_HEADER[0][:7] + ["অর্জন ২০২০-২১", "অর্জন ২০২১-২২"] + APA_HEADER[0][9:],
        *APA_HEADER[1:],
    ]
    result = import_plan(data=text_file(header, APA_ROWS), filename="plan.txt")
    assert result.faults == []
    assert {
        a.indicator.code: a.value for a in Achievement.objects.filter(report__plan=result.plan)
    } == {"১.২.১": 20}


def test_a_heading_that_stands_twice_is_refused_rather_than_one_of_them_guessed(office):
    header = [APA_HEADER[0][:8] + ["একক"] + APA_HEADER[0][9:], *APA_HEADER[1:]]
    data = text_file(header, APA_ROWS)
    faults = import_plan(data=data, filename="plan.txt").faults
    assert [(f.line, f.message) for f in faults] == [
        (
            line_of(data, "ক্রমিক নম্বর"),
            "“একক” শিরোনামের কলাম একাধিকবার আছে; কোনটির মান নেওয়া হবে বোঝা যায় না।",
        )
    ]


def test_an_unbracketed_title_may_begin_with_a_number(office):
    rows = [APA_ROWS[0], APA_ROWS[1][:4] + ["১.২.১ ৫০টি অফিসে ই-নথি চালু"] + APA_ROWS[1][5:]]
    result = import_plan(data=text_file(APA_HEADER, rows), filename="plan.txt")
    assert result.faults == []
    assert indicator_by_code(result.plan, "1.2.1").title == "৫০টি অফিসে ই-নথি চালু"


def test_footnotes_and_signatories_after_the_table_are_not_taken_for_its_rows(office):
    foot = [
        ["", "মোট", "১৫"],
        [""],
        ["১. লক্ষ্যমাত্রা অর্জনের প্রমাণক সংযুক্ত করতে হবে।"],
        ["২.১ সূত্র: মন্ত্রিপরিষদ বিভাগের নির্দেশিকা"],
    ]
    result = import_plan(data=text_file(APA_HEADER, APA_ROWS, foot), filename="plan.txt")
    assert result.faults == []
    assert [a.title for a in result.plan.areas.all()] == ["ই-গভর্ন্যান্স ও উদ্ভাবন কার্যক্রম"]


def test_a_measure_with_more_than_two_decimals_is_refused_not_rounded(office):
    rows = [APA_ROWS[0], APA_ROWS[1][:5] + ["লক্ষ টাকা", "৫", "", "", "২৯.৯৭৫"] + APA_ROWS[1][10:]]
    data = text_file(APA_HEADER, rows)
    faults = import_plan(data=data, filename="plan.txt").faults
    assert [(f.line, f.message) for f in faults] == [
        (
            line_of(data, "১.২.১"),
            "সূচক [১.২.১] এর “অসাধারণ” লক্ষ্যমাত্রা “২৯.৯৭৫” সংখ্যা নয় "
            "(০ বা তার বেশি, দশমিকের পরে সর্বোচ্চ দুই অঙ্ক)।",
        )
    ]


def test_an_xlsx_typed_as_excel_keeps_them_reads_as_the_text_does(office):
    """Excel stores a date cell as a date, 85 % as 0.85 with a percent format and 15 as 15.0: they
    read as the text they show."""
    import io

    from openpyxl import Workbook, load_workbook

    rows = [
        APA_ROWS[0][:9] + ["৩০/০৩/২০২৩"] * 5 + ["-----"],
        APA_ROWS[1][:5] + ["%"] + APA_ROWS[1][6:9] + ["৯০%", "৮৫%", "৮০%", "৭৫%", "৭০%", "৮৭.৫%"],
    ]
    text = text_file(APA_HEADER, rows)
    from_text = dump_plan_file(plan=import_plan(data=text, filename="plan.txt").plan)
    ActionPlan.objects.all().delete()
    book = load_workbook(io.BytesIO(as_xlsx(text)))
    sheet = book.active
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value if isinstance(cell.value, str) else ""
            if value == "৩০/০৩/২০২৩":
                cell.value, cell.number_format = dt.datetime(2023, 3, 30), "dd/mm/yyyy"
            elif value.endswith("%") and value[:-1]:
                from egov_plan.core import bangla

                cell.value, cell.number_format = (
                    float(bangla.to_latin_digits(value[:-1])) / 100,
                    "0.0%",
                )
            elif value == "১৫":
                cell.value = 15.0
    out = io.BytesIO()
    book.save(out)
    from_xlsx = import_plan(data=out.getvalue(), filename="plan.xlsx")
    assert from_xlsx.faults == []
    assert dump_plan_file(plan=from_xlsx.plan) == from_text
    assert Workbook  # the writer used above
