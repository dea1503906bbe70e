"""Copy forward: next fiscal year's plan from this one, dates one year on, no achievements."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from egov_plan.plans.models import ActionPlan
from reports.plans.files import PlanExists, copy_plan_forward, dump_plan_file
from tests.conftest import client_for
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db


def test_copy_forward_of_the_seed_gives_2023_24_with_dates_a_year_later(seed_plan):
    new = copy_plan_forward(plan=seed_plan, to_year=2023)
    assert (
        new.fiscal_year.start_year == 2023
        and new.office == seed_plan.office
        and new.title == seed_plan.title
    )
    assert indicator_by_code(new, "1.1.1").targets == [
        datetime.date(2024, 5, d) for d in (4, 11, 18, 25, 31)
    ]
    assert indicator_by_code(new, "1.2.1").targets == [
        datetime.date(2023, 10, 13),
        datetime.date(2023, 10, 27),
        datetime.date(2023, 11, 10),
        None,
        None,
    ]
    assert indicator_by_code(new, "1.3.1").targets == indicator_by_code(seed_plan, "1.3.1").targets
    assert not new.reports.exists()
    old, copied = dump_plan_file(plan=seed_plan), dump_plan_file(plan=new)
    assert [s["name"] for s in copied["signatories"]] == [s["name"] for s in old["signatories"]]
    assert [(a["number"], a["weight"]) for a in copied["areas"]] == [
        (a["number"], a["weight"]) for a in old["areas"]
    ]


def test_a_29_february_target_moves_to_28_february():
    from reports.plans.files import _shift_years

    assert _shift_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)


def test_copying_twice_or_backwards_is_refused(seed_plan):
    copy_plan_forward(plan=seed_plan, to_year=2023)
    with pytest.raises(PlanExists):
        copy_plan_forward(plan=seed_plan, to_year=2023)
    with pytest.raises(ValueError):
        copy_plan_forward(plan=seed_plan, to_year=2021)


def test_the_copy_command(seed_plan, capsys):
    call_command("copy_plan", str(seed_plan.pk), "--to-year", "2023")
    assert "Created" in capsys.readouterr().out
    assert ActionPlan.objects.filter(fiscal_year__start_year=2023).count() == 1
    with pytest.raises(CommandError):
        call_command("copy_plan", str(seed_plan.pk), "--to-year", "2023")
    with pytest.raises(CommandError):
        call_command("copy_plan", "999", "--to-year", "2023")


def test_the_admin_action_copies_to_the_next_year(people):
    admin = client_for(people.admin)
    response = admin.post(
        "/admin/egov_plan/actionplan/",
        {"action": "copy_to_next_year", "_selected_action": [str(people.plan.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert "তৈরি হয়েছে" in response.content.decode()
    assert ActionPlan.objects.filter(fiscal_year__start_year=2023, office=people.office).exists()
