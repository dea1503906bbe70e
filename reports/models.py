"""Quarterly reports of an action plan and the achievements they record."""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from egov_plan import bangla, fiscal
from egov_plan.models import ActionPlan, Indicator


class QuarterlyReport(models.Model):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    STATUS_CHOICES = [
        (DRAFT, "খসড়া"),
        (SUBMITTED, "দাখিলকৃত"),
        (RETURNED, "ফেরতপ্রাপ্ত"),
        (APPROVED, "অনুমোদিত"),
    ]

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="reports")
    quarter = models.PositiveSmallIntegerField(
        "ত্রৈমাসিক", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField("অবস্থা", max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ত্রৈমাসিক প্রতিবেদন"
        verbose_name_plural = "ত্রৈমাসিক প্রতিবেদনসমূহ"
        ordering = ["plan", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="one_report_per_plan_quarter"),
            models.CheckConstraint(name="report_quarter_1_to_4",
                                   condition=Q(quarter__gte=1, quarter__lte=4)),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {bangla.QUARTER_ORDINALS[self.quarter]} ত্রৈমাসিক"

    @property
    def period_start(self) -> datetime.date:
        return fiscal.quarter_start(self.plan.fiscal_year.start_year, self.quarter)

    @property
    def period_end(self) -> datetime.date:
        return fiscal.quarter_end(self.plan.fiscal_year.start_year, self.quarter)


class Achievement(models.Model):
    """What an office achieved on one indicator in one quarter (the quarter's own value)."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE,
                               related_name="achievements")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE,
                                  related_name="achievements")
    value_date = models.DateField("অর্জন (তারিখ)", null=True, blank=True)
    value_number = models.DecimalField("অর্জন", max_digits=12, decimal_places=2,
                                       null=True, blank=True)
    remarks = models.TextField("মন্তব্য", blank=True)

    class Meta:
        verbose_name = "অর্জন"
        verbose_name_plural = "অর্জনসমূহ"
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"],
                                    name="one_achievement_per_report_indicator"),
            models.CheckConstraint(name="achievement_one_typed_value",
                                   condition=Q(value_date__isnull=True) | Q(value_number__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"

    @property
    def value(self) -> datetime.date | Decimal | None:
        return self.value_date if self.value_date is not None else self.value_number

    def set_value(self, value: datetime.date | Decimal | None) -> None:
        is_date = isinstance(value, datetime.date)
        self.value_date = value if is_date else None
        self.value_number = None if is_date else value
