"""The office tree: tiers and offices, from ministries down to upazila offices."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from egov_plan.active_language import english


class OfficeTier(models.Model):
    """A level of the administration (ministry/division, department/agency, divisional, district,
    upazila, …): admin-configured; `code` is what import files name."""

    code = models.SlugField(_("সংকেত"), max_length=20, unique=True)
    name = models.CharField(_("নাম"), max_length=100)
    name_en = models.CharField(
        _("ইংরেজি নাম"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text=_("ইংরেজি ইন্টারফেসে দেখানো হয়; খালি রাখলে বাংলা নাম।"),
    )
    order = models.PositiveSmallIntegerField(_("ক্রম"), default=0)

    class Meta:
        verbose_name = _("দপ্তরের স্তর")
        verbose_name_plural = _("দপ্তরের স্তরসমূহ")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the interface's language: the English name under English, where there is one."""
        return self.name_en if self.name_en and english() else self.name


class Office(MP_Node):
    """An office in the national tree (materialised path: every office under X is one indexed
    prefix query on `path`). Names repeat across the country; the code is the identity."""

    code = models.CharField(_("দপ্তর কোড"), max_length=40, unique=True)
    name = models.CharField(_("নাম"), max_length=200)
    location = models.CharField(_("অবস্থান"), max_length=200, blank=True)
    tier = models.ForeignKey(
        OfficeTier, verbose_name=_("স্তর"), on_delete=models.PROTECT, related_name="offices"
    )

    node_order_by: list[str] = []  # children keep the order they were added in

    class Meta:
        verbose_name = _("দপ্তর")
        verbose_name_plural = _("দপ্তরসমূহ")
        ordering = ["path"]
        indexes = [models.Index(fields=["tier", "path"], name="office_tier_path")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Name and location together: many offices share a name."""
        return f"{self.name}, {self.location}" if self.location else self.name

    def is_under(self, other: "Office") -> bool:
        """Whether this office lies below `other` (at any depth)."""
        return self.path.startswith(other.path) and self.depth > other.depth
