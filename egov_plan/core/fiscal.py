"""The Bangladesh fiscal calendar: a fiscal year runs 1 July to 30 June.

Pure functions, no Django. A fiscal year is named by the calendar year it starts in.
"""

import datetime

QUARTERS = (1, 2, 3, 4)


def fiscal_year_start(start_year: int) -> datetime.date:
    return datetime.date(start_year, 7, 1)


def fiscal_year_end(start_year: int) -> datetime.date:
    return datetime.date(start_year + 1, 6, 30)


def quarter_start(start_year: int, quarter: int) -> datetime.date:
    month = 7 + 3 * (quarter - 1)
    return datetime.date(start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def quarter_end(start_year: int, quarter: int) -> datetime.date:
    if quarter == 4:
        return fiscal_year_end(start_year)
    return quarter_start(start_year, quarter + 1) - datetime.timedelta(days=1)


def fiscal_year_of(day: datetime.date) -> int:
    """The start year of the fiscal year that contains `day`."""
    return day.year if day.month >= 7 else day.year - 1
