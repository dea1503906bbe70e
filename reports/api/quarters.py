"""Quarterly reports: every office's row for a quarter (as the dashboard), one report with its
values, marks and evidence, its PDF, and the writes (achievements, submit, return, approve).

Writes go through reports/quarters/services.py, as the entry page's and the review panel's do: the same
parsing (reports/quarters/forms.py's fields: Bengali or Latin digits), validation messages, deadlines, year
locks, per-field concurrency and audit history. The value a client last saw comes with each field
(`seen_value` / `seen_remarks`) or, for the whole request, as `If-Match` with the GET's ETag.
An `Idempotency-Key` header makes a retried write apply once (reports/quarters/save_keys.py)."""

import datetime
import re

from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Header, Path, Query, Router

from egov_plan import rowsql
from egov_plan.accounts import permissions
from egov_plan.offices.models import Office
from egov_plan.plans.models import FiscalYear
from reports import workflow
from reports.api import cursors
from reports.api.auth import require_write_scope
from reports.api.common import (
    READ_PROBLEMS,
    WRITE_PROBLEMS,
    Cursor,
    Limit,
    PlanId,
    QuarterNumber,
    check_quarter,
    office_ref,
)
from reports.api.offices import _under
from reports.api.problems import Problem, field_error
from reports.api.schemas import (
    MAX_ID,
    AchievementIn,
    AchievementsIn,
    ReportListPage,
    ReportOut,
    ReviewIn,
    SubmitIn,
)
from reports.calendar import deadlines
from reports.dashboard import overview as dashboard
from reports.pdf import render as pdf
from reports.quarters import save_keys, selectors
from reports.quarters.forms import ReviewForm, _shared_fields, value_kind
from reports.quarters.models import Achievement, Evidence, QuarterlyReport
from reports.quarters.services import (
    Entry,
    field_token,
    report_approve,
    report_for_quarter,
    report_return,
    report_save,
    report_submit,
)

router = Router(tags=["quarterly reports"])

NOT_STARTED = dashboard.NOT_STARTED
IDEMPOTENCY = Header(
    None,
    alias="Idempotency-Key",
    max_length=200,
    description="16–64 letters, digits, - or _: a retry with the same key is applied once and gets the first answer",
)
IF_MATCH = Header(
    None,
    alias="If-Match",
    max_length=200,
    description="the ETag of the GET: every field sent counts as changed from what that GET showed",
)


# Reads -----------------------------------------------------------------------------------------


def _table(user, plan_id: int, quarter: int, *, template_ok: bool = True) -> selectors.QuarterTable:
    """The quarter's table if the user may see its plan (as the table page: one read of the plan)."""
    check_quarter(quarter)
    table = selectors.quarter_table(plan_id=plan_id, quarter=quarter)
    if not permissions.can_see_office(user, table.plan.office) or (
        table.plan.is_template and not template_ok
    ):
        raise Http404(gettext("কর্মপরিকল্পনাটি পাওয়া যায়নি"))
    return table


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


def etag(report: QuarterlyReport | None) -> str:
    """The report's version and the time of its last change (in microseconds): `If-Match` with it
    stands for every value as stored then (the history has them by time)."""
    if report is None:
        return '"v0-0"'
    return f'"v{report.version}-{(report.updated_at - EPOCH) // MICROSECOND}"'


def report_out(table: selectors.QuarterTable) -> dict:
    report, plan = table.report, table.plan
    deadline = deadlines.report_deadline(plan=plan, period=table.quarter, report=report)
    # In plain SQL, prepared on PostgreSQL (egov_plan/rowsql.py): through the ORM it cost more than the round trip.
    query, tail = rowsql.by_field(Evidence, "report", ("id",))
    evidence = [e for (e,) in query.rows(tail, [report.pk])] if report is not None else []
    editable = workflow.can_edit(report, year_final=plan.year_is_final, closed=deadline.closed)
    return {
        "plan": plan.pk,
        "quarter": table.quarter,
        "etag": etag(report),
        "status": report.status if report else NOT_STARTED,
        "version": report.version if report else 0,
        "revision": report.revision if report else 0,
        "due": deadline.due,
        "closes_on": deadline.closes_on,
        "late": deadline.late,
        "closed": deadline.closed,
        "editable": editable,
        "submitted_at": report.submitted_at if report else None,
        "score": table.total_score,
        "total_marks": plan.total_marks,
        "rows": [_row_out(row, table.achievements.get(row.indicator.pk)) for row in table.rows],
        "evidence": [
            {
                "id": e.pk,
                "indicator": e.indicator_id,
                "name": e.original_name,
                "kind": e.kind,
                "size": e.size,
                "uploaded_at": e.uploaded_at,
                "url": reverse("api-v1:evidence", args=[e.pk]),
            }
            for e in evidence
        ],
    }


