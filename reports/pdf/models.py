"""Signed PDFs of approved reports and year documents, the signing certificates, archive timestamps."""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_plan import i18n
from reports.quarters.models import QuarterlyReport


def new_verification_token() -> str:
    """The secret in a signed PDF's verification link: 192 random bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


def signed_document_path(instance: "SignedDocument", filename: str) -> str:
    if instance.report_id is None:  # a half-yearly or annual self-assessment
        return f"signed/{instance.assessment.plan_id}/{instance.assessment.kind}/{uuid.uuid4().hex}.pdf"
    return f"signed/{instance.report.plan_id}/{instance.report.quarter}/{uuid.uuid4().hex}.pdf"


class SignedDocument(models.Model):
    """The signed PDF of one approved revision: produced once, then served from storage. Of a
    quarterly report, or (report empty) of a half-yearly or annual self-assessment."""

    report = models.ForeignKey(
        QuarterlyReport,
        on_delete=models.PROTECT,
        related_name="signed_documents",
        null=True,
        blank=True,
    )
    assessment = models.ForeignKey(
        "reports.Assessment",
        on_delete=models.PROTECT,
        related_name="signed_documents",
        null=True,
        blank=True,
    )
    revision = models.PositiveIntegerField()
    file = models.FileField(upload_to=signed_document_path, max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    # Printed in the PDF's verification link (QR code): only a holder of the PDF knows it.
    token = models.CharField(
        max_length=32, unique=True, default=new_verification_token, editable=False
    )
    approved_by = models.CharField(max_length=200, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(auto_now_add=True)
    # Long-term validation: the PAdES level of the stored file (B-B … B-LTA), and when the
    # certificate of its newest timestamp expires (empty for B-B): the archive renewal selects
    # the documents due with one indexed range query on it.
    level = models.CharField(max_length=8, blank=True)
    archive_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("স্বাক্ষরিত প্রতিবেদন")
        verbose_name_plural = _("স্বাক্ষরিত প্রতিবেদনসমূহ")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "revision"], name="one_signed_pdf_per_revision"
            ),
            models.UniqueConstraint(
                fields=["assessment", "revision"], name="one_signed_assessment_per_revision"
            ),
            models.CheckConstraint(
                name="signed_document_of_one_thing",
                condition=Q(report__isnull=True, assessment__isnull=False)
                | Q(report__isnull=False, assessment__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return gettext("{subject} — সংশোধন {revision}").format(
            subject=self.subject, revision=self.revision
        )

    @property
    def subject(self):
        """What was signed: the quarterly report or the self-assessment."""
        return self.report if self.report_id is not None else self.assessment

    @property
    def plan(self):
        return self.subject.plan

    @property
    def label(self) -> str:
        """What the document is, for /verify/: '… নং ত্রৈমাসিক' or the self-assessment's name."""
        if self.report_id is not None:
            return gettext("{number} নং ত্রৈমাসিক").format(
                number=i18n.bengali_digits(self.report.quarter)
            )
        return self.assessment.get_kind_display()


class SigningCertificate(models.Model):
    """Every certificate that ever signed a report: a PDF is checked against the one that signed it.

    Only the public certificate is kept (DER), so that earlier PDFs still verify
    after the signing key is rotated.
    """

    fingerprint = models.CharField(_("SHA-256 আঙুলছাপ"), max_length=64, unique=True)
    subject = models.CharField(_("বিষয়"), max_length=500)
    not_before = models.DateTimeField(_("বৈধতা শুরু"))
    not_after = models.DateTimeField(_("বৈধতা শেষ"))
    der = models.BinaryField()
    first_used_at = models.DateTimeField(_("প্রথম ব্যবহার"), auto_now_add=True)
    # The root certificates (PEM) its chain, and its timestamps', were validated against when it
    # signed with a time-stamping authority: a timestamped PDF is verified against these.
    trust_roots_pem = models.TextField(blank=True)

    class Meta:
        ordering = ["first_used_at", "pk"]
        verbose_name = _("স্বাক্ষর সনদ")
        verbose_name_plural = _("স্বাক্ষর সনদসমূহ")

    def __str__(self) -> str:
        return f"{self.subject} ({self.fingerprint[:16]}…)"


class ArchiveTimestamp(models.Model):
    """A document timestamp added to a stored signed PDF (renew_archive_timestamps): the file's
    hash before it, so that a copy handed out earlier is still recognised by /verify/."""

    document = models.ForeignKey(
        SignedDocument, on_delete=models.CASCADE, related_name="archive_timestamps"
    )
    sha256_before = models.CharField(max_length=64, db_index=True)
    expires_before = models.DateTimeField(null=True, blank=True)
    expires_after = models.DateTimeField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("আর্কাইভ টাইমস্ট্যাম্প")
        verbose_name_plural = _("আর্কাইভ টাইমস্ট্যাম্পসমূহ")
