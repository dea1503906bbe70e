"""/plans/<id>/targets/ for admins: the plan editor, the whole plan as the official table.

Without JavaScript every structural button is a form post that re-renders the form with the change
applied and nothing typed lost; saving checks the whole plan with the plan rules and writes it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov_plan.plans.models import Indicator, PerformanceArea, PlanAmendment
from reports.quarters.models import Achievement, QuarterlyReport
from tests.conftest import client_for
from tests.factories import make_plan
from tests.helpers import indicator_by_code
from tests.html_forms import form_data
from tests.html_table import read_table
from tests.seed_reference import is_blank, read_seed

pytestmark = pytest.mark.django_db


def url(plan) -> str:
    return f"/plans/{plan.pk}/targets/"


def editor(client, plan) -> dict:
    response = client.get(url(plan))
    assert response.status_code == 200
    return form_data(response.content.decode(), "plan-editor")


def field(data: dict, plan, code: str, name: str) -> str:
    """The posted name of an indicator's field, e.g. field(data, plan, "1.3.1", "target_0")."""
    return f"i-i{indicator_by_code(plan, code).pk}-{name}"


@pytest.fixture
def admin(people):
    return client_for(people.admin)


@pytest.fixture
def draft_plan(people):
    """The seed plan without its approved report: no reason is needed to change it."""
    QuarterlyReport.objects.filter(plan=people.plan).delete()
    return people.plan


def test_it_lays_the_seed_plan_out_as_the_official_table(admin, people):
    seed = read_seed()
    html = admin.get(url(people.plan)).content.decode()
    body = read_table(html, "plan-editor-table")["tbody"]
    data = form_data(html, "plan-editor")
    assert len(body) == len(seed.rows) == 12
    indicators = [
        name[: -len("-title")] for name in data if name.startswith("i-") and name.endswith("-title")
    ]
    areas = [
        name[: -len("-title")] for name in data if name.startswith("a-") and name.endswith("-title")
    ]
    activities = [
        name[: -len("-title")] for name in data if name.startswith("b-") and name.endswith("-title")
    ]
    area_index = activity_index = -1
    for rendered, expected, prefix in zip(body, seed.rows, indicators):
        if expected.area is not None:
            area_index += 1
            # serial, area and weight open the area and span its rows, as on the form
            assert [c.rowspan for c in rendered[:3]] == [expected.area_rowspan] * 3
            assert expected.area.endswith(data[areas[area_index] + "-title"])
            assert data[areas[area_index] + "-weight"] == expected.area_weight
        if expected.activity is not None:
            activity_index += 1
            assert expected.activity.endswith(data[activities[activity_index] + "-title"])
            span = next(
                c.rowspan
                for c in rendered
                if "[" + expected.activity.split("]")[0][1:] + "]" in c.text
            )
            assert span == expected.activity_rowspan
        assert expected.indicator.endswith(data[prefix + "-title"])
        assert {"date": "তারিখ", "percent": "%", "count": "সংখ্যা"}[
            data[prefix + "-unit"]
        ] == expected.unit
        assert data[prefix + "-weight"] == expected.weight
        assert [data[f"{prefix}-target_{t}"] for t in range(5)] == [
            "" if is_blank(t) else t for t in expected.targets
        ]
    header = read_table(html, "plan-editor-table")["thead"]
    assert [c.text for c in header[0][:7]] == [
        "ক্রঃ",
        "কর্মসম্পাদন ক্ষেত্র",
        "মান",
        "কার্যক্রম",
        "কর্মসম্পাদন সূচক",
        "একক",
        "কর্মসম্পাদন সূচকের মান",
    ]
    assert [c.text for c in header[1]] == ["১০০%", "৯০%", "৮০%", "৭০%", "৬০%"]


