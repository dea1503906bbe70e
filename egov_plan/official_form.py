"""The official report form's own words: its title pattern, column headers, unit words and the
export's sheet name. They are part of every file that is read or written (the seed's layout), so
they stay Bengali whatever the interface language; they are not interface text (the messages about
a file are, and go through the catalogue in egov_plan/seed_layout.py and reports/plan_exchange.py).
"""

import re

from egov_plan import bangla, scoring

DIGIT = "[০-৯0-9]"
TITLE_RE = re.compile(
    rf"^(?P<title>.+?)\s+(?P<start>{DIGIT}{{4}})\s*-\s*(?P<end>{DIGIT}{{4}})\s+এর\s+"
    r"(?P<ordinal>প্রথম|দ্বিতীয়|তৃতীয়|চতুর্থ)\s+ত্রৈমাসিক\s+প্রতিবেদন\s*\((?P<period>.*)\)\s*$")
TITLE_MARK = "ত্রৈমাসিক প্রতিবেদন"  # a line holding this is the report's title
UNITS = {"তারিখ": scoring.DATE, "%": scoring.PERCENT, "সংখ্যা": scoring.COUNT}
SERIAL_HEADER = "ক্রঃ"
HEADER_COLUMNS = ("কর্মসম্পাদন ক্ষেত্র", "মান", "কার্যক্রম", "কর্মসম্পাদন সূচক", "একক",
                  "কর্মসম্পাদন সূচকের মান", "লক্ষ্যমাত্রা", "অর্জন")
PREFIX_COLUMNS = ("লক্ষ্যমাত্রা", "অর্জন")  # headers followed by the year or period
HEADER_TITLES = [SERIAL_HEADER, *HEADER_COLUMNS[:6]]
TIER_PERCENT_LABELS = ["১০০%", "৯০%", "৮০%", "৭০%", "৬০%"]
COLUMN_NUMBERS = [bangla.to_bengali_digits(n) for n in range(1, 13)] + [""]
XLSX_SHEET = "প্রতিবেদন"


def target_header(fiscal_year_label: str) -> str:
    return f"লক্ষ্যমাত্রা {fiscal_year_label}"


def achievement_header(period_to_date: str) -> str:
    return f"অর্জন ({period_to_date})"
