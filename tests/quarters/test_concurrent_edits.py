"""No lost updates: a save writes only the fields its user changed, and conflicts only on the same field."""

import threading
import time

import pytest
from django.db import connection

from egov_plan.accounts.models import Membership
from reports.quarters.marks import rescore_plan
from reports.quarters.models import Achievement
from reports.quarters.services import EditConflict, Entry, report_for_quarter, report_save
from tests.conftest import client_for, make_user
from tests.factories import make_plan
from tests.helpers import indicator_by_code
from tests.html_forms import form_data


def open_page(client, plan):
    """The entry form as the browser holds it after loading the page."""
    response = client.get(f"/plans/{plan.pk}/quarters/2/edit/")
    return form_data(response.content.decode(), "entry-form")


def save(client, plan, page, **fields):
    """Type into the page (value_1.3.1 / remarks_1.3.1) and press save; returns the response."""
    data = dict(page, action="save")
    for name, text in fields.items():
        kind, code = name.split("_", 1)
        data[f"{kind}_{indicator_by_code(plan, code).pk}"] = text
    return client.post(f"/plans/{plan.pk}/quarters/2/edit/", data)


def stored(plan, code):
    achievement = Achievement.objects.filter(
        report__plan=plan, report__quarter=2, indicator=indicator_by_code(plan, code)
    ).first()
    return (achievement.value, achievement.remarks) if achievement else (None, "")


@pytest.fixture
def two_officers(people):
    colleague = make_user("colleague", people.office, Membership.OFFICER, first_name="সহকর্মী")
    return client_for(people.officer), client_for(colleague)


@pytest.mark.django_db
def test_a_stale_page_saving_another_indicator_keeps_the_colleagues_remark(people, two_officers):
    plan = people.plan
    first, second = two_officers
    stale = open_page(second, plan)
    assert (
        save(first, plan, open_page(first, plan), **{"remarks_1.3.1": "প্রথমজনের মন্তব্য"}).status_code
        == 302
    )
    # The older page saves a different indicator: no conflict, and the remark stays.
    assert save(second, plan, stale, **{"value_2.1.1": "৩"}).status_code == 302
    assert stored(plan, "1.3.1") == (None, "প্রথমজনের মন্তব্য")
    assert stored(plan, "2.1.1")[0] == 3


@pytest.mark.django_db
def test_two_officers_editing_different_fields_of_one_indicator_both_succeed(people, two_officers):
    plan = people.plan
    first, second = two_officers
    page_1, page_2 = open_page(first, plan), open_page(second, plan)
    assert save(first, plan, page_1, **{"value_1.3.1": "৪০"}).status_code == 302
    assert save(second, plan, page_2, **{"remarks_1.3.1": "জরিপ চলছে"}).status_code == 302
    assert stored(plan, "1.3.1") == (40, "জরিপ চলছে")


@pytest.mark.django_db
def test_a_same_field_conflict_shows_both_values_keeps_the_rest_and_a_re_save_loses_nothing(
    people, two_officers
):
    plan = people.plan
    first, second = two_officers
    stale = open_page(first, plan)
    assert (
        save(
            second,
            plan,
            open_page(second, plan),
            **{"value_2.1.1": "৩", "remarks_1.4.1": "সহকর্মীর মন্তব্য"},
        ).status_code
        == 302
    )

    response = save(first, plan, stale, **{"value_2.1.1": "২", "value_1.3.1": "৪০"})
    assert response.status_code == 409
    html = response.content.decode()
    conflicts = html[html.index("edit-conflicts") :]
    conflicts = conflicts[: conflicts.index("</div>")]
    assert "[২.১.১] অর্জন: আপনার লেখা “২”, সংরক্ষিত “৩” — সহকর্মী" in conflicts
    assert "১.৩.১" not in conflicts and "১.৪.১" not in conflicts  # only the field both changed
    assert stored(plan, "2.1.1")[0] == 3 and stored(plan, "1.3.1") == (
        None,
        "",
    )  # nothing was written
    page = form_data(html, "entry-form")
    assert page[f"value_{indicator_by_code(plan, '2.1.1').pk}"] == "২"  # what this officer typed…
    assert page[f"value_{indicator_by_code(plan, '1.3.1').pk}"] == "৪০"
    assert (
        page[f"remarks_{indicator_by_code(plan, '1.4.1').pk}"] == "সহকর্মীর মন্তব্য"
    )  # …and the news

    # Saving the conflict page again keeps this officer's values and the colleague's remark.
    assert save(first, plan, page).status_code == 302
    assert stored(plan, "2.1.1")[0] == 2
    assert stored(plan, "1.3.1")[0] == 40
    assert stored(plan, "1.4.1") == (None, "সহকর্মীর মন্তব্য")


@pytest.mark.django_db
def test_typing_the_value_someone_else_saved_is_no_conflict(people, two_officers):
    plan = people.plan
    first, second = two_officers
    stale = open_page(first, plan)
    assert save(second, plan, open_page(second, plan), **{"value_2.1.1": "৩"}).status_code == 302
    assert save(first, plan, stale, **{"value_2.1.1": "3"}).status_code == 302
    assert stored(plan, "2.1.1")[0] == 3


