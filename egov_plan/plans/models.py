"""The plan domain: offices, fiscal years and their action plans.

An action plan nests performance areas → activities → indicators. Numbers are
stored per level ([১.২.১] is indicator 1 of activity 2 of area 1), so a
number can only exist under its parent and is unique within it.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from egov_plan.core import bangla, fiscal, plan_rules, scoring
from egov_plan.offices.models import Office, OfficeTier


class FiscalYear(models.Model):
    start_year = models.PositiveSmallIntegerField(
        _("শুরুর বছর"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )

    class Meta:
        verbose_name = _("অর্থবছর")
        verbose_name_plural = _("অর্থবছরসমূহ")
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """'২০২২-২০২৩'"""
        return bangla.to_bengali_digits(f"{self.start_year}-{self.start_year + 1}")

    @property
    def start(self) -> datetime.date:
        return fiscal.fiscal_year_start(self.start_year)

    @property
    def end(self) -> datetime.date:
        return fiscal.fiscal_year_end(self.start_year)


class ActionPlan(models.Model):
    SCORING_CHOICES = [(scoring.STEP, _("ধাপভিত্তিক (step)")), (scoring.LINEAR, _("রৈখিক (linear)"))]
    # Stored content, never translated when saved; the English translation of a report translates it.
    DEFAULT_TITLE = gettext_noop("ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা")

    # A plan without an office is a template: the national plan of a fiscal year, rolled out
    # to every office of a subtree (see egov_plan/templates.py).
    office = models.ForeignKey(
        Office,
        verbose_name=_("দপ্তর"),
        on_delete=models.PROTECT,
        related_name="plans",
        null=True,
        blank=True,
    )
    template = models.ForeignKey(
        "self",
        verbose_name=_("টেমপ্লেট"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived_plans",
        limit_choices_to={"office__isnull": True},
    )
    # On a template: whether offices may adjust their own targets before the office above
    # approves their plan. On an office's plan: when (and by whom) the targets were approved.
    targets_adjustable = models.BooleanField(_("দপ্তর লক্ষ্যমাত্রা সমন্বয় করতে পারে"), default=False)
    targets_approved_at = models.DateTimeField(_("লক্ষ্যমাত্রা অনুমোদনের সময়"), null=True, blank=True)
    targets_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("লক্ষ্যমাত্রা অনুমোদনকারী"),
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("অর্থবছর"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("শিরোনাম"), max_length=255, default=DEFAULT_TITLE)
    total_marks = models.DecimalField(
        _("মোট নম্বর"), max_digits=6, decimal_places=2, default=Decimal(50)
    )
    scoring_method = models.CharField(
        _("মূল্যায়ন পদ্ধতি"), max_length=10, choices=SCORING_CHOICES, default=scoring.STEP
    )
    # Bumped whenever an area, activity, indicator (weights, targets) or signatory of the plan is
    # saved or deleted (`plan_revised`): pages cache the plan's structure by it.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("কর্মপরিকল্পনা")
        verbose_name_plural = _("কর্মপরিকল্পনাসমূহ")
        ordering = ["-fiscal_year__start_year", "office__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "fiscal_year", "title"], name="plan_unique_per_office_year_title"
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "title"],
                condition=Q(office__isnull=True),
                name="template_unique_per_year_title",
            ),
        ]

    def __str__(self) -> str:
        owner = self.office.display_name if self.office_id else gettext("টেমপ্লেট")
        return f"{owner} — {self.title} {self.fiscal_year.label}"

    @property
    def is_template(self) -> bool:
        return self.office_id is None

    @property
    def targets_open_to_office(self) -> bool:
        """Whether the office's officer may still adjust this plan's targets."""
        return (
            self.template_id is not None
            and self.template.targets_adjustable
            and self.targets_approved_at is None
        )


class PerformanceArea(models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("কর্মপরিকল্পনা"), on_delete=models.CASCADE, related_name="areas"
    )
    number = models.PositiveSmallIntegerField(_("ক্রম"), validators=[MinValueValidator(1)])
    title = models.TextField(_("কর্মসম্পাদন ক্ষেত্র"))
    # Optional English text for the unsigned English rendition (the Bengali title stays official).
    title_en = models.TextField(_("ইংরেজি পাঠ"), blank=True, default="", db_default="")
    weight = models.DecimalField(_("মান"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("কর্মসম্পাদন ক্ষেত্র")
        verbose_name_plural = _("কর্মসম্পাদন ক্ষেত্রসমূহ")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="area_number_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return f"[{self.code}] {self.title}"

    @property
    def code(self) -> str:
        return bangla.to_bengali_digits(self.number)


class Activity(models.Model):
    area = models.ForeignKey(
        PerformanceArea,
        verbose_name=_("কর্মসম্পাদন ক্ষেত্র"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    number = models.PositiveSmallIntegerField(_("ক্রম"), validators=[MinValueValidator(1)])
    title = models.TextField(_("কার্যক্রম"))
    title_en = models.TextField(_("ইংরেজি পাঠ"), blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("কার্যক্রম")
        verbose_name_plural = _("কার্যক্রমসমূহ")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "number"], name="activity_number_unique_in_area"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.code}] {self.title}"

    @property
    def code(self) -> str:
        return bangla.to_bengali_digits(f"{self.area.number}.{self.number}")


class Indicator(models.Model):
    UNIT_CHOICES = [(scoring.DATE, _("তারিখ")), (scoring.PERCENT, "%"), (scoring.COUNT, _("সংখ্যা"))]
    CALCULATION_CHOICES = [
        (scoring.SUM, _("সমষ্টি")),
        (scoring.AVERAGE, _("গড়")),
        (scoring.CUMULATIVE, _("ক্রমপুঞ্জিভূত")),
        (scoring.DATE_METHOD, _("তারিখ")),
    ]
    # Tier targets are stored typed: a date column and a number column per tier,
    # only one of which is used according to the unit (a check constraint keeps it so).
    TIER_FIELDS = ("target_100", "target_90", "target_80", "target_70", "target_60")

    activity = models.ForeignKey(
        Activity, verbose_name=_("কার্যক্রম"), on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField(_("ক্রম"), validators=[MinValueValidator(1)])
    title = models.TextField(_("কর্মসম্পাদন সূচক"))
    title_en = models.TextField(_("ইংরেজি পাঠ"), blank=True, default="", db_default="")
    unit = models.CharField(_("একক"), max_length=10, choices=UNIT_CHOICES)
    # A count's own unit word, as the plan prints it (জন, টি, লক্ষ, হাজার কোটি টাকা); blank: the unit's
    # own name. A count in a unit of measure (not জন, টি or সংখ্যা) may have decimals.
    unit_label = models.CharField(
        _("এককের নাম"),
        max_length=40,
        blank=True,
        default="",
        db_default="",
        help_text=_("সংখ্যার নিজস্ব একক (যেমন জন, টি, লক্ষ টাকা); খালি রাখলে “সংখ্যা”।"),
    )
    weight = models.DecimalField(_("কর্মসম্পাদন সূচকের মান"), max_digits=6, decimal_places=2)
    calculation_method = models.CharField(
        _("গণনা পদ্ধতি"), max_length=12, choices=CALCULATION_CHOICES
    )

    target_100_date = models.DateField(_("অসাধারণ (তারিখ)"), null=True, blank=True)
    target_90_date = models.DateField(_("অতি উত্তম (তারিখ)"), null=True, blank=True)
    target_80_date = models.DateField(_("উত্তম (তারিখ)"), null=True, blank=True)
    target_70_date = models.DateField(_("চলতি মান (তারিখ)"), null=True, blank=True)
    target_60_date = models.DateField(_("চলতি মানের নিম্নে (তারিখ)"), null=True, blank=True)
    target_100_number = models.DecimalField(
        _("অসাধারণ"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_90_number = models.DecimalField(
        _("অতি উত্তম"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_80_number = models.DecimalField(
        _("উত্তম"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_70_number = models.DecimalField(
        _("চলতি মান"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_60_number = models.DecimalField(
        _("চলতি মানের নিম্নে"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Tiers whose target a file lost (bit k: tier k, best first): shown as unknown, and the indicator
    # scores nothing until an admin fills them in, rather than a made-up target.
    unknown_tiers = models.PositiveSmallIntegerField(_("অজানা লক্ষ্যমাত্রা"), default=0, db_default=0)
    # What an imported plan said beside the indicator that the form does not keep as data: the actual
    # achievements of earlier years and the projections of later ones (the APA form), one per line.
    notes = models.TextField(
        _("টীকা"),
        blank=True,
        default="",
        db_default="",
        help_text=_("যেমন আগের বছরগুলোর প্রকৃত অর্জন ও পরের বছরগুলোর প্রক্ষেপণ (আমদানি করা ফাইল থেকে)।"),
    )

    class Meta:
        verbose_name = _("কর্মসম্পাদন সূচক")
        verbose_name_plural = _("কর্মসম্পাদন সূচকসমূহ")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "number"], name="indicator_number_unique_in_activity"
            ),
            models.CheckConstraint(
                name="indicator_targets_typed_by_unit",
                condition=(
                    Q(
                        unit=scoring.DATE,
                        target_100_number__isnull=True,
                        target_90_number__isnull=True,
                        target_80_number__isnull=True,
                        target_70_number__isnull=True,
                        target_60_number__isnull=True,
                    )
                    | (
                        Q(
                            unit__in=[scoring.PERCENT, scoring.COUNT],
                            target_100_date__isnull=True,
                            target_90_date__isnull=True,
                            target_80_date__isnull=True,
                            target_70_date__isnull=True,
                            target_60_date__isnull=True,
                        )
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.code}] {self.title}"

    @property
    def code(self) -> str:
        activity = self.activity
        return bangla.to_bengali_digits(f"{activity.area.number}.{activity.number}.{self.number}")

    @property
    def is_date(self) -> bool:
        return self.unit == scoring.DATE

    def _target_field(self, tier_field: str) -> str:
        return f"{tier_field}_date" if self.is_date else f"{tier_field}_number"

    @property
    def targets(self) -> list[datetime.date | Decimal | None]:
        """The five tier targets, best first, typed by unit (None = blank)."""
        return [getattr(self, self._target_field(f)) for f in self.TIER_FIELDS]

    @property
    def unknown_tier_indexes(self) -> list[int]:
        return plan_rules.tier_indexes(self.unknown_tiers)

    @property
    def scored_targets(self) -> list[datetime.date | Decimal | None]:
        """The targets that scoring reads: none while any of them is unknown."""
        return [None] * len(self.TIER_FIELDS) if self.unknown_tiers else self.targets

    @property
    def unit_word(self) -> str:
        """The unit as the official form prints it (Bengali)."""
        return self.unit_label or plan_rules.UNIT_WORDS[self.unit]

    def set_targets(self, values) -> None:
        values = list(values)
        if len(values) != len(self.TIER_FIELDS):
            raise ValueError("five tier targets expected")
        for field, value in zip(self.TIER_FIELDS, values):
            setattr(self, f"{field}_date", value if self.is_date else None)
            setattr(self, f"{field}_number", None if self.is_date else value)
        # A tier given a target is known now (filled in by an admin or an office).
        self.unknown_tiers &= ~plan_rules.tier_bits(
            k for k, value in enumerate(values) if value is not None
        )


class Signatory(models.Model):
    """A signature block at the report's foot: a name and one to three lines."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("কর্মপরিকল্পনা"),
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    order = models.PositiveSmallIntegerField(_("ক্রম"))
    name = models.CharField(_("নাম"), max_length=200)
    line_1 = models.CharField(_("পদবি"), max_length=200)
    line_2 = models.CharField(_("দ্বিতীয় লাইন"), max_length=200, blank=True)
    line_3 = models.CharField(_("তৃতীয় লাইন"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("স্বাক্ষরকারী")
        verbose_name_plural = _("স্বাক্ষরকারীগণ")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"], name="signatory_order_unique_in_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.line_1, self.line_2, self.line_3) if line]


