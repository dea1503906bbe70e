"""The office tree: import from CSV/xlsx by code, a generated national tree, and the tree's reads."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from egov_plan.accounts import permissions
from egov_plan.offices.importing import import_offices
from egov_plan.offices.models import Office
from egov_plan.offices.tree import office_create, office_move, offices_under

pytestmark = pytest.mark.django_db

SAMPLE = "fixtures/offices_sample.csv"
HEADER = "code,name,location,tier,parent_code\n"


def csv(text: str) -> bytes:
    return (HEADER + text).encode()


def test_the_sample_file_builds_a_tree_with_repeated_names_told_apart_by_location(settings):
    call_command("import_offices", str(settings.BASE_DIR / SAMPLE))
    district = Office.objects.get(code="DC-MYM")
    upazilas = offices_under(district)
    assert [o.location for o in upazilas] == [
        "ত্রিশাল, ময়মনসিংহ",
        "ফুলপুর, ময়মনসিংহ",
        "ভালুকা, ময়মনসিংহ",
        "মুক্তাগাছা, ময়মনসিংহ",
    ]
    assert {o.name for o in upazilas} == {"উপজেলা নির্বাহী অফিসারের কার্যালয়"}
    assert {o.tier.code for o in upazilas} == {"upazila"}
    division = Office.objects.get(code="DIV-MYM")
    assert offices_under(division).count() == 4 + 4 + 3 + 2 + 1  # 4 districts and their 10 upazilas
    assert Office.objects.find_problems() == ([], [], [], [], [])


def test_importing_again_updates_by_code_and_never_deletes(settings):
    call_command("import_offices", str(settings.BASE_DIR / SAMPLE))
    before = Office.objects.count()
    result = import_offices(
        data=csv(
            "DC-MYM,জেলা প্রশাসকের কার্যালয় (নতুন নাম),ময়মনসিংহ,district,DIV-MYM\n"
            'UNO-NET-KEN,উপজেলা নির্বাহী অফিসারের কার্যালয়,"কেন্দুয়া, নেত্রকোনা",upazila,DC-MYM\n'
            "NEW-1,নতুন দপ্তর,ঢাকা,department,LGD\n"
        ),
        filename="offices.csv",
    )
    assert (result.created, result.updated, result.moved, result.faults) == (1, 1, 1, [])
    assert Office.objects.count() == before + 1
    assert Office.objects.get(code="DC-MYM").name == "জেলা প্রশাসকের কার্যালয় (নতুন নাম)"
    moved = Office.objects.get(code="UNO-NET-KEN")
    assert moved.is_under(Office.objects.get(code="DC-MYM"))
    assert not moved.is_under(Office.objects.get(code="DC-NET"))
    assert Office.objects.get(code="NEW-1").is_under(Office.objects.get(code="LGD"))
    assert Office.objects.find_problems() == ([], [], [], [], [])


def test_a_parent_may_come_after_its_children_and_xlsx_works_too():
    workbook = Workbook()
    sheet = workbook.active
    for row in [
        HEADER.strip().split(","),
        ["UNO", "উপজেলা নির্বাহী অফিসারের কার্যালয়", "ত্রিশাল", "upazila", "DC"],
        ["DC", "জেলা প্রশাসকের কার্যালয়", "ময়মনসিংহ", "district", "DIV"],
        ["DIV", "বিভাগীয় কমিশনারের কার্যালয়", "ময়মনসিংহ", "division", None],
    ]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_offices(data=buffer.getvalue(), filename="offices.xlsx")
    assert result.faults == [] and result.created == 3
    assert [o.code for o in offices_under(Office.objects.get(code="DIV"))] == ["DC", "UNO"]


@pytest.mark.parametrize(
    "rows, fault",
    [
        ("A,,ঢাকা,department,\n", "লাইন ৩: নাম নেই।"),
        ("A,নাম,ঢাকা,planet,\n", "লাইন ৩: স্তর “planet” অজানা"),
        ("A,নাম,ঢাকা,department,\nA,নাম,খুলনা,department,\n", "লাইন ৪: কোড “A” লাইন ৩ এও আছে।"),
        (
            "A,নাম,ঢাকা,department,NOWHERE\n",
            "লাইন ৩: নিয়ন্ত্রণকারী দপ্তরের কোড “NOWHERE” ফাইলে বা তালিকায় নেই।",
        ),
        ("A,নাম,ঢাকা,department,B\nB,নাম,ঢাকা,department,A\n", "লাইন ৩: নিয়ন্ত্রণকারী দপ্তরের শৃঙ্খল ঘুরে"),
        ("A,নাম,ঢাকা\n", "লাইন ৩: ৫টি ঘর থাকতে হবে, আছে ৩টি।"),
        ("A" * 41 + ",নাম,ঢাকা,department,\n", "লাইন ৩: কোড ৪০ অক্ষরের বেশি।"),
    ],
)
def test_a_faulty_file_names_each_faulty_line_and_writes_nothing(rows, fault):
    result = import_offices(data=csv("OK,ঠিক দপ্তর,ঢাকা,ministry,\n" + rows), filename="offices.csv")
    assert any(f.startswith(fault) for f in result.faults), result.faults
    assert not Office.objects.exists()


@pytest.mark.parametrize(
    "data, fault",
    [
        (b"", "ফাইলটি খালি।"),
        (b"name,code\nx,y\n", "লাইন ১: প্রথম লাইনে শিরোনাম থাকতে হবে"),
        (
            "code,name,location,tier,parent_code\nA,নাম,ঢাকা,ministry,\n".encode("utf-16"),
            "ফাইলটি UTF-8",
        ),
        (b"PK\x03\x04garbage", "xlsx ফাইলটি পড়া যায়নি"),
        (b"\x00\x01\x02binary", "এটি CSV ফাইল নয়"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_reason(data, fault):
    result = import_offices(data=data, filename="offices.csv")
    assert result.faults and fault in result.faults[0]


def test_the_command_prints_each_fault_and_fails(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv("A,,ঢাকা,department,\nB,নাম,ঢাকা,department,Z\n"))
    with pytest.raises(CommandError, match="2 fault"):
        call_command("import_offices", str(path))
    err = capsys.readouterr().err
    assert "লাইন ২: নাম নেই।" in err and "লাইন ৩:" in err


def test_generate_offices_builds_the_same_national_tree_every_time():
    call_command("generate_offices", "--count", "700")
    first = list(
        Office.objects.order_by("path").values_list(
            "code", "name", "location", "tier__code", "path"
        )
    )
    assert len(first) == 700
    assert Office.objects.filter(tier__code="division").count() == 8
    assert Office.objects.filter(tier__code="district").count() == 64
    assert Office.objects.filter(tier__code="upazila").count() == 495
    assert Office.objects.find_problems() == ([], [], [], [], [])
    call_command("generate_offices", "--count", "700")  # nothing new
    assert (
        list(
            Office.objects.order_by("path").values_list(
                "code", "name", "location", "tier__code", "path"
            )
        )
        == first
    )
    # deterministic: a fresh database gets the same tree
    Office.objects.all().delete()
    call_command("generate_offices", "--count", "700")
    assert (
        list(
            Office.objects.order_by("path").values_list(
                "code", "name", "location", "tier__code", "path"
            )
        )
        == first
    )


def test_every_office_under_x_is_one_query_and_moves_keep_the_tree_sound():
    root = office_create(name="মন্ত্রণালয়", tier="ministry", code="M")
    a = office_create(name="অধিদপ্তর", parent=root, code="A")
    b = office_create(name="জেলা কার্যালয়", tier="district", parent=a, code="B")
    office_create(name="উপজেলা কার্যালয়", tier="upazila", parent=b, code="C")
    other = office_create(name="অন্য মন্ত্রণালয়", tier="ministry", code="O")
    with CaptureQueriesContext(connection) as queries:
        assert [o.code for o in offices_under(root)] == ["A", "B", "C"]
    assert len(queries) == 1 and "LIKE" in queries[0]["sql"].upper()
    office_move(office=b, parent=other)
    assert [o.code for o in offices_under(other)] == ["B", "C"]
    assert [o.code for o in offices_under(root)] == ["A"]
    with pytest.raises(ValueError):
        office_move(office=Office.objects.get(code="O"), parent=Office.objects.get(code="C"))
    assert Office.objects.find_problems() == ([], [], [], [], [])


def test_a_reviewer_check_costs_no_query(people):
    member = permissions.membership(people.top_reviewer)
    office = people.office
    with CaptureQueriesContext(connection) as queries:
        assert permissions.can_see_office(people.top_reviewer, office)
        assert permissions.is_reviewer_above(people.top_reviewer, office)
        assert not permissions.can_see_office(people.top_reviewer, people.other_office)
    assert len(queries) == 0 and member.office.code == "LGRD"


def test_moving_an_office_under_its_own_descendant_is_a_line_numbered_fault_and_writes_nothing(
    settings,
):
    call_command("import_offices", str(settings.BASE_DIR / SAMPLE))
    before = list(Office.objects.order_by("path").values_list("code", "name", "path"))
    result = import_offices(
        data=csv(
            "NEW-1,নতুন দপ্তর,ঢাকা,department,LGD\n"
            "DIV-MYM,বিভাগীয় কমিশনারের কার্যালয়,ময়মনসিংহ,division,UNO-MYM-TRI\n"  # its own upazila, two levels down
            "DC-NET,জেলা প্রশাসকের কার্যালয়,নেত্রকোনা,district,NEW-2\n"
            "NEW-2,নতুন দপ্তর,নেত্রকোনা,upazila,UNO-NET-KEN\n"  # a new office under DC-NET's own upazila
            "LGED,,ঢাকা,department,LGD\n"
        ),
        filename="offices.csv",
    )
    assert result.faults == [
        "লাইন ৩: দপ্তর “DIV-MYM” কে “UNO-MYM-TRI” এর অধীনে রাখা যায় না: “UNO-MYM-TRI” নিজেই “DIV-MYM” এর অধীনে।",
        "লাইন ৪: দপ্তর “DC-NET” কে “NEW-2” এর অধীনে রাখা যায় না: “NEW-2” নিজেই “DC-NET” এর অধীনে।",
        "লাইন ৫: দপ্তর “NEW-2” কে “UNO-NET-KEN” এর অধীনে রাখা যায় না: “UNO-NET-KEN” নিজেই “NEW-2” এর অধীনে।",
        "লাইন ৬: নাম নেই।",
    ]
    assert list(Office.objects.order_by("path").values_list("code", "name", "path")) == before


def test_the_command_reports_an_impossible_move_as_a_fault_not_a_traceback(
    settings, tmp_path, capsys
):
    call_command("import_offices", str(settings.BASE_DIR / SAMPLE))
    path = tmp_path / "move.csv"
    path.write_bytes(csv("DC-MYM,জেলা প্রশাসকের কার্যালয়,ময়মনসিংহ,district,UNO-MYM-BHA\n"))
    with pytest.raises(CommandError, match="1 fault"):
        call_command("import_offices", str(path))
    assert (
        "লাইন ২: দপ্তর “DC-MYM” কে “UNO-MYM-BHA” এর অধীনে রাখা যায় না: “UNO-MYM-BHA” নিজেই “DC-MYM” এর অধীনে।"
        in (capsys.readouterr().err)
    )
    assert Office.objects.get(code="UNO-MYM-BHA").is_under(Office.objects.get(code="DC-MYM"))


def test_a_parent_and_its_child_may_swap_places_in_one_file(settings):
    call_command("import_offices", str(settings.BASE_DIR / SAMPLE))
    result = import_offices(
        data=csv(
            "DC-MYM,জেলা প্রশাসকের কার্যালয়,ময়মনসিংহ,district,CAB\n"
            "DIV-MYM,বিভাগীয় কমিশনারের কার্যালয়,ময়মনসিংহ,division,DC-MYM\n"
        ),
        filename="offices.csv",
    )
    assert result.faults == [] and result.moved == 2
    assert Office.objects.get(code="DIV-MYM").is_under(Office.objects.get(code="DC-MYM"))
    assert Office.objects.get(code="DC-MYM").is_under(Office.objects.get(code="CAB"))
    assert Office.objects.find_problems() == ([], [], [], [], [])


def test_a_move_under_a_descendant_that_the_same_file_moves_out_first_is_applied(settings):
    """DIV-MYM goes under its upazila once DC-MYM (with the upazila) leaves it for CAB, in any line order."""
    call_command("import_offices", str(settings.BASE_DIR / SAMPLE))
    result = import_offices(
        data=csv(
            "DIV-MYM,বিভাগীয় কমিশনারের কার্যালয়,ময়মনসিংহ,division,UNO-MYM-TRI\n"
            "DC-MYM,জেলা প্রশাসকের কার্যালয়,ময়মনসিংহ,district,CAB\n"
        ),
        filename="offices.csv",
    )
    assert result.faults == [] and result.moved == 2
    division, district = Office.objects.get(code="DIV-MYM"), Office.objects.get(code="DC-MYM")
    assert division.is_under(Office.objects.get(code="UNO-MYM-TRI")) and division.is_under(district)
    assert Office.objects.get(code="DC-NET").is_under(
        division
    )  # the division's other districts go with it
    assert Office.objects.find_problems() == ([], [], [], [], [])
