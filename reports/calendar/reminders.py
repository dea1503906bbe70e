"""Reminder e-mails of the reporting calendar (`manage.py send_reminders`).

On a given day:
- the officers of every office that has a plan of a calendar's year and has not submitted a
  quarter's report get a reminder `remind_days_before` days before that quarter's due date (their
  tier's own date where it has one) and another the day after it;
- the same for the annual self-assessment, before and after the calendar's annual due date;
- the reviewers of the nearest office above with reviewers get one digest of the submitted reports
  and half-yearly / annual documents waiting for them.

Each e-mail sent is logged in `ReminderSent`; what the log already holds for the day is not sent
again. The queries are a handful per calendar and quarter, never one per office or reviewer.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from egov_plan.accounts.models import Membership
from egov_plan.core import bangla
from egov_plan.offices.models import Office
from egov_plan.plans.models import ActionPlan
from reports.calendar.deadlines import due_subquery
from reports.calendar.models import ANNUAL, Deadline, ReminderSent, ReportingCalendar
from reports.quarters.models import QuarterlyReport
from reports.templatetags.bangla import bn_datetime
from reports.year.models import Assessment

DONE = [QuarterlyReport.SUBMITTED, QuarterlyReport.APPROVED]


@dataclass
class Reminder:
    kind: str
    recipient: str
    subject: str
    text: str
    html: str
    office_id: int | None = None
    fiscal_year_id: int | None = None
    period: int | None = None

    @property
    def key(self) -> tuple:
        return (self.kind, self.recipient, self.office_id, self.fiscal_year_id, self.period)


@dataclass(frozen=True)
class Skipped:
    """Someone a reminder was due for who has no e-mail address: nothing is sent, and they are named."""

    kind: str
    username: str
    name: str
    office: str

    def __str__(self) -> str:
        name = f" ({self.name})" if self.name and self.name != self.username else ""
        return f"{self.username}{name}, {self.office}"


def _skipped(kind: str, user, office: Office) -> Skipped:
    return Skipped(
        kind=kind, username=user.username, name=user.get_full_name(), office=office.display_name
    )


@dataclass
class DigestLine:
    """A submitted report in a reviewer's digest."""

    office: str
    title: str
    document: str  # "দ্বিতীয় ত্রৈমাসিক", "অর্ধবার্ষিক স্ব-মূল্যায়ন", "বার্ষিক মূল্যায়ন"
    submitted_at: str
    link: str


@dataclass
class Digest:
    name: str
    reports: list[DigestLine] = field(default_factory=list)


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _officer_reminders(day: datetime.date, skipped: list[Skipped]) -> list[Reminder]:
    reminders = []
    for calendar in ReportingCalendar.objects.select_related("fiscal_year"):
        ahead = day + datetime.timedelta(days=calendar.remind_days_before)
        after = day - datetime.timedelta(days=1)
        # Which quarters fall due on either date, for any tier: most days, none (no query more).
        periods = set(
            Deadline.objects.filter(calendar=calendar, due__in=[ahead, after]).values_list(
                "period", flat=True
            )
        )
        for period in sorted(periods):
            for kind, due in [(ReminderSent.DUE_SOON, ahead), (ReminderSent.OVERDUE, after)]:
                reminders += _late_plans(calendar, period, kind, due, skipped)
    return reminders


