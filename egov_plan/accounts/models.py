"""What the app keeps about a person beside Django's user: the mobile number and designation that
the user import (egov_plan/accounts/user_import.py) brings. One row per user, created by the import (and
absent for users made by hand), so nothing else has to know about it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_plan.offices.models import Office


class UserProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("ব্যবহারকারী"),
    )
    # Stored as +8801XXXXXXXXX whatever the file wrote (01…, +8801…, Bengali digits).
    mobile = models.CharField(_("মোবাইল নম্বর"), max_length=14, blank=True)
    designation = models.CharField(_("পদবি"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ব্যবহারকারীর বিবরণ")
        verbose_name_plural = _("ব্যবহারকারীদের বিবরণ")

    def __str__(self) -> str:
        return str(self.user)


class ApiToken(models.Model):
    """A personal access token for the JSON API (/api/v1/), made by its user on their profile page.

    Only the SHA-256 of the token is kept: the token itself is shown once, when it is made, and a
    copy of the database cannot be used to call the API. Revoking keeps the row (who had access,
    until when) and sets `revoked_at`."""

    READ = "read"
    WRITE = "write"
    SCOPE_CHOICES = [(READ, _("শুধু পড়া")), (WRITE, _("পড়া ও লেখা"))]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("ব্যবহারকারী"),
    )
    name = models.CharField(_("নাম"), max_length=100)
    scope = models.CharField(_("অনুমতি"), max_length=5, choices=SCOPE_CHOICES, default=READ)
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False
    )  # hex SHA-256 of the token
    prefix = models.CharField(
        _("শুরুর অক্ষর"), max_length=12, editable=False
    )  # to tell one's tokens apart
    created_at = models.DateTimeField(_("তৈরির সময়"), auto_now_add=True)
    expires_at = models.DateTimeField(_("মেয়াদ শেষ"))
    revoked_at = models.DateTimeField(_("বাতিলের সময়"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("সর্বশেষ ব্যবহার"), null=True, blank=True, editable=False)
    # When the token was made in a session that had passed the second factor: a reviewer's or an
    # admin's token approves or returns only then (with REQUIRE_SECOND_FACTOR), as the pages ask.
    second_factor_at = models.DateTimeField(
        _("দ্বিতীয় ধাপ যাচাইয়ের সময়"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("এপিআই টোকেন")
        verbose_name_plural = _("এপিআই টোকেনসমূহ")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PeopleChange(models.Model):
    """One change a manager or an admin made to someone's account or membership at /people/ (or an
    import's transfer): who, when, to whom, in which office, what. Never edited, never deleted."""

    ADDED, DEACTIVATED, ROLE, MANAGER, TRANSFERRED = (
        "added",
        "deactivated",
        "role",
        "manager",
        "transferred",
    )
    ACTION_CHOICES = [
        (ADDED, _("যোগ করা হয়েছে")),
        (DEACTIVATED, _("নিষ্ক্রিয় করা হয়েছে")),
        (ROLE, _("ভূমিকা বদল")),
        (MANAGER, _("ব্যবস্থাপক বদল")),
        (TRANSFERRED, _("বদলি")),
    ]

    at = models.DateTimeField(_("সময়"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("যিনি করেছেন"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="people_changes",
        verbose_name=_("ব্যবহারকারী"),
    )
    # The office the change concerns (a transfer's: the office left): a manager sees the changes of their subtree.
    office = models.ForeignKey(
        "egov_plan.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("দপ্তর")
    )
    action = models.CharField(_("পরিবর্তন"), max_length=12, choices=ACTION_CHOICES)
    # What it was and what it became, as codes (role codes, office codes, ISO dates); shown by `description`.
    before = models.CharField(max_length=200, blank=True)
    after = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("ব্যবহারকারী পরিবর্তন")
        verbose_name_plural = _("ব্যবহারকারী পরিবর্তনসমূহ")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["office", "at"], name="people_change_office_at")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_action_display()}"

    @property
    def description(self) -> str:
        """What changed, in the interface's language."""
        from egov_plan.accounts.models import Membership
        from egov_plan.core import bangla

        roles = dict(Membership.ROLE_CHOICES)
        if self.action == self.ADDED:
            role, _space, manager = self.after.partition(" ")
            text = gettext("ভূমিকা: {role}").format(role=roles.get(role, role))
            return text + (gettext(", ব্যবহারকারী ব্যবস্থাপক") if manager else "")
        if self.action == self.ROLE:
            return f"{roles.get(self.before, self.before)} → {roles.get(self.after, self.after)}"
        if self.action == self.MANAGER:
            return (
                gettext("ব্যবহারকারী ব্যবস্থাপক করা হয়েছে")
                if self.after == "1"
                else gettext("ব্যবহারকারী ব্যবস্থাপকের দায়িত্ব থেকে সরানো হয়েছে")
            )
        if self.action == self.TRANSFERRED:
            code, _space, day = self.after.partition(" ")
            try:
                day = bangla.format_date(datetime.date.fromisoformat(day))
            except ValueError:
                pass
            return gettext("{before} থেকে {after}, {date} থেকে").format(
                before=self.before, after=code, date=day
            )
        return ""