def _row_out(row: selectors.TableRow, stored) -> dict:
    return {
        "indicator": row.indicator.pk,
        "code": row.indicator.code,
        "value": None if stored is None or stored.value is None else field_token(stored.value),
        "remarks": stored.remarks if stored is not None else "",
        "to_date": None if row.achievement_value is None else field_token(row.achievement_value),
        "tier": row.tier_percent,
        "score": row.score,
    }


@router.get(
    "/plans/{plan_id}/quarters/{quarter}",
    response={200: ReportOut, **READ_PROBLEMS},
    summary="A quarterly report: status, deadline, values, marks to date, evidence",
)
def quarter_report(
    request, response: HttpResponse, plan_id: int = PlanId, quarter: int = QuarterNumber
):
    """The quarter's report as the table page shows it. Its `ETag` may be sent back as `If-Match`
    with a write."""
    table = _table(request.user, plan_id, quarter)
    body = report_out(table)
    response["ETag"] = body["etag"]
    return body


@router.get(
    "/plans/{plan_id}/quarters/{quarter}/pdf",
    response=READ_PROBLEMS,
    summary="The quarter's PDF: signed once approved, a draft otherwise",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def quarter_pdf(request, plan_id: int = PlanId, quarter: int = QuarterNumber):
    table = _table(request.user, plan_id, quarter)
    data, filename = pdf.report_pdf(table=table)
    answer = HttpResponse(data, content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer


@router.get(
    "/evidence/{evidence_id}",
    response=READ_PROBLEMS,
    url_name="evidence",
    summary="An evidence file, as uploaded (for whoever may see its report)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the file (its kind read from its content)",
                "content": {
                    content_type: {"schema": {"type": "string", "format": "binary"}}
                    for content_type, _ in Evidence.KINDS.values()
                },
            }
        }
    },
)
def evidence(request, evidence_id: int = Path(..., ge=1, le=MAX_ID)):
    found = Evidence.objects.select_related("report__plan__office").filter(pk=evidence_id).first()
    if found is None or not permissions.can_see_office(request.user, found.report.plan.office):
        raise Http404(gettext("প্রমাণকটি পাওয়া যায়নি"))
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("প্রমাণকের ফাইলটি পাওয়া যায়নি")) from None
    return FileResponse(
        handle, as_attachment=True, filename=found.download_name, content_type=found.content_type
    )


