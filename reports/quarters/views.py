import secrets
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov_plan import i18n, rate_limit
from egov_plan.accounts import permissions, second_factor
from egov_plan.core import bangla
from egov_plan.core.fiscal import QUARTERS
from egov_plan.plans.amendments import has_reports_in_review
from egov_plan.plans.models import Indicator
from reports import workflow
from reports.calendar import deadlines
from reports.fast import inbox_html
from reports.fast.entry_html import entry_rows_html
from reports.pdf import render as pdf
from reports.pdf import signing
from reports.pdf.verification import verify_document
from reports.plans import editor as plan_editor
from reports.plans import exchange as plan_exchange
from reports.plans.rollout import TemplateError, adjust_targets, approve_targets
from reports.quarters import save_keys, selectors
from reports.quarters.forms import EntryForm, PlanTargetsForm, ReviewForm, VerifyForm
from reports.quarters.models import Evidence, ReportTransition
from reports.quarters.services import (
    EditConflict,
    WorkflowError,
    evidence_add,
    evidence_remove,
    report_approve,
    report_for_quarter,
    report_reopen,
    report_return,
    report_save,
    report_submit,
)

INBOX_PAGE_SIZE = 50


def _check_quarter(quarter: int) -> None:
    if quarter not in QUARTERS:
        raise Http404(gettext("ত্রৈমাসিক ১ থেকে ৪ এর মধ্যে হতে হবে"))


def _table_for_user(
    user, plan_id: int, quarter: int, *, with_values: bool = True
) -> selectors.QuarterTable:
    _check_quarter(quarter)
    table = selectors.quarter_table(plan_id=plan_id, quarter=quarter, with_values=with_values)
    if not permissions.can_see_office(user, table.plan.office):
        raise Http404(gettext("কর্মপরিকল্পনাটি পাওয়া যায়নি"))
    return table


def _report_url(name: str, plan_id: int, quarter: int) -> str:
    return reverse(name, args=[plan_id, quarter])


@require_GET
def index(request):
    """The user's own office's plans; reviewers and admins are sent on to the dashboard."""
    member = permissions.membership(request.user)
    return render(
        request,
        "reports/index.html",
        {
            "member": member,
            "choices": permissions.memberships(request.user),  # several: the office chooser
            "years": selectors.plans_by_year_and_office(member.office_id if member else None),
            "quarters": list(bangla.QUARTER_ORDINALS.items()),
            "show_dashboard": request.user.is_staff or permissions.is_reviewer(request.user),
        },
    )


@require_GET
def quarter_report(request, plan_id: int, quarter: int):
    table = _table_for_user(request.user, plan_id, quarter)
    return _render_report(request, table)


def _render_report(request, table, review_form=None, status=200):
    office = table.plan.office  # None for a template: nobody enters or reviews its reports
    return render(
        request,
        "reports/quarter_report.html",
        {
            "table": table,
            "show_scores": request.GET.get("scores") == "1",
            "is_officer": office is not None and permissions.is_officer_of(request.user, office.pk),
            "is_reviewer": office is not None
            and permissions.is_reviewer_above(request.user, office),
            "is_plan_admin": permissions.is_plan_admin(request.user),
            "review_form": review_form or ReviewForm(),
            "second_factor_first": second_factor.pending(request),
            "last_transition": _last_move_with_office(table),
            "deadline": _deadline(table),
            "report_editable": workflow.is_editable(table.report),
        },
        status=status,
    )


def _last_move_with_office(table, *more) -> ReportTransition | None:
    """The report's last move, its actor given the office they acted for then (`acting_office`), and
    so are the acts of `more` (groups as `selectors.with_offices_at_the_time` takes): one query."""
    last = selectors.last_transition(table.report)
    selectors.with_offices_at_the_time(
        table.plan.office, ([last] if last else [], "actor_id", "at"), *more
    )
    return last


def _deadline(table) -> deadlines.ReportDeadline:
    return deadlines.report_deadline(plan=table.plan, period=table.quarter, report=table.report)


