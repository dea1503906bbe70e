"""The entry page, /plans/<plan_id>/quarters/<n>/edit/: typed inputs, Bengali errors, nothing lost."""

import datetime
import re
from decimal import Decimal

import pytest

from reports.quarters.models import Achievement, QuarterlyReport
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db


def edit_url(plan, quarter=2):
    return f"/plans/{plan.pk}/quarters/{quarter}/edit/"


def field(plan, code, kind="value"):
    return f"{kind}_{indicator_by_code(plan, code).pk}"


def post(client, plan, values, quarter=2, version=0, action="save", **extra):
    data = {"version": str(version), "action": action}
    data.update({field(plan, code): text for code, text in values.items()})
    data.update(extra)
    return client.post(edit_url(plan, quarter), data)


def stored(plan, code, quarter=2):
    achievement = Achievement.objects.filter(
        report__plan=plan, report__quarter=quarter, indicator=indicator_by_code(plan, code)
    ).first()
    return achievement and achievement.value


def test_it_labels_every_input_with_the_indicator_number_as_printed(officer_client, people):
    html = officer_client.get(edit_url(people.plan)).content.decode()
    for code in [
        "১.১.১",
        "১.২.১",
        "১.২.২",
        "১.৩.১",
        "১.৪.১",
        "১.৪.২",
        "২.১.১",
        "২.২.১",
        "২.২.২",
        "২.২.৩",
        "২.২.৪",
        "২.২.৫",
    ]:
        for kind in ("value", "remarks", "evidence"):
            name = field(
                people.plan, code.translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")), kind
            )
            match = re.search(rf'<label[^>]*for="id_{name}"[^>]*>([^<]*)</label>', html)
            assert match and f"[{code}]" in match.group(1), (code, kind)
    assert ">সংরক্ষণ করুন</button>" in html
    assert ">দাখিল করুন</button>" in html


def test_it_shows_targets_and_the_achievement_so_far(officer_client, people):
    html = officer_client.get(edit_url(people.plan)).content.decode()
    row = html[html.index('data-indicator="১.৩.১"') :]
    row = row[: row.index("</tr>")]
    targets = re.findall(
        r'<li><span class="target-tier">([^<]*)</span> ([^<]*)</li>', row
    )  # one under another
    assert targets == [
        ("১০০%", "৮৫%"),
        ("৯০%", "৮০%"),
        ("৮০%", "৭৫%"),
        ("৭০%", "৭০%"),
        ("৬০%", "৬০%"),
    ]
    assert "৩০%" in row  # the first quarter's achievement


@pytest.mark.parametrize(
    "code, text, value",
    [
        ("1.2.1", "১২/১০/২২", datetime.date(2022, 10, 12)),
        ("1.2.1", "12/10/2022", datetime.date(2022, 10, 12)),
        ("1.2.1", "২০২২-১০-১২", datetime.date(2022, 10, 12)),
        ("1.2.1", "12-10-2022", datetime.date(2022, 10, 12)),  # as most real documents write a date
        ("1.2.1", "১২.১০.২০২২", datetime.date(2022, 10, 12)),
        ("1.3.1", "৩০", Decimal(30)),
        ("1.3.1", "30", Decimal(30)),
        ("1.3.1", "৩০%", Decimal(30)),
        ("1.3.1", "30.5 %", Decimal("30.5")),
        ("2.1.1", "৩", Decimal(3)),
        ("2.1.1", "0", Decimal(0)),
    ],
)
def test_it_accepts_values_in_either_script(officer_client, people, code, text, value):
    response = post(officer_client, people.plan, {code: text})
    assert response.status_code == 302
    assert stored(people.plan, code) == value


@pytest.mark.parametrize(
    "code, text, message",
    [
        ("1.2.1", "৩২/১৩/২২", "সঠিক তারিখ লিখুন"),
        ("1.2.1", "31/12/23", "তারিখটি ০১/০৭/২২ থেকে ৩১/১২/২২ এর মধ্যে হতে হবে"),
        ("1.2.1", "abc", "সঠিক তারিখ লিখুন"),
        ("1.3.1", "১০১", "শতাংশ ০ থেকে ১০০ এর মধ্যে হতে হবে"),
        ("1.3.1", "-৫", "শতাংশ ০ থেকে ১০০ এর মধ্যে হতে হবে"),
        ("1.3.1", "ত্রিশ", "শতাংশ সংখ্যায় লিখুন"),
        ("2.1.1", "২.৫", "পূর্ণসংখ্যা লিখুন"),
        ("2.1.1", "-1", "পূর্ণসংখ্যা লিখুন"),
        ("2.1.1", "৯" * 50, "মানটি অনেক বড়"),
    ],
)
def test_a_wrong_value_gets_a_bengali_message_beside_its_field(
    officer_client, people, code, text, message
):
    response = post(officer_client, people.plan, {code: text})
    assert response.status_code == 400
    html = response.content.decode()
    name = field(people.plan, code)
    cell = html[html.index(f'id="id_{name}"') :]
    cell = cell[: cell.index("</td>")]
    assert 'aria-invalid="true"' in cell
    assert message in cell
    assert not QuarterlyReport.objects.get(plan=people.plan, quarter=2).achievements.exists()


