"""Templates in the admin: roll-out with its status page, and carrying a template's changes."""

from decimal import Decimal

import pytest

from egov_plan.offices.tree import office_create
from egov_plan.plans.models import ActionPlan, RolloutJob
from reports.plans.rollout import (
    progress_key,
    rollout_progress,
    rollout_template,
    template_from_plan,
)
from reports.quarters.models import QuarterlyReport
from tests.conftest import client_for
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(people):
    for place in ("ত্রিশাল", "ফুলপুর"):
        office_create(
            name="উপজেলা নির্বাহী অফিসারের কার্যালয়",
            location=place,
            tier="upazila",
            code=f"UNO-{place}",
            parent=people.supervising,
        )
    return template_from_plan(plan=people.plan)


def test_the_admin_rolls_a_template_out_and_sees_the_result(
    people, setup, django_capture_on_commit_callbacks
):
    admin = client_for(people.admin)
    change = admin.get(f"/admin/egov_plan/actionplan/{setup.pk}/change/").content.decode()
    assert f"/admin/egov_plan/actionplan/{setup.pk}/rollout/" in change
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the roll-out starts once the job is saved
        response = admin.post(
            f"/admin/egov_plan/actionplan/{setup.pk}/rollout/", {"under": "LGD", "tier": ""}
        )
    job = RolloutJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/rollouts/{job.pk}/")
    assert (job.status, job.created, job.skipped, job.requested_by) == ("done", 2, 1, people.admin)
    status = admin.get(response["Location"]).content.decode()
    assert "২টি কর্মপরিকল্পনা তৈরি হয়েছে; ১টি দপ্তরের আগে থেকেই ছিল।" in status
    assert 'http-equiv="refresh"' not in status  # finished: no more refreshing
    assert ActionPlan.objects.filter(template=setup).count() == 2


def test_a_running_rollout_shows_its_progress_and_refreshes(people, setup):
    from django.core.cache import cache

    job = RolloutJob.objects.create(
        template=setup, under=people.supervising, status=RolloutJob.RUNNING
    )
    cache.set(progress_key(job.pk), (250, 1000))
    html = (
        client_for(people.admin)
        .get(f"/admin/egov_plan/actionplan/rollouts/{job.pk}/")
        .content.decode()
    )
    assert (
        'http-equiv="refresh"' in html
        and '<progress max="1000" value="250">' in html
        and "২৫০ / ১০০০" in html
    )
    cache.delete(progress_key(job.pk))
    assert rollout_progress(job.pk) is None


def test_a_wrong_office_code_is_refused_beside_the_field(people, setup):
    response = client_for(people.admin).post(
        f"/admin/egov_plan/actionplan/{setup.pk}/rollout/", {"under": "NOWHERE"}
    )
    assert response.status_code == 400
    assert "“NOWHERE” কোডের কোনো দপ্তর নেই।" in response.content.decode()
    assert not RolloutJob.objects.exists()


def test_carrying_changes_previews_then_applies_and_lists_the_held(people, setup):
    rollout_template(template=setup, under=people.supervising)
    held = ActionPlan.objects.filter(template=setup).order_by("office__path").first()
    QuarterlyReport.objects.create(plan=held, quarter=1, status=QuarterlyReport.APPROVED)
    target = indicator_by_code(setup, "2.1.1")
    target.set_targets([Decimal(5), Decimal(4), None, Decimal(3), None])
    target.save()
    admin = client_for(people.admin)
    preview = admin.get(f"/admin/egov_plan/actionplan/{setup.pk}/carry/").content.decode()
    assert "বদলাবে: ১টি" in preview and "বদলানো হবে না: ১টি" in preview
    assert indicator_by_code(held, "2.1.1").targets[0] == Decimal(4)
    applied = admin.post(f"/admin/egov_plan/actionplan/{setup.pk}/carry/").content.decode()
    assert "বদলানো হয়েছে: ১টি" in applied
    other = ActionPlan.objects.filter(template=setup).exclude(pk=held.pk).get()
    assert indicator_by_code(other, "2.1.1").targets[0] == Decimal(5)
    assert indicator_by_code(held, "2.1.1").targets[0] == Decimal(4)


def test_only_admins_reach_the_template_pages(people, setup):
    for role in ("officer", "reviewer"):
        response = client_for(getattr(people, role)).get(
            f"/admin/egov_plan/actionplan/{setup.pk}/rollout/"
        )
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert (
        client_for(people.admin)
        .get(f"/admin/egov_plan/actionplan/{people.plan.pk}/rollout/")
        .status_code
        == 404
    )
