"""Is this PDF one of our signed reports, intact? Matched by the stored document's hash.

Anyone may ask (/verify/ is public), so the work is bounded before the
tolerant signature reader runs: at most `settings.VERIFY_MAX_BYTES`, and only
a file that parses as a well-formed PDF (cheap: the strict reader gives up at
the first broken cross-reference).
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings

from reports.pdf.models import SignedDocument
from reports.pdf.signing import SignatureCheck, check_signature
from reports.quarters.evidence import is_well_formed_pdf


class TooLarge(ValueError):
    """Larger than any signed report; not read."""


@dataclass
class Verification:
    check: SignatureCheck
    document: SignedDocument | None  # the stored revision with exactly these bytes
    latest_revision: int | None = None

    @property
    def ok(self) -> bool:
        """Intact, valid, trusted, and exactly a document we issued."""
        return self.check.ok and self.document is not None

    @property
    def verdict(self) -> str:
        check = self.check
        if not check.readable:
            return "unreadable"
        if not check.signed:
            return "unsigned"
        if not (check.intact and check.whole_file):
            return "modified"
        if not check.valid:
            return "invalid"
        if not check.trusted:
            return "untrusted"
        if self.document is None:
            return "unknown"
        return "valid"

    @property
    def superseded(self) -> bool:
        return (
            self.document is not None
            and self.latest_revision is not None
            and self.latest_revision > self.document.revision
        )


def verify_document(data: bytes) -> Verification:
    if len(data) > settings.VERIFY_MAX_BYTES:
        raise TooLarge(len(data))
    if not is_well_formed_pdf(io.BytesIO(data)):
        return Verification(check=SignatureCheck(readable=False), document=None)
    digest = hashlib.sha256(data).hexdigest()
    documents = SignedDocument.objects.select_related(
        "report__plan__office",
        "report__plan__fiscal_year",
        "assessment__plan__office",
        "assessment__plan__fiscal_year",
    )
    document = documents.filter(sha256=digest).first()
    if (
        document is None
    ):  # a copy handed out before an archive timestamp was added to the stored file
        document = documents.filter(archive_timestamps__sha256_before=digest).first()
    latest = None
    if document is not None:
        latest = document.subject.revision
    return Verification(check=check_signature(data), document=document, latest_revision=latest)
