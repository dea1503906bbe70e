"""egov_plan.rowsql: plain-SQL reads and writes that give and take what the ORM does, on SQLite
(dates, decimals and times stored as text) as on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov_plan import rowsql
from egov_plan.offices.models import Office
from egov_plan.plans.models import ActionPlan
from reports.quarters.models import Achievement, QuarterlyReport
from reports.quarters.services import report_for_quarter
from tests.conftest import make_user
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db

REPORTS = rowsql.Select(
    (QuarterlyReport, "r"), (ActionPlan, "p", ["title", "revision"]), (Office, "o")
)
REPORTS_TAIL = (
    f"FROM {rowsql.table(QuarterlyReport)} r JOIN {rowsql.table(ActionPlan)} p ON p.id = r.plan_id "
    f"LEFT JOIN {rowsql.table(Office)} o ON o.id = p.office_id AND o.id = %s WHERE r.plan_id = %s "
    f"ORDER BY r.quarter"
)


def fields_of(instance, names=None):
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if names is None or f.attname in names
    }


def test_a_select_gives_the_instances_and_values_the_orm_gives(seed_plan):
    report = QuarterlyReport.objects.get(plan=seed_plan, quarter=1)
    QuarterlyReport.objects.filter(pk=report.pk).update(
        score=Decimal("42.10"), submitted_at=timezone.now()
    )
    [(ours, plan, office)] = REPORTS.rows(REPORTS_TAIL, [seed_plan.office_id, seed_plan.pk])
    theirs = QuarterlyReport.objects.get(pk=report.pk)
    assert fields_of(ours) == fields_of(theirs)
    assert isinstance(ours.score, Decimal) and isinstance(ours.submitted_at, datetime.datetime)
    assert ours.submitted_at.tzinfo is not None and not ours._state.adding
    stored = ActionPlan.objects.get(pk=seed_plan.pk)
    assert (plan.pk, plan.title, plan.revision) == (stored.pk, stored.title, stored.revision)
    assert fields_of(office) == fields_of(Office.objects.get(pk=seed_plan.office_id))


def test_a_model_an_outer_join_did_not_find_is_none(seed_plan):
    [(report, plan, office)] = REPORTS.rows(REPORTS_TAIL, [-1, seed_plan.pk])
    assert report.quarter == 1 and plan.pk == seed_plan.pk and office is None


def test_some_fields_named_out_of_the_models_order_land_on_the_right_attributes(seed_plan):
    query = rowsql.Select(
        (ActionPlan, "p", ["revision", "title"])
    )  # the model has title before revision
    ActionPlan.objects.filter(pk=seed_plan.pk).update(revision=7)
    [(plan,)] = query.rows(f"FROM {rowsql.table(ActionPlan)} p WHERE p.id = %s", [seed_plan.pk])
    assert (plan.title, plan.revision) == (seed_plan.title, 7)
    assert query.values(f"FROM {rowsql.table(ActionPlan)} p WHERE p.id = %s", [seed_plan.pk]) == [
        [seed_plan.pk, seed_plan.title, 7]
    ]  # values too come in the model's order


def test_values_come_converted(seed_plan):
    report = report_for_quarter(plan=seed_plan, quarter=2)
    Achievement.objects.create(
        report=report,
        indicator=indicator_by_code(seed_plan, "2.1.1"),
        value_date=datetime.date(2022, 9, 30),
        updated_in_version=1,
    )
    query = rowsql.Select((Achievement, "a", ["value_date", "value_number"]))
    rows = query.values(f"FROM {rowsql.table(Achievement)} a ORDER BY a.id")
    expected = list(
        Achievement.objects.order_by("pk").values_list("pk", "value_date", "value_number")
    )
    assert [tuple(row) for row in rows] == expected
    assert any(isinstance(date, datetime.date) for _, date, _ in rows)
    assert any(isinstance(number, Decimal) for _, _, number in rows)


def test_an_insert_on_conflict_updates_and_returns_the_new_rows_ids(seed_plan):
    user = make_user("officer")
    report = report_for_quarter(plan=seed_plan, quarter=2)
    first, second = indicator_by_code(seed_plan, "2.1.1"), indicator_by_code(seed_plan, "1.1.1")
    at = timezone.now()
    names = [
        "report",
        "indicator",
        "value_date",
        "value_number",
        "remarks",
        "updated_by",
        "updated_at",
        "updated_in_version",
    ]
    returned = rowsql.insert(
        Achievement,
        names,
        [[report.pk, first.pk, None, Decimal("3"), "", user.pk, at, 1]],
        returning=["indicator", "id"],
    )
    [(indicator_id, pk)] = returned
    assert indicator_id == first.pk and Achievement.objects.get(pk=pk).value_number == 3
    returned = rowsql.insert(
        Achievement,
        names,
        [
            [report.pk, first.pk, None, Decimal("5"), "আবার", user.pk, at, 2],
            [report.pk, second.pk, datetime.date(2022, 9, 30), None, "", user.pk, at, 2],
        ],
        conflict=["report", "indicator"],
        update=["value_number", "remarks"],
        returning=["indicator", "id"],
    )
    assert dict(returned)[first.pk] == pk  # the same row, changed
    changed, new = (
        Achievement.objects.get(pk=pk),
        Achievement.objects.get(pk=dict(returned)[second.pk]),
    )
    assert (changed.value_number, changed.remarks) == (5, "আবার")
    assert new.value_date == datetime.date(2022, 9, 30) and new.updated_at == at


def test_execute_says_how_many_rows_changed(seed_plan):
    table, quarter = rowsql.table(QuarterlyReport), rowsql.column(QuarterlyReport, None, "quarter")
    assert (
        rowsql.execute(
            f"UPDATE {table} SET {quarter} = {quarter} WHERE plan_id = %s", [seed_plan.pk]
        )
        == 1
    )
    assert rowsql.execute(f"UPDATE {table} SET {quarter} = {quarter} WHERE plan_id = %s", [-1]) == 0


def test_where_the_database_cannot_return_rows_an_insert_says_so_and_a_save_reads_the_ids(
    seed_plan, monkeypatch
):
    # SQLite before 3.35 (which Django 5.2 still supports) has no INSERT … RETURNING.
    from django.db import connection

    from reports.quarters.services import Entry, report_save

    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    user = make_user("officer")
    report = report_for_quarter(plan=seed_plan, quarter=2)
    indicator = indicator_by_code(seed_plan, "2.1.1")
    assert (
        rowsql.insert(
            Achievement,
            ["report", "indicator", "remarks", "updated_at", "updated_in_version"],
            [[report.pk, indicator.pk, "", timezone.now(), 1]],
            returning=["id"],
        )
        is None
    )
    assert Achievement.objects.filter(report=report, indicator=indicator).exists()
    other = indicator_by_code(seed_plan, "1.3.1")  # a percentage
    assert (
        report_save(
            report=report, user=user, entries={other.pk: Entry(Decimal("80"), seen_value="")}
        )
        == 1
    )
    saved = Achievement.objects.get(report=report, indicator=other)
    assert (
        Achievement.history.get(history_type="+", report_id=report.pk, indicator_id=other.pk).id
        == saved.pk
    )


def test_by_field_reads_a_models_rows_by_one_field_in_order(seed_plan):
    from egov_plan.plans.models import Signatory

    query, tail = rowsql.by_field(Signatory, "plan", ("order",))
    ours = [s for (s,) in query.rows(tail, [seed_plan.pk])]
    assert [fields_of(s) for s in ours] == [
        fields_of(s) for s in Signatory.objects.filter(plan=seed_plan).order_by("order")
    ]
    assert ours and query.rows(tail, [-1]) == []
    assert rowsql.by_field(Signatory, "plan", ("order",))[0] is query  # built once


def prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'rowsql_%%'")
        return {name for (name,) in cursor.fetchall()}


def test_placeholders_are_numbered_for_a_prepared_statement():
    name, numbered = rowsql._numbered("SELECT %s, 'a%%b' WHERE x = %s OR y = %s")
    assert numbered == "SELECT $1, 'a%b' WHERE x = $2 OR y = $3"
    assert name.startswith("rowsql_") and rowsql._numbered("SELECT 2")[0] != name


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements: PostgreSQL only"
)
def test_on_postgresql_a_read_is_prepared_once_per_connection_and_gives_the_same_rows(
    seed_plan, settings
):
    settings.DB_PREPARED_STATEMENTS = True
    name, _ = rowsql._numbered(f"{REPORTS.select} {REPORTS_TAIL}")
    first = REPORTS.rows(REPORTS_TAIL, [seed_plan.office_id, seed_plan.pk])
    assert name in prepared_statements()
    with CaptureQueriesContext(connection) as queries:
        again = REPORTS.rows(
            REPORTS_TAIL, [-1, seed_plan.pk]
        )  # other parameters, the same statement
    assert [q["sql"].split(" (")[0] for q in queries] == [f"EXECUTE {name}"]  # no PREPARE again
    assert [fields_of(r) for r, _, _ in again] == [fields_of(r) for r, _, _ in first]
    assert [o for _, _, o in again] == [None] * len(first) and first[0][2].pk == seed_plan.office_id
    try:  # an error rolls the transaction back; the prepared statement stays, as PostgreSQL keeps it
        with transaction.atomic():
            REPORTS.rows(REPORTS_TAIL, [seed_plan.office_id, seed_plan.pk])
            raise RuntimeError
    except RuntimeError:
        pass
    assert (
        REPORTS.rows(REPORTS_TAIL, [seed_plan.office_id, seed_plan.pk])[0][0].pk == first[0][0].pk
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements: PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_its_statements_afresh(seed_plan, settings):
    settings.DB_PREPARED_STATEMENTS = True
    REPORTS.rows(REPORTS_TAIL, [seed_plan.office_id, seed_plan.pk])
    connection.close()  # as a restarted database or an expired connection would
    assert prepared_statements() == set()
    assert REPORTS.rows(REPORTS_TAIL, [seed_plan.office_id, seed_plan.pk])[0][1].pk == seed_plan.pk


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements: PostgreSQL only"
)
def test_with_prepared_statements_off_nothing_is_prepared(seed_plan, settings):
    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        assert REPORTS.rows(REPORTS_TAIL, [seed_plan.office_id, seed_plan.pk])
    assert [q["sql"][:7] for q in queries] == ["SELECT "]  # run as it is, not EXECUTEd


def test_fields_are_named_by_name_or_attribute_and_an_unknown_one_is_an_error():
    query = rowsql.Select((Achievement, "a", ["indicator_id", "remarks"]))
    assert (
        query.select
        == f"SELECT a.{connection.ops.quote_name('id')}, a.{connection.ops.quote_name('indicator_id')}, "
        f"a.{connection.ops.quote_name('remarks')}"
    )
    with pytest.raises(FieldDoesNotExist):
        rowsql.Select((Achievement, "a", ["remark"]))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements: PostgreSQL only"
)
def test_a_read_in_a_failed_transaction_raises_djangos_error_not_the_drivers(seed_plan, settings):
    settings.DB_PREPARED_STATEMENTS = True
    fresh = rowsql.Select(
        (ActionPlan, "fresh_alias")
    )  # SQL no earlier test prepared on this connection
    with transaction.atomic():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
        except DatabaseError:
            pass  # caught inside the block, without a savepoint: the transaction is broken
        with pytest.raises(DatabaseError):  # Django's wrapper, which its error handling knows
            fresh.rows(
                f"FROM {rowsql.table(ActionPlan)} fresh_alias WHERE fresh_alias.id = %s",
                [seed_plan.pk],
            )
        transaction.set_rollback(True)
