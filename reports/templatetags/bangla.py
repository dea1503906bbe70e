"""Numbers and dates as the page's language prints them: Bengali digits (০–৯), or Latin digits
where the interface is English. The official table is rendered inside {% language "bn" %}, so
it keeps Bengali digits whatever the reader's interface language."""

from django import template
from django.utils.translation import gettext as _

from egov_plan import i18n
from egov_plan.core import bangla
from egov_plan.i18n import digits
from reports.fast.table_html import table_body_html

register = template.Library()
register.filter("digits", digits)
register.filter("content_title", i18n.content_title)
register.filter("table_title", i18n.title_line)
register.filter("table_fiscal_year", i18n.fiscal_year_label)
register.filter("table_period_to_date", i18n.period_to_date)


@register.simple_tag
def table_body(table, show_scores) -> str:
    """The official table's row groups (reports/fast/table_html.py)."""
    return table_body_html(table, show_scores=bool(show_scores))


@register.filter
def tier_label(row) -> str:
    return i18n.tier_label(row.tier_percent)


@register.filter
def bn(value) -> str:
    """Any value with Bengali digits (Latin ones in English)."""
    return digits(bangla.to_bengali_digits("" if value is None else value))


@register.filter
def bn_number(value) -> str:
    return digits(bangla.format_number(value))


@register.filter
def bn_score(value) -> str:
    return digits(bangla.format_score(value))


@register.filter
def bn_date(value) -> str:
    return digits(bangla.format_date(value))


@register.filter
def bn_datetime(value) -> str:
    """Local (Asia/Dhaka) date and time: ২৪/১১/২৬ ১০:৩০"""
    if value is None:
        return ""
    from django.utils.timezone import localtime

    return digits(bangla.to_bengali_digits(localtime(value).strftime("%d/%m/%y %H:%M")))


@register.filter
def display_name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def achievement_value(achievement) -> str:
    """An achievement's value as the report prints it (৩০%, ১২/০৮/২২, ২ or -----)."""
    from reports.quarters.selectors import format_value

    return digits(format_value(achievement.indicator.unit, achievement.value, bangla.NOT_REPORTED))


@register.filter
def quarter_ordinal(value) -> str:
    return i18n.quarter_ordinal(value)


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

    return urlencode(
        [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in (name, "page")]
    )


@register.filter
def conflict_side(conflict, side: str) -> str:
    """One side ("yours" or "theirs") of an edit conflict, as the page prints that field."""
    from reports.quarters.selectors import format_value

    value = getattr(conflict, side)
    if conflict.field == "remarks":
        return value or _("(খালি)")
    return digits(format_value(conflict.indicator.unit, value, bangla.NOT_REPORTED))
