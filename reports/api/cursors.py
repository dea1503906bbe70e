"""Keyset cursors: a page ends with the sort key of its last row, and the next page starts after
it (`WHERE key > last ORDER BY key LIMIT n`): one indexed range read whatever the page's depth,
stable while rows are added or changed, unlike an offset. The cursor is that key signed and
encoded, opaque to clients; a cursor that is not one of ours is a 400 naming the parameter."""

from django.core import signing
from django.utils.translation import gettext

from reports.api.problems import Problem, field_error

SALT = "reports.api.cursor"
MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def encode(kind: str, key: list) -> str:
    return signing.dumps([kind, key], salt=SALT, compress=True)


def decode(kind: str, cursor: str | None) -> list | None:
    """The key a cursor of this listing carries, None for the first page."""
    if not cursor:
        return None
    try:
        found_kind, key = signing.loads(cursor[:2000], salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        found_kind, key = None, None
    if found_kind != kind or not isinstance(key, list):
        raise Problem(
            400,
            gettext("cursor সঠিক নয়: আগের পাতার next থেকে নেওয়া cursor দিন।"),
            errors=[field_error("cursor", gettext("cursor সঠিক নয়।"))],
        )
    return key


def page(request, rows: list, limit: int, kind: str, key_of) -> dict:
    """The page's items and the `next` link (None on the last page); `rows` holds up to limit + 1."""
    more = len(rows) > limit
    rows = rows[:limit]
    following = None
    if more:
        query = request.GET.copy()
        query["cursor"] = encode(kind, key_of(rows[-1]))
        query["limit"] = str(limit)
        following = request.build_absolute_uri(request.path + "?" + query.urlencode())
    return {"items": rows, "next": following}