def test_it_saves_titles_weights_targets_and_english_texts(admin, draft_plan):
    data = editor(admin, draft_plan)
    data[field(data, draft_plan, "1.3.1", "target_0")] = "90"  # Latin digits
    data[field(data, draft_plan, "1.1.1", "target_0")] = (
        "২০/০৪/২০২৩"  # Bengali digits, four-digit year
    )
    data[field(data, draft_plan, "1.3.1", "title_en")] = "Notes disposed of in e-Nothi"
    data[field(data, draft_plan, "1.3.1", "calculation_method")] = "cumulative"
    response = admin.post(url(draft_plan), {**data, "op": "save"})
    assert response.status_code == 302
    indicator = indicator_by_code(draft_plan, "1.3.1")
    assert (
        indicator.targets[0] == Decimal(90) and indicator.title_en == "Notes disposed of in e-Nothi"
    )
    assert indicator.calculation_method == "cumulative"
    assert indicator_by_code(draft_plan, "1.1.1").targets[0] == datetime.date(2023, 4, 20)
    assert (
        PlanAmendment.objects.filter(plan=draft_plan).count() == 0
    )  # no report in review: no record asked


def test_each_fault_stands_beside_its_cell_and_nothing_typed_is_lost(admin, draft_plan):
    data = editor(admin, draft_plan)
    bad_date, bad_order, bad_weight = (
        field(data, draft_plan, "1.1.1", "target_0"),
        field(data, draft_plan, "1.3.1", "target_1"),
        field(data, draft_plan, "1.3.1", "weight"),
    )
    data.update({bad_date: "৩২/১৩/২২", bad_order: "৯৫", bad_weight: "৫"})
    response = admin.post(url(draft_plan), {**data, "op": "save"})
    assert response.status_code == 400
    html = response.content.decode()

    def cell_of(name):
        return next(cell for cell in html.split("<td")[1:] if f'name="{name}"' in cell)

    assert "তারিখ দদ/মম/বব আকারে লিখুন" in cell_of(bad_date) and 'value="৩২/১৩/২২"' in cell_of(
        bad_date
    )
    assert "লক্ষ্যমাত্রা ক্রমানুসারে নয়" in cell_of(bad_order)
    area_weight = next(name for name in data if name.startswith("a-") and name.endswith("-weight"))
    assert "সূচকগুলোর মানের যোগফল ৩১, কিন্তু ক্ষেত্রের মান ৩০" in cell_of(area_weight)
    assert form_data(html, "plan-editor")[bad_weight] == "৫"
    assert indicator_by_code(draft_plan, "1.3.1").weight == Decimal(4)  # nothing saved


def test_weight_sums_are_recomputed_on_every_re_render(admin, draft_plan):
    data = editor(admin, draft_plan)
    data[field(data, draft_plan, "1.3.1", "weight")] = "৬"
    html = admin.post(url(draft_plan), {**data, "op": "recalculate"}).content.decode()
    area_key = next(
        name for name in data if name.startswith("a-") and name.endswith("-weight")
    ).split("-")[1]
    assert f'data-sum-area="{area_key}">৩২</output>' in html
    assert "data-sum-plan" in html and ">৫০</output> / মোট নম্বর ৫০" in html


def rows_of(html) -> list[str]:
    return [name for name in form_data(html, "plan-editor") if name.endswith("-id")]


@pytest.mark.parametrize(
    "operation, check",
    [
        ("add-indicator", lambda before, after: len(after) == len(before) + 1),
        ("add-activity", lambda before, after: len(after) == len(before) + 2),
        ("add-area", lambda before, after: len(after) == len(before) + 3),
        (
            "remove",
            lambda before, after: len(after) == len(before) - 3,
        ),  # [১.২] with its two indicators
        (
            "down",
            lambda before, after: after[1:4] == before[3:6] and after[4:6] == before[1:3],
        ),  # [১.১] below [১.২]
        ("up", lambda before, after: after[4:6] == [before[5], before[4]]),  # [১.২.২] above [১.২.১]
    ],
)
def test_structure_buttons_re_render_the_form_with_the_change_and_keep_what_was_typed(
    admin, draft_plan, operation, check
):
    html = admin.get(url(draft_plan)).content.decode()
    data = form_data(html, "plan-editor")
    before = rows_of(html)
    area, activity, second_activity, its_second_indicator = (
        before[0],
        before[1],
        before[3],
        before[5],
    )
    target = {
        "add-indicator": activity,
        "add-activity": area,
        "remove": second_activity,
        "down": activity,
        "up": its_second_indicator,
    }.get(operation, "")
    typed = field(data, draft_plan, "2.1.1", "target_4")
    data[typed] = "১১"
    op = operation if operation == "add-area" else f"{operation}:{target.split('-')[1]}"
    response = admin.post(url(draft_plan), {**data, "op": op})
    assert response.status_code == 200
    after = rows_of(response.content.decode())
    assert check(before, after)
    assert form_data(response.content.decode(), "plan-editor")[typed] == "১১"
    assert (
        Indicator.objects.filter(activity__area__plan=draft_plan).count() == 12
    )  # nothing saved yet