class UserSession(models.Model):
    """Which session belongs to which user (written at login), so that deactivating a user deletes
    their sessions at once: Django's session rows do not say whose they are."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)


def today() -> datetime.date:
    """Today in the installation's time zone (Asia/Dhaka): the day memberships are current on."""
    from django.utils import timezone

    return timezone.localdate()


class MembershipQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """The memberships that hold on `on` (default: today): begun, and not yet ended."""
        on = on or today()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gt=on), start_date__lte=on)


class Membership(models.Model):
    """Which office a user works for, in which role, from when until when.

    A membership grants access only while it is current: from `start_date` (that day included) until
    `end_date` (that day excluded; none: open). A transfer ends one and starts another on the same
    day (egov_plan/accounts/people.py); ended memberships are kept, so that what a person did is still told
    with the office they acted for at the time. A person may hold several at once (during a handover)."""

    OFFICER = "officer"
    REVIEWER = "reviewer"
    ROLE_CHOICES = [(OFFICER, _("কর্মকর্তা (তথ্য প্রদানকারী)")), (REVIEWER, _("পর্যালোচক"))]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(
        Office, verbose_name=_("দপ্তর"), on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("ভূমিকা"), max_length=10, choices=ROLE_CHOICES)
    # The office's user manager: manages, at /people/, the users of this office and of those below it.
    is_manager = models.BooleanField(
        _("ব্যবহারকারী ব্যবস্থাপক"),
        default=False,
        help_text=_("এই দপ্তর ও এর অধীন দপ্তরগুলোর ব্যবহারকারী ব্যবস্থাপনা করতে পারেন (শুধু পর্যালোচক)।"),
    )
    start_date = models.DateField(_("শুরুর তারিখ"), default=today)
    end_date = models.DateField(
        _("শেষের তারিখ"),
        null=True,
        blank=True,
        help_text=_("এই দিন থেকে সদস্যপদটি আর প্রযোজ্য নয়; খালি রাখলে চলমান।"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("সদস্যপদ")
        verbose_name_plural = _("সদস্যপদসমূহ")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="membership_ends_after_it_starts",
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                violation_error_message=_("সদস্যপদের শেষের তারিখ শুরুর তারিখের পরে হতে হবে।"),
            ),
            models.CheckConstraint(
                name="membership_manager_is_reviewer",
                condition=Q(is_manager=False) | Q(role="reviewer"),
                violation_error_message=_("শুধু পর্যালোচক ব্যবহারকারী ব্যবস্থাপক হতে পারেন।"),
            ),
            models.UniqueConstraint(
                fields=["user", "office"],
                condition=Q(end_date__isnull=True),
                name="membership_one_open_per_user_and_office",
                violation_error_message=_("এই ব্যবহারকারীর এই দপ্তরে আগেই একটি চলমান সদস্যপদ আছে।"),
            ),
        ]
        indexes = [models.Index(fields=["office", "end_date"], name="membership_office_end")]

    def __str__(self) -> str:
        return f"{self.user} — {self.office} ({self.get_role_display()})"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or today()
        return self.start_date <= on and (self.end_date is None or self.end_date > on)


class RateLimitHit(models.Model):
    """How many requests one key (e.g. `verify:<address>`) made in one fixed window (egov_plan/rate_limit.py).
    Short-lived counters, not records: not in the admin, not backed up."""

    key = models.CharField(max_length=200)
    bucket = models.BigIntegerField()  # seconds since the epoch // the window's length
    hits = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "bucket"], name="rate_limit_one_row_per_window")
        ]
        indexes = [models.Index(fields=["bucket"], name="rate_limit_bucket")]