@require_POST
def quarter_review(request, plan_id: int, quarter: int):
    table = _table_for_user(request.user, plan_id, quarter)
    permissions.require_reviewer(request.user, table.plan)
    if (
        prompt := second_factor.ask(request, _report_url("quarter-report", plan_id, quarter))
    ) is not None:
        return prompt
    form = ReviewForm(request.POST)
    report = table.report
    if report is None and form.is_valid() and form.cleaned_data["action"] == ReviewForm.REOPEN:
        report = report_for_quarter(
            plan=table.plan, quarter=quarter
        )  # a closed quarter never started
    if report is None and form.data.get("action") != ReviewForm.REOPEN:
        messages.error(request, gettext("এই ত্রৈমাসিকের কোনো প্রতিবেদন এখনও দাখিল হয়নি।"))
        return _render_report(request, table, form, status=409)
    if not form.is_valid():
        return _render_report(request, table, form, status=400)
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    try:
        if action == ReviewForm.APPROVE:
            report_approve(report=report, user=request.user, comment=comment)
            messages.success(request, gettext("প্রতিবেদনটি অনুমোদিত হয়েছে।"))
        elif action == ReviewForm.RETURN:
            report_return(report=report, user=request.user, comment=comment)
            messages.success(request, gettext("প্রতিবেদনটি মন্তব্যসহ ফেরত পাঠানো হয়েছে।"))
        else:
            report_reopen(report=report, user=request.user, reason=comment)
            messages.success(request, gettext("প্রতিবেদনটি সংশোধনের জন্য পুনরায় খোলা হয়েছে।"))
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _render_report(
            request, selectors.quarter_table(plan_id=plan_id, quarter=quarter), form, status=409
        )
    return redirect(_report_url("quarter-report", plan_id, quarter))


def _stored_achievements(report) -> dict:
    return {a.indicator_id: a for a in report.achievements.all()} if report else {}


def _entry_form(table, data=None, files=None, achievements=None) -> EntryForm:
    """The entry form; a posted one needs no stored values (the page carries what it showed)."""
    if achievements is None:
        achievements = table.achievements if data is None else {}
    form = EntryForm(
        data,
        files,
        indicators=[row.indicator for row in table.rows],
        start_year=table.plan.fiscal_year.start_year,
        quarter=table.quarter,
        achievements=achievements,
    )
    if data is not None:
        form.is_valid()
    return form


def _refreshed_form(table, form, report, files) -> EntryForm:
    """The posted form again, brought up to date with what is stored now."""
    stored = _stored_achievements(report)
    return _entry_form(table, form.refreshed_data(stored), files, stored)


@require_http_methods(["GET", "POST"])
def quarter_edit(request, plan_id: int, quarter: int):
    # A save needs the plan's indicators, not the achievements to date: a posted table reads no values
    # (a page shown again after a post reads the table afresh, below).
    table = _table_for_user(request.user, plan_id, quarter, with_values=request.method == "GET")
    permissions.require_officer(request.user, table.plan)
    conflicts = None
    status = 200

    if request.method == "GET":
        form = _entry_form(table)
    else:
        key = save_keys.parse(request.POST.get(save_keys.FIELD))
        if key is None:  # a page from before keys: saved as it comes
            outcome = _post_entry(request, table, plan_id, quarter)
        else:
            with transaction.atomic():
                first = save_keys.claim(user=request.user, key=key)
                if first is not None:
                    return _repeat_answer(request, first)
                outcome = _post_entry(request, table, plan_id, quarter)
                if outcome.wrote or outcome.response is not None:
                    save_keys.record(
                        user=request.user,
                        key=key,
                        answer=_answer_of(request, outcome, plan_id, quarter),
                    )
                else:
                    transaction.set_rollback(True)  # nothing applied: the key is not spent
        if outcome.response is not None:
            return _for_queue(request, outcome.response)
        table, form, conflicts, status = (
            outcome.table,
            outcome.form,
            outcome.conflicts,
            outcome.status,
        )

    deadline = _deadline(table)
    year_is_final = table.plan.year_is_final
    editable = workflow.can_edit(table.report, year_final=year_is_final, closed=deadline.closed)
    rows = selectors.entry_rows(table, form)
    last_transition = _last_move_with_office(
        table, ([item for row in rows for item in row["files"]], "uploaded_by_id", "uploaded_at")
    )
    return render(
        request,
        "reports/quarter_edit.html",
        {
            "table": table,
            "form": form,
            "rows": rows,
            "rows_html": entry_rows_html(rows, editable=editable),
            "editable": editable,
            "year_is_final": year_is_final,
            "conflicts": conflicts,
            "last_transition": last_transition,
            "deadline": deadline,
            # Each page its own idempotency key: a repeat of the save it sends is answered, not applied.
            "save_key": secrets.token_urlsafe(24),
            "offline_texts": _offline_texts(),
            # A person of several offices (a handover) sees which one they act for here, and may choose another.
            "choices": permissions.memberships(request.user),
            "chosen": next(
                (
                    m
                    for m in permissions.memberships(request.user)
                    if m.office_id == table.plan.office_id
                ),
                None,
            ),
        },
        status=status,
    )


