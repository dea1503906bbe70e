from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "ত্রৈমাসিক প্রতিবেদন"
    default_auto_field = "django.db.models.BigAutoField"
