"""The reporting calendar of a fiscal year, and the log of reminders sent (see reports/calendar/deadlines.py
and reports/calendar/reminders.py). Imported by reports/models.py so that Django registers the models."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_plan.offices.models import Office, OfficeTier
from egov_plan.plans.models import FiscalYear

ANNUAL = 5  # the period number of the annual evaluation, after quarters 1–4
PERIOD_CHOICES = [
    (1, _("প্রথম ত্রৈমাসিক")),
    (2, _("দ্বিতীয় ত্রৈমাসিক")),
    (3, _("তৃতীয় ত্রৈমাসিক")),
    (4, _("চতুর্থ ত্রৈমাসিক")),
    (ANNUAL, _("বার্ষিক মূল্যায়ন")),
]


class ReportingCalendar(models.Model):
    """A fiscal year's reporting rules; its due dates are `Deadline` rows."""

    fiscal_year = models.OneToOneField(
        FiscalYear,
        verbose_name=_("অর্থবছর"),
        on_delete=models.CASCADE,
        related_name="reporting_calendar",
    )
    closes_after_grace = models.BooleanField(
        _("নির্ধারিত তারিখের পর অতিরিক্ত সময় শেষে এন্ট্রি বন্ধ"), default=False
    )
    grace_days = models.PositiveSmallIntegerField(
        _("অতিরিক্ত সময় (দিন)"), default=0, validators=[MaxValueValidator(365)]
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("কত দিন আগে স্মরণ করানো হবে"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("প্রতিবেদন দাখিলের সময়সূচি")
        verbose_name_plural = _("প্রতিবেদন দাখিলের সময়সূচি")
        ordering = ["-fiscal_year__start_year"]

    def __str__(self) -> str:
        return gettext("{label} অর্থবছরের সময়সূচি").format(label=self.fiscal_year.label)


class Deadline(models.Model):
    """The due date of one period of the calendar's year: for every tier (tier empty), or for one
    tier of offices (a staggered window that overrides the general date)."""

    calendar = models.ForeignKey(
        ReportingCalendar, on_delete=models.CASCADE, related_name="deadlines"
    )
    tier = models.ForeignKey(
        OfficeTier,
        verbose_name=_("দপ্তরের স্তর"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("খালি রাখলে সব স্তরের জন্য প্রযোজ্য"),
    )
    period = models.PositiveSmallIntegerField(_("সময়কাল"), choices=PERIOD_CHOICES)
    due = models.DateField(_("দাখিলের শেষ তারিখ"))

    class Meta:
        verbose_name = _("দাখিলের শেষ তারিখ")
        verbose_name_plural = _("দাখিলের শেষ তারিখসমূহ")
        ordering = ["period", "tier__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "tier", "period"], name="deadline_unique_per_tier"
            ),
            models.UniqueConstraint(
                fields=["calendar", "period"],
                condition=Q(tier__isnull=True),
                name="deadline_unique_for_all_tiers",
            ),
            models.CheckConstraint(
                name="deadline_period_1_to_5", condition=Q(period__gte=1, period__lte=ANNUAL)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()}: {self.due}"


class ReminderSent(models.Model):
    """One reminder e-mail sent: `send_reminders` skips what is already here, so that running it
    twice on a day sends nothing twice."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DIGEST = "digest"
    KIND_CHOICES = [
        (DUE_SOON, _("শেষ তারিখের আগে")),
        (OVERDUE, _("শেষ তারিখের পরদিন")),
        (DIGEST, _("পর্যালোচকের দৈনিক সারসংক্ষেপ")),
    ]

    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    day = models.DateField()
    recipient = models.EmailField()
    # Officer reminders: which office's which period; a digest has neither.
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # (A digest's empty office/year/period are NULLs the constraint cannot compare: the
        # command checks the log before sending, under a lock of the day's rows.)
        verbose_name = _("পাঠানো স্মরণবার্তা")
        verbose_name_plural = _("পাঠানো স্মরণবার্তাসমূহ")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "day", "recipient", "office", "fiscal_year", "period"],
                name="reminder_sent_once",
            ),
        ]
