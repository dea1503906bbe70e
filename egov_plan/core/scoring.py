"""Scoring of APA indicators: tiers, step and linear scores, quarterly roll-up.

Pure functions, no Django. Values are `datetime.date` for date indicators and
`Decimal` (or int) for percent and count indicators; `None` means blank/unreported.

Rules (shared/DESIGN.md):
- For dates earlier is better; for percent and count higher is better.
- The tier reached is the highest tier whose target is defined and met.
  Blank tiers are skipped; below the lowest defined tier there is no tier.
- step: score = weight × tier %.  linear: interpolate the percentage between
  the two defined tiers the value lies between (dates by day count); at or
  beyond the highest defined tier, that tier's percentage (100 % when the
  100 % tier is set).
- The achievement to date rolls quarterly values up by the calculation method.
"""

import datetime
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

DATE = "date"
PERCENT = "percent"
COUNT = "count"
UNITS = (DATE, PERCENT, COUNT)

STEP = "step"
LINEAR = "linear"
SCORING_METHODS = (STEP, LINEAR)

SUM = "sum"
AVERAGE = "average"
CUMULATIVE = "cumulative"
DATE_METHOD = "date"
CALCULATION_METHODS = (SUM, AVERAGE, CUMULATIVE, DATE_METHOD)

DEFAULT_CALCULATION = {DATE: DATE_METHOD, COUNT: SUM, PERCENT: AVERAGE}

# The five tiers, best first: অসাধারণ, অতি উত্তম, উত্তম, চলতি মান, চলতি মানের নিম্নে.
TIER_PERCENTS = (100, 90, 80, 70, 60)

CENT = Decimal("0.01")

Value = datetime.date | Decimal | int


def meets(unit: str, value: Value, target: Value) -> bool:
    """Whether `value` is at least as good as `target`."""
    return value <= target if unit == DATE else value >= target


def _defined(targets: Sequence[Value | None]) -> list[tuple[int, Value]]:
    if len(targets) != len(TIER_PERCENTS):
        raise ValueError("an indicator has exactly five tier targets")
    return [(pct, t) for pct, t in zip(TIER_PERCENTS, targets) if t is not None]


def tier_reached(unit: str, targets: Sequence[Value | None], value: Value | None) -> int | None:
    """The percent of the highest defined tier met, or None."""
    if value is None:
        return None
    for pct, target in _defined(targets):
        if meets(unit, value, target):
            return pct
    return None


def _as_number(value: Value) -> Decimal:
    if isinstance(value, datetime.date):
        return Decimal(value.toordinal())
    return Decimal(value)


def score_percent(
    unit: str, targets: Sequence[Value | None], value: Value | None, method: str = STEP
) -> Decimal:
    """The percentage (0–100) of the indicator weight earned by `value`."""
    if method not in SCORING_METHODS:
        raise ValueError(f"unknown scoring method {method!r}")
    tier = tier_reached(unit, targets, value)
    if tier is None:
        return Decimal(0)
    defined = _defined(targets)
    if method == STEP or tier == defined[0][0]:
        return Decimal(tier)
    # Linear: the value lies between the tier it met and the next better defined tier.
    index = [pct for pct, _ in defined].index(tier)
    better_pct, better_target = defined[index - 1]
    met_target = defined[index][1]
    span = _as_number(better_target) - _as_number(met_target)
    if span == 0:
        return Decimal(tier)
    fraction = (_as_number(value) - _as_number(met_target)) / span
    return Decimal(tier) + (better_pct - tier) * fraction


def indicator_score(
    *,
    unit: str,
    weight: Decimal | int,
    targets: Sequence[Value | None],
    value: Value | None,
    method: str = STEP,
) -> Decimal:
    """weight × percentage, rounded to the two decimals the report prints."""
    percent = score_percent(unit, targets, value, method)
    return (Decimal(weight) * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def roll_up(calculation: str, values: Iterable[Value | None]) -> Value | None:
    """The achievement to date from quarterly values (in quarter order; None = not reported).

    sum: total; average: mean of the reported quarters; cumulative: the latest
    reported value; date: the earliest reported date (when it was done).
    """
    reported = [v for v in values if v is not None]
    if not reported:
        return None
    if calculation == SUM:
        return sum(reported, Decimal(0))
    if calculation == AVERAGE:
        mean = sum((Decimal(v) for v in reported), Decimal(0)) / len(reported)
        return mean.quantize(CENT, rounding=ROUND_HALF_UP)
    if calculation == CUMULATIVE:
        return reported[-1]
    if calculation == DATE_METHOD:
        return min(reported)
    raise ValueError(f"unknown calculation method {calculation!r}")


def total(scores: Iterable[Decimal]) -> Decimal:
    return sum(scores, Decimal(0)).quantize(CENT)


def quarter_value_for(
    calculation: str, previous: list[Value | None], to_date: Value | None
) -> Value | None:
    """The inverse of `roll_up`: the value this quarter must have so that the achievement to date
    (rolled up over `previous` and it) is `to_date`. None where nothing new is needed.
    Raises ValueError where no value can give that achievement to date."""
    before = roll_up(calculation, previous)
    if to_date is None or to_date == before:
        if to_date != before:
            raise ValueError("earlier quarters already report an achievement")
        return None
    reported = [v for v in previous if v is not None]
    if calculation == SUM:
        value = to_date - sum(reported, Decimal(0))
    elif calculation == AVERAGE:
        value = Decimal(to_date) * (len(reported) + 1) - sum(
            (Decimal(v) for v in reported), Decimal(0)
        )
    else:  # cumulative and date: the latest value, or an earlier date, stands as it is
        value = to_date
    if isinstance(value, Decimal) and value < 0:
        raise ValueError("the achievement to date is lower than the earlier quarters' already")
    if roll_up(calculation, [*previous, value]) != to_date:
        raise ValueError("no value for this quarter gives that achievement to date")
    return value
