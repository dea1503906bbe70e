"""import_users: accounts from CSV/xlsx by username, every fault at once with its line, a bounded number of
queries per batch, and the invitation e-mail of each new user."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from egov_plan.accounts import user_import
from egov_plan.accounts.models import Membership, UserProfile
from egov_plan.accounts.user_import import import_users, normalise_mobile, plan_users
from egov_plan.offices.tree import office_create
from tests.conftest import current_membership

pytestmark = pytest.mark.django_db

HEADER = "username,full_name,email,mobile,office_code,role,designation\n"
User = get_user_model()


def csv(text: str, header: str = HEADER) -> bytes:
    return (header + text).encode()


@pytest.fixture
def offices(db):
    ministry = office_create(name="স্থানীয় সরকার বিভাগ", tier="ministry", location="ঢাকা", code="LGD")
    district = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        tier="district",
        location="ময়মনসিংহ",
        code="DC-MYM",
        parent=ministry,
    )
    upazila = office_create(
        name="উপজেলা নির্বাহী অফিসারের কার্যালয়",
        tier="upazila",
        location="ত্রিশাল, ময়মনসিংহ",
        code="UNO-TRI",
        parent=district,
    )
    return [ministry, district, upazila]


def test_it_creates_users_with_membership_profile_and_no_usable_password(offices):
    result = import_users(
        data=csv(
            "rahim,রহিম উদ্দিন,rahim@example.gov.bd,০১৭১২৩৪৫৬৭৮,UNO-TRI,officer,সহকারী কমিশনার\n"
            "karim,করিম,karim@example.gov.bd,,DC-MYM,Reviewer,\n"
        ),
        filename="users.csv",
    )
    assert result.faults == [] and result.written
    assert [c.row.username for c in result.created] == ["rahim", "karim"]
    rahim = User.objects.get(username="rahim")
    assert rahim.get_full_name() == "রহিম উদ্দিন" and rahim.email == "rahim@example.gov.bd"
    assert not rahim.has_usable_password()
    assert (current_membership(rahim).office.code, current_membership(rahim).role) == (
        "UNO-TRI",
        Membership.OFFICER,
    )
    assert (rahim.profile.mobile, rahim.profile.designation) == ("+8801712345678", "সহকারী কমিশনার")
    karim = User.objects.get(username="karim")
    assert current_membership(karim).role == Membership.REVIEWER
    assert not UserProfile.objects.filter(user=karim).exists()  # nothing to keep


def test_importing_again_updates_by_username_and_never_deletes(offices):
    import_users(
        data=csv(
            "rahim,রহিম,rahim@example.gov.bd,01712345678,UNO-TRI,officer,\n"
            "karim,করিম,karim@example.gov.bd,,DC-MYM,reviewer,\n"
        ),
        filename="users.csv",
    )
    password = User.objects.get(username="rahim").password
    result = import_users(
        data=csv("rahim,রহিম উদ্দিন,rahim@example.gov.bd,+8801812345678,DC-MYM,reviewer,ইউএনও\n"),
        filename="users.csv",
    )
    assert result.faults == [] and [c.row.username for c in result.changed] == ["rahim"]
    assert set(result.changed[0].fields) == {"পূর্ণ নাম", "মোবাইল", "পদবি", "দপ্তর", "ভূমিকা"}
    rahim = User.objects.get(username="rahim")
    assert (
        rahim.first_name,
        current_membership(rahim).office.code,
        current_membership(rahim).role,
        rahim.profile.mobile,
    ) == ("রহিম উদ্দিন", "DC-MYM", Membership.REVIEWER, "+8801812345678")
    assert rahim.password == password  # an update never touches the password
    assert User.objects.filter(username="karim").exists()  # not in the file: left alone
    again = plan_users(
        data=csv("rahim,রহিম উদ্দিন,rahim@example.gov.bd,+8801812345678,DC-MYM,reviewer,ইউএনও\n"),
        filename="users.csv",
    )
    assert (len(again.created), len(again.changed), len(again.unchanged)) == (0, 0, 1)


def test_a_faulty_file_writes_nothing_and_names_every_fault_with_its_line_in_bengali(offices):
    data = csv(
        "ok,ঠিক আছে,ok@example.gov.bd,01712345678,UNO-TRI,officer,\n"  # 2
        "a,ক,a@example.gov.bd,,NOPE,officer,\n"  # 3 unknown office
        "b,খ,b@example.gov.bd,,UNO-TRI,boss,\n"  # 4 unknown role
        "ok,আবার,ok2@example.gov.bd,,DC-MYM,officer,\n"  # 5 duplicate
        "c,গ,not-an-address,,UNO-TRI,officer,\n"  # 6 e-mail
        "d,ঘ,d@example.gov.bd,02123,UNO-TRI,officer,\n"  # 7 mobile
        "e,ঙ,e@example.gov.bd,,UNO-TRI,officer,\n"
        "e,ঙ,e@example.gov.bd,,UNO-TRI,reviewer,\n"  # 9 two roles in one office
        "f,চ,bad,০১২৩,NOWHERE,officer,\n"  # 10 three faults on one line
        "g,ছ\n"
    )  # 11 cells
    result = import_users(data=data, filename="users.csv")
    assert not result.written and User.objects.count() == 0
    assert [
        int(
            re.match(r"লাইন (\d+):", f.translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789"))).group(1)
        )
        for f in result.faults
    ] == [3, 4, 5, 6, 7, 9, 10, 11]
    faults = "\n".join(result.faults)
    assert "দপ্তরের কোড “NOPE” তালিকায় নেই" in faults
    assert "ভূমিকা “boss” অজানা" in faults
    assert "ব্যবহারকারীর নাম “ok” লাইন ২ এও আছে" in faults
    assert "ই-মেইল ঠিকানা “not-an-address” সঠিক নয়" in faults
    assert "মোবাইল নম্বর “02123” সঠিক নয়" in faults
    assert "একই দপ্তরে অন্য ভূমিকায় আছে" in faults
    line_10 = result.faults[6]
    assert "ই-মেইল" in line_10 and "মোবাইল" in line_10 and "NOWHERE" in line_10


@pytest.mark.parametrize(
    "text, expected",
    [
        ("01712345678", "+8801712345678"),
        ("+8801712345678", "+8801712345678"),
        ("8801712345678", "+8801712345678"),
        ("০১৭১২-৩৪৫৬৭৮", "+8801712345678"),
        ("+৮৮০ ১৯১২ ৩৪৫৬৭৮", "+8801912345678"),
        ("1712345678", "+8801712345678"),
        ("01212345678", None),
        ("0171234567", None),
        ("017123456789", None),
        ("+9101712345678", None),
        ("abc", None),
    ],
)
def test_mobile_numbers_of_bangladesh_in_either_digits(text, expected):
    assert normalise_mobile(text) == expected


def _chartsheet_only() -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.create_chartsheet()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "ফাইলটি খালি"),
        (_chartsheet_only(), "xlsx ফাইলটি পড়া যায়নি"),  # openpyxl itself fails on it (AttributeError)
        (b"code,name\n", "প্রথম লাইনে শিরোনাম থাকতে হবে"),
        ("username,full_name,email,mobile,office_code,role\n".encode("utf-16"), "UTF-8"),
        (b"PK\x03\x04garbage", "xlsx ফাইলটি পড়া যায়নি"),
        (b"\x00\x01\x02", "বাইনারি"),
    ],
)
def test_unreadable_files_are_faults_not_errors(offices, data, message):
    result = import_users(data=data, filename="users.csv")
    assert not result.written and message in result.faults[0]


def test_a_nul_in_a_cell_is_a_fault_not_a_database_error():
    # CSV with NUL is refused as binary and XML cannot carry one; a reader that did would still stop here.
    users, faults, line_faults = user_import.check_rows(
        [
            (1, HEADER.strip().split(",")),
            (2, ["rahim", "রহিম\x00", "r@example.gov.bd", "", "UNO-TRI", "officer", ""]),
        ]
    )
    assert faults == [] and "NUL" in line_faults[2][0]


def test_files_are_bounded_in_size_and_rows(offices, monkeypatch):
    assert (
        "অনেক বড়"
        in import_users(data=b"x" * (user_import.MAX_FILE_BYTES + 1), filename="u.csv").faults[0]
    )
    monkeypatch.setattr(user_import, "MAX_ROWS", 3)
    rows = "".join(f"u{i},নাম,u{i}@example.gov.bd,,UNO-TRI,officer,\n" for i in range(4))
    assert "৩টির বেশি লাইন" in import_users(data=csv(rows), filename="u.csv").faults[0]


def test_xlsx_works_too_with_mobile_numbers_typed_as_numbers(offices):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["rahim", "রহিম", "rahim@example.gov.bd", 1712345678, "UNO-TRI", "officer", None])
    sheet.append([12345, "সংখ্যা", "n@example.gov.bd", None, "DC-MYM", "reviewer", "পরিচালক"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_users(data=buffer.getvalue(), filename="users.xlsx")
    assert result.faults == []
    assert User.objects.get(username="rahim").profile.mobile == "+8801712345678"
    assert User.objects.get(username="12345").profile.designation == "পরিচালক"


def _users_file(count: int, faults_at: dict[int, str] | None = None) -> bytes:
    faults_at = faults_at or {}
    lines = []
    for i in range(count):
        office = ("LGD", "DC-MYM", "UNO-TRI")[i % 3]
        row = [
            f"user{i:05d}",
            f"ব্যবহারকারী {i}",
            f"user{i}@example.gov.bd",
            f"017{i:08d}",
            office,
            "officer" if i % 5 else "reviewer",
            "সহকারী প্রোগ্রামার",
        ]
        if i in faults_at:
            kind = faults_at[i]
            index = {"office": 4, "role": 5, "email": 2, "mobile": 3}[kind]
            row[index] = {
                "office": "NOWHERE",
                "role": "chief",
                "email": "broken@",
                "mobile": "12345",
            }[kind]
        lines.append(",".join(row))
    return csv("\n".join(lines) + "\n")


def test_five_thousand_users_in_one_run_with_a_bounded_number_of_queries(offices):
    data = _users_file(5000)
    batches = 5000 // user_import.BATCH
    # A batch of 500: 2 reads to check, then the bulk writes of users, profiles and memberships: one
    # statement each on PostgreSQL; on SQLite an insert holds at most 999 parameters, so 500 users are 6.
    # A membership's seven columns make 500 of them four inserts on SQLite. Updating reads one more: the
    # users' memberships (to tell a transfer from a change of role).
    per_batch = 14 if connection.vendor == "sqlite" else 6
    with CaptureQueriesContext(connection) as queries:
        result = import_users(data=data, filename="users.csv")
    assert result.faults == [] and len(result.created) == 5000 and len(result.new_user_ids) == 5000
    assert len(queries) <= per_batch * batches + 4, len(queries)
    assert Membership.objects.count() == 5000 and UserProfile.objects.count() == 5000
    # Updating them all costs the same bound.
    changed = data.replace(
        b"\xe0\xa6\xb8\xe0\xa6\xb9\xe0\xa6\x95\xe0\xa6\xbe\xe0\xa6\xb0\xe0\xa7\x80 ", b""
    )
    with CaptureQueriesContext(connection) as queries:
        result = import_users(data=changed, filename="users.csv")
    assert result.faults == [] and len(result.changed) == 5000
    assert len(queries) <= per_batch * batches + 4, len(queries)


def test_a_faulty_five_thousand_line_file_reports_all_twelve_faults(offices):
    kinds = ["office", "role", "email", "mobile"]
    at = {i * 411 + 7: kinds[i % 4] for i in range(12)}
    result = import_users(data=_users_file(5000, at), filename="users.csv")
    assert len(result.faults) == 12 and not result.written and User.objects.count() == 0
    lines = [f.split(":")[0] for f in result.faults]
    assert lines == [
        f"লাইন {str(i + 2).translate(str.maketrans('0123456789', '০১২৩৪৫৬৭৮৯'))}" for i in sorted(at)
    ]


def test_the_command_prints_progress_and_invites_the_new_users(offices, tmp_path, capsys, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    path = tmp_path / "users.csv"
    path.write_bytes(_users_file(600))
    call_command("import_users", str(path))
    out = capsys.readouterr().out
    assert "[" + "#" * 30 + "] 600/600 users" in out and "600 users were created" in out
    assert (
        "600 invitation e-mail(s) queued" in out
    )  # a Celery task's work (run at once without a broker)
    assert len(mail.outbox) == 600
    assert "a-long" not in out  # no password is ever printed (there is none)
    # Again: nothing new, nobody invited twice.
    mail.outbox.clear()
    call_command("import_users", str(path))
    assert "0 users were created" in capsys.readouterr().out and mail.outbox == []


def test_the_command_fails_on_a_faulty_file_and_writes_nothing(offices, tmp_path, capsys):
    path = tmp_path / "users.csv"
    path.write_bytes(csv("a,ক,a@example.gov.bd,,NOPE,officer,\n"))
    with pytest.raises(CommandError, match="1 fault"):
        call_command("import_users", str(path))
    assert "লাইন ২" in capsys.readouterr().err and User.objects.count() == 0


def test_the_dry_run_writes_nothing(offices, tmp_path, capsys):
    path = tmp_path / "users.csv"
    path.write_bytes(csv("a,ক,a@example.gov.bd,,UNO-TRI,officer,\n"))
    call_command("import_users", str(path), "--dry-run")
    assert "1 users would be created" in capsys.readouterr().out and User.objects.count() == 0
