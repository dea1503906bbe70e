"""The interface language (Bengali by default, English on request) where the pure cores
(egov_plan.core.bangla, plan_rules) print Bengali: digits, quarter ordinals, months, tier names,
the table's title, and plan content's optional English text.

Everything here follows the ACTIVE language, so one template renders the official Bengali
table inside {% language "bn" %} and the English translation inside {% language "en" %}.
"""

import datetime

from django.utils.translation import gettext, gettext_noop

from egov_plan.active_language import digits, english  # noqa: F401 (used by callers as i18n.english)
from egov_plan.core import bangla, fiscal, plan_rules, scoring

# The Bengali words the pure cores print, marked for the catalogue (translated where shown).
QUARTER_ORDINALS = {
    1: gettext_noop("প্রথম"),
    2: gettext_noop("দ্বিতীয়"),
    3: gettext_noop("তৃতীয়"),
    4: gettext_noop("চতুর্থ"),
}
MONTHS = (
    gettext_noop("জানুয়ারি"),
    gettext_noop("ফেব্রুয়ারি"),
    gettext_noop("মার্চ"),
    gettext_noop("এপ্রিল"),
    gettext_noop("মে"),
    gettext_noop("জুন"),
    gettext_noop("জুলাই"),
    gettext_noop("আগস্ট"),
    gettext_noop("সেপ্টেম্বর"),
    gettext_noop("অক্টোবর"),
    gettext_noop("নভেম্বর"),
    gettext_noop("ডিসেম্বর"),
)
TIER_NAMES = plan_rules.TIER_NAMES  # marked for the catalogue in egov_plan/core_messages.py
assert QUARTER_ORDINALS == bangla.QUARTER_ORDINALS and MONTHS == bangla.MONTHS
TIER_BY_PERCENT = dict(zip(scoring.TIER_PERCENTS, TIER_NAMES))


def quarter_ordinal(quarter: int) -> str:
    ordinal = QUARTER_ORDINALS.get(quarter)
    return gettext(ordinal) if ordinal else ""


def month_year(value: datetime.date) -> str:
    return gettext("%(month)s, %(year)s") % {
        "month": gettext(MONTHS[value.month - 1]),
        "year": digits(bangla.to_bengali_digits(value.year)),
    }


def period_text(start: datetime.date, end: datetime.date) -> str:
    """'জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত' (bangla.period_text), or 'July 2022 to September 2022'."""
    return gettext("%(start)s হতে %(end)s পর্যন্ত") % {
        "start": month_year(start),
        "end": month_year(end),
    }


def tier_label(percent: int | None) -> str:
    """'উত্তম (৮০%)', 'Good (80%)', or the blank placeholder."""
    if percent is None:
        return bangla.BLANK_TARGET
    return f"{gettext(TIER_BY_PERCENT[percent])} ({digits(bangla.format_percent(percent))})"


def content_title(item, *, in_english: bool | None = None) -> str:
    """An area's, activity's or indicator's text: its English text in English where entered.
    `in_english`: whether the language is English, when the caller has asked already (a table
    asks once, not per cell)."""
    if (english() if in_english is None else in_english) and getattr(item, "title_en", ""):
        return item.title_en
    return item.title


def fiscal_year_label(table) -> str:
    return digits(table.fiscal_year_label)


def period_to_date(table) -> str:
    start_year = table.plan.fiscal_year.start_year
    return period_text(
        fiscal.fiscal_year_start(start_year), fiscal.quarter_end(start_year, table.quarter)
    )


def title_line(table) -> str:
    """The table's title in the active language (in Bengali exactly `QuarterTable.title_line`)."""
    start_year = table.plan.fiscal_year.start_year
    period = period_text(
        fiscal.quarter_start(start_year, table.quarter),
        fiscal.quarter_end(start_year, table.quarter),
    )
    return gettext("%(plan)s %(year)s এর %(ordinal)s ত্রৈমাসিক প্রতিবেদন (%(period)s)") % {
        "plan": gettext(table.plan.title),
        "year": fiscal_year_label(table),
        "ordinal": quarter_ordinal(table.quarter),
        "period": period,
    }


def number(value) -> str:
    """bangla.format_number in the active language's digits (for numbers put into messages)."""
    return digits(bangla.format_number(value))


def date(value) -> str:
    return digits(bangla.format_date(value))


def bengali_digits(value) -> str:
    return digits(bangla.to_bengali_digits(value))
