"""What the API answers and accepts (pydantic models: the OpenAPI schema is made from them).

Values are machine-readable: dates ISO 8601, numbers as decimal strings with Latin digits (the
`field_token` of reports/quarters/services.py, which is also what a write sends back as the value it saw);
a write accepts Bengali or Latin digits as the entry page does."""

import datetime
from decimal import Decimal

from pydantic import BaseModel, Field, StrictFloat, StrictInt, StrictStr

# Plain pydantic models, not ninja's Schema: the answers are built as dicts, and Schema's validator
# (which reads Django model attributes) cost a fifth of a 60-indicator report's time.
Schema = BaseModel

MAX_ID = 2**63 - 1
MAX_TEXT = 5000


class FieldError(Schema):
    field: str = Field(
        description="the failing field, as a dotted path into the request (e.g. achievements.0.value, cursor)"
    )
    detail: str
    indicator: int | None = None


class ConflictOut(Schema):
    indicator: int
    field: str = Field(description="value or remarks")
    yours: str = Field(description="what this request would have written")
    theirs: str = Field(description="what someone else stored since the value this request saw")
    by: str | None = None
    at: datetime.datetime | None = None


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []
    conflicts: list[ConflictOut] | None = None


class Page(Schema):
    next: str | None = Field(
        description="the next page's URL (same filters, the cursor after this page); null on the last page"
    )


class TierOut(Schema):
    code: str
    name: str


class OfficeOut(Schema):
    id: int
    code: str
    name: str
    location: str
    tier: str = Field(description="the tier's code")
    parent: str | None = Field(description="the parent office's code (null at the top of the tree)")
    depth: int


class OfficePage(Page):
    items: list[OfficeOut]


class DeadlineOut(Schema):
    period: int = Field(description="1–4: the quarters; 5: the annual evaluation")
    tier: str | None = Field(
        description="the tier it applies to; null: every tier without its own date"
    )
    due: datetime.date


class CalendarOut(Schema):
    closes_after_grace: bool
    grace_days: int
    remind_days_before: int
    deadlines: list[DeadlineOut]


class FiscalYearOut(Schema):
    start_year: int
    label: str
    start: datetime.date
    end: datetime.date
    calendar: CalendarOut | None


class FiscalYearPage(Page):
    items: list[FiscalYearOut]


class OfficeRef(Schema):
    id: int
    code: str
    name: str
    location: str


class PlanSummaryOut(Schema):
    id: int
    title: str
    fiscal_year: int
    office: OfficeRef | None = Field(description="null for a template")
    total_marks: Decimal
    revision: int


class PlanPage(Page):
    items: list[PlanSummaryOut]


class TargetOut(Schema):
    tier: int = Field(description="the tier's percent: 100, 90, 80, 70, 60")
    value: str | None
    unknown: bool = Field(
        description="the target was lost in an imported plan (the table prints it as unknown)"
    )


class IndicatorOut(Schema):
    id: int
    code: str
    number: int
    title: str
    title_en: str
    unit: str
    unit_label: str
    weight: Decimal
    calculation_method: str
    targets: list[TargetOut]


class ActivityOut(Schema):
    id: int
    code: str
    title: str
    title_en: str
    indicators: list[IndicatorOut]


class AreaOut(Schema):
    id: int
    code: str
    title: str
    title_en: str
    weight: Decimal
    activities: list[ActivityOut]


class PlanOut(PlanSummaryOut):
    scoring_method: str
    template: int | None
    areas: list[AreaOut]


class EvidenceOut(Schema):
    id: int
    indicator: int
    name: str
    kind: str
    size: int
    uploaded_at: datetime.datetime
    url: str


class ReportRowOut(Schema):
    indicator: int
    code: str
    value: str | None = Field(
        description="this quarter's achievement (ISO date or decimal); send it back as seen_value"
    )
    remarks: str = Field(description="this quarter's remarks; send them back as seen_remarks")
    to_date: str | None = Field(
        description="the achievement to date (quarters 1…n by the indicator's calculation method)"
    )
    tier: int | None = Field(
        description="the tier reached to date (percent), null below the lowest"
    )
    score: Decimal


class ReportOut(Schema):
    plan: int
    quarter: int
    status: str = Field(description="not_started, draft, submitted, returned or approved")
    version: int = Field(description="moves on with every change")
    etag: str = Field(description="the ETag header: send it as If-Match with a write")
    revision: int
    due: datetime.date | None
    closes_on: datetime.date | None
    late: bool
    closed: bool
    editable: bool
    submitted_at: datetime.datetime | None
    score: Decimal = Field(description="marks to date")
    total_marks: Decimal
    rows: list[ReportRowOut]
    evidence: list[EvidenceOut]


class ReportListRowOut(Schema):
    office: OfficeRef
    tier: str
    plan: int | None
    status: str
    late: bool
    score: Decimal | None
    total_marks: Decimal | None
    changed: datetime.datetime | None


class ReportListPage(Page):
    fiscal_year: int | None
    quarter: int
    items: list[ReportListRowOut]


class AchievementIn(Schema):
    indicator: int = Field(ge=1, le=MAX_ID)
    value: StrictStr | StrictInt | StrictFloat | None = Field(
        None,
        description=(
            'Bengali or Latin digits; a date as dd/mm/yy, dd/mm/yyyy or yyyy-mm-dd; null or "" clears'
            " it; leave out to keep it"
        ),
    )
    remarks: str | None = Field(None, max_length=MAX_TEXT, description="leave out to keep them")
    seen_value: str | None = Field(
        None,
        max_length=100,
        description='the value as last read (the GET\'s `value`, "" for none); or send If-Match',
    )
    seen_remarks: str | None = Field(None, max_length=MAX_TEXT)


class AchievementsIn(Schema):
    achievements: list[AchievementIn] = Field(max_length=2000)


class SubmitIn(Schema):
    achievements: list[AchievementIn] = Field(default=[], max_length=2000)


class ReviewIn(Schema):
    comment: str = Field("", max_length=MAX_TEXT)


class DocumentRowOut(Schema):
    indicator: int
    code: str
    reported: str | None
    reported_tier: int | None
    reported_score: Decimal
    evaluated: str | None
    evaluated_score: Decimal


class NarrativeOut(Schema):
    area: int
    done: str
    obstacles: str


class DocumentOut(Schema):
    plan: int
    kind: str = Field(description="half_year or annual")
    status: str = Field(description="not_started, draft, submitted, returned or approved")
    due: datetime.date | None
    late: bool
    reported_total: Decimal
    evaluated_total: Decimal | None = Field(description="annual only")
    narratives: list[NarrativeOut]
    rows: list[DocumentRowOut]


class RankedOut(Schema):
    rank: int
    office: OfficeRef
    total: Decimal
    final: bool
    is_self: bool


class RankingOut(Schema):
    count: int
    rank: int | None
    total: Decimal | None
    final: bool
    rows: list[RankedOut]


class VerificationOut(Schema):
    registered: bool
    document: str = Field(description="what was signed (office, year, period)")
    plan: int
    quarter: int | None
    kind: str = Field(description="quarter, half_year or annual")
    revision: int
    sha256: str
    level: str
    approved_by: str
    approved_at: datetime.datetime | None
    signed_at: datetime.datetime


class VerifyResultOut(Schema):
    verdict: str = Field(
        description="valid, unknown (a good signature on no document of ours), untrusted, invalid, "
        "modified, unsigned or unreadable"
    )
    ok: bool = Field(
        description="intact, valid, trusted, and exactly a document this system issued"
    )
    superseded: bool = Field(
        description="a later revision of the same report has been signed since"
    )
    document: VerificationOut | None
