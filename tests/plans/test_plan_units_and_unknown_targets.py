"""Units beyond তারিখ, % and সংখ্যা (জন, টি, লক্ষ টাকা, হাজার কোটি টাকা: counts in a unit of their own,
decimals for a measure), and targets that a file lost, kept unknown rather than made up: shown as
such, scored nothing, and listed in the plan editor until an admin fills them in."""

from decimal import Decimal

import pytest

from egov_plan.plans.models import ActionPlan
from reports.plans.exchange import export_text, export_xlsx, import_plan
from reports.plans.files import dump_plan_file
from reports.quarters.models import Achievement
from reports.quarters.selectors import quarter_table
from tests.conftest import client_for, make_user
from tests.helpers import indicator_by_code
from tests.html_forms import form_data
from tests.html_table import grid, read_table
from tests.plans.test_plan_import_real_layouts import APA_HEADER, line_of, office, text_file  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ROWS = [
    [
        "১",
        "১. সেবা",
        "১৫",
        "১.১ প্রশিক্ষণ",
        "১.১.১ প্রশিক্ষণপ্রাপ্ত কর্মচারী",
        "জন",
        "৫",
        "",
        "",
        "৫০০",
        "৪৫০",
        "৪০০",
        "৩৫০",
        "৩০০",
        "১২০",
    ],
    [
        "",
        "",
        "",
        "১.২ রাজস্ব",
        "১.২.১ আদায়কৃত রাজস্ব",
        "হাজার কোটি টাকা",
        "৫",
        "",
        "",
        "২৯.৯৭",
        "২৭.৫",
        "২৫",
        "--",
        "--",
        "৭.২৫",
    ],
    [
        "",
        "",
        "",
        "",
        "১.২.২ অনলাইন সেবা",
        "শতাংশ",
        "৫",
        "",
        "",
        "৯০%",
        "৮০%",
        "৭০%",
        "৬০%",
        "৫০%",
        "-----",
    ],
]


def imported(rows=ROWS):
    result = import_plan(data=text_file(APA_HEADER, rows), filename="plan.txt")
    assert result.faults == []
    return result.plan


def table_rows(client, plan, quarter=1):
    html = client.get(f"/plans/{plan.pk}/quarters/{quarter}/?scores=1").content.decode()
    return grid(read_table(html)["tbody"]), html


def test_a_count_in_a_unit_of_its_own_keeps_its_word_and_a_measure_its_decimals(office):
    plan = imported()
    people, revenue, online = (indicator_by_code(plan, c) for c in ("1.1.1", "1.2.1", "1.2.2"))
    assert (people.unit, people.unit_label) == ("count", "জন")
    assert (revenue.unit, revenue.unit_label) == ("count", "হাজার কোটি টাকা")
    assert list(revenue.targets) == [Decimal("29.97"), Decimal("27.5"), 25, None, None]
    assert (online.unit, online.unit_label) == ("percent", "")
    assert {a.indicator.code: a.value for a in Achievement.objects.filter(report__plan=plan)} == {
        "১.১.১": 120,
        "১.২.১": Decimal("7.25"),
    }
    admin = client_for(make_user("admin", is_staff=True, is_superuser=True))
    body, _ = table_rows(admin, plan)
    units = [next(c for c in row if c in ("জন", "হাজার কোটি টাকা", "%")) for row in body]
    assert units == ["জন", "হাজার কোটি টাকা", "%"]
    assert "২৯.৯৭" in body[1]


def test_a_count_of_people_is_still_whole(office):
    rows = [ROWS[0][:9] + ["৫০০", "৪৫০.৫", "৪০০", "৩৫০", "৩০০", "১২০"], *ROWS[1:]]
    data = text_file(APA_HEADER, rows)
    faults = import_plan(data=data, filename="plan.txt").faults
    assert [(f.line, f.message) for f in faults] == [
        (line_of(data, "১.১.১"), "সূচক [১.১.১] এর “অতি উত্তম” লক্ষ্যমাত্রা “৪৫০.৫” পূর্ণসংখ্যা নয়।")
    ]


def test_a_number_or_a_title_in_the_unit_column_is_no_unit(office):
    rows = [
        ROWS[0][:5] + ["১০"] + ROWS[0][6:],
        ROWS[1][:5] + ["অনলাইনে আদায় করা রাজস্বের মোট পরিমাণ টাকায়"] + ROWS[1][6:],
    ]
    messages = [
        f.message for f in import_plan(data=text_file(APA_HEADER, rows), filename="plan.txt").faults
    ]
    assert len(messages) == 2
    assert messages[0].startswith("সূচক [১.১.১]: “একক” কলামে “১০” — তারিখ, %, সংখ্যা বা কোনো এককের নাম")
    assert messages[1].startswith("সূচক [১.২.১]: “একক” কলামে “অনলাইনে আদায় করা রাজস্বের")


