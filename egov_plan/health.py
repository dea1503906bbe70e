"""/healthz: whether the database and the file storage answer, for load balancers."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        log.exception("health check: the database does not answer")
        return False


def _storage() -> bool:
    try:
        name = default_storage.save("healthz/probe", ContentFile(b"ok"))
        try:
            with default_storage.open(name) as handle:
                return handle.read() == b"ok"
        finally:
            default_storage.delete(name)
    except Exception:  # OSError from a folder or mount; a bucket's client raises its own errors
        log.exception("health check: the file storage does not answer")
        return False


@login_not_required
@require_GET
@never_cache
def healthz(request):
    checks = {"database": _database(), "storage": _storage()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            **{name: "ok" if ok else "failing" for name, ok in checks.items()},
        },
        status=200 if healthy else 503,
    )