def _offline_texts() -> dict:
    """What static/js/entry-form.js says (keeping typed values, queued saves, the offline copy)."""
    return {
        "restored": gettext("এই ব্রাউজারে রাখা আপনার লেখা মানগুলো ফিরিয়ে আনা হয়েছে; এগুলো এখনও সংরক্ষিত হয়নি।"),
        "restored_stale": gettext(
            "আপনি লেখার পর প্রতিবেদনে অন্য কেউ পরিবর্তন করেছেন; একই ঘরে ভিন্ন মান থাকলে "
            "সংরক্ষণের সময় দুটি মানই দেখানো হবে।"
        ),
        "discard": gettext("রাখা লেখাগুলো বাতিল করুন"),
        "queued": gettext(
            "এখনও সংরক্ষিত হয়নি: সংযোগ পাওয়া যায়নি। সংযোগ ফিরলে সংরক্ষণটি নিজে থেকেই আবার "
            "পাঠানো হবে; পাতাটি বন্ধ করলেও আপনার লেখা হারাবে না।"
        ),
        "queued_submit": gettext(
            "এখনও দাখিল হয়নি: সংযোগ পাওয়া যায়নি। সংযোগ ফিরলে দাখিলটি নিজে থেকেই আবার "
            "পাঠানো হবে; পাতাটি বন্ধ করলেও আপনার লেখা হারাবে না।"
        ),
        "sending": gettext("পাঠানো হচ্ছে… এখনও সংরক্ষিত হয়নি।"),
        "retry": gettext("এখনই আবার পাঠান"),
        "offline_copy": gettext(
            "আপনি অফলাইনে আছেন: এটি এই ব্রাউজারে রাখা পাতার অনুলিপি, সার্ভারের সর্বশেষ মান "
            "নাও হতে পারে। সংযোগ ফিরলে অপেক্ষমাণ সংরক্ষণ পাঠানো হবে।"
        ),
        "files_kept": gettext("বেছে নেওয়া প্রমাণক ফাইলগুলো এই ব্রাউজারে রাখা আছে; সংরক্ষণের সাথে পাঠানো হবে।"),
        "files_again": gettext(
            "বেছে নেওয়া প্রমাণক ফাইলগুলো এই ব্রাউজারে রাখা যায়নি; সংযোগ ফিরলে ফাইলগুলো আবার বেছে নিন।"
        ),
        "files_not_sent": gettext(
            "সংরক্ষণটি পাঠানো হয়েছে, কিন্তু বেছে নেওয়া প্রমাণক ফাইলগুলো এই ব্রাউজারে রাখা "
            "যায়নি বলে পাঠানো যায়নি: ফাইলগুলো আবার বেছে নিয়ে সংরক্ষণ করুন।"
        ),
    }


