"""Hot reads in plain SQL, returning the same model instances (or values) the ORM would.

Building a queryset and compiling it costs the ORM several times the round trip itself (a user
with its membership, office and tier, `select_related` over three joins, against the same row read
with a plain cursor: reports/fast/README.md has the figures). The few reads that every request or every save
makes are written with this module once, as SQL over the models' own tables and columns (taken
from their `_meta`, so that a renamed column follows), and their rows turned into instances with
the ORM's own converters (SQLite returns dates and decimals as text) and `Model.from_db`.

    USER = Select((User, "u"), (Membership, "m"))
    for user, member in USER.rows(f"FROM {table(User)} u LEFT JOIN … WHERE u.id = %s", [pk]): …

A part is (model, alias) for every concrete column, or (model, alias, [field names]) for some
(with the primary key; read in the model's field order, whatever the order given); a model whose
primary key comes back NULL (an outer join that found nothing) comes back as None. `extra` adds
SQL expressions after the columns, each with the model field that converts its value:
`extra=[("EXISTS (…)", BooleanField())]`.

Writes (`insert`, `execute`) take values prepared as the ORM prepares them (`prepared`, the
field's `get_db_prep_save`). They send no signals and skip `auto_now`: callers set what the
ORM would have set, as the save's own code does (reports/quarters/services.py).
"""

import functools
import hashlib
import itertools
import re

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.db.models.expressions import RawSQL

from egov_plan import pooler


def table(model: type[Model]) -> str:
    """The model's table name, quoted for SQL."""
    return connections["default"].ops.quote_name(model._meta.db_table)


def column(model: type[Model], alias: str | None, name: str) -> str:
    """`alias."column"` of the model's field `name` (without an alias: `"column"`, as SET wants it)."""
    quoted = connections["default"].ops.quote_name(model._meta.get_field(name).column)
    return f"{alias}.{quoted}" if alias else quoted


def cache_relation(instance: Model, field: str, value: Model | None) -> None:
    """Set the object a relation of `instance` holds, as `select_related` would (no query when it
    is read; None for an outer join that found nothing, so that a reverse one-to-one raises)."""
    instance._meta.get_field(field).set_cached_value(instance, value)


class Select:
    """SELECT the columns of one or more models (each under its alias), and extra expressions."""

    def __init__(self, *parts, extra=()):
        self.parts = []
        self.expressions = []  # one per column: what the ORM's converters are asked about
        columns = []
        for model, alias, *names in parts:
            pk = model._meta.pk
            # In the model's own order, whatever the order asked: Model.from_db maps a partial
            # row's values onto the concrete fields in that order.
            wanted = (
                {pk.name, *(model._meta.get_field(n).name for n in names[0])} if names else None
            )
            fields = [f for f in model._meta.concrete_fields if wanted is None or f.name in wanted]
            self.parts.append((model, len(fields), [f.attname for f in fields], fields.index(pk)))
            columns += [column(model, alias, f.name) for f in fields]
            self.expressions += [f.get_col(alias) for f in fields]
        for sql, field in extra:
            columns.append(sql)
            self.expressions.append(RawSQL(sql, (), output_field=field))
        self.extra = len(extra)
        self.select = "SELECT " + ", ".join(columns)
        self._converters: dict[str, list] = {}

    def converters(self, connection) -> list:
        """(position, [converter, …], expression) for every column that has one, as the ORM's
        compiler applies them: the backend's first, then the field's `from_db_value`."""
        if connection.alias not in self._converters:
            self._converters[connection.alias] = [
                (position, chain, expression)
                for position, expression in enumerate(self.expressions)
                if (
                    chain := connection.ops.get_db_converters(expression)
                    + expression.get_db_converters(connection)
                )
            ]
        return self._converters[connection.alias]

    def values(self, tail: str, params=(), *, using: str = "default") -> list[list]:
        """Run `SELECT <columns> <tail>`: one list of converted values per row."""
        connection = connections[using]
        with connection.cursor() as cursor:
            run(connection, cursor, f"{self.select} {tail}", params)
            fetched = cursor.fetchall()
        converters = self.converters(connection)
        result = []
        for row in fetched:
            row = list(row)
            for position, chain, expression in converters:
                value = row[position]
                for converter in chain:
                    value = converter(value, expression, connection)
                row[position] = value
            result.append(row)
        return result

    def rows(self, tail: str, params=(), *, using: str = "default") -> list[tuple]:
        """Run `SELECT <columns> <tail>`: per row, a tuple of one instance per part (None where an
        outer join found nothing), then the extra values."""
        result = []
        for row in self.values(tail, params, using=using):
            instances, start = [], 0
            for model, count, names, pk in self.parts:
                values = row[start : start + count]
                start += count
                instances.append(
                    None if values[pk] is None else model.from_db(using, names, values)
                )
            result.append((*instances, *row[start:]))
        return result


