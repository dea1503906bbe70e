"""The official report form's own words: its title pattern, column headers, unit words and the
export's sheet name. They are part of every file that is read or written (the seed's layout), so
they stay Bengali whatever the interface language; they are not interface text (the messages about
a file are, said through the catalogue in egov_plan/core_messages.py and reports/plans/exchange.py).
"""

import re
import unicodedata

from egov_plan.core import bangla, scoring

DIGIT = "[০-৯0-9]"
TITLE_RE = re.compile(
    rf"^(?P<title>.+?)\s+(?P<start>{DIGIT}{{4}})\s*-\s*(?P<end>{DIGIT}{{4}})\s+এর\s+"
    r"(?P<ordinal>প্রথম|দ্বিতীয়|তৃতীয়|চতুর্থ)\s+ত্রৈমাসিক\s+প্রতিবেদন\s*\((?P<period>.*)\)\s*$"
)
TITLE_MARK = "ত্রৈমাসিক প্রতিবেদন"  # a line holding this is the report's title
UNITS = {"তারিখ": scoring.DATE, "%": scoring.PERCENT, "সংখ্যা": scoring.COUNT}
SERIAL_HEADER = "ক্রঃ"
HEADER_COLUMNS = (
    "কর্মসম্পাদন ক্ষেত্র",
    "মান",
    "কার্যক্রম",
    "কর্মসম্পাদন সূচক",
    "একক",
    "কর্মসম্পাদন সূচকের মান",
    "লক্ষ্যমাত্রা",
    "অর্জন",
)
PREFIX_COLUMNS = ("লক্ষ্যমাত্রা", "অর্জন")  # headers followed by the year or period
HEADER_TITLES = [SERIAL_HEADER, *HEADER_COLUMNS[:6]]
TIER_PERCENT_LABELS = ["১০০%", "৯০%", "৮০%", "৭০%", "৬০%"]
COLUMN_NUMBERS = [bangla.to_bengali_digits(n) for n in range(1, 13)] + [""]
XLSX_SHEET = "প্রতিবেদন"


def target_header(fiscal_year_label: str) -> str:
    return f"লক্ষ্যমাত্রা {fiscal_year_label}"


def achievement_header(period_to_date: str) -> str:
    return f"অর্জন ({period_to_date})"


# The unit words the form prints (Bengali whatever the interface language), and the words a file
# may use for a percent.
UNIT_WORDS = {unit: word for word, unit in UNITS.items()}
PERCENT_WORDS = ("শতাংশ", "শতকরা", "শতকরা হার", "% (শতাংশ)", "শতাংশ (%)", "হার (%)")
# Counts of things: whole numbers. A count in any other unit word (লক্ষ, হাজার কোটি টাকা) is a
# measure and may have up to two decimals, as real plans write them (২৯.৯৭).
WHOLE_COUNT_WORDS = ("", "সংখ্যা", "জন", "টি", "টা", "জন/টি")
# What a file or the editor writes in a tier whose target was lost: kept as unknown, never guessed.
UNKNOWN_TARGET = "অজানা"  # printed so in the official form; translated where shown in English
UNKNOWN_MARKS = (UNKNOWN_TARGET, "?", "unknown")

CALCULATION_WORDS = {
    "সমষ্টি": scoring.SUM,
    "গড়": scoring.AVERAGE,
    "ক্রমপুঞ্জিভূত": scoring.CUMULATIVE,
    "তারিখ": scoring.DATE_METHOD,
}
# A row that gives the plan's total marks ("মোট", "সর্বমোট নম্বর", …) and its number.
TOTAL_WORDS = ("মোট", "সর্বমোট", "মোট নম্বর", "মোট মান", "সর্বমোট নম্বর", "সর্বমোট মান")

