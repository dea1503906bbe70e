"""The reports app's models, gathered for Django: each lives in its feature's models module.

The names the migrations refer to (the upload paths and the verification token) are found here too.
"""

from reports.bulk.models import BulkPrintJob, bulk_print_path  # noqa: F401
from reports.calendar.models import Deadline, ReminderSent, ReportingCalendar  # noqa: F401
from reports.pdf.models import (  # noqa: F401
    ArchiveTimestamp,
    SignedDocument,
    SigningCertificate,
    new_verification_token,
    signed_document_path,
)
from reports.quarters.models import (  # noqa: F401
    Achievement,
    Evidence,
    QuarterlyReport,
    ReportTransition,
    SaveKey,
    evidence_path,
)
from reports.year.models import Assessment, AssessmentTransition, Evaluation  # noqa: F401
