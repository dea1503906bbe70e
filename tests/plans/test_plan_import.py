"""Import of plans from the seed's text layout and from .xlsx: exact, round-trippable, and
refusing faulty files with line-numbered reasons while writing nothing."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from egov_plan.offices.models import Office
from egov_plan.offices.tree import office_create
from egov_plan.plans.models import ActionPlan, Indicator
from reports.plans.exchange import export_text, export_xlsx, import_plan
from reports.plans.files import dump_plan_file, load_plan_file
from reports.quarters.models import Achievement, QuarterlyReport
from reports.quarters.selectors import quarter_table
from tests.conftest import client_for, make_user
from tests.helpers import indicator_by_code
from tests.html_table import grid, read_table
from tests.seed_reference import SEED_FILE

pytestmark = pytest.mark.django_db

SEED_TEXT = SEED_FILE.read_bytes()


def rendered(client, plan, quarter=1):
    html = client.get(f"/plans/{plan.pk}/quarters/{quarter}/?scores=1").content.decode()
    table = read_table(html)
    title = html[html.index('class="report-heading"') : html.index("</h1>")]
    return {
        "head": grid(table["thead"]),
        "body": grid(table["tbody"]),
        "foot": grid(table["tfoot"]),
        "title": title,
        "signatories": html[html.index('class="signatories"') : html.index("</main>")],
    }


SEED_OFFICE = ("ময়মনসিংহ সিটি কর্পোরেশন", "ময়মনসিংহ")


@pytest.fixture
def seed_office(db):
    """An import names an office that exists: it never invents one."""
    found = Office.objects.filter(name=SEED_OFFICE[0]).first()
    return found or office_create(
        name=SEED_OFFICE[0], location=SEED_OFFICE[1], code="MCC", tier="department"
    )


def wipe():
    QuarterlyReport.objects.all().delete()
    ActionPlan.objects.all().delete()


def test_the_seed_text_imports_into_an_empty_database_as_the_fixture_shows_it(
    db, seed_office, seed_document
):
    admin = client_for(make_user("admin", is_staff=True, is_superuser=True))
    result = import_plan(data=SEED_TEXT, filename="seed.txt")
    assert result.faults == [] and result.quarter == 1
    imported = rendered(admin, result.plan)
    assert len(imported["body"]) == 12
    wipe()
    from_fixture = rendered(admin, load_plan_file(document=seed_document))
    assert (
        imported == from_fixture
    )  # cell for cell: header, rows, spans' contents, totals, signatories


def test_import_reads_office_year_title_targets_and_achievements(db, seed_office):
    plan = import_plan(data=SEED_TEXT, filename="seed.txt").plan
    assert (plan.office.name, plan.office.location) == ("ময়মনসিংহ সিটি কর্পোরেশন", "ময়মনসিংহ")
    assert plan.fiscal_year.start_year == 2022 and plan.title == "ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা"
    assert Indicator.objects.filter(activity__area__plan=plan).count() == 12
    # the ragged row [২.২.৫]: two dates and three blank tiers
    assert [str(t) if t else None for t in indicator_by_code(plan, "2.2.5").targets] == [
        "2023-05-31",
        "2023-06-30",
        None,
        None,
        None,
    ]
    assert {a.indicator.code: a.value for a in Achievement.objects.filter(report__plan=plan)} == {
        "১.৩.১": 30,
        "২.১.১": 1,
        "২.২.১": 1,
        "২.২.২": 20,
    }
    assert [(s.name, s.lines) for s in plan.signatories.all()][2] == (
        "শেখ হুসেইন আলী",
        ["মুখ্য সচিব", "প্রধান নির্দেশী কর্মকর্তা", "ময়মনসিংহ সিটি কর্পোরেশন"],
    )


def test_importing_the_same_file_twice_changes_nothing(db, seed_office):
    plan = import_plan(data=SEED_TEXT, filename="seed.txt").plan
    before = dump_plan_file(plan=plan)
    again = import_plan(data=SEED_TEXT, filename="seed.txt")
    assert again.faults == [] and again.plan.pk == plan.pk
    assert dump_plan_file(plan=plan) == before


@pytest.mark.parametrize("export, name", [(export_text, "plan.txt"), (export_xlsx, "plan.xlsx")])
def test_round_trip_through_an_export_gives_the_same_plan(db, seed_office, export, name):
    first = import_plan(data=SEED_TEXT, filename="seed.txt").plan
    document = dump_plan_file(plan=first)
    exported = export(quarter_table(plan_id=first.pk, quarter=1))
    wipe()
    second = import_plan(data=exported, filename=name)
    assert second.faults == []
    assert dump_plan_file(plan=second.plan) == document
    # …and exporting again gives the same file (text) or the same cells (xlsx)
    again = export(quarter_table(plan_id=second.plan.pk, quarter=1))
    if name.endswith(".txt"):
        assert again == exported


def test_a_later_quarter_round_trips_its_own_values_from_the_achievement_to_date(db, seed_plan):
    report = QuarterlyReport.objects.create(plan=seed_plan, quarter=2)
    for code, value in {"2.1.1": 2, "1.3.1": 90, "2.2.2": 35}.items():
        achievement = Achievement(report=report, indicator=indicator_by_code(seed_plan, code))
        achievement.set_value(Decimal(value))
        achievement.save()
    exported = export_text(quarter_table(plan_id=seed_plan.pk, quarter=2))
    assert "\tসংখ্যা\t৬\t৪\t৩\t--\t২\t--\t৩\n" in exported.decode()  # ১ + ২ to date
    report.achievements.all().delete()
    result = import_plan(data=exported, filename="q2.txt")
    assert result.faults == [] and result.quarter == 2
    own = {a.indicator.code: a.value for a in Achievement.objects.filter(report=report)}
    assert own == {"২.১.১": 2, "১.৩.১": 90, "২.২.২": 35}


def test_the_office_can_be_named_on_import_by_code_or_by_a_name_no_other_office_shares(
    db, seed_office
):
    upazila = office_create(name="ফুলবাড়িয়া উপজেলা পরিষদ", location="ফুলবাড়িয়া, ময়মনসিংহ", code="UZ-FUL")
    plan = import_plan(data=SEED_TEXT, filename="seed.txt", office_name="ফুলবাড়িয়া উপজেলা পরিষদ").plan
    assert plan.office == upazila
    assert not seed_office.plans.exists()
    ActionPlan.objects.all().delete()
    assert (
        import_plan(data=SEED_TEXT, filename="seed.txt", office_name="UZ-FUL").plan.office
        == upazila
    )
    # the file's location line belongs to the file's office: the named one keeps its own
    upazila.refresh_from_db()
    assert upazila.location == "ফুলবাড়িয়া, ময়মনসিংহ"


def test_a_file_whose_office_is_unknown_is_refused_and_no_office_is_invented(db, seed_office):
    seed_office.delete()
    offices = Office.objects.count()
    result = import_plan(data=SEED_TEXT, filename="seed.txt")
    assert result.plan is None
    assert [f.message for f in result.faults] == [
        "ফাইলের দপ্তর “ময়মনসিংহ সিটি কর্পোরেশন, ময়মনসিংহ” পাওয়া যায়নি: দপ্তরটি আগে যোগ করুন (দপ্তরের তালিকা আমদানি), "
        "অথবা কোন দপ্তরের কর্মপরিকল্পনা তা দপ্তরের কোড দিয়ে বলুন (--office কোড, বা আমদানি পাতার “দপ্তর” ঘরে)।"
    ]
    result = import_plan(data=SEED_TEXT, filename="seed.txt", office_name="নতুন দপ্তর")
    assert result.plan is None and "“নতুন দপ্তর” কোড বা নামের কোনো দপ্তর নেই" in result.faults[0].message
    assert Office.objects.count() == offices and not ActionPlan.objects.exists()


def test_an_unknown_office_is_reported_with_the_files_other_faults(db, seed_office):
    seed_office.delete()
    faulty = replace_line(SEED_TEXT, seed_line("[২.১.১]"), "সংখ্যা\t৬\t", "সংখ্যা\t৭\t")
    messages = [f.message for f in import_plan(data=faulty, filename="seed.txt").faults]
    assert any("পাওয়া যায়নি" in m for m in messages) and any(
        "সূচকগুলোর মানের যোগফল ২১" in m for m in messages
    )


def replace_line(text: bytes, number: int, old: str, new: str) -> bytes:
    lines = text.decode().split("\n")
    assert old in lines[number - 1], lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    return "\n".join(lines).encode()


def seed_line(fragment: str) -> int:
    return next(i for i, line in enumerate(SEED_TEXT.decode().split("\n"), 1) if fragment in line)


FAULTY = {
    "missing column": (
        lambda: b"\n".join(
            b"\t".join(c for i, c in enumerate(line.split(b"\t")) if i != 5)
            if line.startswith(b"\xe0\xa6\x95\xe0\xa7\x8d\xe0\xa6\xb0\xe0\xa6\x83")
            else line.replace("\tতারিখ\t".encode(), b"\t")
            .replace("\tসংখ্যা\t".encode(), b"\t")
            .replace(b"\t%\t", b"\t")
            for line in SEED_TEXT.split(b"\n")
        ),
        # placed by their headings, the table's cells cannot be read without the unit's column
        [(seed_line("ক্রঃ\t"), "“একক” কলামটি নেই")],
    ),
    "weights that do not add up": (
        lambda: replace_line(SEED_TEXT, seed_line("[২.১.১]"), "সংখ্যা\t৬\t", "সংখ্যা\t৭\t"),
        [(seed_line("[২] "), "ক্ষেত্র [২]: সূচকগুলোর মানের যোগফল ২১, কিন্তু ক্ষেত্রের মান ২০")],
    ),
    "an impossible date": (
        lambda: replace_line(SEED_TEXT, seed_line("[১.৪.১]"), "৩১/১০/২২", "৩২/১৩/২২"),
        [
            (
                seed_line("[১.৪.১]"),
                "সূচক [১.৪.১] এর “অসাধারণ” লক্ষ্যমাত্রা “৩২/১৩/২২” সঠিক তারিখ (দদ/মম/বব) নয়",
            )
        ],
    ),
    "targets out of order": (
        lambda: replace_line(SEED_TEXT, seed_line("[১.৩.১]"), "৮৫%\t৮০%", "৭৫%\t৮০%"),
        [(seed_line("[১.৩.১]"), "সূচক [১.৩.১]: লক্ষ্যমাত্রা ক্রমানুসারে নয়")],
    ),
    "a wrong period in the title": (
        lambda: replace_line(
            SEED_TEXT, seed_line("ত্রৈমাসিক প্রতিবেদন"), "সেপ্টেম্বর, ২০২২ পর্যন্ত", "ডিসেম্বর, ২০২২ পর্যন্ত"
        ),
        [(seed_line("ত্রৈমাসিক প্রতিবেদন"), "ত্রৈমাসিকের সাথে মেলে না")],
    ),
    "an empty file": (lambda: b"", [(None, "ফাইলটি খালি")]),
    "only blank lines": (lambda: b"\n\n\t\t\n", [(None, "ফাইলটি খালি")]),
    "a binary file": (
        lambda: b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
        [(None, "বাইনারি ফাইল")],
    ),
    "another encoding (UTF-16)": (
        lambda: SEED_TEXT.decode().encode("utf-16"),
        [(None, "UTF-8 এনকোডিংয়ে নয়")],
    ),
    "another encoding (legacy 8-bit)": (
        lambda: "ময়মনসিংহ\n".encode() + "Report in cp1252: café".encode("cp1252"),
        [(2, "UTF-8 এনকোডিংয়ে নয়")],
    ),
    "no title": (lambda: "শুধু একটি লাইন\n".encode(), [(1, "শিরোনাম পাওয়া যায়নি")]),
}


@pytest.mark.parametrize("case", list(FAULTY), ids=list(FAULTY))
def test_a_faulty_file_imports_nothing_and_reports_each_fault_with_its_line(db, seed_office, case):
    make, expected = FAULTY[case]
    result = import_plan(data=make(), filename="plan.txt")
    assert result.plan is None
    reported = [(f.line, f.message) for f in result.faults]
    for line, fragment in expected:
        assert any(
            fragment in message and (line is None or found == line) for found, message in reported
        ), (fragment, line, reported)
    assert not ActionPlan.objects.exists() and Office.objects.count() == 1
    assert not Achievement.objects.exists()


def test_a_broken_xlsx_is_refused(db, seed_office):
    result = import_plan(data=b"PK\x03\x04 not a workbook", filename="plan.xlsx")
    assert result.plan is None and "xlsx ফাইলটি পড়া যায়নি" in result.faults[0].message


def test_a_locked_report_and_a_plan_in_review_are_not_changed_by_a_file(db, seed_plan):
    # The seed's first quarter is approved: its achievements cannot be replaced from a file …
    changed = replace_line(SEED_TEXT, seed_line("[২.১.১]"), "\t২\t--\t১", "\t২\t--\t৩")
    result = import_plan(data=changed, filename="plan.txt")
    assert result.plan is None
    assert any("প্রথম ত্রৈমাসিকের প্রতিবেদনটি অনুমোদিত" in f.message for f in result.faults)
    # … nor its targets or weights changed silently.
    changed = replace_line(SEED_TEXT, seed_line("[১.৩.১]"), "৮৫%", "৯০%")
    result = import_plan(data=changed, filename="plan.txt")
    assert any("কাঠামো, মান বা লক্ষ্যমাত্রা বদলানো যাবে না" in f.message for f in result.faults)
    assert indicator_by_code(seed_plan, "1.3.1").targets[0] == 85


def test_the_import_command_prints_line_numbered_faults_and_fails(
    db, seed_office, tmp_path, capsys
):
    path = tmp_path / "plan.txt"
    path.write_bytes(replace_line(SEED_TEXT, seed_line("[১.৪.১]"), "৩১/১০/২২", "৩২/১৩/২২"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_plan", str(path))
    line = "".join("০১২৩৪৫৬৭৮৯"[int(d)] for d in str(seed_line("[১.৪.১]")))
    assert f"লাইন {line}: সূচক [১.৪.১]" in capsys.readouterr().err
    path.write_bytes(SEED_TEXT)
    office_create(name="নতুন দপ্তর", code="NEW-1")
    call_command("import_plan", str(path), "--office", "NEW-1")
    assert ActionPlan.objects.get().office.name == "নতুন দপ্তর"


def test_a_dry_run_prints_the_faults_and_fails_or_says_it_would_import_and_writes_nothing(
    db, seed_office, tmp_path, capsys
):
    path = tmp_path / "plan.txt"
    path.write_bytes(replace_line(SEED_TEXT, seed_line("[১.৪.১]"), "৩১/১০/২২", "৩২/১৩/২২"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_plan", str(path), "--dry-run")
    assert "সঠিক তারিখ (দদ/মম/বব) নয়" in capsys.readouterr().err
    path.write_bytes(SEED_TEXT)
    call_command("import_plan", str(path), "--dry-run")
    assert "no faults; it would import" in capsys.readouterr().out
    assert not ActionPlan.objects.exists() and not Achievement.objects.exists()
