"""Writes through the API go through the pages' services: values in Bengali or Latin digits with the
entry page's messages, per-field concurrency (seen values or If-Match; a conflict is 409 with both
values), Idempotency-Key, deadlines and year locks, the review workflow, the audit history naming the
token's user, and the per-token rate limit."""

import pytest

from reports.calendar import deadlines
from reports.quarters.models import Achievement, QuarterlyReport
from reports.year.models import Assessment
from tests.api_world import ApiClient
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db

QUARTER = 3


@pytest.fixture
def world(people):
    people.date = indicator_by_code(people.plan, "1.1.1")  # a date
    people.count = indicator_by_code(people.plan, "2.1.1")  # a count
    people.path = f"/plans/{people.plan.pk}/quarters/{QUARTER}"
    people.officer_api = ApiClient(people.officer)
    return people


def _row(body, indicator):
    return next(r for r in body["rows"] if r["indicator"] == indicator.pk)


def _save(api, world, items, headers=None):
    return api.patch(f"{world.path}/achievements", {"achievements": items}, **(headers or {}))


def test_values_in_bengali_digits_are_saved_and_the_history_names_the_tokens_user(world):
    response = _save(
        world.officer_api,
        world,
        [
            {"indicator": world.date.pk, "value": "১২/১০/২২", "seen_value": ""},
            {
                "indicator": world.count.pk,
                "value": "৩",
                "remarks": "  তিনটি সভা ",
                "seen_value": "",
                "seen_remarks": "",
            },
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert _row(body, world.date)["value"] == "2022-10-12"
    assert (
        _row(body, world.count)["value"] == "3" and _row(body, world.count)["remarks"] == "তিনটি সভা"
    )
    assert response["ETag"] == body["etag"] and body["etag"].startswith(f'"v{body["version"]}-')
    stored = Achievement.objects.get(report__quarter=QUARTER, indicator=world.count)
    assert stored.updated_by == world.officer
    assert {h.history_user for h in Achievement.history.filter(report_id=stored.report_id)} == {
        world.officer
    }


def test_a_faulty_value_is_422_with_the_entry_pages_message_and_nothing_is_saved(world):
    response = _save(
        world.officer_api,
        world,
        [
            {"indicator": world.date.pk, "value": "৩১/০২/২২", "seen_value": ""},
            {"indicator": world.count.pk, "value": "৩", "seen_value": ""},
        ],
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == [
        {
            "field": "achievements.0.value",
            "indicator": world.date.pk,
            "detail": "সঠিক তারিখ লিখুন: দিন/মাস/বছর (যেমন ৩১/১০/২২ বা ৩১/১০/২০২২) অথবা ২০২২-১০-৩১।",
        }
    ]
    assert not Achievement.objects.filter(report__quarter=QUARTER).exists()
    english = _save(
        ApiClient(world.officer, language="en"),
        world,
        [{"indicator": world.count.pk, "value": "-1", "seen_value": ""}],
    )
    assert english.status_code == 422 and english["Content-Language"] == "en"
    assert english.json()["errors"][0]["detail"].isascii()


def test_a_number_is_a_value_but_true_is_not(world):
    number = _save(
        world.officer_api, world, [{"indicator": world.count.pk, "value": 4, "seen_value": ""}]
    )
    assert number.status_code == 200 and _row(number.json(), world.count)["value"] == "4"
    boolean = _save(
        world.officer_api, world, [{"indicator": world.count.pk, "value": True, "seen_value": "4"}]
    )
    assert boolean.status_code == 422 and boolean.json()["errors"][0]["field"].startswith(
        "achievements.0.value"
    )


def test_a_write_without_the_value_it_saw_is_428(world):
    response = _save(world.officer_api, world, [{"indicator": world.count.pk, "value": "3"}])
    assert response.status_code == 428
    assert response.json()["errors"][0]["field"] == "achievements.0.seen_value"


def test_a_field_changed_by_someone_else_is_a_409_with_both_values(world):
    _save(world.officer_api, world, [{"indicator": world.count.pk, "value": "2", "seen_value": ""}])
    stale = _save(
        world.officer_api, world, [{"indicator": world.count.pk, "value": "5", "seen_value": ""}]
    )
    assert stale.status_code == 409
    problem = stale.json()
    assert problem["conflicts"][0] | {"at": None, "by": None} == {
        "indicator": world.count.pk,
        "field": "value",
        "yours": "5",
        "theirs": "2",
        "by": None,
        "at": None,
    }
    assert problem["conflicts"][0]["by"] == "officer"
    assert (
        problem["errors"][0]["field"] == "value"
        and problem["errors"][0]["indicator"] == world.count.pk
    )
    # resolved: the value seen is now the stored one
    fixed = _save(
        world.officer_api, world, [{"indicator": world.count.pk, "value": "5", "seen_value": "2"}]
    )
    assert fixed.status_code == 200 and _row(fixed.json(), world.count)["value"] == "5"


def test_if_match_stands_for_every_field_as_the_get_showed_it(world):
    first = world.officer_api.get(world.path)
    tag = first["ETag"]
    # someone else changes the count; the date stays as it was
    _save(world.officer_api, world, [{"indicator": world.count.pk, "value": "2", "seen_value": ""}])
    ok = _save(
        world.officer_api,
        world,
        [{"indicator": world.date.pk, "value": "01/10/2022"}],
        headers={"If-Match": tag},
    )
    assert ok.status_code == 200, ok.content
    clash = _save(
        world.officer_api,
        world,
        [{"indicator": world.count.pk, "value": "4"}],
        headers={"If-Match": tag},
    )
    assert clash.status_code == 409 and clash.json()["conflicts"][0]["theirs"] == "2"
    same = _save(
        world.officer_api,
        world,
        [{"indicator": world.count.pk, "value": "2"}],
        headers={"If-Match": tag},
    )
    assert same.status_code == 200  # the same value as theirs: no conflict
    # a later version read from the history: the date changed after it, the count did not
    later = world.officer_api.get(world.path)["ETag"]
    _save(
        world.officer_api,
        world,
        [{"indicator": world.date.pk, "value": "02/10/2022", "seen_value": "2022-10-01"}],
    )
    assert (
        _save(
            world.officer_api,
            world,
            [{"indicator": world.count.pk, "value": "6"}],
            headers={"If-Match": later},
        ).status_code
        == 200
    )
    late = _save(
        world.officer_api,
        world,
        [{"indicator": world.date.pk, "value": "03/10/2022"}],
        headers={"If-Match": later},
    )
    assert late.status_code == 409 and late.json()["conflicts"][0] | {"by": None, "at": None} == {
        "indicator": world.date.pk,
        "field": "value",
        "yours": "2022-10-03",
        "theirs": "2022-10-02",
        "by": None,
        "at": None,
    }
    assert (
        _save(
            world.officer_api,
            world,
            [{"indicator": world.count.pk, "value": "4"}],
            headers={"If-Match": '"v999-1"'},
        ).status_code
        == 412
    )
    assert (
        _save(
            world.officer_api,
            world,
            [{"indicator": world.count.pk, "value": "4"}],
            headers={"If-Match": "nonsense"},
        ).status_code
        == 412
    )


def test_a_retried_write_with_its_idempotency_key_applies_once_and_gets_the_first_answer(world):
    key = "k" * 20
    items = [{"indicator": world.count.pk, "value": "2", "seen_value": ""}]
    first = _save(world.officer_api, world, items, headers={"Idempotency-Key": key})
    again = _save(world.officer_api, world, items, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert (
        Achievement.history.filter(indicator_id=world.count.pk, report__quarter=QUARTER).count()
        == 1
    )
    # without the key the same request is a conflict (the value seen is gone)
    assert (
        _save(
            world.officer_api,
            world,
            [{"indicator": world.count.pk, "value": "7", "seen_value": ""}],
        ).status_code
        == 409
    )
    assert (
        _save(world.officer_api, world, items, headers={"Idempotency-Key": "short"}).status_code
        == 400
    )


def test_submit_then_a_reviewer_returns_and_approves(world):
    reviewer = ApiClient(world.reviewer)
    submitted = world.officer_api.post(
        f"{world.path}/submit",
        {"achievements": [{"indicator": world.count.pk, "value": "3", "seen_value": ""}]},
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == QuarterlyReport.SUBMITTED
    assert (
        _save(
            world.officer_api,
            world,
            [{"indicator": world.count.pk, "value": "4", "seen_value": "3"}],
        ).status_code
        == 409
    )
    assert world.officer_api.post(f"{world.path}/approve", {}).status_code == 403
    no_reason = reviewer.post(f"{world.path}/return", {"comment": "  "})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "comment"
    returned = reviewer.post(f"{world.path}/return", {"comment": "প্রমাণক দিন"})
    assert returned.status_code == 200 and returned.json()["status"] == QuarterlyReport.RETURNED
    assert reviewer.post(f"{world.path}/approve", {}).status_code == 409  # only a submitted report
    world.officer_api.post(f"{world.path}/submit", {})
    approved = reviewer.post(f"{world.path}/approve", {"comment": ""})
    assert approved.status_code == 200 and approved.json()["status"] == QuarterlyReport.APPROVED
    report = QuarterlyReport.objects.get(plan=world.plan, quarter=QUARTER)
    assert [t.actor for t in report.transitions.order_by("pk")] == [
        world.officer,
        world.reviewer,
        world.officer,
        world.reviewer,
    ]


def test_a_reviewer_cannot_write_values_and_an_officer_elsewhere_sees_nothing(world):
    assert (
        _save(
            ApiClient(world.reviewer),
            world,
            [{"indicator": world.count.pk, "value": "3", "seen_value": ""}],
        ).status_code
        == 403
    )
    assert (
        _save(
            ApiClient(world.other_officer),
            world,
            [{"indicator": world.count.pk, "value": "3", "seen_value": ""}],
        ).status_code
        == 404
    )


def test_a_closed_deadline_and_a_final_year_refuse_writes_as_the_pages_do(world):
    deadlines.calendar_create(
        fiscal_year=world.plan.fiscal_year, closes_after_grace=True, grace_days=0
    )
    closed = _save(
        world.officer_api, world, [{"indicator": world.count.pk, "value": "3", "seen_value": ""}]
    )
    assert closed.status_code == 409 and "সময় (অতিরিক্ত সময়সহ) শেষ" in closed.json()["detail"]
    assert world.officer_api.get(world.path).json()["closed"] is True


def test_a_final_year_refuses_writes(world):
    Assessment.objects.create(plan=world.plan, kind=Assessment.ANNUAL, status=Assessment.APPROVED)
    final = _save(
        world.officer_api, world, [{"indicator": world.count.pk, "value": "3", "seen_value": ""}]
    )
    assert final.status_code == 409 and "চূড়ান্ত" in final.json()["detail"]


def test_each_token_is_rate_limited_with_retry_after(world, settings):
    settings.API_RATE_LIMIT, settings.API_RATE_WINDOW = 3, 60
    codes = [world.officer_api.get("/offices").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = world.officer_api.get("/offices")
    assert limited["Retry-After"] == "60" and limited["Content-Type"] == "application/problem+json"
    assert (
        ApiClient(world.officer).get("/offices").status_code == 200
    )  # another token counts on its own


def test_an_idempotency_key_is_bound_to_its_operation_and_never_a_pages(world):
    from reports.quarters import save_keys
    from tests.conftest import client_for

    edit = f"/plans/{world.plan.pk}/quarters/{QUARTER}/edit/"
    page_key = "page-key-" + "y" * 12
    page = client_for(world.officer).post(
        edit, {"version": "0", f"value_{world.count.pk}": "5", "save_key": page_key}
    )
    assert page.status_code == 302
    # The page's key sent to the API is a new write there (here a conflict: 5 was saved meanwhile).
    items = [{"indicator": world.count.pk, "value": "2", "seen_value": ""}]
    assert (
        _save(world.officer_api, world, items, headers={"Idempotency-Key": page_key}).status_code
        == 409
    )
    # A stored API key sent by a page is no key at all: the save is applied, not answered from the API's.
    api_kept = save_keys.api_key(
        method="PATCH", path=f"/api/v1{world.path}/achievements", key="k" * 20
    )
    page = client_for(world.officer).post(
        edit, {"version": "1", f"value_{world.count.pk}": "6", "save_key": api_kept}
    )
    assert page.status_code == 302
    # The same key on another operation is a write of its own there, not the save's answer replayed.
    key = "shared-key-" + "x" * 12
    items = [{"indicator": world.count.pk, "value": "2", "seen_value": "6"}]
    assert (
        _save(world.officer_api, world, items, headers={"Idempotency-Key": key}).status_code == 200
    )
    submitted = world.officer_api.post(
        f"{world.path}/submit", {"achievements": []}, **{"Idempotency-Key": key}
    )
    assert submitted.status_code == 200 and "Idempotent-Replayed" not in submitted
    assert submitted.json()["status"] == QuarterlyReport.SUBMITTED