def _late_plans(
    calendar: ReportingCalendar, period: int, kind: str, due: datetime.date, skipped: list[Skipped]
) -> list[Reminder]:
    """One reminder per officer of each office whose plan of the year has not submitted `period`,
    due on `due` (two queries); the officers without an address go to `skipped`."""
    if period == ANNUAL:  # the annual self-assessment (reports/year/services.py)
        done = Assessment.objects.filter(
            plan=OuterRef("pk"), kind=Assessment.ANNUAL, status__in=DONE
        )
    else:
        done = QuarterlyReport.objects.filter(plan=OuterRef("pk"), quarter=period, status__in=DONE)
    plans = {
        plan.office_id: plan
        for plan in (
            ActionPlan.objects.filter(fiscal_year=calendar.fiscal_year, office__isnull=False)
            .annotate(
                due=due_subquery(
                    year=calendar.fiscal_year_id, period=period, tier=OuterRef("office__tier_id")
                )
            )
            .filter(due=due)
            .filter(~Exists(done))
            .select_related("office", "fiscal_year")
            .order_by("pk")
        )
    }
    # Whoever holds the office now (a transferred officer's successor), whatever day the run is for.
    officers = (
        Membership.objects.current()
        .filter(role=Membership.OFFICER, office_id__in=list(plans), user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    reminders = []
    for member in officers:
        plan = plans[member.office_id]
        if not member.user.email:
            skipped.append(_skipped(kind, member.user, plan.office))
            continue
        document = (
            gettext("বার্ষিক স্ব-মূল্যায়ন")
            if period == ANNUAL
            else gettext("%(ordinal)s ত্রৈমাসিক প্রতিবেদন")
            % {"ordinal": bangla.QUARTER_ORDINALS[period]}
        )
        link = (
            _link("annual", plan.pk) if period == ANNUAL else _link("quarter-edit", plan.pk, period)
        )
        context = {
            "name": member.user.get_full_name() or member.user.username,
            "plan": plan,
            "office": plan.office.display_name,
            "document": document,
            "year": plan.fiscal_year.label,
            "due": bangla.format_date(due),
            "overdue": kind == ReminderSent.OVERDUE,
            "link": link,
        }
        if kind == ReminderSent.OVERDUE:
            subject = gettext("বিলম্বিত: {document} দাখিলের শেষ তারিখ ({due}) পেরিয়ে গেছে").format(
                document=document, due=context["due"]
            )
        else:
            subject = gettext("স্মরণ: {document} দাখিলের শেষ তারিখ {due}").format(
                document=document, due=context["due"]
            )
        reminders.append(
            Reminder(
                kind=kind,
                recipient=member.user.email,
                subject=subject,
                text=render_to_string("emails/officer_reminder.txt", context),
                html=render_to_string("emails/officer_reminder.html", context),
                office_id=plan.office_id,
                fiscal_year_id=plan.fiscal_year_id,
                period=period,
            )
        )
    return reminders


def _digests(day: datetime.date, skipped: list[Skipped]) -> list[Reminder]:
    """Each reviewer's digest: the submitted reports of the offices for which the reviewer's office
    is the nearest one above with reviewers (two queries, matched by materialised path). Reviewers
    without an address still count as the office's reviewers; their digest goes to `skipped`."""
    reviewers: dict[str, list[Membership]] = {}
    for member in (
        Membership.objects.current()
        .filter(role=Membership.REVIEWER, user__is_active=True)
        .select_related("user", "office")
        .order_by("pk")
    ):
        reviewers.setdefault(member.office.path, []).append(member)
    digests: dict[int, Digest] = {}
    members: dict[int, Membership] = {}
    waiting = (
        QuarterlyReport.objects.filter(status=QuarterlyReport.SUBMITTED)
        .select_related("plan__office", "plan__fiscal_year")
        .order_by("submitted_at", "pk")
    )
    documents = (
        Assessment.objects.filter(status=Assessment.SUBMITTED)
        .select_related("plan__office", "plan__fiscal_year")
        .order_by("submitted_at", "pk")
    )
    items = [
        (
            report,
            gettext("%(ordinal)s ত্রৈমাসিক") % {"ordinal": bangla.QUARTER_ORDINALS[report.quarter]},
            _link("quarter-report", report.plan_id, report.quarter),
        )
        for report in waiting
    ]
    items += [
        (
            document,
            document.get_kind_display(),
            _link(
                "half-year" if document.kind == Assessment.HALF_YEAR else "annual", document.plan_id
            ),
        )
        for document in documents
    ]
    for report, what, link in items:
        path = report.plan.office.path
        # The ancestors' paths are the office path's prefixes, nearest first.
        above = next(
            (
                reviewers[path[:end]]
                for end in range(len(path) - Office.steplen, 0, -Office.steplen)
                if path[:end] in reviewers
            ),
            [],
        )
        for member in above:
            members[member.pk] = member
            digest = digests.setdefault(
                member.pk, Digest(name=member.user.get_full_name() or member.user.username)
            )
            digest.reports.append(
                DigestLine(
                    office=report.plan.office.display_name,
                    title=f"{report.plan.title} {report.plan.fiscal_year.label}",
                    document=what,
                    submitted_at=bn_datetime(report.submitted_at),
                    link=link,
                )
            )
    reminders = []
    for member_id, digest in digests.items():
        if not members[member_id].user.email:
            skipped.append(
                _skipped(ReminderSent.DIGEST, members[member_id].user, members[member_id].office)
            )
            continue
        count = bangla.format_number(len(digest.reports))
        context = {
            "digest": digest,
            "count": count,
            "day": bangla.format_date(day),
            "inbox": _link("inbox"),
        }
        reminders.append(
            Reminder(
                kind=ReminderSent.DIGEST,
                recipient=members[member_id].user.email,
                subject=gettext("পর্যালোচনার জন্য অপেক্ষমাণ {count}টি প্রতিবেদন ({day})").format(
                    count=count, day=context["day"]
                ),
                text=render_to_string("emails/reviewer_digest.txt", context),
                html=render_to_string("emails/reviewer_digest.html", context),
            )
        )
    return reminders


def without_address(*, fiscal_year_id: int, limit: int = 50) -> tuple[int, list[Skipped]]:
    """Who gets no reminder of the year for want of an e-mail address (the calendar's admin page):
    the officers of offices with a plan of the year, and the reviewers of offices with such a plan
    below them. Their number and the first `limit` of them, by office (two queries)."""
    plans = ActionPlan.objects.filter(fiscal_year_id=fiscal_year_id, office__isnull=False)
    below = plans.filter(
        office__path__startswith=OuterRef("office__path"),
        office__depth__gt=OuterRef("office__depth"),
    )
    people = (
        Membership.objects.current()
        .filter(user__email="", user__is_active=True)
        .filter(
            Q(role=Membership.OFFICER, office__in=plans.values("office"))
            | Q(Exists(below), role=Membership.REVIEWER)
        )
        .select_related("user", "office")
        .order_by("office__path", "role", "user__username")
    )
    return people.count(), [
        _skipped(member.get_role_display(), member.user, member.office) for member in people[:limit]
    ]


def reminders_for(day: datetime.date, *, skipped: list[Skipped] | None = None) -> list[Reminder]:
    """Every reminder due on `day` that the log does not already hold. Those due for someone with no
    e-mail address are not among them: they are added to `skipped`, when given."""
    skipped = [] if skipped is None else skipped
    sent = {
        (kind, recipient, office, year, period)
        for kind, recipient, office, year, period in ReminderSent.objects.filter(
            day=day
        ).values_list("kind", "recipient", "office_id", "fiscal_year_id", "period")
    }
    return [
        r for r in _officer_reminders(day, skipped) + _digests(day, skipped) if r.key not in sent
    ]


def send_reminders(*, day: datetime.date, skipped: list[Skipped] | None = None) -> list[Reminder]:
    """Send what is due on `day` and log it; returns what was sent (`skipped`: as `reminders_for`)."""
    reminders = reminders_for(day, skipped=skipped)
    messages = []
    for reminder in reminders:
        message = EmailMultiAlternatives(
            subject=reminder.subject, body=reminder.text, to=[reminder.recipient]
        )
        message.attach_alternative(reminder.html, "text/html")
        messages.append(message)
    with get_connection() as connection:
        connection.send_messages(messages)
    ReminderSent.objects.bulk_create(
        ReminderSent(
            kind=r.kind,
            day=day,
            recipient=r.recipient,
            office_id=r.office_id,
            fiscal_year_id=r.fiscal_year_id,
            period=r.period,
        )
        for r in reminders
    )
    return reminders