# The table's columns, placed by their headings (any of the header rows), never by position:
# real plans put other columns (past years' actuals, projections, the calculation method)
# between the form's own. A heading is compared without English in brackets and spaces.
(
    SERIAL,
    AREA,
    AREA_WEIGHT,
    ACTIVITY,
    INDICATOR,
    METHOD,
    UNIT,
    WEIGHT,
    TARGETS,
    ACHIEVEMENT,
    OTHER,
) = (
    "serial",
    "area",
    "area_weight",
    "activity",
    "indicator",
    "method",
    "unit",
    "weight",
    "targets",
    "achievement",
    "other",
)
HEADINGS = {
    SERIAL: ("ক্রঃ", "ক্র:", "ক্রম", "ক্রমিক", "ক্রমিক নং", "ক্রমিক নম্বর", "ক্রমিক নং:"),
    AREA: ("কর্মসম্পাদন ক্ষেত্র", "কৌশলগত উদ্দেশ্য", "কর্মসম্পাদনের ক্ষেত্র"),
    AREA_WEIGHT: ("ক্ষেত্রের মান", "কর্মসম্পাদন ক্ষেত্রের মান", "কৌশলগত উদ্দেশ্যের মান"),
    ACTIVITY: ("কার্যক্রম",),
    INDICATOR: ("কর্মসম্পাদন সূচক", "সূচক"),
    METHOD: ("গণনা পদ্ধতি",),
    UNIT: ("একক",),
    WEIGHT: ("কর্মসম্পাদন সূচকের মান", "সূচকের মান"),
}
# Headings followed by a year or a period ("লক্ষ্যমাত্রা ২০২২-২০২৩", "অর্জন (জুলাই, …)").
HEADING_PREFIXES = (
    (TARGETS, "লক্ষ্যমাত্রা"),
    (OTHER, "প্রকৃত অর্জন"),
    (ACHIEVEMENT, "অর্জন"),
    (OTHER, "প্রক্ষেপণ"),
)
ROLE_NAMES = {
    AREA: "কর্মসম্পাদন ক্ষেত্র",
    AREA_WEIGHT: "মান",
    ACTIVITY: "কার্যক্রম",
    INDICATOR: "কর্মসম্পাদন সূচক",
    METHOD: "গণনা পদ্ধতি",
    UNIT: "একক",
    WEIGHT: "কর্মসম্পাদন সূচকের মান",
    ACHIEVEMENT: "অর্জন",
}
REQUIRED_HEADINGS = (
    (AREA, "কর্মসম্পাদন ক্ষেত্র"),
    (ACTIVITY, "কার্যক্রম"),
    (INDICATOR, "কর্মসম্পাদন সূচক"),
    (UNIT, "একক"),
    (WEIGHT, "কর্মসম্পাদন সূচকের মান"),
    (TARGETS, "লক্ষ্যমাত্রা"),
)
PLAIN_WEIGHT_HEADING = "মান"  # an area's weight, or an indicator's, by the column it follows

# A plan's own title, without a quarter ("ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা ২০২২-২০২৩", "… ২০২২-২৩",
# "… (২০২২-২০২৩)"), for files that hold the plan and its quarters' columns rather than one report.
PLAN_TITLE_RE = re.compile(
    rf"^(?P<title>.*?\S)\s*[(]?\s*(?P<start>{DIGIT}{{4}})\s*-\s*(?P<end>{DIGIT}{{4}}|{DIGIT}{{2}})\s*[)]?"
    r"(?:\s*(?:অর্থবছর|অর্থবছরের|অর্থ বছর|অর্থ বছরের))?\s*$"
)
# Quarterly achievement columns: "১ম ত্রৈমাসিক", "প্রথম ত্রৈমাসিক অর্জন", "অর্জন ২য় কোয়ার্টার", "Q3".
# (Compared in Unicode's NFC form, as headings are: য় may come as one character or as য and a nukta.)
QUARTER_WORDS = {
    unicodedata.normalize("NFC", word): q
    for word, q in {
        "১ম": 1,
        "২য়": 2,
        "৩য়": 3,
        "৪র্থ": 4,
        "প্রথম": 1,
        "দ্বিতীয়": 2,
        "তৃতীয়": 3,
        "চতুর্থ": 4,
        "1st": 1,
        "2nd": 2,
        "3rd": 3,
        "4th": 4,
    }.items()
}
QUARTER_HEADING_RE = re.compile(
    unicodedata.normalize(
        "NFC",
        r"^(?:অর্জন\s*)?(?P<ordinal>১ম|২য়|৩য়|৪র্থ|প্রথম|দ্বিতীয়|তৃতীয়|চতুর্থ|1st|2nd|3rd|4th)\s*"
        r"(?:ত্রৈমাসিক|কোয়ার্টার)(?:\s*(?:এর|-এর))?(?:\s*অর্জন)?$|^Q(?P<q>[1-4])$",
    )
)
# The achievement to date beside the quarters' columns.
TO_DATE_HEADINGS = tuple(
    unicodedata.normalize("NFC", h)
    for h in (
        "এ পর্যন্ত অর্জন",
        "এপর্যন্ত অর্জন",
        "মোট অর্জন",
        "ক্রমপুঞ্জিত অর্জন",
        "ক্রমপুঞ্জীভূত অর্জন",
        "বছরের এ পর্যন্ত অর্জন",
        "অর্থবছরের এ পর্যন্ত অর্জন",
        "বার্ষিক অর্জন",
        "মোট",
        "সর্বমোট",
    )
)
# Columns kept as the indicator's notes (the APA form's earlier actuals and later projections).
NOTE_PREFIXES = ("প্রকৃত অর্জন", "প্রক্ষেপণ")
# Every word of the form's own (headings, units, methods, tiers): a short Latin cell of a Bijoy file
# that reads as one of these is Bijoy too ("GKK" is একক), where no detector could tell it from Latin.
FORM_WORDS = frozenset(
    unicodedata.normalize("NFC", word)
    for word in (
        *(word for words in HEADINGS.values() for word in words),
        *UNITS,
        *PERCENT_WORDS,
        *CALCULATION_WORDS,
        *TOTAL_WORDS,
        *TO_DATE_HEADINGS,
        *NOTE_PREFIXES,
        PLAIN_WEIGHT_HEADING,
        "লক্ষ্যমাত্রা",
        "অর্জন",
        "নং",
        "অসাধারণ",
        "অতি উত্তম",
        "উত্তম",
        "চলতি মান",
        "চলতি মানের নিম্নে",
        UNKNOWN_TARGET,
    )
)
