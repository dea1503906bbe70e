"""Quarterly reports of an action plan and the achievements they record."""

import datetime
import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from egov_plan.core import bangla, fiscal
from egov_plan.plans.models import ActionPlan, Indicator
from reports import workflow


class QuarterlyReport(models.Model):
    # The states and the rules of its workflow: reports/workflow.py.
    DRAFT, SUBMITTED, RETURNED, APPROVED = workflow.STATES
    STATUS_CHOICES = workflow.STATUS_CHOICES
    flow = workflow.QUARTERLY

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="reports")
    quarter = models.PositiveSmallIntegerField(
        _("ত্রৈমাসিক"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(_("অবস্থা"), max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    # Bumped by every save of values and every transition; a page carries the
    # version it was rendered from, and a save from an older one is refused.
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("দাখিলের সময়"), null=True, blank=True)
    # The first submission ever: whether the report was late (reports/calendar/deadlines.py), kept in a column
    # so that the dashboard tells late from on time for thousands of offices without a subquery.
    first_submitted_at = models.DateTimeField(
        _("প্রথম দাখিলের সময়"), null=True, blank=True, editable=False
    )
    # How many times it has been approved: each approval is a new revision with its own PDF.
    revision = models.PositiveIntegerField(_("সংশোধন"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # The last change of values or status, and the marks to date (quarters 1..n rolled up),
    # kept here so that dashboards sort, filter and chart thousands of offices in the database.
    updated_at = models.DateTimeField(_("সর্বশেষ পরিবর্তন"), auto_now=True)
    score = models.DecimalField(
        _("এ পর্যন্ত প্রাপ্ত নম্বর"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("ত্রৈমাসিক প্রতিবেদন")
        verbose_name_plural = _("ত্রৈমাসিক প্রতিবেদনসমূহ")
        ordering = ["plan", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="one_report_per_plan_quarter"),
            models.CheckConstraint(
                name="report_quarter_1_to_4", condition=Q(quarter__gte=1, quarter__lte=4)
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="report_status_submitted")]

    def __str__(self) -> str:
        return gettext("{plan} — {ordinal} ত্রৈমাসিক").format(
            plan=self.plan, ordinal=gettext(bangla.QUARTER_ORDINALS[self.quarter])
        )

    @property
    def reference(self) -> str:
        """The report's reference number, printed on the PDF and used by /verify/."""
        return f"{self.plan_id}-{self.plan.fiscal_year.start_year}-{self.quarter}"

    @property
    def period_start(self) -> datetime.date:
        return fiscal.quarter_start(self.plan.fiscal_year.start_year, self.quarter)

    @property
    def period_end(self) -> datetime.date:
        return fiscal.quarter_end(self.plan.fiscal_year.start_year, self.quarter)


class Achievement(models.Model):
    """What an office achieved on one indicator in one quarter (the quarter's own value)."""

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="achievements"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="achievements")
    value_date = models.DateField(_("অর্জন (তারিখ)"), null=True, blank=True)
    value_number = models.DecimalField(
        _("অর্জন"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    remarks = models.TextField(_("মন্তব্য"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The report version this value was last written in (to tell a stale page what changed).
    updated_in_version = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=["updated_at", "updated_in_version"])

    class Meta:
        verbose_name = _("অর্জন")
        verbose_name_plural = _("অর্জনসমূহ")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="one_achievement_per_report_indicator"
            ),
            models.CheckConstraint(
                name="achievement_one_typed_value",
                condition=Q(value_date__isnull=True) | Q(value_number__isnull=True),
            ),
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


class ReportTransition(models.Model):
    """One step of the workflow: who moved the report from which status to which, and why."""

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="transitions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=10, choices=QuarterlyReport.STATUS_CHOICES)
    to_status = models.CharField(max_length=10, choices=QuarterlyReport.STATUS_CHOICES)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("অবস্থা পরিবর্তন")
        verbose_name_plural = _("অবস্থা পরিবর্তনসমূহ")


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Generated names: the uploader's file name never reaches the file system.
    suffix = PurePosixPath(filename).suffix
    return (
        f"evidence/{instance.report.plan_id}/{instance.report.quarter}/{uuid.uuid4().hex}{suffix}"
    )


class Evidence(models.Model):
    """A file (প্রমাণক) that backs an achievement."""

    KINDS = {
        "pdf": ("application/pdf", ".pdf"),
        "jpeg": ("image/jpeg", ".jpg"),
        "png": ("image/png", ".png"),
        "docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    }

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=[(k, k) for k in KINDS])
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("প্রমাণক")
        verbose_name_plural = _("প্রমাণকসমূহ")

    def __str__(self) -> str:
        return self.original_name

    @property
    def content_type(self) -> str:
        return self.KINDS[self.kind][0]

    @property
    def download_name(self) -> str:
        """The uploader's name with the extension of the type read from the content."""
        stem = PurePosixPath(self.original_name.replace("\\", "/")).stem.strip() or "evidence"
        return stem + self.KINDS[self.kind][1]


class SaveKey(models.Model):
    """An entry-page save already applied: the idempotency key its page sent, and the answer it got.

    A phone that lost the answer to a save sends it again with the same key, and gets the first
    answer instead of a second save (reports/quarters/save_keys.py); kept until `expires_at`, then purged."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(
        default=0
    )  # the first answer's HTTP status; 0 while in progress
    location = models.CharField(
        max_length=500, blank=True
    )  # where the first answer sent the browser
    messages = models.JSONField(default=list, blank=True)  # its messages: [[level, text], …]
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="save_key_once_per_user")
        ]
        verbose_name = _("সংরক্ষণের চাবি")
        verbose_name_plural = _("সংরক্ষণের চাবিসমূহ")
