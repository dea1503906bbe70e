from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _signing_subject() -> str | None:
    from reports.pdf.signing import installed_subject  # pyHanko loads only when asked

    return installed_subject()


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("ত্রৈমাসিক প্রতিবেদন")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from egov_plan import production

        production.signing_subject_reader = _signing_subject