def _run_together(jobs):
    """Run each job in its own thread, started at the same moment; returns their results."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=20)
            results[index] = job()
        except EditConflict as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks (select_for_update) are a PostgreSQL matter; SQLite serialises writers"
        )


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_saves_of_different_indicators_by_two_officers_all_succeed(people):
    _needs_postgresql()
    plan = make_plan(indicators=50, office_name=people.office.name, title="পঞ্চাশ সূচকের কর্মপরিকল্পনা")
    colleague = make_user("colleague", people.office, Membership.OFFICER)
    report = report_for_quarter(plan=plan, quarter=2)
    indicators = sorted(plan.areas.values_list("activities__indicators", flat=True))
    assert len(indicators) == 50

    def officer_saves(user, mine):
        def job():
            # Each save comes from the same page, rendered before any of them.
            return [
                report_save(
                    report=report,
                    user=user,
                    entries={pk: Entry(None, f"মন্তব্য {pk}", seen_value="", seen_remarks="")},
                )
                for pk in mine
            ]

        return job

    results = _run_together(
        [
            officer_saves(people.officer, indicators[0::2]),
            officer_saves(colleague, indicators[1::2]),
        ]
    )
    assert results == [[1] * 25, [1] * 25]
    remarks = dict(report.achievements.values_list("indicator_id", "remarks"))
    assert remarks == {pk: f"মন্তব্য {pk}" for pk in indicators}


@pytest.mark.django_db(transaction=True)
def test_a_same_field_race_on_postgresql_has_one_winner_and_a_visible_conflict(people):
    _needs_postgresql()
    report = report_for_quarter(plan=people.plan, quarter=2)
    indicator = indicator_by_code(people.plan, "2.1.1")

    def saves(user, value):
        return lambda: report_save(
            report=report,
            user=user,
            entries={indicator.pk: Entry(value, seen_value="", seen_remarks="")},
        )

    results = _run_together([saves(people.officer, 2), saves(people.officer, 5)])
    winners = [i for i, result in enumerate(results) if result == 1]
    losers = [result for result in results if isinstance(result, EditConflict)]
    assert len(winners) == 1 and len(losers) == 1
    winner_value, loser_value = (2, 5) if winners == [0] else (5, 2)
    [conflict] = losers[0].conflicts
    assert (conflict.field, conflict.yours, conflict.theirs) == ("value", loser_value, winner_value)
    assert report.achievements.get().value == winner_value


@pytest.mark.django_db(transaction=True)
def test_saves_of_two_quarters_of_one_plan_at_once_both_succeed_and_score_both(people, monkeypatch):
    # A save rescores every quarter of its plan (one UPDATE of all its report rows). Were only its own
    # report locked, the save of quarter 1 holding its row and the save of quarter 2 holding its
    # own would each wait for the other's row: a deadlock, and one save lost with an error.
    _needs_postgresql()
    from reports.quarters import services

    first, second = (report_for_quarter(plan=people.plan, quarter=q) for q in (3, 4))
    indicator = indicator_by_code(people.plan, "2.1.1")
    first_locked = threading.Event()
    original = services._require_editable

    def holding_the_lock_a_while(report):
        original(report)
        if report.pk == first.pk:
            first_locked.set()
            time.sleep(0.5)  # the other save starts meanwhile

    monkeypatch.setattr(services, "_require_editable", holding_the_lock_a_while)

    def saves(report, value, after=None):
        def job():
            if after is not None:
                after.wait(timeout=10)
            return report_save(
                report=report,
                user=people.officer,
                entries={indicator.pk: Entry(value, seen_value="", seen_remarks="")},
            )

        return job

    assert _run_together([saves(first, 4), saves(second, 6, after=first_locked)]) == [1, 1]
    values = dict(
        Achievement.objects.filter(indicator=indicator).values_list(
            "report__quarter", "value_number"
        )
    )
    assert (values[3], values[4]) == (4, 6)
    stored = dict(people.plan.reports.values_list("quarter", "score"))
    rescore_plan(plan_id=people.plan.pk)  # what the marks are, computed afresh after both
    assert dict(people.plan.reports.values_list("quarter", "score")) == stored


@pytest.mark.django_db(transaction=True)
def test_a_save_waiting_for_the_lock_sees_the_year_made_final_meanwhile(people):
    # The report and its plan are read after the lock is held: a save that waited while the annual
    # evaluation was approved is refused, not written into a final year.
    _needs_postgresql()
    from django.db import transaction

    from reports.quarters.marks import lock_plan_reports
    from reports.quarters.services import WorkflowError
    from reports.year.models import Assessment

    report = report_for_quarter(plan=people.plan, quarter=3)
    indicator = indicator_by_code(people.plan, "2.1.1")
    holding = threading.Event()

    def approves_the_year():
        with transaction.atomic():
            lock_plan_reports(plan_id=people.plan.pk)
            holding.set()
            time.sleep(0.5)  # the save arrives and waits for the lock
            Assessment.objects.create(
                plan=people.plan, kind=Assessment.ANNUAL, status=Assessment.APPROVED
            )
        return "approved"

    def saves():
        holding.wait(timeout=10)
        try:
            return report_save(
                report=report,
                user=people.officer,
                entries={indicator.pk: Entry(7, seen_value="", seen_remarks="")},
            )
        except WorkflowError as exc:
            return exc

    approved, saved = _run_together([approves_the_year, saves])
    assert approved == "approved" and isinstance(saved, WorkflowError)
    assert not Achievement.objects.filter(report=report).exists()