@login_not_required
@require_GET
def entry_service_worker(request):
    """The entry page's service worker (templates/reports/entry-sw.js), served from the site's root so
    that its scope covers the entry pages; never cached by the browser, so an update reaches it."""
    response = render(
        request,
        "reports/entry-sw.js",
        {"static_url": settings.STATIC_URL},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@dataclass
class _PostOutcome:
    """What a post of the entry form came to: a redirect (`response`), or the page again."""

    response: HttpResponse | None = None
    table: selectors.QuarterTable | None = None
    form: EntryForm | None = None
    conflicts: list | None = None
    status: int = 200
    wrote: bool = (
        False  # values or evidence stored (then a repeat of its key must not store them again)
    )


def _post_entry(request, table, plan_id: int, quarter: int) -> _PostOutcome:
    report = table.report
    if not workflow.is_editable(report):
        messages.error(request, workflow.locked_message(report))
        table = selectors.quarter_table(plan_id=plan_id, quarter=quarter)
        return _PostOutcome(table=table, form=_entry_form(table), status=409)
    conflicts, status = None, 200
    form = _entry_form(table, request.POST, request.FILES)
    report = report or report_for_quarter(plan=table.plan, quarter=quarter)
    stored = _store_uploads(request, form, report)
    wrote = stored > 0
    if form.value_errors():
        messages.error(
            request,
            gettext(
                "কিছু ঘরে ভুল আছে; লাল বার্তা দেখে সংশোধন করুন। আপনার লেখা অন্য সব মান "
                "পাতায় রাখা আছে, তবে এখনও সংরক্ষিত হয়নি।"
            ),
        )
        status = 400
    else:
        submit = request.POST.get("action") == "submit"
        try:
            if submit and not form.errors:
                report_submit(report=report, user=request.user, entries=form.entries())
                messages.success(request, gettext("প্রতিবেদনটি দাখিল করা হয়েছে।"))
                return _PostOutcome(
                    response=redirect(_report_url("quarter-report", plan_id, quarter)), wrote=True
                )
            changed = report_save(report=report, user=request.user, entries=form.entries())
        except EditConflict as exc:
            messages.error(request, str(exc))
            conflicts = exc.conflicts
            status = 409
            form = _refreshed_form(table, form, report, request.FILES)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            status = 409
        else:
            wrote = wrote or changed > 0
            if not form.errors:
                messages.success(
                    request,
                    gettext(
                        "সংরক্ষিত হয়েছে ({format_number}টি মান পরিবর্তিত, {format_number2}টি প্রমাণক যুক্ত)।"
                    ).format(
                        format_number=i18n.number(changed), format_number2=i18n.number(stored)
                    ),
                )
                return _PostOutcome(
                    response=redirect(_report_url("quarter-edit", plan_id, quarter)), wrote=wrote
                )
            messages.error(
                request,
                gettext("মানগুলো সংরক্ষিত হয়েছে, কিন্তু কিছু প্রমাণক ফাইল গ্রহণ করা যায়নি; নিচের বার্তা দেখুন।")
                + (gettext(" প্রতিবেদন দাখিল হয়নি।") if submit else ""),
            )
            status = 400
            form = _refreshed_form(table, form, report, request.FILES)
    return _PostOutcome(
        table=selectors.quarter_table(plan_id=plan_id, quarter=quarter),
        form=form,
        conflicts=conflicts,
        status=status,
        wrote=wrote,
    )


def _answer_of(request, outcome: _PostOutcome, plan_id: int, quarter: int) -> save_keys.Answer:
    """The answer a repeat of this save gets: its redirect (a page shown again: the entry page)
    and the messages it said (queued in this request only)."""
    said = [
        [message.level, str(message.message)]
        for message in messages.get_messages(request)._queued_messages
    ]
    if outcome.response is not None:
        return save_keys.Answer(outcome.response.status_code, outcome.response["Location"], said)
    return save_keys.Answer(outcome.status, _report_url("quarter-edit", plan_id, quarter), said)


def _repeat_answer(request, first: save_keys.Answer) -> HttpResponse:
    """A save sent again with a key already applied: the first answer, nothing saved twice. Its
    messages are said again unless they still wait for the page unread (the first answer did arrive,
    and the save was sent once more before the page it names opened): then once is enough."""
    waiting = {
        (message.level, str(message.message))
        for message in messages.get_messages(request)._loaded_messages
    }
    for level, text in first.messages:
        if (level, text) not in waiting:
            messages.add_message(request, level, text)
    return _for_queue(request, redirect(first.location))


QUEUE_HEADER = "X-Entry-Queue"  # static/js/entry-form.js sends its saves with it (fetch)


def _for_queue(request, response: HttpResponse) -> HttpResponse:
    """A redirect, for the page's script (which sent the save with fetch and follows it itself, so
    that the messages wait for the page it opens): where to go, as JSON."""
    if request.headers.get(QUEUE_HEADER) and response.status_code in (301, 302, 303):
        return JsonResponse({"location": response["Location"]})
    return response


def _store_uploads(request, form, report) -> int:
    """Keep every evidence file that passed its checks, even when another field was wrong."""
    stored = 0
    for indicator, upload, kind in form.valid_uploads():
        try:
            evidence_add(
                report=report, indicator=indicator, user=request.user, upload=upload, kind=kind
            )
            stored += 1
        except WorkflowError as exc:
            messages.error(request, str(exc))
            break
    return stored


@require_GET
def quarter_history(request, plan_id: int, quarter: int):
    table = _table_for_user(request.user, plan_id, quarter)
    office = table.plan.office
    # the offices everyone acted for, in one query for the page's every act
    transitions, changes = selectors.with_offices_at_the_time(
        office,
        (selectors.transitions(table.report), "actor_id", "at"),
        (selectors.achievement_changes(table), "user_id", "at"),
    )
    deadline = _deadline(table)
    return render(
        request,
        "reports/quarter_history.html",
        {
            "table": table,
            "transitions": transitions,
            "changes": changes,
            "deadline": deadline,
            "late_ids": deadline.late_submissions(transitions),
        },
    )


def _evidence_for_user(user, evidence_id: int) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.select_related("report__plan__office"), pk=evidence_id
    )
    if not permissions.can_see_office(user, evidence.report.plan.office):
        raise Http404(gettext("প্রমাণকটি পাওয়া যায়নি"))
    return evidence


