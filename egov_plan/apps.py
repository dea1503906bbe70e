from django.apps import AppConfig


class EgovPlanConfig(AppConfig):
    name = "egov_plan"
    verbose_name = "কর্মপরিকল্পনা"
    default_auto_field = "django.db.models.BigAutoField"
