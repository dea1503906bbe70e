"""django-axes under a Bengali name (its own AppConfig calls itself "Axes" in the admin); listed in
INSTALLED_APPS in place of "axes". A module of its own, so that egov_plan.apps keeps one AppConfig."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy


class AxesConfig(AppConfig):
    verbose_name = gettext_lazy("লগ ইন সুরক্ষা")
