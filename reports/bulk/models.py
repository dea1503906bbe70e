"""Bulk print jobs: many approved reports of an office tree in one zip."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def bulk_print_path(instance: "BulkPrintJob", filename: str) -> str:
    return f"bulk/{instance.pk}.zip"


class BulkPrintJob(models.Model):
    """A reviewer's request for one quarter's signed PDFs of every office under an office.

    A background task signs what is not signed yet and writes a zip (the PDFs and an index
    sheet); the zip is downloadable by the requester alone until `expires_at`.
    """

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUS_CHOICES = [
        (PENDING, _("অপেক্ষমাণ")),
        (RUNNING, _("চলছে")),
        (DONE, _("সম্পন্ন")),
        (FAILED, _("ব্যর্থ")),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    root_office = models.ForeignKey("egov_plan.Office", on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    total = models.PositiveIntegerField(default=0)  # reports to put in the zip
    done = models.PositiveIntegerField(default=0)  # of which signed and ready
    file = models.FileField(upload_to=bulk_print_path, max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("একত্রে মুদ্রণ")
        verbose_name_plural = _("একত্রে মুদ্রণসমূহ")

    def __str__(self) -> str:
        return f"{self.root_office_id} {self.start_year} Q{self.quarter} ({self.status})"
