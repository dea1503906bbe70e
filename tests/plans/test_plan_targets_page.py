"""/plans/<id>/targets/: an office adjusts its own targets where its template allows, until the
reviewer above approves them."""

import datetime
from decimal import Decimal

import pytest

from egov_plan.plans.models import ActionPlan, Indicator
from reports.plans.rollout import template_from_plan
from tests.conftest import client_for
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(people):
    """The seed office's plan, re-made from an adjustable template."""
    template = template_from_plan(plan=people.plan)
    template.targets_adjustable = True
    template.save()
    ActionPlan.objects.filter(pk=people.plan.pk).update(template=template)
    return ActionPlan.objects.get(pk=people.plan.pk)


def post(client, plan, **fields):
    data = {"action": "save"}
    for indicator in Indicator.objects.filter(activity__area__plan=plan):
        for tier, value in zip((100, 90, 80, 70, 60), indicator.targets):
            data[f"target_{indicator.pk}_{tier}"] = "" if value is None else str(value)
    for name, value in fields.items():
        code, tier = name.rsplit("_", 1)
        data[f"target_{indicator_by_code(plan, code.replace('_', '.')).pk}_{tier}"] = value
    return client.post(f"/plans/{plan.pk}/targets/", data)


def test_the_officer_sets_targets_in_bengali_digits(people, plan):
    client = client_for(people.officer)
    assert 'name="target_' in client.get(f"/plans/{plan.pk}/targets/").content.decode()
    response = post(client, plan, **{"1_1_1_100": "২০/০৪/২৩", "1_3_1_100": "৯০%"})
    assert response.status_code == 302
    assert indicator_by_code(plan, "1.1.1").targets[0] == datetime.date(2023, 4, 20)
    assert indicator_by_code(plan, "1.3.1").targets[0] == Decimal(90)


def test_a_wrong_target_is_refused_beside_its_cell_and_the_rest_kept(people, plan):
    response = post(client_for(people.officer), plan, **{"1_1_1_100": "৩২/১৩/২২", "1_3_1_90": "৯৫"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "তারিখ দদ/মম/বব আকারে লিখুন" in html
    assert "লক্ষ্যমাত্রা ক্রমানুসারে নয়" in html  # ৯৫ under the 100 % tier's ৮৫
    assert 'value="৩২/১৩/২২"' in html and 'value="৯৫"' in html
    assert indicator_by_code(plan, "1.3.1").targets[1] == Decimal(80)  # nothing saved


def test_the_reviewer_approves_and_the_targets_lock(people, plan):
    reviewer = client_for(people.reviewer)
    assert "লক্ষ্যমাত্রা অনুমোদন করুন" in reviewer.get(f"/plans/{plan.pk}/targets/").content.decode()
    assert reviewer.post(f"/plans/{plan.pk}/targets/", {"action": "approve"}).status_code == 302
    plan.refresh_from_db()
    assert plan.targets_approved_by == people.reviewer
    officer = client_for(people.officer)
    assert 'name="target_' not in officer.get(f"/plans/{plan.pk}/targets/").content.decode()
    assert post(officer, plan, **{"1_3_1_100": "৯০"}).status_code == 409
    assert indicator_by_code(plan, "1.3.1").targets[0] == Decimal(85)


@pytest.mark.parametrize(
    "role, method, status",
    [
        ("officer", "get", 200),
        ("reviewer", "get", 200),
        ("other_officer", "get", 404),
        ("other_reviewer", "get", 404),
        ("reviewer", "save", 403),
        ("officer", "approve", 403),
        ("other_officer", "save", 404),
        ("admin", "get", 200),
        ("admin", "approve", 403),
    ],
)
def test_who_may_do_what(people, plan, role, method, status):
    client = client_for(getattr(people, role))
    path = f"/plans/{plan.pk}/targets/"
    response = client.get(path) if method == "get" else client.post(path, {"action": method})
    assert response.status_code == status


def test_a_plan_without_a_template_has_no_such_page(people):
    assert client_for(people.officer).get(f"/plans/{people.plan.pk}/targets/").status_code == 404


def test_the_index_links_to_it_while_open(people, plan):
    assert (
        f'href="/plans/{plan.pk}/targets/"' in client_for(people.officer).get("/").content.decode()
    )