def run(connection, cursor, sql: str, params) -> None:
    """cursor.execute(sql, params); on PostgreSQL a prepared statement (DB_PREPARED_STATEMENTS, on by
    default), so that the server plans each of these reads once per connection, not on every
    request: planning a join of six tables cost the server several times its execution.

    The PREPARE goes through the driver's own cursor (not counted or logged as a query: only the
    EXECUTE is), once per statement per connection, and survives a rolled-back transaction (as
    PostgreSQL's prepared statements do). A pooler that hands out server connections per
    transaction (PgBouncer's transaction mode) cannot keep them: `DATABASE_POOLER=transaction`, or a
    connection egov_plan/pooler.py finds going through a proxy, reads without preparing. A
    prepared read keeps its result's column types: after a migration that changes them, restart
    the workers (a deployment does), or their prepared reads fail until their connections close."""
    if (
        connection.vendor != "postgresql"
        or not settings.DB_PREPARED_STATEMENTS
        or pooler.transaction_pooled(connection)
    ):
        cursor.execute(sql, params)
        return
    name, numbered = _numbered(sql)
    raw = connection.connection
    kept = connection.__dict__.get("rowsql_prepared")
    if kept is None or kept[0] is not raw:  # a new connection has none of them
        kept = connection.__dict__["rowsql_prepared"] = (raw, set())
    if name not in kept[1]:
        connection.validate_no_broken_transaction()  # as Django's own cursor checks first
        with connection.wrap_database_errors:
            cursor.cursor.execute(f"PREPARE {name} AS {numbered}")
        kept[1].add(name)
    placeholders = f" ({', '.join(['%s'] * len(params))})" if params else ""
    cursor.execute(f"EXECUTE {name}{placeholders}", params)


@functools.lru_cache(maxsize=1024)
def _numbered(sql: str) -> tuple[str, str]:
    """(a statement name for `sql`, `sql` with its %s placeholders as $1, $2, … and %% as %)."""
    count = itertools.count(1)
    numbered = re.sub(r"%([s%])", lambda m: f"${next(count)}" if m.group(1) == "s" else "%", sql)
    return f"rowsql_{hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()}", numbered


@functools.cache
def by_field(model: type[Model], field: str, order: tuple[str, ...] = ()) -> tuple[Select, str]:
    """(query, tail) for every row of `model` whose `field` is the one parameter, in `order`
    (field names): `query.rows(tail, [value])`. Kept per model, field and order."""
    ordering = f" ORDER BY {', '.join(column(model, 'x', name) for name in order)}" if order else ""
    return Select(
        (model, "x")
    ), f"FROM {table(model)} x WHERE {column(model, 'x', field)} = %s{ordering}"


def prepared(model: type[Model], name: str, value, connection):
    """`value` of the model's field `name` as the ORM would write it (dates, decimals, aware times)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def insert(
    model: type[Model],
    names: list[str],
    rows: list[list],
    *,
    conflict: list[str] = (),
    update: list[str] = (),
    returning: list[str] = (),
    using: str = "default",
) -> list[tuple] | None:
    """One multi-row INSERT of `rows` (values in the order of the fields `names`), as the ORM would
    write them. `conflict` and `update`: INSERT … ON CONFLICT (conflict) DO UPDATE SET each of
    `update` to the row's new value (PostgreSQL, and SQLite since 3.24). `returning`: fields read
    back from every row written, returned in their order; None where the database cannot
    (SQLite before 3.35, which Django 5.2 still supports): the caller reads them itself."""
    if not rows:
        return []
    connection = connections[using]
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        insert(model, names, rows, conflict=conflict, update=update, using=using)
        return None
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(n) for n in names]
    sql = [
        f"INSERT INTO {table(model)} ({', '.join(quote(f.column) for f in fields)}) VALUES ",
        ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows)),
    ]
    if conflict:
        columns = [quote(model._meta.get_field(n).column) for n in update]
        sql.append(
            f" ON CONFLICT ({', '.join(quote(model._meta.get_field(n).column) for n in conflict)}) "
            f"DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in columns)}"
        )
    if returning:
        sql.append(
            f" RETURNING {', '.join(quote(model._meta.get_field(n).column) for n in returning)}"
        )
    params = [
        field.get_db_prep_save(value, connection)
        for row in rows
        for field, value in zip(fields, row)
    ]
    with connection.cursor() as cursor:
        cursor.execute("".join(sql), params)
        return [tuple(row) for row in cursor.fetchall()] if returning else []


def execute(sql: str, params=(), *, using: str = "default") -> int:
    """Run one statement; the number of rows it changed."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
