from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EgovPlanConfig(AppConfig):
    name = "egov_plan"
    verbose_name = _("কর্মপরিকল্পনা")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from egov_plan.accounts import admin as account_admin  # noqa: F401  (people: whose session is whose, at login)

        account_admin.register()  # the users' admin with profiles and the import from a file
