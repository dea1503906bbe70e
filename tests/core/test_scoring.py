"""Scoring rules of shared/DESIGN.md, table-driven. No database."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov_plan.core import scoring
from egov_plan.core.scoring import (
    AVERAGE,
    COUNT,
    CUMULATIVE,
    DATE,
    DATE_METHOD,
    LINEAR,
    PERCENT,
    STEP,
    SUM,
)

# Seed indicators: [১.১.১] dates, [১.৩.১] percent, [২.১.১] count with blank tiers.
DATE_TARGETS = [
    dt.date(2023, 5, 4),
    dt.date(2023, 5, 11),
    dt.date(2023, 5, 18),
    dt.date(2023, 5, 25),
    dt.date(2023, 5, 31),
]
PERCENT_TARGETS = [D(85), D(80), D(75), D(70), D(60)]
COUNT_TARGETS = [D(4), D(3), None, D(2), None]
TWO_DATE_TIERS = [dt.date(2023, 5, 31), dt.date(2023, 6, 30), None, None, None]  # [২.২.৫]


@pytest.mark.parametrize(
    "unit, targets, value, tier",
    [
        # dates: earlier is better; exactly on a target meets it
        (DATE, DATE_TARGETS, dt.date(2023, 4, 1), 100),
        (DATE, DATE_TARGETS, dt.date(2023, 5, 4), 100),
        (DATE, DATE_TARGETS, dt.date(2023, 5, 5), 90),
        (DATE, DATE_TARGETS, dt.date(2023, 5, 31), 60),
        (DATE, DATE_TARGETS, dt.date(2023, 6, 1), None),
        # percent: higher is better
        (PERCENT, PERCENT_TARGETS, D(100), 100),
        (PERCENT, PERCENT_TARGETS, D(85), 100),
        (PERCENT, PERCENT_TARGETS, D("84.99"), 90),
        (PERCENT, PERCENT_TARGETS, D(60), 60),
        (PERCENT, PERCENT_TARGETS, D(30), None),
        # count with blank tiers: blanks are skipped
        (COUNT, COUNT_TARGETS, 4, 100),
        (COUNT, COUNT_TARGETS, 3, 90),
        (COUNT, COUNT_TARGETS, 2, 70),
        (COUNT, COUNT_TARGETS, 1, None),
        (COUNT, COUNT_TARGETS, 0, None),
        # only the first two tiers set
        (DATE, TWO_DATE_TIERS, dt.date(2023, 6, 15), 90),
        (DATE, TWO_DATE_TIERS, dt.date(2023, 7, 1), None),
        # nothing reported
        (PERCENT, PERCENT_TARGETS, None, None),
    ],
)
def test_tier_reached(unit, targets, value, tier):
    assert scoring.tier_reached(unit, targets, value) == tier


@pytest.mark.parametrize(
    "unit, weight, targets, value, method, score",
    [
        # step: weight × tier %
        (COUNT, 6, COUNT_TARGETS, 3, STEP, D("5.40")),
        (COUNT, 6, COUNT_TARGETS, 2, STEP, D("4.20")),
        (COUNT, 6, COUNT_TARGETS, 1, STEP, D("0.00")),
        (PERCENT, 4, PERCENT_TARGETS, D(30), STEP, D("0.00")),
        (PERCENT, 4, PERCENT_TARGETS, D(78), STEP, D("3.20")),
        (DATE, 10, DATE_TARGETS, dt.date(2023, 5, 11), STEP, D("9.00")),
        (DATE, 10, DATE_TARGETS, dt.date(2023, 5, 12), STEP, D("8.00")),
        (DATE, 10, DATE_TARGETS, None, STEP, D("0.00")),
        # linear: interpolated between the two defined tiers around the value
        (PERCENT, 4, PERCENT_TARGETS, D(78), LINEAR, D("3.44")),  # 80 + 10 × 3/5 = 86 %
        (PERCENT, 4, PERCENT_TARGETS, D(65), LINEAR, D("2.60")),  # 60 + 10 × 5/10 = 65 %
        (PERCENT, 4, PERCENT_TARGETS, D(85), LINEAR, D("4.00")),  # on the top tier
        (PERCENT, 4, PERCENT_TARGETS, D(99), LINEAR, D("4.00")),  # beyond the top tier
        (PERCENT, 4, PERCENT_TARGETS, D(60), LINEAR, D("2.40")),  # on the lowest tier
        (PERCENT, 4, PERCENT_TARGETS, D(59), LINEAR, D("0.00")),  # below every tier
        (
            COUNT,
            6,
            COUNT_TARGETS,
            D("2.5"),
            LINEAR,
            D("4.80"),
        ),  # 70 + 20 × ½ across the blank 80 % tier
        (COUNT, 6, COUNT_TARGETS, 3, LINEAR, D("5.40")),  # exactly on a tier
        (DATE, 10, DATE_TARGETS, dt.date(2023, 5, 14), LINEAR, D("8.57")),  # 80 + 10 × 4/7 days
        (DATE, 10, DATE_TARGETS, dt.date(2023, 5, 31), LINEAR, D("6.00")),
        (DATE, 10, DATE_TARGETS, dt.date(2023, 6, 1), LINEAR, D("0.00")),
        (DATE, 3, TWO_DATE_TIERS, dt.date(2023, 6, 15), LINEAR, D("2.85")),  # 90 + 10 × 15/30 days
    ],
)
def test_indicator_score(unit, weight, targets, value, method, score):
    assert (
        scoring.indicator_score(
            unit=unit, weight=D(weight), targets=targets, value=value, method=method
        )
        == score
    )


def test_linear_between_equal_targets_takes_the_better_tier():
    assert scoring.score_percent(COUNT, [D(3), D(3), None, D(1), None], D(3), LINEAR) == 100


def test_an_unknown_scoring_method_is_an_error():
    with pytest.raises(ValueError):
        scoring.score_percent(COUNT, COUNT_TARGETS, 3, "curved")


def test_targets_come_in_fives():
    with pytest.raises(ValueError):
        scoring.tier_reached(COUNT, [D(1)], 1)


@pytest.mark.parametrize(
    "method, values, expected",
    [
        (SUM, [D(1), D(2), None, D(4)], D(7)),
        (SUM, [None, None], None),
        (SUM, [], None),
        (AVERAGE, [D(30), D(90)], D(60)),
        (AVERAGE, [D(30), None, D(60)], D(45)),  # unreported quarters do not count
        (AVERAGE, [D(10), D(10), D(11)], D("10.33")),
        (CUMULATIVE, [D(20), D(45), None], D(45)),  # the latest reported value
        (
            DATE_METHOD,
            [dt.date(2022, 11, 3), dt.date(2022, 10, 1)],
            dt.date(2022, 10, 1),
        ),  # earliest
        (DATE_METHOD, [None, dt.date(2023, 1, 9)], dt.date(2023, 1, 9)),
    ],
)
def test_roll_up(method, values, expected):
    assert scoring.roll_up(method, values) == expected


def test_roll_up_rejects_an_unknown_method():
    with pytest.raises(ValueError):
        scoring.roll_up("median", [D(1)])


def test_default_calculation_by_unit():
    assert scoring.DEFAULT_CALCULATION == {DATE: DATE_METHOD, COUNT: SUM, PERCENT: AVERAGE}


def test_total_adds_indicator_scores():
    assert scoring.total([D("5.40"), D("2.40"), D("1.80"), D(0)]) == D("9.60")
    assert scoring.total([]) == D("0.00")


@given(value=st.decimals(min_value=0, max_value=100, places=2))
def test_linear_gives_zero_below_the_lowest_tier_and_never_less_than_step_above_it(value):
    # The APA guideline: nothing below the 60 % tier; the published plan: marks proportional to the
    # target between tiers. Linear never interpolates towards zero under the lowest tier.
    linear = scoring.score_percent(PERCENT, PERCENT_TARGETS, value, LINEAR)
    step = scoring.score_percent(PERCENT, PERCENT_TARGETS, value, STEP)
    if value < PERCENT_TARGETS[-1]:
        assert linear == step == 0
    else:
        better = {60: 70, 70: 80, 80: 90, 90: 100, 100: 100}[int(step)]
        assert step <= linear <= better and (linear < better or step == 100)


def test_linear_gives_zero_below_the_lowest_defined_tier_when_the_60_percent_tier_is_blank():
    assert (
        scoring.score_percent(COUNT, COUNT_TARGETS, D("1.9"), LINEAR) == 0
    )  # the 70 % tier needs 2
    assert scoring.score_percent(COUNT, COUNT_TARGETS, D(2), LINEAR) == 70