class PlanAmendment(models.Model):
    """A change to the structure, weights or targets of a plan that already has reports in review
    or approved: who made it, when, why, and what changed."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("কর্মপরিকল্পনা"),
        on_delete=models.CASCADE,
        related_name="amendments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("পরিবর্তনকারী"),
    )
    at = models.DateTimeField(_("সময়"), auto_now_add=True)
    reason = models.TextField(_("কারণ"))
    summary = models.TextField(_("যা পরিবর্তিত হয়েছে"))

    class Meta:
        verbose_name = _("কর্মপরিকল্পনা সংশোধন")
        verbose_name_plural = _("কর্মপরিকল্পনা সংশোধনসমূহ")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} — {self.at:%Y-%m-%d}"


class RolloutJob(models.Model):
    """One roll-out of a template asked for in the admin: what, where, and how far it got."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUS_CHOICES = [
        (QUEUED, _("অপেক্ষমাণ")),
        (RUNNING, _("চলছে")),
        (DONE, _("সম্পন্ন")),
        (FAILED, _("ব্যর্থ")),
    ]

    template = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="rollout_jobs", verbose_name=_("টেমপ্লেট")
    )
    under = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="+", verbose_name=_("যে দপ্তরের অধীনে")
    )
    tier = models.ForeignKey(
        OfficeTier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("শুধু এই স্তর"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("রোল-আউট")
        verbose_name_plural = _("রোল-আউটসমূহ")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.template} → {self.under}"


def plan_revised(
    *, plan_id: int | None = None, area_id: int | None = None, activity_id: int | None = None
) -> None:
    """The plan's structure, weights, targets or signatories changed: a new revision (one UPDATE)."""
    plans = ActionPlan.objects.all()
    if plan_id is not None:
        plans = plans.filter(pk=plan_id)
    elif area_id is not None:
        plans = plans.filter(areas=area_id)
    else:
        plans = plans.filter(areas__activities=activity_id)
    plans.update(revision=models.F("revision") + 1)


def _revise_plan_of(sender, instance, raw: bool = False, **kwargs) -> None:
    # Every write of a row of a plan's structure, whoever makes it (admin, import, carry-over,
    # target adjustment), passes here; bulk writes call plan_revised themselves. Loading rows as
    # they were (restore, fixtures: `raw`) restores the plan's revision with them.
    if raw:
        return
    if sender in (PerformanceArea, Signatory):
        plan_revised(plan_id=instance.plan_id)
    elif sender is Activity:
        plan_revised(area_id=instance.area_id)
    else:
        plan_revised(activity_id=instance.activity_id)


for _model in (PerformanceArea, Activity, Indicator, Signatory):
    models.signals.post_save.connect(
        _revise_plan_of, sender=_model, dispatch_uid=f"revise-plan-{_model.__name__}"
    )
    models.signals.post_delete.connect(
        _revise_plan_of, sender=_model, dispatch_uid=f"revise-plan-del-{_model.__name__}"
    )
