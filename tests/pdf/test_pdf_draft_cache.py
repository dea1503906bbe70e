"""A draft PDF is rendered once per version of what it prints; any edit makes a new one. Drafts are
kept in the media storage (shared by every app server), one per report, for thirty days."""

import datetime
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from egov_plan import media
from egov_plan.celery import app as celery_app
from egov_plan.plans.models import Indicator
from reports.pdf import render as report_pdf_module
from reports.pdf.tasks import purge_old_drafts
from reports.quarters.services import Entry, report_for_quarter, report_save
from tests.helpers import indicator_by_code, stored_bytes
from tests.pdf_text import pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """How many times a PDF was rendered."""
    calls = []
    real = report_pdf_module.render_report_pdf

    def counting(*args, **kwargs):
        calls.append(kwargs.get("draft"))
        return real(*args, **kwargs)

    monkeypatch.setattr(report_pdf_module, "render_report_pdf", counting)
    return calls


def draft(client, plan) -> bytes:
    response = client.get(f"/plans/{plan.pk}/quarters/2/pdf")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-draft.pdf"')
    return response.content


def test_a_second_download_of_an_unchanged_draft_renders_nothing(
    officer_client, reviewer_client, people, renders
):
    first = draft(officer_client, people.plan)
    assert renders == [True]
    assert draft(officer_client, people.plan) == first
    assert draft(reviewer_client, people.plan) == first  # the cache is not per user
    assert renders == [True]


def test_saving_a_value_makes_a_new_draft(officer_client, people, renders):
    before = draft(officer_client, people.plan)
    report = report_for_quarter(plan=people.plan, quarter=2)
    indicator = indicator_by_code(people.plan, "2.1.1")  # a count
    report_save(report=report, user=people.officer, entries={indicator.pk: Entry(3)})
    after = draft(officer_client, people.plan)
    assert renders == [True, True] and after != before
    assert draft(officer_client, people.plan) == after and len(renders) == 2


def test_editing_the_plan_or_an_earlier_quarter_makes_a_new_draft(
    officer_client, people, renders, tmp_path
):
    draft(officer_client, people.plan)
    indicator = Indicator.objects.filter(activity__area__plan=people.plan).order_by("pk").first()
    indicator.title = "নতুন শিরোনামের সূচক"
    indicator.save()  # the report's version does not move; what the draft prints does
    assert "নতুন শিরোনামের সূচক" in pdftotext(draft(officer_client, people.plan), tmp_path)
    assert len(renders) == 2

    first_quarter = report_for_quarter(plan=people.plan, quarter=1)
    first_quarter.achievements.update(value_number=None, value_date=None)  # the achievement to date
    draft(officer_client, people.plan)
    assert len(renders) == 3


def test_a_new_renderer_makes_a_new_draft(officer_client, people, renders, monkeypatch):
    draft(officer_client, people.plan)
    monkeypatch.setattr(report_pdf_module, "renderer_revision", lambda: "another stylesheet")
    draft(officer_client, people.plan)
    assert len(renders) == 2


def test_a_report_keeps_one_draft_and_a_draft_cut_short_is_rendered_again(
    officer_client, people, renders
):
    draft(officer_client, people.plan)
    [first] = media.files_under(report_pdf_module.DRAFT_FOLDER)
    report_save(
        report=report_for_quarter(plan=people.plan, quarter=2),
        user=people.officer,
        entries={indicator_by_code(people.plan, "2.1.1").pk: Entry(3)},
    )
    whole = draft(officer_client, people.plan)
    [kept] = media.files_under(report_pdf_module.DRAFT_FOLDER)  # the earlier draft is gone
    assert kept != first
    # A process killed while saving it left part of the file: that is no draft, it is made again.
    cut = stored_bytes(kept)[:-1000]
    default_storage.delete(kept)
    default_storage.save(kept, ContentFile(cut))
    assert draft(officer_client, people.plan) == whole and len(renders) == 3
    assert draft(officer_client, people.plan) == whole and len(renders) == 3


def test_drafts_older_than_thirty_days_are_purged_by_the_periodic_task_and_its_command(
    officer_client, people
):
    draft(officer_client, people.plan)
    later = timezone.now() + datetime.timedelta(seconds=report_pdf_module.DRAFT_KEEP_SECONDS)
    with time_machine.travel(later - datetime.timedelta(hours=1)):
        assert purge_old_drafts.run() == 0
    with time_machine.travel(later + datetime.timedelta(hours=1)):
        call_command("purge_drafts", stdout=io.StringIO())
    assert media.files_under(report_pdf_module.DRAFT_FOLDER) == []
    schedule = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "reports.tasks.purge_old_drafts" in schedule
