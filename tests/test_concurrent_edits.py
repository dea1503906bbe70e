"""No lost updates: a save from a stale page is refused and shows what changed."""

import threading

import pytest
from django.db import connection

from egov_plan.models import Membership
from reports.models import QuarterlyReport
from reports.services import Entry, StaleReport, report_for_quarter, report_save
from tests.conftest import client_for, make_user
from tests.helpers import indicator_by_code


def edit(client, plan, version, **values):
    data = {"version": str(version), "action": "save"}
    data.update({f"value_{indicator_by_code(plan, code).pk}": text for code, text in values.items()})
    return client.post(f"/plans/{plan.pk}/quarters/2/edit/", data)


@pytest.mark.django_db
def test_a_save_from_a_stale_page_is_refused_and_shows_what_changed(people):
    plan = people.plan
    colleague = make_user("colleague", people.office, Membership.OFFICER, first_name="সহকর্মী")
    first, second = client_for(people.officer), client_for(colleague)
    # Both open the page at version 0; the colleague saves first.
    assert edit(second, plan, 0, **{"2.1.1": "৩"}).status_code == 302
    response = edit(first, plan, 0, **{"2.1.1": "২", "1.3.1": "৪০"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "অন্য কেউ এই প্রতিবেদনে পরিবর্তন সংরক্ষণ করেছেন" in html
    changes = html[html.index("stale-changes"):]
    assert "[২.১.১]: বর্তমান সংরক্ষিত মান “৩” — সহকর্মী" in changes
    assert 'value="২"' in html and 'value="৪০"' in html  # the first officer's values are kept
    assert 'name="version" value="1"' in html             # …ready to be saved deliberately
    report = QuarterlyReport.objects.get(plan=plan, quarter=2)
    assert report.achievements.get().value == 3            # nothing was overwritten
    # Saving again from the refreshed form is a deliberate overwrite.
    assert edit(first, plan, 1, **{"2.1.1": "২", "1.3.1": "৪০"}).status_code == 302
    assert sorted(a.value for a in report.achievements.all()) == [2, 40]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_on_postgresql_one_wins_one_is_refused(people):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are a PostgreSQL matter; SQLite serialises writers")
    report = report_for_quarter(plan=people.plan, quarter=2)
    indicator = indicator_by_code(people.plan, "2.1.1")
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(name, value):
        try:
            barrier.wait(timeout=10)
            report_save(report=report, user=people.officer, entries={indicator.pk: Entry(value)}, version=0)
            outcomes[name] = "saved"
        except StaleReport as exc:
            outcomes[name] = ("refused", [a.value for a in exc.changes])
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(name, value)) for name, value in (("a", 2), ("b", 5))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    saved = [name for name, outcome in outcomes.items() if outcome == "saved"]
    refused = [outcome for outcome in outcomes.values() if outcome != "saved"]
    assert len(saved) == 1 and len(refused) == 1
    winner_value = {"a": 2, "b": 5}[saved[0]]
    assert refused[0] == ("refused", [winner_value])  # the loser is told what the winner wrote
    report.refresh_from_db()
    assert report.version == 1
    assert report.achievements.get().value == winner_value
