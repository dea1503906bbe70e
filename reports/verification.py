"""Is this PDF one of our signed reports, intact? Matched by the stored document's hash."""

import hashlib
from dataclasses import dataclass

from reports.models import SignedDocument
from reports.signing import SignatureCheck, check_signature


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
        return (self.document is not None and self.latest_revision is not None
                and self.latest_revision > self.document.revision)


def verify_document(data: bytes) -> Verification:
    digest = hashlib.sha256(data).hexdigest()
    document = (SignedDocument.objects.select_related("report__plan__office", "report__plan__fiscal_year")
                .filter(sha256=digest).first())
    latest = None
    if document is not None:
        latest = document.report.revision
    return Verification(check=check_signature(data), document=document, latest_revision=latest)
