"""What the app keeps about a person beside Django's user: the mobile number and designation that
the user import (egov_plan/user_import.py) brings. One row per user, created by the import (and
absent for users made by hand), so nothing else has to know about it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile",
                                verbose_name=_("ব্যবহারকারী"))
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("ব্যবহারকারী"))
    name = models.CharField(_("নাম"), max_length=100)
    scope = models.CharField(_("অনুমতি"), max_length=5, choices=SCOPE_CHOICES, default=READ)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)  # hex SHA-256 of the token
    prefix = models.CharField(_("শুরুর অক্ষর"), max_length=12, editable=False)  # to tell one's tokens apart
    created_at = models.DateTimeField(_("তৈরির সময়"), auto_now_add=True)
    expires_at = models.DateTimeField(_("মেয়াদ শেষ"))
    revoked_at = models.DateTimeField(_("বাতিলের সময়"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("সর্বশেষ ব্যবহার"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("এপিআই টোকেন")
        verbose_name_plural = _("এপিআই টোকেনসমূহ")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