@pytest.mark.parametrize("export, name", [(export_text, "plan.txt"), (export_xlsx, "plan.xlsx")])
def test_units_and_unknown_targets_round_trip_through_an_export(office, export, name):
    rows = [ROWS[0][:9] + ["অজানা", "অজানা", "--", "--", "--", "১২০"], *ROWS[1:]]
    plan = imported(rows)
    document = dump_plan_file(plan=plan)
    exported = export(quarter_table(plan_id=plan.pk, quarter=1))
    ActionPlan.objects.all().delete()
    again = import_plan(data=exported, filename=name)
    assert again.faults == []
    assert dump_plan_file(plan=again.plan) == document


def test_the_entry_page_takes_decimals_for_a_measure_and_whole_numbers_for_people(office):
    plan = imported()
    officer = make_user("officer", office, "officer")
    client = client_for(officer)
    url = f"/plans/{plan.pk}/quarters/2/edit/"
    page = client.get(url).content.decode()
    revenue, people = indicator_by_code(plan, "1.2.1"), indicator_by_code(plan, "1.1.1")
    assert "[১.২.১] এর অর্জন (হাজার কোটি টাকা)" in page and "[১.১.১] এর অর্জন (জন)" in page
    data = form_data(page, "entry-form")
    data.update({f"value_{revenue.pk}": "৮.৫৫", f"value_{people.pk}": "১০.৫", "action": "save"})
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    cell = html[html.index(f'id="id_value_{people.pk}"') :]
    assert "পূর্ণসংখ্যা লিখুন" in cell[: cell.index("</td>")]
    assert 'value="৮.৫৫"' in html  # nothing typed is lost
    data[f"value_{people.pk}"] = "১০"
    assert client.post(url, data).status_code == 302
    values = {
        a.indicator_id: a.value
        for a in Achievement.objects.filter(report__plan=plan, report__quarter=2)
    }
    assert values == {revenue.pk: Decimal("8.55"), people.pk: 10}


def test_a_lost_target_is_kept_unknown_shown_as_such_and_scores_nothing(office):
    rows = [ROWS[0][:9] + ["অজানা", "--", "--", "--", "--", "৬০০"], *ROWS[1:]]
    plan = imported(rows)
    people = indicator_by_code(plan, "1.1.1")
    assert people.unknown_tier_indexes == [0] and list(people.targets) == [None] * 5
    admin = client_for(make_user("admin", is_staff=True, is_superuser=True))
    body, html = table_rows(admin, plan)
    assert body[0][body[0].index("জন") + 2] == "অজানা"
    # 600 people would meet any target; with the target unknown it reaches no tier and scores 0
    assert body[0][-2:] == ["--", "০.০০"]


def test_an_indicator_with_no_target_and_no_unknown_mark_is_still_refused(office):
    rows = [ROWS[0][:9] + ["--", "--", "--", "--", "--", "১২০"], *ROWS[1:]]
    messages = [
        f.message for f in import_plan(data=text_file(APA_HEADER, rows), filename="plan.txt").faults
    ]
    assert messages == ["সূচক [১.১.১]: অন্তত একটি লক্ষ্যমাত্রা দিন (হারিয়ে যাওয়া লক্ষ্যমাত্রার ঘরে “অজানা” লিখুন)।"]


def test_the_plan_editor_lists_unknown_targets_until_an_admin_fills_them_in(office):
    rows = [ROWS[0][:9] + ["অজানা", "৪৫০", "--", "--", "--", "১২০"], *ROWS[1:]]
    plan = imported(rows)
    admin = client_for(make_user("admin", is_staff=True, is_superuser=True))
    url = f"/plans/{plan.pk}/targets/"
    page = admin.get(url).content.decode()
    listed = page[page.index("plan-unknown-targets") :]
    assert "[১.১.১] প্রশিক্ষণপ্রাপ্ত কর্মচারী — অসাধারণ" in listed[: listed.index("</div>")]
    data = form_data(page, "plan-editor")
    people = indicator_by_code(plan, "1.1.1")
    assert data[f"i-i{people.pk}-target_0"] == "অজানা" and data[f"i-i{people.pk}-unit_label"] == "জন"
    # saving other changes keeps it unknown …
    data.update({f"i-i{people.pk}-unit_label": "জন কর্মচারী", "op": "save"})
    assert admin.post(url, data).status_code == 302
    people.refresh_from_db()
    assert people.unknown_tier_indexes == [0] and people.unit_label == "জন কর্মচারী"
    # … filling it in makes it known, scored, and no longer listed
    page = admin.get(url).content.decode()
    data = form_data(page, "plan-editor")
    data.update({f"i-i{people.pk}-target_0": "৫০০", "op": "save"})
    assert admin.post(url, data).status_code == 302
    people.refresh_from_db()
    assert people.unknown_tiers == 0 and people.targets[0] == 500
    assert "plan-unknown-targets" not in admin.get(url).content.decode()
    body, _ = table_rows(admin, plan)
    assert body[0][-2:] == ["--", "০.০০"]  # 120 people: below every tier now known