def test_one_wrong_field_keeps_every_other_value_on_the_page(officer_client, people):
    response = post(
        officer_client,
        people.plan,
        {"1.2.1": "৩২/১৩/২২", "1.3.1": "৩৫%", "2.1.1": "২"},
        **{field(people.plan, "1.3.1", "remarks"): "ই-নথি থেকে হিসাব"},
    )
    html = response.content.decode()
    assert f'name="{field(people.plan, "1.2.1")}" id="id_{field(people.plan, "1.2.1")}"' in html
    assert 'value="৩২/১৩/২২"' in html  # the wrong one, to correct
    assert 'value="৩৫%"' in html  # the right ones, kept
    assert 'value="২"' in html
    assert ">ই-নথি থেকে হিসাব</textarea>" in html
    # Correcting the wrong one saves everything.
    response = post(
        officer_client, people.plan, {"1.2.1": "১২/১০/২২", "1.3.1": "৩৫%", "2.1.1": "২"}
    )
    assert response.status_code == 302
    assert stored(people.plan, "1.3.1") == 35 and stored(people.plan, "2.1.1") == 2


def test_saved_values_come_back_in_bengali_digits(officer_client, people):
    post(officer_client, people.plan, {"1.2.1": "12/10/2022", "1.3.1": "35", "2.1.1": "2"})
    html = officer_client.get(edit_url(people.plan)).content.decode()
    assert 'value="১২/১০/২২"' in html and 'value="৩৫%"' in html and 'value="২"' in html


def test_the_values_are_the_quarters_own_and_the_table_shows_the_achievement_to_date(
    officer_client, people
):
    post(officer_client, people.plan, {"2.1.1": "২", "1.3.1": "৯০"})
    assert stored(people.plan, "2.1.1") == 2
    html = officer_client.get(f"/plans/{people.plan.pk}/quarters/2/").content.decode()
    row = html[html.index('data-indicator="২.১.১"') :]
    assert '<td class="cell-achievement">৩</td>' in row[: row.index("</tr>")]  # ১ + ২
    row = html[html.index('data-indicator="১.৩.১"') :]
    assert '<td class="cell-achievement">৬০%</td>' in row[: row.index("</tr>")]  # (৩০ + ৯০) / ২


def test_clearing_a_value_clears_it(officer_client, people):
    post(officer_client, people.plan, {"2.1.1": "২"})
    post(officer_client, people.plan, {"2.1.1": ""}, version=1)
    assert stored(people.plan, "2.1.1") is None


def test_saving_unchanged_values_changes_nothing(officer_client, people):
    post(officer_client, people.plan, {"2.1.1": "২"})
    report = QuarterlyReport.objects.get(plan=people.plan, quarter=2)
    post(officer_client, people.plan, {"2.1.1": "২"}, version=1)
    report.refresh_from_db()
    assert report.version == 1
    assert Achievement.history.filter(report_id=report.pk).count() == 1


def test_submitting_saves_and_submits(officer_client, people):
    response = post(officer_client, people.plan, {"2.1.1": "২"}, action="submit")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{people.plan.pk}/quarters/2/"
    report = QuarterlyReport.objects.get(plan=people.plan, quarter=2)
    assert report.status == QuarterlyReport.SUBMITTED and report.submitted_at is not None
    assert stored(people.plan, "2.1.1") == 2


def test_submitting_with_a_wrong_value_neither_saves_nor_submits(officer_client, people):
    response = post(officer_client, people.plan, {"2.1.1": "দুই", "1.3.1": "৩৫"}, action="submit")
    assert response.status_code == 400
    report = QuarterlyReport.objects.get(plan=people.plan, quarter=2)
    assert report.status == QuarterlyReport.DRAFT
    assert stored(people.plan, "1.3.1") is None


@pytest.mark.parametrize("status", [QuarterlyReport.SUBMITTED, QuarterlyReport.APPROVED])
def test_a_locked_report_refuses_changes(officer_client, people, status):
    QuarterlyReport.objects.create(plan=people.plan, quarter=2, status=status)
    html = officer_client.get(edit_url(people.plan)).content.decode()
    assert "সংরক্ষণ করুন</button>" not in html
    assert re.search(rf'name="{field(people.plan, "2.1.1")}"[^>]*disabled', html, re.S)
    response = post(officer_client, people.plan, {"2.1.1": "৪"})
    assert response.status_code == 409
    assert "পরিবর্তন করা যাবে না" in response.content.decode()
    assert stored(people.plan, "2.1.1") is None


def test_the_approved_seed_report_refuses_changes(officer_client, people):
    response = post(officer_client, people.plan, {"2.1.1": "৪"}, quarter=1)
    assert response.status_code == 409
    assert stored(people.plan, "2.1.1", quarter=1) == 1
    # The refusal shows the report as stored, not what was posted.
    html = response.content.decode()
    assert re.search(
        rf'name="{field(people.plan, "2.1.1")}"[^>]*value="১"[^>]*disabled', html, re.S
    )


def test_a_returned_report_is_editable_and_shows_the_reviewers_comment(
    officer_client, reviewer_client, people
):
    post(officer_client, people.plan, {"2.1.1": "২"}, action="submit")
    reviewer_client.post(
        f"/plans/{people.plan.pk}/quarters/2/review/",
        {"action": "return", "comment": "প্রমাণক যুক্ত করুন"},
    )
    html = officer_client.get(edit_url(people.plan)).content.decode()
    assert "প্রমাণক যুক্ত করুন" in html
    assert "সংরক্ষণ করুন</button>" in html
    version = QuarterlyReport.objects.get(plan=people.plan, quarter=2).version
    assert post(officer_client, people.plan, {"2.1.1": "৩"}, version=version).status_code == 302
    assert stored(people.plan, "2.1.1") == 3


def test_a_forged_seen_value_is_a_conflict_not_a_crash(officer_client, people):
    seen = field(people.plan, "2.1.1", "seen_value")
    response = post(officer_client, people.plan, {"2.1.1": "২"}, **{seen: "৯৯৯৯৯৯৯৯৯৯৯৯৯"})
    assert response.status_code == 409
    assert "আপনার লেখা “২”, সংরক্ষিত “-----”" in response.content.decode()
    assert stored(people.plan, "2.1.1") is None
