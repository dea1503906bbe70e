"""Archive renewal: a fresh document timestamp for every stored signed PDF whose newest
timestamp's certificate expires within ARCHIVE_RENEW_DAYS (PAdES B-LTA, extended).

National size: the documents due are selected by one indexed range query on
SignedDocument.archive_expires_at, in batches by primary key (keyset pagination), never by
reading every signed PDF. Each document is renewed in a transaction of its own under a row lock:
the new file is written under a new name, the row switched to it (hash, expiry) with an
ArchiveTimestamp recording the hash before, and the old file deleted once that has committed.
A run killed at any point leaves every document either renewed or due (and at worst one
orphaned new file), so the next run resumes; a run again renews nothing twice.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reports.pdf.models import ArchiveTimestamp, SignedDocument

log = logging.getLogger(__name__)
BATCH = 100


def horizon(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(days=settings.ARCHIVE_RENEW_DAYS)


def due(now: datetime.datetime | None = None):
    """The stored documents whose newest timestamp's certificate expires before the horizon."""
    return SignedDocument.objects.filter(archive_expires_at__lt=horizon(now))


def renew_document(document_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Add a document timestamp to one stored PDF if it is (still) due; True when renewed."""
    from reports.pdf import signing

    with transaction.atomic():
        document = due(now).select_for_update().filter(pk=document_id).first()
        if document is None:  # renewed meanwhile (another worker), or not due
            return False
        with document.file.open("rb") as handle:
            data = handle.read()
        renewed = signing.renew_archive_timestamp(data)
        expires = signing.archive_expiry(renewed)
        if expires is None or expires <= document.archive_expires_at:
            log.error(
                "archive timestamp of document %s would not outlast the current one (%s): the TSA's "
                "certificate expires too; configure another TSA_URL",
                document.pk,
                expires,
            )
            return False
        old_name, before = document.file.name, document.sha256
        ArchiveTimestamp.objects.create(
            document=document,
            sha256_before=before,
            expires_before=document.archive_expires_at,
            expires_after=expires,
        )
        document.file.save("signed.pdf", ContentFile(renewed), save=False)
        document.sha256 = hashlib.sha256(renewed).hexdigest()
        document.archive_expires_at = expires
        document.level = signing.B_LTA
        document.save(update_fields=["file", "sha256", "archive_expires_at", "level"])
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return True


def renew_due(*, now: datetime.datetime | None = None, batch: int = BATCH, progress=None) -> int:
    """Renew every document due, a batch of ids at a time; returns how many were renewed."""
    renewed, last = 0, 0
    while True:
        ids = list(due(now).filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return renewed
        for document_id in ids:
            renewed += renew_document(document_id, now=now)
            if progress is not None:
                progress(document_id)
        last = ids[-1]
