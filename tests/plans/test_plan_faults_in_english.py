"""The faults of a plan (plan editor, admin plan form, plan file import) follow the interface
language: under English they are English with Latin digits (places [1.3.1], line numbers, values,
tier names from the catalogue); under Bengali they are the same Bengali sentences as always."""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from egov_plan.core.plan_rules import check_plan
from egov_plan.core.seed_layout import decode_text, read_rows
from egov_plan.core_messages import shown_all
from egov_plan.plans.models import ActionPlan
from reports.plans.files import dump_plan_file
from reports.quarters.models import QuarterlyReport
from tests.conftest import client_for
from tests.helpers import indicator_by_code
from tests.html_forms import form_data
from tests.seed_reference import SEED_FILE

pytestmark = pytest.mark.django_db

BENGALI_DIGIT = "০১২৩৪৫৬৭৮৯"
IMPORT = "/admin/egov_plan/actionplan/import/"


def client_in(user, language):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def seed_line(fragment: str) -> int:
    return next(
        i
        for i, line in enumerate(SEED_FILE.read_text(encoding="utf-8").split("\n"), 1)
        if fragment in line
    )


def bengali(number: int) -> str:
    return "".join(BENGALI_DIGIT[int(d)] for d in str(number))


def faulty_file() -> bytes:
    """The seed report with an impossible date in [১.৪.১]'s first target."""
    return SEED_FILE.read_bytes().replace("৩১/১০/২২".encode(), "৩২/১৩/২২".encode(), 1)


