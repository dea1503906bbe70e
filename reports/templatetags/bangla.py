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


@register.filter
def quarter_ordinal(value) -> str:
    return bangla.QUARTER_ORDINALS.get(value, "")


@register.filter
def get(mapping, key):
    """mapping[key] in a template (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def sub(value, other):
    return float(value) - float(other)


@register.filter
def drop_param(query: str, name: str) -> str:
    """A query string without one parameter (to set it anew after it)."""
    from urllib.parse import parse_qsl, urlencode

    return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in (name, "page")])


@register.filter
def conflict_side(conflict, side: str) -> str:
    """One side ("yours" or "theirs") of an edit conflict, as the page prints that field."""
    from reports.selectors import format_value

    value = getattr(conflict, side)
    if conflict.field == "remarks":
        return value or "(খালি)"
    return format_value(conflict.indicator.unit, value, bangla.NOT_REPORTED)