@require_GET
def evidence_download(request, evidence_id: int):
    evidence = _evidence_for_user(request.user, evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("প্রমাণকের ফাইলটি পাওয়া যায়নি")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.download_name,
        content_type=evidence.content_type,
    )


@require_POST
def evidence_delete(request, evidence_id: int):
    evidence = _evidence_for_user(request.user, evidence_id)
    report = evidence.report
    permissions.require_officer(request.user, report.plan)
    try:
        evidence_remove(evidence=evidence, user=request.user)
        messages.success(
            request,
            gettext("প্রমাণক “{original_name}” সরানো হয়েছে।").format(
                original_name=evidence.original_name
            ),
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(_report_url("quarter-edit", report.plan_id, report.quarter))


@require_GET
def inbox(request):
    if not (permissions.is_reviewer(request.user) or request.user.is_staff):
        raise PermissionDenied(gettext("শুধু পর্যালোচকদের জন্য"))
    under = (
        None if request.user.is_staff else permissions.reviewer_membership(request.user).office
    )  # a reviewer's
    page = Paginator(selectors.review_queue(under), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The half-yearly and annual documents, paged on their own (?documents_page=).
    documents = Paginator(selectors.waiting_documents(under), INBOX_PAGE_SIZE).get_page(
        request.GET.get("documents_page")
    )
    reports, waiting = list(page.object_list), list(documents.object_list)
    selectors.set_inbox_lateness(reports, waiting)
    return render(
        request,
        "reports/inbox.html",
        {
            "page": page,
            "report_rows": inbox_html.report_rows_html(reports),
            "documents": documents,
            "document_rows": inbox_html.document_rows_html(waiting),
        },
    )


@require_GET
def quarter_pdf(request, plan_id: int, quarter: int):
    table = _table_for_user(request.user, plan_id, quarter)
    return pdf_response(request, lambda: pdf.report_pdf(table=table))


def pdf_response(request, produce):
    """The PDF `produce()` returns as (bytes, file name), shown inline; 503 without a signing key."""
    try:
        data, filename = produce()
    except signing.SigningNotConfigured:
        return render(request, "reports/signing_unavailable.html", status=503)
    except signing.TimestampUnavailable:  # the TSA is down: nothing is signed without its timestamp
        response = render(
            request, "reports/signing_unavailable.html", {"timestamp": True}, status=503
        )
        response["Retry-After"] = "300"
        return response
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _verify_allowed(request) -> bool:
    """At most VERIFY_RATE_LIMIT checks per VERIFY_RATE_WINDOW seconds from one address, counted in
    the database: the same limit for every worker process and host (egov_plan/rate_limit.py)."""
    return rate_limit.hit(
        f"verify:{get_client_ip_address(request)}",
        limit=settings.VERIFY_RATE_LIMIT,
        window=settings.VERIFY_RATE_WINDOW,
    )


def _declared_too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.VERIFY_MAX_BYTES + 64 * 1024  # the file plus the form around it


@login_not_required
@require_http_methods(["GET", "POST"])
def verification_page(request):
    form, result, status, refusal = VerifyForm(), None, 200, None
    if request.method == "POST":
        # Cheapest refusals first: before the upload is read, before any PDF parsing.
        if not _verify_allowed(request):
            refusal = gettext(
                "এই ঠিকানা থেকে অল্প সময়ে অনেকবার যাচাই করা হয়েছে; {format_number} সেকেন্ড পরে আবার চেষ্টা করুন।"
            ).format(format_number=i18n.number(settings.VERIFY_RATE_WINDOW))
            status = 429
        elif _declared_too_large(request):
            refusal, status = VerifyForm.too_large_message(), 413
        else:
            form = VerifyForm(request.POST, request.FILES)
            if form.is_valid():
                result = verify_document(form.cleaned_data["file"].read())
            else:
                status = 400
    registered = selectors.signed_document_by_token(request.GET.get("token", ""))
    response = render(
        request,
        "reports/verify.html",
        {"form": form, "result": result, "registered": registered, "refusal": refusal},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(settings.VERIFY_RATE_WINDOW)
    return response


@require_GET
def quarter_export(request, plan_id: int, quarter: int, extension: str):
    if extension not in ("xlsx", "txt"):
        raise Http404(gettext("এই ধরনের ফাইল তৈরি করা যায় না"))
    table = _table_for_user(request.user, plan_id, quarter)
    stem = f"apa-{plan_id}-{table.plan.fiscal_year.start_year}-q{quarter}"
    if extension == "xlsx":
        response = HttpResponse(
            plan_exchange.export_xlsx(table), content_type=plan_exchange.XLSX_CONTENT_TYPE
        )
    else:
        response = HttpResponse(
            plan_exchange.export_text(table), content_type=plan_exchange.TEXT_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    return response


@require_http_methods(["GET", "POST"])
def plan_targets(request, plan_id: int):
    """The office's own targets, where its template lets it set them, until the office above
    approves them; the reviewer above approves them here."""
    plan = permissions.get_plan_for_user(request.user, plan_id)
    if permissions.is_plan_admin(request.user):
        return _plan_editor(request, plan)
    if plan.is_template or plan.template_id is None:
        raise Http404(gettext("এই কর্মপরিকল্পনার লক্ষ্যমাত্রা এখানে সমন্বয় করা যায় না"))
    is_officer = permissions.is_officer_of(request.user, plan.office_id)
    is_reviewer = permissions.is_reviewer_above(request.user, plan.office)
    table = selectors.quarter_table(plan_id=plan.pk, quarter=1)
    indicators = [row.indicator for row in table.rows]
    editable = is_officer and plan.targets_open_to_office
    form = PlanTargetsForm(
        request.POST if request.method == "POST" and editable else None,
        indicators=indicators,
        start_year=plan.fiscal_year.start_year,
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                if not is_reviewer:
                    raise PermissionDenied(
                        gettext("শুধু নিয়ন্ত্রণকারী দপ্তরের পর্যালোচক লক্ষ্যমাত্রা অনুমোদন করতে পারেন")
                    )
                if (
                    prompt := second_factor.ask(request, reverse("plan-targets", args=[plan.pk]))
                ) is not None:
                    return prompt
                approve_targets(plan=plan, user=request.user)
                messages.success(
                    request, gettext("লক্ষ্যমাত্রা অনুমোদিত হয়েছে; এখন থেকে পরিবর্তন শুধু কারণসহ প্রশাসন পাতায়।")
                )
                return redirect("plan-targets", plan.pk)
            if not is_officer:
                raise PermissionDenied(gettext("শুধু দপ্তরের কর্মকর্তা লক্ষ্যমাত্রা সমন্বয় করতে পারেন"))
            if not editable:
                raise TemplateError(gettext("এই কর্মপরিকল্পনার লক্ষ্যমাত্রা আর সমন্বয় করা যায় না।"))
            if form.is_valid():
                changed = adjust_targets(
                    plan=plan, targets=form.cleaned_data["targets"], user=request.user
                )
                messages.success(
                    request,
                    gettext("সংরক্ষিত হয়েছে ({format_number}টি সূচকের লক্ষ্যমাত্রা পরিবর্তিত)।").format(
                        format_number=i18n.number(changed)
                    ),
                )
                return redirect("plan-targets", plan.pk)
            messages.error(
                request,
                gettext("কিছু ঘরে ভুল আছে; লাল বার্তা দেখে সংশোধন করুন। আপনার লেখা অন্য মানগুলো রাখা আছে।"),
            )
            status = 400
        except TemplateError as exc:
            messages.error(request, str(exc))
            status = 409
    return render(
        request,
        "reports/plan_targets.html",
        {
            "plan": plan,
            "table": table,
            "form": form,
            "editable": editable,
            "is_reviewer": is_reviewer,
            "second_factor_first": is_reviewer and second_factor.pending(request),
            "rows": [(row, form.row(row.indicator)) for row in table.rows],
        },
        status=status,
    )


def _plan_editor(request, plan):
    """The admin's plan editor: the whole plan as the official table. Structural buttons re-render
    the form with the change applied (nothing saved); "save" checks the whole plan and writes it."""
    if request.method == "POST" and request.POST.get("action") == "approve":
        raise PermissionDenied(gettext("শুধু নিয়ন্ত্রণকারী দপ্তরের পর্যালোচক লক্ষ্যমাত্রা অনুমোদন করতে পারেন"))
    areas = plan_editor.editor_areas(plan)
    status, stale, reason_error = 200, "", ""
    if request.method == "GET":
        draft, seen = plan_editor.draft_from_plan(areas), plan_editor.revision(plan, areas)
    else:
        draft, seen = (
            plan_editor.draft_from_post(request.POST),
            request.POST.get("revision", "")[:64],
        )
        operation = request.POST.get("op", "")[:80]
        if operation == "save":
            document = plan_editor.validate(plan, draft)
            if document is None:
                messages.error(
                    request, _("কিছু ঘরে ভুল আছে; লাল বার্তা দেখে সংশোধন করুন। আপনার লেখা সব রাখা আছে।")
                )
                status = 400
            else:
                try:
                    saved = plan_editor.save_plan(
                        plan=plan,
                        draft=draft,
                        document=document,
                        user=request.user,
                        reason=request.POST.get("reason", ""),
                        seen_revision=seen,
                    )
                except plan_editor.StaleDraft as exc:
                    stale, status = str(exc), 409
                except plan_editor.ReasonNeeded as exc:
                    reason_error, status = str(exc), 400
                else:
                    messages.success(
                        request,
                        _("কর্মপরিকল্পনা সংরক্ষিত হয়েছে (%(count)sটি পরিবর্তন)।")
                        % {"count": bangla.format_number(len(saved.summary))},
                    )
                    return redirect("plan-targets", plan.pk)
        elif operation not in ("", "recalculate") and not plan_editor.apply_operation(
            draft, operation
        ):
            messages.error(request, _("এই কাজটি করা যায়নি; সারিটি আর নেই।"))
            status = 400
    return render(
        request,
        "reports/plan_editor.html",
        {
            "plan": plan,
            "draft": draft,
            "rows": plan_editor.table_rows(draft),
            "revision": seen,
            "sums": plan_editor.weight_sums(draft),
            "units": Indicator.UNIT_CHOICES,
            "methods": Indicator.CALCULATION_CHOICES,
            "stale": stale,
            "reason_error": reason_error,
            "reason": request.POST.get("reason", "") if request.method == "POST" else "",
            "needs_reason": has_reports_in_review(plan),
        },
        status=status,
    )