def test_an_indicator_with_one_target_lost_scores_nothing_even_above_the_targets_it_has(office):
    """The 100 % target is lost: 600 people pass the 90 % and 80 % targets, but which tier they
    reach is not known, so the indicator reaches none rather than a guessed one."""
    rows = [ROWS[0][:9] + ["অজানা", "৪৫০", "৪০০", "--", "--", "৬০০"], *ROWS[1:]]
    plan = imported(rows)
    admin = client_for(make_user("admin", is_staff=True, is_superuser=True))
    body, _ = table_rows(admin, plan)
    assert body[0][body[0].index("জন") + 2 :][:3] == ["অজানা", "৪৫০", "৪০০"]
    assert body[0][-2:] == ["--", "০.০০"]


def test_an_office_adjusting_its_targets_keeps_a_lost_one_unknown_until_it_fills_it_in(office):
    from reports.plans.rollout import adjust_targets
    from reports.quarters.forms import PlanTargetsForm

    rows = [ROWS[0][:9] + ["অজানা", "৪৫০", "--", "--", "--", "১২০"], *ROWS[1:]]
    people = indicator_by_code(imported(rows), "1.1.1")
    form = PlanTargetsForm(indicators=[people], start_year=2022)
    assert form.initial[f"target_{people.pk}_100"] == "অজানা"
    kept = {
        f"target_{people.pk}_{t}": v
        for t, v in zip((100, 90, 80, 70, 60), ["অজানা", "৪৬০", "", "", ""])
    }
    form = PlanTargetsForm(kept, indicators=[people], start_year=2022)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["targets"][people.pk] == [None, 460, None, None, None]
    # an office may not declare a known target lost
    lost = dict(kept, **{f"target_{people.pk}_90": "অজানা"})
    form = PlanTargetsForm(lost, indicators=[people], start_year=2022)
    assert not form.is_valid() and f"target_{people.pk}_90" in form.errors
    # filling it in through the office's path makes it known (bulk-updated with the targets)
    plan = people.activity.area.plan
    plan.template = ActionPlan.objects.create(
        fiscal_year=plan.fiscal_year, title="জাতীয়", targets_adjustable=True
    )
    plan.save()
    filled = dict(kept, **{f"target_{people.pk}_100": "৫০০"})
    form = PlanTargetsForm(filled, indicators=[people], start_year=2022)
    assert form.is_valid(), form.errors
    assert adjust_targets(plan=plan, targets=form.cleaned_data["targets"], user=None) == 1
    people.refresh_from_db()
    assert people.unknown_tiers == 0 and list(people.targets) == [500, 460, None, None, None]


def test_the_english_translation_says_unknown_for_a_lost_target(office):
    rows = [ROWS[0][:9] + ["অজানা", "৪৫০", "--", "--", "--", "১২০"], *ROWS[1:]]
    plan = imported(rows)
    admin = client_for(make_user("admin", is_staff=True, is_superuser=True))
    body = grid(read_table(admin.get(f"/plans/{plan.pk}/quarters/1/en/").content.decode())["tbody"])
    targets = body[0][body[0].index("450") - 1 :][:2]
    assert targets == ["unknown", "450"]
    assert "অজানা" not in " ".join(" ".join(row) for row in body)


def test_the_plan_editor_refuses_a_unit_name_that_is_a_number_next_to_it_keeping_what_was_typed(
    office,
):
    plan = imported()
    people = indicator_by_code(plan, "1.1.1")
    admin = client_for(make_user("admin", is_staff=True, is_superuser=True))
    url = f"/plans/{plan.pk}/targets/"
    data = form_data(admin.get(url).content.decode(), "plan-editor")
    data.update({f"i-i{people.pk}-unit_label": "১০ জন", "op": "save"})
    response = admin.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400  # the editor's answer to a faulty form, shown again
    field = html[html.index(f'name="i-i{people.pk}-unit_label"') :]
    assert 'value="১০ জন"' in field[:200]
    assert "এককের নাম কয়েকটি শব্দে লিখুন, অঙ্ক ছাড়া" in field[: field.index("</td>")]
    people.refresh_from_db()
    assert people.unit_label == "জন"
