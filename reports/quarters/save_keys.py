"""Idempotency keys of entry-page saves: each key is applied once, and a repeat gets the first answer.

The entry page carries a fresh random key in a hidden field (`FIELD`), with or without JavaScript.
A phone whose link dropped after the server had saved, but before the answer arrived, sends the
same save again with the same key (static/js/entry-form.js re-sends a queued save; a browser's
resubmit does the same): the server answers as it did the first time and saves nothing twice.

`claim` inserts the key inside the save's transaction, before anything else. Two requests with one
key at once: PostgreSQL makes the second INSERT … ON CONFLICT DO NOTHING wait for the first
transaction; once that commits, the second inserts nothing and reads the first one's answer; were
it rolled back (a save that wrote nothing is not remembered), the second claims the key itself.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from egov_plan import rowsql
from reports.quarters.models import SaveKey

FIELD = "save_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# A phone may stay offline over a long weekend before its queued save goes out.
KEEP = datetime.timedelta(hours=settings.SAVE_KEY_KEEP_HOURS)


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    messages: list


API_PREFIX = "api-"


def parse(text: str | None) -> str | None:
    """The posted key, or None (a page from before keys, or anything that is not one of ours).
    The API's keys (`api_key`) are never a page's: a page key that looks like one is no key."""
    return (
        text if text and KEY_PATTERN.fullmatch(text) and not text.startswith(API_PREFIX) else None
    )


def api_key(*, method: str, path: str, key: str) -> str:
    """The stored key of an API write's Idempotency-Key: bound to its method and address, so that
    the same header sent to another operation is a new write there (not the first one's answer),
    and never taken for a page's key (whose stored answer has another shape)."""
    digest = hashlib.sha256(f"{method} {path} {key}".encode()).hexdigest()
    return API_PREFIX + digest[:44]


def claim(*, user, key: str) -> Answer | None:
    """Claim `key` for this save (call inside its transaction): None when it is new, else the answer
    the first save with it got."""
    now = timezone.now()
    names = ["user", "key", "status", "location", "messages", "created_at", "expires_at"]
    fields = [SaveKey._meta.get_field(n) for n in names]
    quote = connection.ops.quote_name
    values = [user.pk, key, 0, "", [], now, now + KEEP]
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values)]
    sql = (
        f"INSERT INTO {rowsql.table(SaveKey)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(SaveKey._meta.get_field('user').column)}, {quote('key')}) DO NOTHING "
        f"RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.fetchone() is not None:
            return None
    first = SaveKey.objects.only("status", "location", "messages").get(user=user, key=key)
    return Answer(first.status, first.location, first.messages)


def record(*, user, key: str, answer: Answer) -> None:
    """Keep the answer of the save that claimed `key` (in the same transaction)."""
    SaveKey.objects.filter(user=user, key=key).update(
        status=answer.status, location=answer.location, messages=answer.messages
    )


def purge_expired() -> int:
    """Forget the keys whose time is over; returns how many."""
    deleted, _ = SaveKey.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
