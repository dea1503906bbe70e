"""Plans in the layouts offices keep for the whole year, read by their headings: five tiers with
the quarters' achievement columns (১ম … ৪র্থ ত্রৈমাসিক) and the one to date, which must be the
quarters' roll-up; a single annual target instead of five tiers; and the APA form's earlier
actuals and projections, kept as the indicator's notes. In text, .xlsx and .docx alike, headings
over two rows and merged cells included. Achievements come in as drafts, never submitted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from egov_plan.offices.tree import office_create
from egov_plan.plans.models import ActionPlan
from reports.plans.exchange import import_plan
from reports.plans.files import dump_plan_file
from reports.quarters.models import QuarterlyReport
from tests.data.plans import build
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db

OFFICE, PLACE = build.OFFICE, build.PLACE
TIERS = ["অসাধারণ", "অতি উত্তম", "উত্তম", "চলতি মান", "চলতি মানের নিম্নে"]
QUARTERS = ["১ম ত্রৈমাসিক", "২য় ত্রৈমাসিক", "৩য় ত্রৈমাসিক", "৪র্থ ত্রৈমাসিক"]

# Five tiers, then "অর্জন" merged over the four quarters and the achievement to date.
QUARTERLY_HEADER = [
    [
        "ক্রমিক নং",
        "কর্মসম্পাদন ক্ষেত্র",
        "ক্ষেত্রের মান",
        "কার্যক্রম",
        "কর্মসম্পাদন সূচক",
        "গণনা পদ্ধতি",
        "একক",
        "কর্মসম্পাদন সূচকের মান",
        "লক্ষ্যমাত্রা ২০২২-২০২৩",
        "",
        "",
        "",
        "",
        "অর্জন",
        "",
        "",
        "",
        "",
    ],
    [""] * 8 + TIERS + QUARTERS + ["এ পর্যন্ত অর্জন"],
]
QUARTERLY_ROWS = [
    [
        "১",
        "[১] প্রাতিষ্ঠানিক ব্যবস্থাপনা",
        "২০",
        "[১.১] ইনোভেশন টিমের সভা",
        "[১.১.১] সভা আয়োজিত",
        "সমষ্টি",
        "সংখ্যা",
        "৫",
        "৪",
        "৩",
        "২",
        "১",
        "-",
        "১",
        "১",
        "",
        "",
        "২",
    ],
    [
        "",
        "",
        "",
        "[১.২] সেবা সহজিকরণ",
        "[১.২.১] একটি সেবা সহজিকৃত",
        "তারিখ",
        "তারিখ",
        "১০",
        "১৫/১২/২০২২",
        "৩১/১২/২০২২",
        "১৫-০১-২০২৩",
        "31.01.2023",
        "১৫/০২/২৩",
        "",
        "২০/১২/২০২২",
        "",
        "",
        "২০/১২/২০২২",
    ],
    [
        "",
        "",
        "",
        "",
        "[১.২.২] ই-নথিতে নিষ্পত্তিকৃত পত্র",
        "গড়",
        "%",
        "৫",
        "৮০%",
        "৭০%",
        "৬০%",
        "৫০%",
        "৪০%",
        "৭০%",
        "৯০%",
        "",
        "",
        "৮০%",
    ],
]


@pytest.fixture
def office(db):
    return office_create(name=OFFICE, location=PLACE, code="UNO-MYM-MUK")


# The same writers as the corpus (tests/data/plans/build.py), whose office, title and signatory are these.
text_file, xlsx_file, docx_file = build.text_bytes, build.xlsx_bytes, build.docx_bytes


def line_of(data: bytes, fragment: str) -> int:
    return next(i for i, line in enumerate(data.decode().split("\n"), 1) if fragment in line)


def values(plan) -> dict:
    return {
        report.quarter: {a.indicator.code: a.value for a in report.achievements.all()}
        for report in plan.reports.prefetch_related("achievements__indicator__activity__area")
    }


@pytest.mark.parametrize("kind", ["txt", "xlsx", "docx"])
def test_a_plan_with_its_quarters_columns_imports_the_plan_and_each_quarters_values_as_drafts(
    office, kind
):
    data = {"txt": text_file, "xlsx": xlsx_file, "docx": docx_file}[kind](
        QUARTERLY_HEADER, QUARTERLY_ROWS
    )
    result = import_plan(data=data, filename=f"plan.{kind}")
    assert result.faults == [] and result.notices == []
    plan = result.plan
    assert (plan.office, plan.fiscal_year.start_year, plan.title) == (
        office,
        2022,
        "ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা",
    )
    assert plan.total_marks == 20 and result.quarter == 2
    meetings, service, letters = (indicator_by_code(plan, c) for c in ("1.1.1", "1.2.1", "1.2.2"))
    assert list(meetings.targets) == [4, 3, 2, 1, None] and meetings.calculation_method == "sum"
    assert list(service.targets) == [
        dt.date(2022, 12, 15),
        dt.date(2022, 12, 31),
        dt.date(2023, 1, 15),
        dt.date(2023, 1, 31),
        dt.date(2023, 2, 15),
    ]
    assert letters.calculation_method == "average" and list(letters.targets)[0] == 80
    assert values(plan) == {
        1: {"১.১.১": 1, "১.২.২": 70},
        2: {"১.১.১": 1, "১.২.১": dt.date(2022, 12, 20), "১.২.২": 90},
    }
    assert set(plan.reports.values_list("status", flat=True)) == {QuarterlyReport.DRAFT}
    assert not plan.reports.filter(submitted_at__isnull=False).exists()


def test_the_text_xlsx_and_word_files_of_one_plan_import_the_same_plan():
    documents = []
    for kind, build_file in (("txt", text_file), ("xlsx", xlsx_file), ("docx", docx_file)):
        office_create(name=OFFICE, location=PLACE, code="UNO-MYM-MUK") if not documents else None
        plan = import_plan(
            data=build_file(QUARTERLY_HEADER, QUARTERLY_ROWS), filename=f"p.{kind}"
        ).plan
        documents.append(dump_plan_file(plan=plan))
        ActionPlan.objects.all().delete()
    assert documents[0] == documents[1] == documents[2]


def test_every_fault_of_the_file_is_said_at_once_the_to_date_mismatch_with_both_numbers(office):
    rows = [
        QUARTERLY_ROWS[0][:17] + ["৩"],  # 1 + 1 is not 3
        QUARTERLY_ROWS[1][:13]
        + ["২০/১২/২০২২", ""]
        + QUARTERLY_ROWS[1][15:],  # a December date in the first quarter
        QUARTERLY_ROWS[2][:9] + ["সত্তর"] + QUARTERLY_ROWS[2][10:17] + ["৮৫%"],
    ]  # a target no percent; 85 ≠ 80
    data = text_file(QUARTERLY_HEADER, rows)
    result = import_plan(data=data, filename="plan.txt")
    assert result.plan is None and not ActionPlan.objects.exists()
    assert [(f.line, f.message) for f in result.faults] == [
        (
            line_of(data, "১.১.১"),
            "সূচক [১.১.১]: এ পর্যন্ত অর্জন “৩”, কিন্তু ত্রৈমাসিকগুলোর অর্জন থেকে (সমষ্টি) হয় ২।",
        ),
        (
            line_of(data, "১.২.১"),
            "সূচক [১.২.১]: প্রথম ত্রৈমাসিকের অর্জন “২০/১২/২০২২” সেই ত্রৈমাসিকের "
            "(০১/০৭/২২ – ৩০/০৯/২২) বাইরে।",
        ),
        (line_of(data, "১.২.২"), "সূচক [১.২.২] এর “অতি উত্তম” লক্ষ্যমাত্রা “সত্তর” শতাংশ নয়।"),
        (
            line_of(data, "১.২.২"),
            "সূচক [১.২.২]: এ পর্যন্ত অর্জন “৮৫%”, কিন্তু ত্রৈমাসিকগুলোর অর্জন থেকে (গড়) হয় ৮০%।",
        ),
    ]


def test_the_dry_run_command_prints_the_same_faults_and_exits_non_zero(office, tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_bytes(
        text_file(QUARTERLY_HEADER, [QUARTERLY_ROWS[0][:17] + ["৩"], *QUARTERLY_ROWS[1:]])
    )
    with pytest.raises(CommandError, match="1 fault"):
        call_command("import_plan", str(path), "--dry-run")
    assert "এ পর্যন্ত অর্জন “৩”, কিন্তু ত্রৈমাসিকগুলোর অর্জন থেকে (সমষ্টি) হয় ২।" in capsys.readouterr().err
    path.write_bytes(text_file(QUARTERLY_HEADER, QUARTERLY_ROWS))
    call_command("import_plan", str(path), "--dry-run")
    assert not ActionPlan.objects.exists()


def test_a_quarter_already_approved_is_not_changed_by_a_file(office):
    plan = import_plan(data=text_file(QUARTERLY_HEADER, QUARTERLY_ROWS), filename="plan.txt").plan
    report = plan.reports.get(quarter=1)
    report.status = QuarterlyReport.APPROVED
    report.save(update_fields=["status"])
    result = import_plan(data=text_file(QUARTERLY_HEADER, QUARTERLY_ROWS), filename="plan.txt")
    assert [f.message for f in result.faults] == [
        "প্রথম ত্রৈমাসিকের প্রতিবেদনটি অনুমোদিত; এর অর্জন ফাইল থেকে বদলানো যাবে না।"
    ]


# One annual target, the quarters after it.
SINGLE_HEADER = [
    [
        "ক্রম",
        "কর্মসম্পাদন ক্ষেত্র",
        "মান",
        "কার্যক্রম",
        "কর্মসম্পাদন সূচক",
        "একক",
        "কর্মসম্পাদন সূচকের মান",
        "লক্ষ্যমাত্রা ২০২২-২৩",
        *QUARTERS,
        "মোট অর্জন",
    ]
]
SINGLE_ROWS = [
    [
        "১",
        "[১] সেবা প্রদান",
        "১৫",
        "[১.১] অভিযোগ নিষ্পত্তি",
        "[১.১.১] নিষ্পত্তিকৃত অভিযোগ",
        "সংখ্যা",
        "১০",
        "৪০",
        "১২",
        "৯",
        "",
        "",
        "২১",
    ],
    [
        "",
        "",
        "",
        "[১.২] তথ্য বাতায়ন",
        "[১.২.১] তথ্য বাতায়ন হালনাগাদকৃত",
        "তারিখ",
        "৫",
        "৩০/০৬/২০২৩",
        "",
        "",
        "",
        "",
        "",
    ],
]


def test_a_single_annual_target_becomes_the_hundred_percent_tier_and_the_blank_tiers_are_said(
    office,
):
    data = text_file(SINGLE_HEADER, SINGLE_ROWS)
    result = import_plan(data=data, filename="plan.txt")
    assert result.faults == []
    assert list(indicator_by_code(result.plan, "1.1.1").targets) == [40, None, None, None, None]
    assert list(indicator_by_code(result.plan, "1.2.1").targets) == [
        dt.date(2023, 6, 30),
        None,
        None,
        None,
        None,
    ]
    assert [(n.line, n.message) for n in result.notices] == [
        (
            line_of(data, "১.১.১"),
            "সূচক [১.১.১]: ফাইলে একটি মাত্র লক্ষ্যমাত্রা, “অসাধারণ” স্তরে রাখা হলো; অন্য স্তরগুলো "
            "(অতি উত্তম, উত্তম, চলতি মান, চলতি মানের নিম্নে) ফাঁকা।",
        ),
        (
            line_of(data, "১.২.১"),
            "সূচক [১.২.১]: ফাইলে একটি মাত্র লক্ষ্যমাত্রা, “অসাধারণ” স্তরে রাখা হলো; অন্য স্তরগুলো "
            "(অতি উত্তম, উত্তম, চলতি মান, চলতি মানের নিম্নে) ফাঁকা।",
        ),
    ]
    assert values(result.plan) == {1: {"১.১.১": 12}, 2: {"১.১.১": 9}}


def test_the_admin_may_put_the_single_target_in_another_tier(office):
    result = import_plan(
        data=text_file(SINGLE_HEADER, SINGLE_ROWS), filename="plan.txt", single_tier=2
    )
    assert list(indicator_by_code(result.plan, "1.1.1").targets) == [None, None, 40, None, None]
    assert "“উত্তম” স্তরে রাখা হলো; অন্য স্তরগুলো (অসাধারণ, অতি উত্তম, চলতি মান, চলতি মানের নিম্নে) ফাঁকা" in (
        result.notices[0].message
    )


# The APA form: the strategic objective with its weight, the calculation method, two earlier years'
# actuals and two later years' projections, each pair under one heading merged over both.
APA_HEADER = [
    [
        "ক্রমিক নম্বর",
        "কৌশলগত উদ্দেশ্য",
        "কৌশলগত উদ্দেশ্যের মান",
        "কার্যক্রম",
        "কর্মসম্পাদন সূচক",
        "গণনা পদ্ধতি",
        "একক",
        "কর্মসম্পাদন সূচকের মান",
        "প্রকৃত অর্জন",
        "",
        "লক্ষ্যমাত্রা/নির্ণায়ক ২০২২-২৩",
        "",
        "",
        "",
        "",
        "প্রক্ষেপণ",
        "",
    ],
    [""] * 8 + ["২০২০-২১", "২০২১-২২"] + TIERS + ["২০২৩-২৪", "২০২৪-২৫"],
]
APA_ROWS = [
    [
        "১",
        "[১] দাপ্তরিক কর্মকাণ্ডে স্বচ্ছতা বৃদ্ধি",
        "১০",
        "[১.১] ই-নথি বাস্তবায়ন",
        "[১.১.১] ই-নথিতে নোট নিষ্পত্তিকৃত",
        "গড়",
        "%",
        "১০",
        "৬০%",
        "৭০%",
        "৮০%",
        "৭০%",
        "৬০%",
        "৫০%",
        "৪০%",
        "৮৫%",
        "৯০%",
    ],
]


def test_the_apa_forms_earlier_actuals_and_projections_are_kept_as_the_indicators_notes(office):
    result = import_plan(data=text_file(APA_HEADER, APA_ROWS), filename="apa.txt")
    assert result.faults == [] and result.quarter is None
    indicator = indicator_by_code(result.plan, "1.1.1")
    assert list(indicator.targets) == [80, 70, 60, 50, 40] and indicator.weight == Decimal(10)
    assert indicator.notes == (
        "প্রকৃত অর্জন ২০২০-২১: ৬০%\nপ্রকৃত অর্জন ২০২১-২২: ৭০%\nপ্রক্ষেপণ ২০২৩-২৪: ৮৫%\nপ্রক্ষেপণ ২০২৪-২৫: ৯০%"
    )
    assert not result.plan.reports.exists()  # a plan's file without achievements makes no report
    document = dump_plan_file(plan=result.plan)
    assert document["areas"][0]["activities"][0]["indicators"][0]["notes"] == indicator.notes


def test_an_achievement_column_with_no_quarter_anywhere_is_refused_not_guessed(office):
    header = [
        [
            "ক্রম",
            "কর্মসম্পাদন ক্ষেত্র",
            "মান",
            "কার্যক্রম",
            "কর্মসম্পাদন সূচক",
            "একক",
            "কর্মসম্পাদন সূচকের মান",
            "লক্ষ্যমাত্রা ২০২২-২৩",
            "অর্জন",
        ]
    ]
    rows = [SINGLE_ROWS[0][:8] + ["১২"]]
    data = text_file(header, rows)
    assert [(f.line, f.message) for f in import_plan(data=data, filename="plan.txt").faults] == [
        (
            line_of(data, "১.১.১"),
            "সূচক [১.১.১]: অর্জন “১২” কোন ত্রৈমাসিকের, শিরোনামে বা কলামের শিরোনামে তা নেই।",
        ),
        # and, said at once with it, what the plan's rules find in the rest
        (
            line_of(data, "১.১.১"),
            "ক্ষেত্র [১]: সূচকগুলোর মানের যোগফল ১০, কিন্তু ক্ষেত্রের মান ১৫; দুটি সমান হতে হবে।",
        ),
    ]


def test_the_notes_stand_on_the_plans_admin_page(office, people):
    from tests.conftest import client_for

    plan = import_plan(data=text_file(APA_HEADER, APA_ROWS), filename="apa.txt").plan
    html = (
        client_for(people.admin)
        .get(f"/admin/egov_plan/actionplan/{plan.pk}/change/")
        .content.decode()
    )
    assert "প্রকৃত অর্জন ২০২০-২১: ৬০%\nপ্রকৃত অর্জন ২০২১-২২: ৭০%" in html
