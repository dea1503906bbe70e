"""Builders for the half-yearly and annual documents' tests: quarters entered, submitted and
approved through the real services."""

import datetime
from decimal import Decimal

from reports.quarters.models import QuarterlyReport
from reports.quarters.services import Entry, report_approve, report_for_quarter, report_submit
from tests.helpers import indicator_by_code


def enter_quarter(people, quarter: int, values: dict, *, approve: bool = True) -> QuarterlyReport:
    """The seed office's officer submits `values` ({"1.3.1": Decimal(90), …}) for the quarter; the
    reviewer above approves unless told not to."""
    report = report_for_quarter(plan=people.plan, quarter=quarter)
    entries = {
        indicator_by_code(people.plan, code).pk: Entry(value) for code, value in values.items()
    }
    report_submit(report=report, user=people.officer, entries=entries)
    if approve:
        report_approve(report=report, user=people.reviewer)
    report.refresh_from_db()
    return report


# The second quarter of the seed year (the first is the seed's, approved): to date, 1.3.1 averages
# 30 and 90 → 60 % (the 60 % tier: 4 × 0.6 = 2.40); 2.1.1 sums 1 + 2 → 3 (90 %: 6 × 0.9 = 5.40);
# 2.2.1 sums 1 + 1 → 2 (80 %: 3 × 0.8 = 2.40); 2.2.2 averages 20 → none (0.00); 1.2.1 done on
# 20/10/22 (by 27/10: 90 %, 2 × 0.9 = 1.80). Area 1: 4.20, area 2: 7.80, total 12.00.
SECOND_QUARTER = {
    "1.3.1": Decimal(90),
    "2.1.1": Decimal(2),
    "2.2.1": Decimal(1),
    "1.2.1": datetime.date(2022, 10, 20),
}
