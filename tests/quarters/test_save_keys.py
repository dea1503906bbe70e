"""Idempotency keys of entry-page saves (reports/quarters/save_keys.py): a save sent again with its key (an
answer the link lost, a queued save sent once more) is answered as the first time and applied once."""

import datetime
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from egov_plan.accounts.models import Membership
from egov_plan.celery import app as celery_app
from reports.quarters.models import Achievement, Evidence, QuarterlyReport, SaveKey
from reports.quarters.save_keys import KEEP, purge_expired
from reports.quarters.tasks import purge_expired_save_keys
from tests.conftest import client_for, make_user
from tests.helpers import PDF_BYTES, indicator_by_code
from tests.html_forms import form_data

KEY = "k" * 32


def edit_url(plan):
    return f"/plans/{plan.pk}/quarters/2/edit/"


def page_of(client, plan) -> dict:
    return form_data(client.get(edit_url(plan)).content.decode(), "entry-form")


def typed(plan, page, key=KEY, action="save", **values) -> dict:
    data = dict(page, action=action, save_key=key)
    for code, text in values.items():
        data[f"value_{indicator_by_code(plan, code.replace('_', '.')).pk}"] = text
    return data


def history_of(plan, code):
    return Achievement.history.filter(
        report__plan=plan, report__quarter=2, indicator=indicator_by_code(plan, code)
    )