@router.get(
    "/reports",
    response={200: ReportListPage, **READ_PROBLEMS},
    summary="Every office's report of a quarter, as the dashboard lists them",
)
def reports(
    request,
    year: int | None = Query(None, ge=1900, le=3000, description="default: the current year"),
    quarter: int | None = Query(None, ge=1, le=4),
    under: int | None = Query(None, ge=1, le=MAX_ID, description="only the offices below this one"),
    tier: str | None = Query(None, max_length=20),
    status: str | None = Query(
        None, max_length=20, description="not_started, draft, submitted, returned, approved or late"
    ),
    q: str | None = Query(
        None, max_length=100, description="name or location contains, or the code is"
    ),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """One row per office the caller may see (admins: all; reviewers: every office below theirs;
    officers: their own), in tree order, with the report's status, late flag and marks to date."""
    if status and status not in dict(dashboard.FILTERS):
        raise Problem(
            422, gettext("এই অবস্থা নেই।"), errors=[field_error("status", gettext("এই অবস্থা নেই।"))]
        )
    if year is not None:
        fiscal_year = FiscalYear.objects.filter(start_year=year).first()
        if fiscal_year is None:
            raise Http404(gettext("এই অর্থবছর নেই।"))
        quarter = quarter or dashboard.default_period()[1]
    else:
        fiscal_year, default_quarter = dashboard.default_period()
        quarter = quarter or default_quarter
    root = None if request.user.is_staff else _root(request.user)
    if under is not None:
        root = _under(request.user, under)
    query = dashboard.DashboardQuery(
        root=root,
        year=fiscal_year,
        quarter=quarter,
        title=dashboard.plan_title(fiscal_year),
        tier=tier or "",
        status=status or "",
        text=q or "",
    )
    rows = dashboard.office_rows(query).filter(permissions.visible_offices_q(request.user))
    after = cursors.decode("reports", cursor)
    if after is not None:
        rows = rows.filter(path__gt=str(after[0]))
    found = list(rows.order_by("path")[: limit + 1])
    page = cursors.page(request, found, limit, "reports", lambda o: [o.path])
    page["items"] = [
        {
            "office": office_ref(o),
            "tier": o.tier.code,
            "plan": o.plan_id,
            "status": o.status,
            "late": bool(o.late),
            "score": o.score,
            "total_marks": o.total_marks,
            "changed": o.changed,
        }
        for o in page["items"]
    ]
    return {
        **page,
        "fiscal_year": fiscal_year.start_year if fiscal_year else None,
        "quarter": quarter,
    }


def _root(user) -> Office | None:
    """The subtree a reviewer's list starts from (an officer's and others' lists are cut down by
    `visible_offices_q`)."""
    member = permissions.reviewer_membership(user)
    return member.office if member is not None else None


# Writes ----------------------------------------------------------------------------------------


def _idempotent(request, response: HttpResponse, key_text: str | None, write):
    """Run `write()` (→ (status, JSON body)) once per Idempotency-Key, in one transaction with the
    key: a repeat gets the first answer. A write that fails rolls back and leaves the key unspent."""
    require_write_scope(request)
    key = None
    if key_text is not None:
        if save_keys.KEY_PATTERN.fullmatch(key_text):
            key = save_keys.api_key(method=request.method, path=request.path, key=key_text)
        if key is None:
            raise Problem(
                400,
                gettext("Idempotency-Key সঠিক নয়: ১৬ থেকে ৬৪টি ইংরেজি অক্ষর, অঙ্ক, - বা _ দিন।"),
                errors=[field_error("Idempotency-Key", gettext("Idempotency-Key সঠিক নয়।"))],
            )
    with transaction.atomic():
        if key is not None:
            first = save_keys.claim(user=request.user, key=key)
            if first is not None:
                response["Idempotent-Replayed"] = "true"
                body = first.messages if isinstance(first.messages, dict) else {}
                response["ETag"] = body.get("etag", "")
                return first.status, body
        status, body = write()
        if key is not None:
            # An API answer keeps its JSON body where a page's keeps its messages.
            save_keys.record(user=request.user, key=key, answer=save_keys.Answer(status, "", body))
    response["ETag"] = body["etag"]
    return status, body


def _answer(plan_id: int, quarter: int) -> tuple[int, dict]:
    table = selectors.quarter_table(plan_id=plan_id, quarter=quarter)
    return 200, ReportOut.model_validate(report_out(table)).model_dump(mode="json")


ETAG_RE = re.compile(r'^(?:W/)?"v(\d{1,18})-(\d{1,20})"$')


def _seen_at(report: QuarterlyReport | None, if_match: str | None, current: dict) -> dict | None:
    """indicator id → (value, remarks) as the GET with this ETag showed them; None without If-Match."""
    if if_match is None:
        return None
    found = ETAG_RE.match(if_match.strip())
    version = report.version if report is not None else 0
    if (
        found is None
        or int(found.group(1)) > version
        or (int(found.group(1)) == version and found.group(0) != etag(report).strip())
    ):
        raise Problem(
            412,
            gettext("If-Match এর ETag এই প্রতিবেদনের কোনো সংস্করণের নয়; প্রতিবেদনটি আবার পড়ুন।"),
            errors=[field_error("If-Match", gettext("ETag মেলেনি।"))],
        )
    if int(found.group(1)) == version:
        return {pk: (field_token(v.value), field_token(v.remarks)) for pk, v in current.items()}
    try:
        then = EPOCH + int(found.group(2)) * MICROSECOND
    except OverflowError:
        raise Problem(
            412, gettext("ETag মেলেনি।"), errors=[field_error("If-Match", gettext("ETag মেলেনি।"))]
        ) from None
    at_version = {}
    history = (
        Achievement.history.filter(report_id=report.pk, history_date__lte=then)
        .order_by("history_date", "history_id")
        .values_list("indicator_id", "value_date", "value_number", "remarks")
    )
    for indicator_id, value_date, value_number, remarks in history:
        at_version[indicator_id] = (
            field_token(value_date if value_date is not None else value_number),
            field_token(remarks),
        )
    return at_version


def _entries(
    table: selectors.QuarterTable, items: list[AchievementIn], seen_at: dict | None
) -> dict[int, Entry]:
    """The request's achievements as the services' entries, parsed by the entry page's fields;
    a field left out is kept as stored. Every fault at once, as a 422 naming its field."""
    indicators = {row.indicator.pk: row.indicator for row in table.rows}
    start_year = table.plan.fiscal_year.start_year
    entries, errors, missing = {}, [], []
    for i, item in enumerate(items):
        place = f"achievements.{i}"
        indicator = indicators.get(item.indicator)
        if indicator is None:
            errors.append(
                field_error(f"{place}.indicator", gettext("এই কর্মপরিকল্পনায় এই সূচকটি নেই।"))
            )
            continue
        if item.indicator in entries:
            errors.append(
                field_error(f"{place}.indicator", gettext("একই সূচক একবারের বেশি দেওয়া হয়েছে।"))
            )
            continue
        value_field, remarks_field, _ = _shared_fields(
            value_kind(indicator), start_year, table.quarter
        )
        stored = table.achievements.get(indicator.pk)
        given = item.model_fields_set
        typed, seen = {}, {}
        for kind, field, current in (
            ("value", value_field, stored.value if stored else None),
            ("remarks", remarks_field, stored.remarks if stored else ""),
        ):
            if kind not in given:  # kept: what is stored, as seen, so never written
                typed[kind], seen[kind] = current, field_token(current)
                continue
            raw = getattr(item, kind)
            try:
                typed[kind] = field.clean(None if raw is None else str(raw))
            except Exception as fault:  # a form ValidationError: its Bengali messages
                messages = getattr(fault, "messages", None)
                if messages is None:
                    raise
                errors.append(
                    {
                        **field_error(f"{place}.{kind}", " ".join(messages)),
                        "indicator": indicator.pk,
                    }
                )
                continue
            if kind == "remarks":
                typed[kind] = (typed[kind] or "").strip()
            if f"seen_{kind}" in given:
                seen[kind] = getattr(item, f"seen_{kind}") or ""
            elif seen_at is not None:
                seen[kind] = seen_at.get(indicator.pk, ("", ""))[0 if kind == "value" else 1]
            else:
                missing.append(
                    {
                        **field_error(
                            f"{place}.seen_{kind}",
                            gettext(
                                "আগে পড়া মানটি দিন (seen_value / seen_remarks), অথবা If-Match হেডারে GET এর ETag দিন।"
                            ),
                        ),
                        "indicator": indicator.pk,
                    }
                )
        if len(typed) == 2 and len(seen) == 2:
            entries[indicator.pk] = Entry(
                value=typed["value"],
                remarks=typed["remarks"],
                seen_value=seen["value"],
                seen_remarks=seen["remarks"],
            )
    if errors:
        raise Problem(
            422,
            gettext("কিছু মান সঠিক নয়; errors এ প্রতিটি ঘরের কারণ দেখুন। কিছুই সংরক্ষিত হয়নি।"),
            errors=errors + missing,
        )
    if missing:
        raise Problem(
            428, gettext("কোন মান দেখে পরিবর্তন করা হচ্ছে তা জানা নেই; কিছুই সংরক্ষিত হয়নি।"), errors=missing
        )
    return entries


def _officer_write(
    request,
    response,
    items: list[AchievementIn],
    plan_id: int,
    quarter: int,
    key: str | None,
    if_match: str | None,
    service,
):
    """The office's officer writes the achievements through `service` (report_save or report_submit)."""
    table = _table(request.user, plan_id, quarter)
    permissions.require_officer(request.user, table.plan)

    def write():
        entries = _entries(table, items, _seen_at(table.report, if_match, table.achievements))
        report = table.report or report_for_quarter(plan=table.plan, quarter=quarter)
        service(report=report, user=request.user, entries=entries)
        return _answer(plan_id, quarter)

    return _idempotent(request, response, key, write)


@router.patch(
    "/plans/{plan_id}/quarters/{quarter}/achievements",
    response={200: ReportOut, **WRITE_PROBLEMS},
    summary="Save this quarter's achievements and remarks (the office's officer)",
)
def save_achievements(
    request,
    response: HttpResponse,
    payload: AchievementsIn,
    plan_id: int = PlanId,
    quarter: int = QuarterNumber,
    idempotency_key: str | None = IDEMPOTENCY,
    if_match: str | None = IF_MATCH,
):
    """Writes only the fields sent; each needs the value the client last saw (`seen_value`,
    `seen_remarks`) or an `If-Match`. A field someone else changed since, to another value, is a 409
    with both values, and nothing is saved. Closed deadlines and final years: 409 as on the page."""
    return _officer_write(
        request,
        response,
        payload.achievements,
        plan_id,
        quarter,
        idempotency_key,
        if_match,
        report_save,
    )


@router.post(
    "/plans/{plan_id}/quarters/{quarter}/submit",
    response={200: ReportOut, **WRITE_PROBLEMS},
    summary="Submit the quarter for review, with any last values (the office's officer)",
)
def submit(
    request,
    response: HttpResponse,
    payload: SubmitIn,
    plan_id: int = PlanId,
    quarter: int = QuarterNumber,
    idempotency_key: str | None = IDEMPOTENCY,
    if_match: str | None = IF_MATCH,
):
    return _officer_write(
        request,
        response,
        payload.achievements,
        plan_id,
        quarter,
        idempotency_key,
        if_match,
        report_submit,
    )


def _review(
    request, response, plan_id: int, quarter: int, action: str, comment: str, key: str | None
):
    table = _table(request.user, plan_id, quarter, template_ok=False)
    permissions.require_reviewer(request.user, table.plan)
    if (
        permissions.must_use_second_factor(request.user)
        and request.api_token.second_factor_at is None
    ):
        # The pages ask for the second factor before approving or returning; a token stands for it
        # only if it was made after it (egov_plan/accounts/token_views.py).
        raise Problem(
            403,
            gettext(
                "এই টোকেনটি দ্বিতীয় ধাপ যাচাই ছাড়া তৈরি; অনুমোদন বা ফেরত পাঠাতে দ্বিতীয় ধাপ যাচাই "
                "করে নতুন টোকেন তৈরি করুন।"
            ),
        )
    form = ReviewForm({"action": action, "comment": comment})
    if not form.is_valid():
        raise Problem(
            422,
            " ".join(m for messages in form.errors.values() for m in messages),
            errors=[
                field_error(name, " ".join(messages)) for name, messages in form.errors.items()
            ],
        )
    if table.report is None:
        raise Problem(409, gettext("এই ত্রৈমাসিকের কোনো প্রতিবেদন এখনও দাখিল হয়নি।"))

    def write():
        move = report_approve if action == ReviewForm.APPROVE else report_return
        move(report=table.report, user=request.user, comment=form.cleaned_data["comment"])
        return _answer(plan_id, quarter)

    return _idempotent(request, response, key, write)


@router.post(
    "/plans/{plan_id}/quarters/{quarter}/approve",
    response={200: ReportOut, **WRITE_PROBLEMS},
    summary="Approve a submitted report (a reviewer of an office above)",
)
def approve(
    request,
    response: HttpResponse,
    payload: ReviewIn,
    plan_id: int = PlanId,
    quarter: int = QuarterNumber,
    idempotency_key: str | None = IDEMPOTENCY,
):
    return _review(
        request, response, plan_id, quarter, ReviewForm.APPROVE, payload.comment, idempotency_key
    )


@router.post(
    "/plans/{plan_id}/quarters/{quarter}/return",
    response={200: ReportOut, **WRITE_PROBLEMS},
    summary="Return a submitted report with a reason (a reviewer of an office above)",
)
def return_report(
    request,
    response: HttpResponse,
    payload: ReviewIn,
    plan_id: int = PlanId,
    quarter: int = QuarterNumber,
    idempotency_key: str | None = IDEMPOTENCY,
):
    return _review(
        request, response, plan_id, quarter, ReviewForm.RETURN, payload.comment, idempotency_key
    )
