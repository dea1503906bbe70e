"""Check a PDF as /verify/ does; exit status 0 only for an intact, valid signature of a known report."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.pdf.verification import verify_document

VERDICTS = {
    "unreadable": "not a readable PDF",
    "unsigned": "no digital signature",
    "modified": "MODIFIED after signing",
    "invalid": "signature invalid",
    "untrusted": "signature intact but the certificate is not trusted",
    "unknown": "signature valid, but the file matches no report issued here",
    "valid": "valid",
}


class Command(BaseCommand):
    help = "Verify the digital signature of a quarterly report PDF."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            if (
                file.stat().st_size > settings.VERIFY_MAX_BYTES
            ):  # the same bound as /verify/, before reading
                self.stdout.write(
                    f"{file}: larger than {settings.VERIFY_MAX_BYTES // 1024} KiB, "
                    f"the most a signed report can be (VERIFY_MAX_MB); not read"
                )
                sys.exit(1)
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        result = verify_document(data)
        check = result.check
        self.stdout.write(f"{file}: {VERDICTS[result.verdict]}")
        if check.signed:
            self.stdout.write(f"  signer: {check.signer_name} ({check.certificate_subject})")
            source = (
                "the time-stamping authority's timestamp"
                if check.timestamped
                else "the signer's clock"
            )
            self.stdout.write(f"  signed at: {check.signed_at} (by {source})")
            self.stdout.write(
                f"  level: PAdES {check.level}"
                + (
                    f"; the signer's certificate expired {check.certificate_expires}, the signature was valid "
                    f"when made"
                    if check.certificate_expired and check.ok
                    else ""
                )
            )
            self.stdout.write(
                f"  intact: {check.intact}, valid: {check.valid}, trusted: {check.trusted}, "
                f"covers whole file: {check.whole_file}"
            )
        if result.document is not None:
            report = result.document.subject
            part = (
                f"quarter {report.quarter}"
                if result.document.report_id is not None
                else report.kind.replace("_", "-")
            )
            self.stdout.write(
                f"  report: {report.plan.office.name}, plan {report.plan_id}, "
                f"{report.plan.fiscal_year.start_year}-{report.plan.fiscal_year.start_year + 1}, "
                f"{part}, revision {result.document.revision}"
                + (" (superseded)" if result.superseded else "")
            )
        if not result.ok:
            sys.exit(1)