def said(response) -> list[str]:
    """What this answer said (not what earlier answers left unread)."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


@pytest.mark.django_db
def test_it_puts_a_fresh_key_in_every_entry_form(officer_client, people):
    first, second = page_of(officer_client, people.plan), page_of(officer_client, people.plan)
    assert len(first["save_key"]) >= 16 and first["save_key"] != second["save_key"]


@pytest.mark.django_db
def test_a_save_sent_twice_with_its_key_is_applied_once_and_answered_alike(officer_client, people):
    plan = people.plan
    data = typed(plan, page_of(officer_client, plan), **{"2_1_1": "৩"})
    first = officer_client.post(edit_url(plan), data)
    assert first.status_code == 302 and first["Location"] == edit_url(plan)
    first_said = said(first)
    assert first_said == ["সংরক্ষিত হয়েছে (১টি মান পরিবর্তিত, ০টি প্রমাণক যুক্ত)।"]
    version = QuarterlyReport.objects.get(plan=plan, quarter=2).version

    officer_client.cookies.pop("messages")  # the link lost the first answer, and its message
    again = officer_client.post(edit_url(plan), data)
    assert (again.status_code, again["Location"]) == (302, edit_url(plan))
    assert said(again) == first_said  # the first answer, not "0 values changed"
    assert history_of(plan, "2.1.1").count() == 1
    assert QuarterlyReport.objects.get(plan=plan, quarter=2).version == version
    assert SaveKey.objects.filter(user=people.officer, key=KEY).count() == 1


@pytest.mark.django_db
def test_a_save_sent_again_after_its_answer_arrived_says_saved_once(officer_client, people):
    """The first answer reached the browser (its message waits for the page), and the save went out
    once more before that page opened: the page says "saved" once, not twice."""
    plan = people.plan
    data = typed(plan, page_of(officer_client, plan), **{"2_1_1": "৩"})
    officer_client.post(edit_url(plan), data)
    again = officer_client.post(edit_url(plan), data)
    assert (again.status_code, again["Location"]) == (302, edit_url(plan))
    shown = [str(m) for m in officer_client.get(edit_url(plan)).context["messages"]]
    assert shown == ["সংরক্ষিত হয়েছে (১টি মান পরিবর্তিত, ০টি প্রমাণক যুক্ত)।"]


@pytest.mark.django_db
def test_a_submit_sent_twice_submits_once_and_the_repeat_is_not_refused(officer_client, people):
    plan = people.plan
    data = typed(plan, page_of(officer_client, plan), action="submit", **{"2_1_1": "৩"})
    assert officer_client.post(edit_url(plan), data).status_code == 302
    officer_client.cookies.pop("messages")  # the first answer lost
    again = officer_client.post(edit_url(plan), data)
    assert again.status_code == 302 and again["Location"] == f"/plans/{plan.pk}/quarters/2/"
    assert said(again) == ["প্রতিবেদনটি দাখিল করা হয়েছে।"]
    report = QuarterlyReport.objects.get(plan=plan, quarter=2)
    assert report.status == QuarterlyReport.SUBMITTED
    assert report.transitions.count() == 1


@pytest.mark.django_db
def test_evidence_sent_again_with_its_key_is_stored_once(officer_client, people):
    plan = people.plan
    indicator = indicator_by_code(plan, "1.3.1")
    page = page_of(officer_client, plan)
    for _ in range(2):
        data = typed(plan, page)
        data[f"evidence_{indicator.pk}"] = SimpleUploadedFile("proof.pdf", PDF_BYTES)
        assert officer_client.post(edit_url(plan), data).status_code == 302
    assert Evidence.objects.filter(report__plan=plan).count() == 1


@pytest.mark.django_db
def test_a_save_that_applied_nothing_does_not_spend_its_key(officer_client, people):
    plan = people.plan
    page = page_of(officer_client, plan)
    wrong = officer_client.post(edit_url(plan), typed(plan, page, **{"1_2_1": "৩২/১৩/২২"}))
    assert wrong.status_code == 400
    assert not SaveKey.objects.exists()
    fixed = officer_client.post(edit_url(plan), typed(plan, page, **{"1_2_1": "১২/১০/২২"}))
    assert fixed.status_code == 302
    assert history_of(plan, "1.2.1").count() == 1


@pytest.mark.django_db
def test_keys_are_each_users_own(people):
    plan = people.plan
    colleague = make_user("colleague", people.office, Membership.OFFICER)
    mine, theirs = client_for(people.officer), client_for(colleague)
    assert (
        mine.post(edit_url(plan), typed(plan, page_of(mine, plan), **{"2_1_1": "৩"})).status_code
        == 302
    )
    assert (
        theirs.post(
            edit_url(plan), typed(plan, page_of(theirs, plan), **{"2_2_1": "৪"})
        ).status_code
        == 302
    )
    assert history_of(plan, "2.2.1").count() == 1  # the same key from another user is another save


@pytest.mark.django_db
def test_a_save_without_a_key_is_saved_as_before(officer_client, people):
    plan = people.plan
    data = typed(plan, page_of(officer_client, plan), **{"2_1_1": "৩"})
    del data["save_key"]
    assert officer_client.post(edit_url(plan), data).status_code == 302
    assert not SaveKey.objects.exists()


@pytest.mark.django_db
def test_the_pages_script_gets_the_redirect_as_json(officer_client, people):
    plan = people.plan
    data = typed(plan, page_of(officer_client, plan), **{"2_1_1": "৩"})
    for _ in range(2):  # the first answer and its repeat
        response = officer_client.post(edit_url(plan), data, headers={"X-Entry-Queue": "1"})
        assert response.status_code == 200 and response.json() == {"location": edit_url(plan)}
    # The message waits for the page the script opens.
    assert "সংরক্ষিত হয়েছে" in officer_client.get(edit_url(plan)).content.decode()


@pytest.mark.django_db
def test_expired_keys_are_purged_by_the_periodic_task_and_its_command(officer_client, people):
    plan = people.plan
    officer_client.post(
        edit_url(plan), typed(plan, page_of(officer_client, plan), **{"2_1_1": "৩"})
    )
    officer_client.post(
        edit_url(plan), typed(plan, page_of(officer_client, plan), key="n" * 32, **{"2_1_1": "৪"})
    )
    SaveKey.objects.filter(key=KEY).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert purge_expired() == 1
    assert list(SaveKey.objects.values_list("key", flat=True)) == ["n" * 32]
    SaveKey.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    call_command("purge_save_keys", stdout=open("/dev/null", "w"))
    assert not SaveKey.objects.exists()
    assert purge_expired_save_keys.run() == 0
    assert KEEP >= datetime.timedelta(days=2)
    schedule = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "reports.tasks.purge_expired_save_keys" in schedule


@pytest.mark.django_db(transaction=True)
def test_the_same_key_posted_twice_at_once_on_postgresql_is_applied_once(people, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions waiting on a unique index are a PostgreSQL matter")
    from reports.quarters import services

    plan = people.plan
    clients = [client_for(people.officer), client_for(people.officer)]
    data = typed(plan, page_of(clients[0], plan), **{"2_1_1": "৩"})
    data[f"remarks_{indicator_by_code(plan, '2.1.1').pk}"] = "একবারই"
    original = services._require_editable

    def slowly(report):  # the first save holds its key a while: the second arrives meanwhile
        original(report)
        time.sleep(0.5)

    monkeypatch.setattr(services, "_require_editable", slowly)
    barrier = threading.Barrier(2)
    answers = [None, None]

    def post(index):
        try:
            barrier.wait(timeout=20)
            response = clients[index].post(edit_url(plan), data)
            answers[index] = (response.status_code, response["Location"], said(response))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert (
        answers[0]
        == answers[1]
        == (302, edit_url(plan), ["সংরক্ষিত হয়েছে (১টি মান পরিবর্তিত, ০টি প্রমাণক যুক্ত)।"])
    )
    assert history_of(plan, "2.1.1").count() == 1
    assert Achievement.objects.get(report__plan=plan, report__quarter=2).remarks == "একবারই"
    assert QuarterlyReport.objects.get(plan=plan, quarter=2).version == 1
    assert SaveKey.objects.count() == 1
