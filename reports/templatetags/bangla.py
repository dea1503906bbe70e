from django import template

from egov_plan import bangla

register = template.Library()


@register.filter
def bn(value) -> str:
    """Any value with Bengali digits."""
    return bangla.to_bengali_digits("" if value is None else value)


@register.filter
def bn_number(value) -> str:
    return bangla.format_number(value)


@register.filter
def bn_score(value) -> str:
    return bangla.format_score(value)


@register.filter
def bn_date(value) -> str:
    return bangla.format_date(value)


@register.filter
def bn_datetime(value) -> str:
    """Local (Asia/Dhaka) date and time: ২৪/১১/২৬ ১০:৩০"""
    if value is None:
        return ""
    from django.utils.timezone import localtime

    return bangla.to_bengali_digits(localtime(value).strftime("%d/%m/%y %H:%M"))


@register.filter
def display_name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def achievement_value(achievement) -> str:
    """An achievement's value as the report prints it (৩০%, ১২/০৮/২২, ২ or -----)."""
    from reports.selectors import format_value

    return format_value(achievement.indicator.unit, achievement.value, bangla.NOT_REPORTED)
