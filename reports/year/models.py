"""The half-yearly self-assessment and the annual self-assessment with its evaluation (issue #9).
Imported by reports/models.py so that Django registers the models; the rules are in
reports/year/services.py, those of the workflow in reports/workflow.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov_plan.plans.models import ActionPlan, Indicator
from reports import workflow


class Assessment(models.Model):
    """One office's half-yearly self-assessment, or its annual self-assessment and the office
    above's evaluation of it, for one plan. The achievements are the quarters' (rolled up to
    quarter 2 or 4 by each indicator's calculation method); what the document adds is a short
    narrative per area, the workflow, and for the year the evaluated achievements."""

    HALF_YEAR = "half_year"
    ANNUAL = "annual"
    KIND_CHOICES = [(HALF_YEAR, _("অর্ধবার্ষিক স্ব-মূল্যায়ন")), (ANNUAL, _("বার্ষিক মূল্যায়ন"))]
    # The quarter whose achievements to date the document reports.
    LAST_QUARTER = {HALF_YEAR: 2, ANNUAL: 4}

    # The states and the rules of its workflow: reports/workflow.py.
    DRAFT, SUBMITTED, RETURNED, APPROVED = workflow.STATES
    STATUS_CHOICES = workflow.STATUS_CHOICES

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("ধরন"), max_length=10, choices=KIND_CHOICES)
    status = models.CharField(_("অবস্থা"), max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    version = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(_("সংশোধন"), default=0)
    submitted_at = models.DateTimeField(_("দাখিলের সময়"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(
        _("প্রথম দাখিলের সময়"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("সর্বশেষ পরিবর্তন"), auto_now=True)
    # Per performance area (its id as a string): {"done": …, "obstacles": …}.
    narratives = models.JSONField(_("বিবরণ"), default=dict, blank=True)
    # Marks: the self-assessed total (the quarters' marks to date), the evaluated total (annual), and
    # the total the sibling ranking uses, stored so that ranking never recomputes a plan: set from
    # the first submission on (the self-assessed total), the evaluated total once approved.
    reported_total = models.DecimalField(
        _("স্ব-মূল্যায়িত নম্বর"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    evaluated_total = models.DecimalField(
        _("মূল্যায়িত নম্বর"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    ranking_total = models.DecimalField(
        _("ক্রম নির্ধারণের নম্বর"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("স্ব-মূল্যায়ন")
        verbose_name_plural = _("স্ব-মূল্যায়নসমূহ")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="one_assessment_per_plan_kind")
        ]
        indexes = [
            models.Index(fields=["kind", "ranking_total"], name="assessment_kind_ranking"),
            models.Index(fields=["status", "submitted_at"], name="assessment_status_submitted"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.get_kind_display()}"

    @classmethod
    def year_final(cls, plan_ref) -> models.QuerySet:
        """The plan's approved annual evaluation, if any: while it exists the year is final.
        `plan_ref`: a plan id, or OuterRef("pk") inside a query of plans."""
        return cls.objects.filter(plan_id=plan_ref, kind=cls.ANNUAL, status=cls.APPROVED)

    @classmethod
    def year_final_sql(cls, plan_column: str) -> str:
        """`year_final` as an SQL condition on the plan whose id is `plan_column` (for egov_plan.rowsql)."""
        from egov_plan.rowsql import column, table

        return (
            f"EXISTS (SELECT 1 FROM {table(cls)} a WHERE {column(cls, 'a', 'plan')} = {plan_column}"
            f" AND {column(cls, 'a', 'kind')} = '{cls.ANNUAL}' AND {column(cls, 'a', 'status')} = '{cls.APPROVED}')"
        )

    @property
    def flow(self) -> workflow.Flow:
        return workflow.ANNUAL if self.kind == self.ANNUAL else workflow.HALF_YEAR

    @property
    def is_annual(self) -> bool:
        return self.kind == self.ANNUAL

    @property
    def reference(self) -> str:
        """Printed on the PDF: the plan, the year, and H (half-year) or A (annual)."""
        return f"{self.plan_id}-{self.plan.fiscal_year.start_year}-{'H' if self.kind == self.HALF_YEAR else 'A'}"


class Evaluation(models.Model):
    """The evaluator's achievement for one indicator of an annual self-assessment, where it differs
    from the reported one, and why (mandatory)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evaluations")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    value_date = models.DateField(_("মূল্যায়িত অর্জন (তারিখ)"), null=True, blank=True)
    value_number = models.DecimalField(
        _("মূল্যায়িত অর্জন"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("মূল্যায়নকারীর মন্তব্য"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("মূল্যায়িত অর্জন")
        verbose_name_plural = _("মূল্যায়িত অর্জনসমূহ")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="one_evaluation_per_indicator"
            ),
            models.CheckConstraint(
                name="evaluation_one_typed_value",
                condition=Q(value_date__isnull=True) | Q(value_number__isnull=True),
            ),
        ]

    @property
    def value(self):
        return self.value_date if self.value_date is not None else self.value_number


class AssessmentTransition(models.Model):
    """One step of a self-assessment's workflow (who, when, from, to, why)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=10, choices=Assessment.STATUS_CHOICES)
    to_status = models.CharField(max_length=10, choices=Assessment.STATUS_CHOICES)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("স্ব-মূল্যায়নের অবস্থা পরিবর্তন")
        verbose_name_plural = _("স্ব-মূল্যায়নের অবস্থা পরিবর্তনসমূহ")
