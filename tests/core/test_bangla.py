"""Bengali digits, numbers, percents, dates and periods; fiscal quarters. No database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from egov_plan.core import bangla, fiscal


@pytest.mark.parametrize(
    "value, text",
    [
        (D(10), "১০"),
        (D("10.00"), "১০"),
        (D("2.5"), "২.৫"),
        (D("30.50"), "৩০.৫"),
        (0, "০"),
        (1234567890, "১২৩৪৫৬৭৮৯০"),
        (None, ""),
    ],
)
def test_format_number(value, text):
    assert bangla.format_number(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (D("5.4"), "৫.৪০"),
        (D(0), "০.০০"),
        (D("9.6"), "৯.৬০"),
        (D("12.345"), "১২.৩৫"),
    ],
)
def test_format_score_has_two_decimals(value, text):
    assert bangla.format_score(value) == text


@pytest.mark.parametrize("value, text", [(D(85), "৮৫%"), (D("30.5"), "৩০.৫%"), (None, "")])
def test_format_percent(value, text):
    assert bangla.format_percent(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (dt.date(2023, 5, 4), "০৪/০৫/২৩"),
        (dt.date(2022, 10, 13), "১৩/১০/২২"),
        (None, ""),
    ],
)
def test_format_date_is_dd_mm_yy(value, text):
    assert bangla.format_date(value) == text


@pytest.mark.parametrize(
    "text, value",
    [
        ("৩০", D(30)),
        ("30", D(30)),
        ("৩০.৫", D("30.5")),
        (" 12 ", D(12)),
        ("-৫", D(-5)),
        ("০", D(0)),
    ],
)
def test_parse_decimal_accepts_both_scripts(text, value):
    assert bangla.parse_decimal(text) == value


@pytest.mark.parametrize(
    "text", ["", "abc", "৩০ক", "1e5", "NaN", "Infinity", "১,০০০", "٣٠", "9" * 20, "3..0"]
)
def test_parse_decimal_rejects_what_is_not_a_plain_number(text):
    with pytest.raises(ValueError):
        bangla.parse_decimal(text)


@pytest.mark.parametrize(
    "text, value",
    [
        ("৩০", D(30)),
        ("30", D(30)),
        ("৩০%", D(30)),
        ("30.5 %", D("30.5")),
        ("১০০ %", D(100)),
    ],
)
def test_parse_percent(text, value):
    assert bangla.parse_percent(text) == value


@pytest.mark.parametrize("text, value", [("৪", 4), ("12", 12), ("০", 0), ("2.0", 2)])
def test_parse_count(text, value):
    assert bangla.parse_count(text) == value


@pytest.mark.parametrize("text", ["৬.০০2", "1০", "৩০%5"])
def test_a_number_mixing_bengali_and_latin_digits_is_refused(text):
    assert bangla.mixes_digits(text)
    with pytest.raises(ValueError):
        bangla.parse_decimal(text)
    with pytest.raises(ValueError):
        bangla.parse_percent(text)


def test_parse_count_rejects_fractions():
    with pytest.raises(ValueError):
        bangla.parse_count("২.৫")


@pytest.mark.parametrize(
    "text, value",
    [
        ("০৪/০৫/২৩", dt.date(2023, 5, 4)),
        ("04/05/23", dt.date(2023, 5, 4)),
        ("৪/৫/২০২৩", dt.date(2023, 5, 4)),
        ("04/05/2023", dt.date(2023, 5, 4)),
        ("২০২৩-০৫-০৪", dt.date(2023, 5, 4)),
        ("2023-05-04", dt.date(2023, 5, 4)),
        (" 31/12/22 ", dt.date(2022, 12, 31)),
        # as most real documents write a date: hyphens or dots with a four-digit year
        ("16-03-2022", dt.date(2022, 3, 16)),
        ("১৬-০৩-২০২২", dt.date(2022, 3, 16)),
        ("16.03.2022", dt.date(2022, 3, 16)),
        ("১৬.০৩.২০২২", dt.date(2022, 3, 16)),
        ("৬-৩-২০২২", dt.date(2022, 3, 6)),
    ],
)
def test_parse_date_accepts_the_layouts_real_documents_use_in_both_scripts(text, value):
    assert bangla.parse_date(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "৩২/১৩/২২",
        "31/02/23",
        "00/01/23",
        "2023/05/04",
        "4-5-23",
        "",
        "২০২৩",
        "99999-01-01",
        "16-03/2022",
        "16.03-2022",
        "30-02-2022",
        "১৬/০৩/2022",
    ],
)
def test_parse_date_rejects_bad_dates(text):
    with pytest.raises(ValueError):
        bangla.parse_date(text)


def test_period_text_as_the_form_prints_it():
    assert (
        bangla.period_text(dt.date(2022, 7, 1), dt.date(2022, 9, 30))
        == "জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত"
    )


@pytest.mark.parametrize(
    "quarter, start, end",
    [
        (1, dt.date(2022, 7, 1), dt.date(2022, 9, 30)),
        (2, dt.date(2022, 10, 1), dt.date(2022, 12, 31)),
        (3, dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
        (4, dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
    ],
)
def test_fiscal_quarters_run_july_to_june(quarter, start, end):
    assert fiscal.quarter_start(2022, quarter) == start
    assert fiscal.quarter_end(2022, quarter) == end


@pytest.mark.parametrize(
    "day, year",
    [(dt.date(2022, 7, 1), 2022), (dt.date(2023, 6, 30), 2022), (dt.date(2023, 7, 1), 2023)],
)
def test_fiscal_year_of(day, year):
    assert fiscal.fiscal_year_of(day) == year