def test_a_faulty_upload_is_reported_in_english_with_latin_digits(people):
    ActionPlan.objects.all().delete()
    line = seed_line("৩১/১০/২২")
    response = client_in(people.admin, "en").post(
        IMPORT, {"file": SimpleUploadedFile("b.txt", faulty_file())}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Errors in the file: 1; nothing was imported:" in html
    # The file's own text is quoted as it stands; the rest is English with Latin digits.
    assert (
        f"Line {line}: Indicator [1.4.1], “Excellent” target: “৩২/১৩/২২” is not a valid date (dd/mm/yy)."
        in html
    )
    # (The preview's copy of the file's rows is the file's own text.)
    page = html[: html.index('<table class="import-source">')]
    assert "লাইন" not in page and "সঠিক তারিখ" not in page and "অসাধারণ" not in page


def test_the_same_upload_is_reported_in_bengali_as_before(people):
    ActionPlan.objects.all().delete()
    line = seed_line("৩১/১০/২২")
    response = client_in(people.admin, "bn").post(
        IMPORT, {"file": SimpleUploadedFile("b.txt", faulty_file())}
    )
    html = response.content.decode()
    assert "ফাইলে ১টি ভুল আছে; কিছুই আমদানি হয়নি:" in html
    assert (
        f"লাইন {bengali(line)}: সূচক [১.৪.১] এর “অসাধারণ” লক্ষ্যমাত্রা “৩২/১৩/২২” সঠিক তারিখ (দদ/মম/বব) নয়।"
        in html
    )


def test_an_import_into_a_locked_quarter_is_refused_in_english(people):
    changed = SEED_FILE.read_text(encoding="utf-8").replace("\t২\t--\t১", "\t২\t--\t৩", 1).encode()
    html = (
        client_in(people.admin, "en")
        .post(IMPORT, {"file": SimpleUploadedFile("b.txt", changed)})
        .content.decode()
    )
    html = html.replace("&#x27;", "'")
    assert (
        "The first quarter's report is “Approved”; its achievements cannot be changed from a file."
        in html
    )


def editor_save(client, plan, changes: dict) -> str:
    data = form_data(client.get(f"/plans/{plan.pk}/targets/").content.decode(), "plan-editor")
    names = {
        (code, name): f"i-i{indicator_by_code(plan, code).pk}-{name}" for code, name in changes
    }
    data.update({names[key]: value for key, value in changes.items()})
    response = client.post(f"/plans/{plan.pk}/targets/", {**data, "op": "save"})
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.parametrize(
    "language, expected",
    [
        (
            "en",
            [
                "Indicator [1.3.1]: the targets are out of order — “Very good” (95%) cannot be more than "
                "“Excellent” (85%).",
                "Area [1]: the indicators' weights add up to 31, but the area's weight is 30; the two must be equal.",
            ],
        ),
        (
            "bn",
            [
                "সূচক [১.৩.১]: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “অতি উত্তম” (৯৫%) “অসাধারণ” (৮৫%) এর চেয়ে বেশি হতে পারে না।",
                "ক্ষেত্র [১]: সূচকগুলোর মানের যোগফল ৩১, কিন্তু ক্ষেত্রের মান ৩০; দুটি সমান হতে হবে।",
            ],
        ),
    ],
)
def test_the_plan_editor_shows_its_faults_in_the_interface_language(people, language, expected):
    QuarterlyReport.objects.filter(plan=people.plan).delete()
    html = editor_save(
        client_in(people.admin, language),
        people.plan,
        {("1.3.1", "target_1"): "95", ("1.3.1", "weight"): "5"},
    )
    for message in expected:
        assert message in html.replace("&#x27;", "'")


def faulty_document(plan) -> dict:
    """The seed plan with a faulty numbering, a zero weight, a date target far outside its year and
    an empty target row."""
    document = dump_plan_file(plan=plan)
    area = document["areas"][0]
    area["activities"][1]["code"] = "2.2"
    area["activities"][1]["indicators"][0]["weight"] = "0"
    date_indicator = next(
        i
        for a in document["areas"]
        for b in a["activities"]
        for i in b["indicators"]
        if i["unit"] == "date"
    )
    date_indicator["targets"][0] = datetime.date(2030, 1, 1).isoformat()
    document["areas"][1]["activities"][0]["indicators"][0]["targets"] = [None] * 5
    document["plan"]["total_marks"] = "60"
    return document


def test_the_plan_rules_speak_english_when_the_interface_does(people):
    document = faulty_document(people.plan)
    with translation.override("en"):
        english = [str(fault) for fault in shown_all(check_plan(document))]
    with translation.override("bn"):
        bengali_faults = [str(fault) for fault in shown_all(check_plan(document))]
    assert len(english) == len(bengali_faults) >= 5
    for message in english:
        assert not any("\u0980" <= ch <= "\u09ff" for ch in message), message
    joined = "\n".join(english)
    assert "Activity [2.2]: the number does not fit under Area [1]." in joined
    assert ": the weight must be more than 0." in joined
    assert "target 01/01/30: the date must fall in or near the fiscal year 2022-2023." in joined
    assert (
        "Indicator [2.1.1]: give at least one target (write “unknown” in the cell of a target that was lost)."
        in joined
    )
    assert (
        "Action plan: the areas' weights add up to 50, but the total marks are 60; the two must be equal."
        in joined
    )
    bengali_joined = "\n".join(bengali_faults)
    assert "কার্যক্রম [২.২]: নম্বরটি ক্ষেত্র [১] এর অধীনে মেলে না।" in bengali_joined
    assert "তারিখটি অর্থবছর ২০২২-২০২৩ এর মধ্যে বা কাছাকাছি হতে হবে।" in bengali_joined
    assert (
        "কর্মপরিকল্পনা: ক্ষেত্রগুলোর মানের যোগফল ৫০, কিন্তু মোট নম্বর ৬০; দুটি সমান হতে হবে।" in bengali_joined
    )


def test_the_file_readers_faults_speak_english_with_the_forms_own_words_quoted(people):
    text = SEED_FILE.read_text(encoding="utf-8")
    with translation.override("en"):
        assert [f.message for f in shown_all(decode_text(b"")[1])] == ["The file is empty."]
        assert "UTF-16" in shown_all(decode_text(text.encode("utf-16"))[1])[0].message
        _, faults = read_rows(
            decode_text(text.replace("জুলাই, ২০২২ হতে", "আগস্ট, ২০২২ হতে").encode())[0]
        )
        shown = [
            str(f) for f in shown_all(faults)
        ]  # as the import page prints them, in its language
    assert shown == [
        f"Line {seed_line('ত্রৈমাসিক প্রতিবেদন')}: The title's period “আগস্ট, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত” "
        "does not match the first quarter; it should be “জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত”."
    ]
