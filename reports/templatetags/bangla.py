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