def test_moved_added_and_removed_rows_are_saved_with_their_identity(admin, draft_plan):
    moved = indicator_by_code(draft_plan, "1.2.2")
    report = QuarterlyReport.objects.create(plan=draft_plan, quarter=2)
    Achievement.objects.create(
        report=report, indicator=moved, value_date=datetime.date(2022, 11, 1)
    )
    html = admin.get(url(draft_plan)).content.decode()
    data = form_data(html, "plan-editor")
    # [১.২.২] up above [১.২.১]
    html = admin.post(url(draft_plan), {**data, "op": f"up:i{moved.pk}"}).content.decode()
    data = form_data(html, "plan-editor")
    # a new indicator in [২.১], taking one mark from [২.১.১]
    activity_key = next(
        name
        for name in data
        if name.startswith("b-")
        and name.endswith("-id")
        and data[name] == str(indicator_by_code(draft_plan, "2.1.1").activity_id)
    )
    html = admin.post(
        url(draft_plan), {**data, "op": f"add-indicator:{activity_key.split('-')[1]}"}
    ).content.decode()
    data = form_data(html, "plan-editor")
    new = [name[:-3] for name in data if name.startswith("i-n") and name.endswith("-id")][0]
    data.update(
        {
            f"{new}-title": "নতুন সূচক",
            f"{new}-unit": "count",
            f"{new}-weight": "১",
            f"{new}-target_0": "৫",
            f"{new}-target_4": "১",
        }
    )
    data[field(data, draft_plan, "2.1.1", "weight")] = "৫"
    # remove [১.৪.২], giving its three marks to [১.৪.১]
    removed = indicator_by_code(draft_plan, "1.4.2")
    data = {name: value for name, value in data.items() if not name.startswith(f"i-i{removed.pk}-")}
    data[field(data, draft_plan, "1.4.1", "weight")] = "৭"
    response = admin.post(url(draft_plan), {**data, "op": "save", "reason": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    moved.refresh_from_db()
    assert (moved.activity.number, moved.number) == (2, 1)
    assert Achievement.objects.get(report=report).indicator_id == moved.pk  # its value went with it
    assert indicator_by_code(draft_plan, "2.1.2").title == "নতুন সূচক"
    assert not Indicator.objects.filter(pk=removed.pk).exists()
    assert indicator_by_code(draft_plan, "1.4.1").weight == Decimal(7)


def test_a_plan_in_review_needs_a_reason_and_the_change_is_recorded(admin, people):
    plan = people.plan  # its first quarter is approved
    data = editor(admin, plan)
    data[field(data, plan, "1.3.1", "target_0")] = "৯০"
    response = admin.post(url(plan), {**data, "op": "save"})
    assert response.status_code == 400
    assert "“পরিবর্তনের কারণ” লিখুন" in response.content.decode()
    assert (
        form_data(response.content.decode(), "plan-editor")[field(data, plan, "1.3.1", "target_0")]
        == "৯০"
    )
    response = admin.post(url(plan), {**data, "op": "save", "reason": "মন্ত্রণালয়ের নির্দেশনা"})
    assert response.status_code == 302
    amendment = PlanAmendment.objects.get(plan=plan)
    assert amendment.reason == "মন্ত্রণালয়ের নির্দেশনা" and amendment.user == people.admin
    assert "সূচক [১.৩.১]: লক্ষ্যমাত্রা পরিবর্তিত" in amendment.summary
    assert QuarterlyReport.objects.get(plan=plan, quarter=1).score is not None


def test_a_stale_form_is_refused_without_losing_the_input(admin, draft_plan):
    data = editor(admin, draft_plan)
    # another admin saves in between
    PerformanceArea.objects.filter(plan=draft_plan, number=1).update(title="অন্য কারও শিরোনাম")
    data[field(data, draft_plan, "1.3.1", "target_0")] = "৯০"
    response = admin.post(url(draft_plan), {**data, "op": "save"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "অন্য কেউ এই কর্মপরিকল্পনা বদলেছেন" in html
    assert form_data(html, "plan-editor")[field(data, draft_plan, "1.3.1", "target_0")] == "৯০"
    assert indicator_by_code(draft_plan, "1.3.1").targets[0] == Decimal(85)


def test_templates_are_edited_here_too(admin, people):
    from reports.plans.rollout import template_from_plan

    template = template_from_plan(plan=people.plan)
    assert template.office_id is None
    data = editor(admin, template)
    data[field(data, template, "1.3.1", "target_0")] = "৮৮"
    assert admin.post(url(template), {**data, "op": "save"}).status_code == 302
    assert indicator_by_code(template, "1.3.1").targets[0] == Decimal(88)


@pytest.mark.parametrize(
    "role, status",
    [
        ("admin", 200),
        ("officer", 404),
        ("reviewer", 404),
        ("other_officer", 404),
        ("other_reviewer", 404),
    ],
)
def test_only_admins_get_the_editor_of_a_plan_without_a_template(people, role, status):
    response = client_for(getattr(people, role)).get(url(people.plan))
    assert response.status_code == status
    assert ('id="plan-editor"' in response.content.decode()) == (role == "admin")


def test_staff_without_the_plan_permission_get_no_editor(people):
    from tests.conftest import make_user

    clerk = make_user("clerk", is_staff=True)
    assert client_for(clerk).get(url(people.plan)).status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"op": "up:nosuchrow"},
        {"op": "x" * 500},
        {"revision": "x" * 1000, "op": "save"},
        {"a-zz-id": "99999999999999999999", "a-zz-title": "ক", "a-zz-weight": "৫০", "op": "save"},
        {"i-orphan-id": "", "i-orphan-title": "ক", "op": "save"},
        {
            "a-k-id": "",
            "a-k-weight": "1e999",
            "b-k2-id": "",
            "i-k3-id": "",
            "i-k3-unit": "date",
            "i-k3-target_0": "99/99/9999",
            "i-k3-weight": "-1",
            "op": "save",
        },
        {"a-k-id": "abc", "a-k-title": "\x00", "op": "add-activity:k"},
    ],
)
def test_bad_input_never_answers_500(admin, draft_plan, fields):
    response = admin.post(url(draft_plan), {"revision": "", **fields})
    assert response.status_code in (200, 400, 409)
    assert Indicator.objects.filter(activity__area__plan=draft_plan).count() == 12


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_editor_costs_the_same_queries_for_12_or_60_indicators(admin, people):
    big = make_plan(indicators=60, office_name=people.office.name, title="পরীক্ষামূলক কর্মপরিকল্পনা")
    assert count_queries(admin, url(people.plan)) == count_queries(admin, url(big))


def test_the_plan_admin_and_the_plan_pages_link_to_the_editor(admin, people):
    plan = people.plan
    assert (
        f'href="{url(plan)}"'
        in admin.get(f"/admin/egov_plan/actionplan/{plan.pk}/change/").content.decode()
    )
    assert f'href="{url(plan)}"' in admin.get(f"/plans/{plan.pk}/quarters/1/").content.decode()
    officer_page = client_for(people.officer).get(f"/plans/{plan.pk}/quarters/1/").content.decode()
    assert f'href="{url(plan)}"' not in officer_page


def test_a_huge_count_or_a_nul_character_is_refused_not_stored(admin, draft_plan):
    data = editor(admin, draft_plan)
    huge = field(data, draft_plan, "2.1.1", "target_0")
    data[huge] = "১২৩৪৫৬৭৮৯০১২৩"  # more than any count (and the database) holds
    data[field(data, draft_plan, "2.1.1", "title")] = "তথ্য\x00বাতায়ন"
    response = admin.post(url(draft_plan), {**data, "op": "save"})
    assert response.status_code == 400
    assert "০ বা তার বেশি পূর্ণসংখ্যা লিখুন" in response.content.decode()
    data[huge] = "৪"
    assert admin.post(url(draft_plan), {**data, "op": "save"}).status_code == 302
    assert indicator_by_code(draft_plan, "2.1.1").title == "তথ্যবাতায়ন"
