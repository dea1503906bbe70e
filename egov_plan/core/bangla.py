"""Bengali digits, numbers, percents and dates: formatting and parsing.

Pure functions, no Django. Parsing accepts Bengali (০–৯) or Latin (0–9) digits
and raises ValueError on anything else; callers turn that into a Bengali message.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

BENGALI_DIGITS = "০১২৩৪৫৬৭৮৯"
_TO_BENGALI = str.maketrans("0123456789", BENGALI_DIGITS)
_TO_LATIN = str.maketrans(BENGALI_DIGITS, "0123456789")

MONTHS = (
    "জানুয়ারি",
    "ফেব্রুয়ারি",
    "মার্চ",
    "এপ্রিল",
    "মে",
    "জুন",
    "জুলাই",
    "আগস্ট",
    "সেপ্টেম্বর",
    "অক্টোবর",
    "নভেম্বর",
    "ডিসেম্বর",
)
QUARTER_ORDINALS = {1: "প্রথম", 2: "দ্বিতীয়", 3: "তৃতীয়", 4: "চতুর্থ"}

# Placeholders the official form prints for a blank target and an unreported achievement.
BLANK_TARGET = "--"
NOT_REPORTED = "-----"

# Far beyond any weight, target or achievement; keeps Decimal arithmetic and
# database columns (max_digits=12) safe from absurd input.
MAX_NUMBER = Decimal("999999999")


def to_bengali_digits(text: object) -> str:
    return str(text).translate(_TO_BENGALI)


def to_latin_digits(text: str) -> str:
    return text.translate(_TO_LATIN)


def format_number(value: Decimal | int | float | None, places: int | None = None) -> str:
    """Bengali digits; whole numbers without decimals unless `places` is given."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if places is not None:
        # Half-up, as the scores are rounded (format() alone would round half-even).
        text = f"{number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    elif number == number.to_integral_value():
        text = str(int(number))
    else:
        text = format(number.normalize(), "f")
    return to_bengali_digits(text)


def format_percent(value: Decimal | int | None) -> str:
    return "" if value is None else format_number(value) + "%"


def format_score(value: Decimal | int | None) -> str:
    return format_number(value, places=2)


def format_date(value: datetime.date | None) -> str:
    return "" if value is None else to_bengali_digits(value.strftime("%d/%m/%y"))


def month_year(value: datetime.date) -> str:
    return f"{MONTHS[value.month - 1]}, {to_bengali_digits(value.year)}"


def period_text(start: datetime.date, end: datetime.date) -> str:
    """'জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত' as the form prints a period."""
    return f"{month_year(start)} হতে {month_year(end)} পর্যন্ত"


_NUMBER_RE = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


_BENGALI_DIGIT_RE = re.compile("[০-৯]")
_LATIN_DIGIT_RE = re.compile("[0-9]")


def mixes_digits(text: str) -> bool:
    """Whether a text holds Bengali and Latin digits both ("৬.০০2"): a typo, never a number."""
    return bool(_BENGALI_DIGIT_RE.search(text) and _LATIN_DIGIT_RE.search(text))


def _normalise(text: str) -> str:
    text = str(text)
    if mixes_digits(text):
        raise ValueError(f"Bengali and Latin digits mixed: {text!r}")
    return to_latin_digits(text).strip()


def parse_decimal(text: str) -> Decimal:
    cleaned = _normalise(text).replace(" ", "")
    if not _NUMBER_RE.match(cleaned):
        raise ValueError(f"not a number: {text!r}")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise ValueError(f"not a number: {text!r}") from exc
    if abs(number) > MAX_NUMBER:
        raise ValueError(f"number too large: {text!r}")
    return number


def parse_percent(text: str) -> Decimal:
    """'৩০', '30', '৩০%', '30.5 %'."""
    cleaned = _normalise(text)
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    return parse_decimal(cleaned)


def parse_count(text: str) -> int:
    number = parse_decimal(text)
    if number != number.to_integral_value():
        raise ValueError(f"not a whole number: {text!r}")
    return int(number)


_DATE_PATTERNS = (
    (re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{2})$"), ("d", "m", "yy")),
    # dd/mm/yyyy, and dd-mm-yyyy and dd.mm.yyyy as most real documents write a date
    (re.compile(r"^([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})$"), ("d", None, "m", "y")),
    (re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"), ("y", "m", "d")),
)


def parse_date(text: str) -> datetime.date:
    """dd/mm/yy, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd; two-digit years are 20yy.
    (dd-mm-yy is refused: it reads as well as yy-mm-dd.)"""
    cleaned = _normalise(text)
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(cleaned)
        if not match:
            continue
        parts = {key: int(group) for key, group in zip(order, match.groups()) if key}
        year = parts["y"] if "y" in parts else 2000 + parts["yy"]
        try:
            return datetime.date(year, parts["m"], parts["d"])
        except ValueError as exc:
            raise ValueError(f"no such date: {text!r}") from exc
    raise ValueError(f"not a date: {text!r}")
