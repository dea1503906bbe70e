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
