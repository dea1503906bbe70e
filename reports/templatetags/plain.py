"""Filters of the plain templates (templates/reports/plain/): what the fast renderers
(reports/fast/) compute in Python, for the templates that the equivalence tests hold them to."""

from django import template

from egov_plan.core import bangla, scoring
from egov_plan.i18n import digits
from reports.quarters import selectors

register = template.Library()


@register.filter
def shown_target(text: str) -> str:
    return selectors.shown_target(text)


@register.filter
def tier_targets(targets) -> list[tuple[str, str]]:
    """Each of a row's five targets after its tier's percent, in the page's digits."""
    return [
        (digits(bangla.format_percent(percent)), target)
        for percent, target in zip(scoring.TIER_PERCENTS, targets)
    ]


@register.filter
def uploader(item) -> str:
    """Who uploaded an evidence file, with the office they acted for then (set by the view)."""
    return selectors.acted_by(item.uploaded_by, getattr(item, "acting_office", None))
