"""Plan templates: made from a plan, rolled out in bulk to a subtree, changes carried to the plans
that have no report in review, and offices' own targets until the office above approves them."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from egov_plan.offices.models import Office, OfficeTier
from egov_plan.offices.tree import office_create
from egov_plan.plans.models import ActionPlan, Indicator
from reports.plans.files import dump_plan_file
from reports.plans.rollout import (
    TemplateError,
    adjust_targets,
    approve_targets,
    carry_template_changes,
    rollout_template,
    template_from_plan,
)
from reports.quarters.models import QuarterlyReport
from tests.conftest import client_for
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db


def structure(plan):
    document = dump_plan_file(plan=plan, reports=False)
    return document["plan"], document["areas"], document["signatories"]


@pytest.fixture
def district(people):
    district = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        location="ময়মনসিংহ",
        tier="district",
        code="DC-MYM",
        parent=people.supervising,
    )
    for place in ("ত্রিশাল", "ফুলপুর", "ভালুকা"):
        office_create(
            name="উপজেলা নির্বাহী অফিসারের কার্যালয়",
            location=place,
            tier="upazila",
            code=f"UNO-{place}",
            parent=district,
        )
    return district


@pytest.fixture
def template(people):
    return template_from_plan(plan=people.plan)


def test_a_template_is_a_plan_without_an_office_with_the_plans_structure(people, template):
    assert template.is_template and template.office is None
    assert structure(template) == structure(people.plan)
    assert not template.reports.exists()
    with pytest.raises(TemplateError):
        template_from_plan(plan=people.plan)  # one template per year and title


def test_rollout_creates_the_plan_for_every_office_under_x_and_skips_those_that_have_it(
    people, district, template
):
    result = rollout_template(template=template, under=people.supervising)
    # the district, its three upazilas; the seed office already has the plan (same year and title)
    assert (result.created, result.skipped) == (4, 1)
    plans = ActionPlan.objects.filter(template=template)
    assert {p.office.code for p in plans} == {"DC-MYM", "UNO-ত্রিশাল", "UNO-ফুলপুর", "UNO-ভালুকা"}
    for plan in plans:
        assert structure(plan) == structure(template)
    assert Indicator.objects.filter(activity__area__plan__in=plans).count() == 4 * 12
    again = rollout_template(template=template, under=people.supervising)
    assert (again.created, again.skipped) == (0, 5)


def test_rollout_can_be_limited_to_one_tier_and_reports_progress(people, district, template):
    seen = []
    result = rollout_template(
        template=template,
        under=people.supervising,
        tier=OfficeTier.objects.get(code="upazila"),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert (result.created, result.skipped) == (3, 0)
    assert seen[-1] == (3, 3)
    assert not ActionPlan.objects.filter(office=district).exists()


def test_a_template_that_breaks_the_plan_rules_is_not_rolled_out(people, district, template):
    Indicator.objects.filter(activity__area__plan=template).update(weight=Decimal(1))
    with pytest.raises(TemplateError, match="নিয়ম"):
        rollout_template(template=template, under=people.supervising)
    assert not ActionPlan.objects.filter(template=template).exists()


def test_only_a_template_can_be_rolled_out(people, district):
    with pytest.raises(TemplateError):
        rollout_template(template=people.plan, under=people.supervising)


def test_changes_are_carried_to_plans_without_reports_in_review_and_the_rest_listed(
    people, district, template
):
    rollout_template(template=template, under=district)
    held, open_plan, draft_plan = ActionPlan.objects.filter(template=template).order_by(
        "office__path"
    )
    QuarterlyReport.objects.create(plan=held, quarter=1, status=QuarterlyReport.SUBMITTED)
    QuarterlyReport.objects.create(plan=draft_plan, quarter=1, status=QuarterlyReport.DRAFT)
    changed = indicator_by_code(template, "1.3.1")
    changed.set_targets([Decimal(90), Decimal(85), Decimal(80), Decimal(75), Decimal(70)])
    changed.save()

    preview = carry_template_changes(template=template, apply=False)
    assert [p.pk for p in preview.updated] == [open_plan.pk, draft_plan.pk]
    assert [p.pk for p in preview.held] == [held.pk]
    assert indicator_by_code(open_plan, "1.3.1").targets[0] == Decimal(
        85
    )  # a preview changes nothing

    result = carry_template_changes(template=template, apply=True)
    assert [p.pk for p in result.updated] == [open_plan.pk, draft_plan.pk]
    assert indicator_by_code(open_plan, "1.3.1").targets[0] == Decimal(90)
    assert indicator_by_code(draft_plan, "1.3.1").targets[0] == Decimal(90)
    assert indicator_by_code(held, "1.3.1").targets[0] == Decimal(85)  # listed, not changed
    assert [p.pk for p in carry_template_changes(template=template, apply=True).unchanged] == [
        open_plan.pk,
        draft_plan.pk,
    ]


def test_an_office_adjusts_its_own_targets_until_the_office_above_approves_them(
    people, district, template
):
    template.targets_adjustable = True
    template.save()
    rollout_template(
        template=template, under=people.supervising, tier=OfficeTier.objects.get(code="district")
    )
    plan = ActionPlan.objects.get(office=district)
    indicator = indicator_by_code(plan, "1.1.1")
    new = [datetime.date(2023, 4, 20)] + indicator.targets[1:]
    assert adjust_targets(plan=plan, targets={indicator.pk: new}, user=people.officer) == 1
    assert indicator_by_code(plan, "1.1.1").targets[0] == datetime.date(2023, 4, 20)
    approve_targets(plan=plan, user=people.reviewer)
    with pytest.raises(TemplateError):
        adjust_targets(plan=plan, targets={indicator.pk: indicator.targets}, user=people.officer)
    with pytest.raises(TemplateError):
        approve_targets(plan=plan, user=people.reviewer)


def test_targets_stay_the_templates_where_it_does_not_allow_adjusting(people, district, template):
    rollout_template(
        template=template, under=people.supervising, tier=OfficeTier.objects.get(code="district")
    )
    plan = ActionPlan.objects.get(office=district)
    with pytest.raises(TemplateError):
        adjust_targets(plan=plan, targets={}, user=people.officer)


def test_the_command_rolls_out_from_a_plan_with_a_progress_bar(people, district, capsys):
    call_command(
        "rollout_template",
        "--from-plan",
        str(people.plan.pk),
        "--under",
        "DC-MYM",
        "--tier",
        "upazila",
    )
    output = capsys.readouterr().out
    assert (
        "3 plans created, 0 offices skipped" in output
        and "[##############################] 3/3" in output
    )
    template = ActionPlan.objects.get(office__isnull=True)
    call_command("rollout_template", str(template.pk), "--under", "LGD")
    assert (
        "1 plans created, 4 offices skipped" in capsys.readouterr().out
    )  # the district; the rest have it


@pytest.mark.parametrize(
    "args, message",
    [
        (["--under", "LGD"], "either TEMPLATE_ID or --from-plan"),
        (["999", "--under", "LGD"], "no template with id 999"),
        (["--from-plan", "1", "--under", "NOWHERE"], "no office with code"),
        (["--from-plan", "1", "--under", "LGD", "--tier", "planet"], "no tier 'planet'"),
    ],
)
def test_the_command_explains_what_is_wrong(people, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("rollout_template", *args)
    assert not Office.objects.filter(plans__template__isnull=False).exists()


def test_an_admin_sees_a_templates_quarter_table_with_its_scores_and_exports(people, template):
    client = client_for(people.admin)
    indicator = indicator_by_code(template, "1.1.1")
    for quarter in (1, 2):
        for query in ("", "?scores=1"):
            page = client.get(f"/plans/{template.pk}/quarters/{quarter}/{query}")
            assert page.status_code == 200
            html = page.content.decode()
            assert indicator.title in html
            assert f"/plans/{template.pk}/targets/" in html  # back to the editor
            assert 'name="action"' not in html  # nobody reviews a template's reports
        sheet = client.get(f"/plans/{template.pk}/quarters/{quarter}/export.txt")
        assert sheet.status_code == 200 and indicator.title in sheet.content.decode()
        assert client.get(f"/plans/{template.pk}/quarters/{quarter}/export.xlsx").status_code == 200
    for outsider in (people.officer, people.reviewer, people.top_reviewer):
        assert client_for(outsider).get(f"/plans/{template.pk}/quarters/1/").status_code == 404
