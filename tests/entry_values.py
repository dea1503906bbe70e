"""Values an officer might type for every indicator of a plan, different in each round."""

import datetime

from egov_plan.core import bangla, scoring
from egov_plan.plans.models import Indicator


def typed_value(unit: str, start_year: int, round_: int) -> str:
    """A valid value for `unit` in any quarter that differs from the previous round's (Bengali digits)."""
    if unit == scoring.DATE:
        return bangla.format_date(
            datetime.date(start_year, 7, 1) + datetime.timedelta(days=round_ % 90)
        )
    if unit == scoring.PERCENT:
        return bangla.to_bengali_digits(f"{round_ % 100}%")
    return bangla.to_bengali_digits(round_ % 1000)


def save_data(page_data: dict[str, str], plan, *, round_: int) -> dict[str, str]:
    """The entry form as the page gave it, with every value changed, and the save button."""
    data = dict(page_data)
    for pk, unit in Indicator.objects.filter(activity__area__plan=plan).values_list("pk", "unit"):
        data[f"value_{pk}"] = typed_value(unit, plan.fiscal_year.start_year, round_)
    data["action"] = "save"
    return data
