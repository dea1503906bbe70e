"""A fixed-window rate limit kept in the database, so that every worker process (and every
application host) counts against the same limit, with or without Redis.

One row per key and window: `hit` adds one in a single statement (INSERT … ON CONFLICT DO
UPDATE … RETURNING, on PostgreSQL and on SQLite ≥ 3.35), so concurrent workers never lose a
count. The first hit of a new window also deletes the windows that are over (an index on the
window), so the table holds about one row per client address that came in the last two windows.
On PostgreSQL the count's commit does not wait for the disk (`synchronous_commit` off for it alone).
"""

import time

from django.db import connection

from egov_plan.accounts.models import RateLimitHit


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one more for `key`; whether it is still within `limit` per `window` seconds."""
    bucket = int(time.time()) // max(window, 1)
    table, key_, bucket_, hits_ = map(
        connection.ops.quote_name, (RateLimitHit._meta.db_table, "key", "bucket", "hits")
    )
    # On PostgreSQL a count lost in a crash costs nothing, so its commit need not wait for the disk
    # (on every API request that wait was most of the answer's time): one query string, which the
    # server runs as one transaction, so SET LOCAL holds for the INSERT alone (never inside a caller's
    # transaction, whose own commit must wait as usual).
    relaxed = (
        "SET LOCAL synchronous_commit TO OFF; "
        if connection.vendor == "postgresql" and not connection.in_atomic_block
        else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{relaxed}INSERT INTO {table} ({key_}, {bucket_}, {hits_}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({key_}, {bucket_}) DO UPDATE SET {hits_} = {table}.{hits_} + 1 RETURNING {hits_}",
            [key[: RateLimitHit._meta.get_field("key").max_length], bucket],
        )
        hits = cursor.fetchone()[0]
        if hits == 1:
            cursor.execute(f"DELETE FROM {table} WHERE {bucket_} < %s", [bucket - 1])
    return hits <= limit
