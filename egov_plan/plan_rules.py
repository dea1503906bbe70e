"""The rules an action plan must keep, checked on a plan document (see reports/plan_documents.py).

Pure functions, no Django. Each fault names its place ([১.২.১], ক্ষেত্র [২], …) and, when the
document was read from a file, the line (or sheet row) it came from. Values in the document are
strings as in the JSON fixture: ISO dates, decimal numbers, None for a blank tier.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from egov_plan import bangla, fiscal, scoring

TIER_NAMES = ("অসাধারণ", "অতি উত্তম", "উত্তম", "চলতি মান", "চলতি মানের নিম্নে")
# A date target may fall this far outside its fiscal year ("in or near" it).
DATE_MARGIN = datetime.timedelta(days=183)


@dataclass(frozen=True)
class Fault:
    """One broken rule. `field` names what is wrong ("weight", "target_0"…"target_4" by tier,
    "number", "indicator_sum" of an area, "area_sum" of the plan) and `key` echoes the item's
    "key" in the document, so that an editor can put the message beside its cell."""

    place: str
    message: str
    line: int | None = None
    field: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        prefix = f"লাইন {bangla.to_bengali_digits(self.line)}: " if self.line else ""
        return f"{prefix}{self.message}"


def _code(*numbers) -> str:
    return bangla.to_bengali_digits(".".join(str(n) for n in numbers))


def typed_target(unit: str, text) -> datetime.date | Decimal | None:
    if text is None or text == "":
        return None
    if isinstance(text, (datetime.date, Decimal)):
        return text
    if unit == scoring.DATE:
        return datetime.date.fromisoformat(str(text))
    return Decimal(str(text))


def target_faults(unit: str, targets: list, *, start_year: int, place: str) -> list[str]:
    """Messages for one indicator's five targets (typed or document strings)."""
    return [message for _, message in tier_target_faults(unit, targets, start_year=start_year, place=place)]


def tier_target_faults(unit: str, targets: list, *, start_year: int, place: str) -> list[tuple[int, str]]:
    """(tier index, message) for one indicator's five targets: the tier whose cell is at fault."""
    messages = []
    values = [typed_target(unit, t) for t in targets]
    named = [(i, TIER_NAMES[i], v) for i, v in enumerate(values) if v is not None]
    if not named:
        return [(0, f"{place}: অন্তত একটি লক্ষ্যমাত্রা দিন।")]
    for tier, name, value in named:
        shown = shown_value(unit, value)
        if unit == scoring.PERCENT and not (0 <= value <= 100):
            messages.append((tier, f"{place} এর “{name}” লক্ষ্যমাত্রা {shown}: শতাংশ ০ থেকে ১০০ এর মধ্যে হতে হবে।"))
        elif unit == scoring.COUNT and (value < 0 or value != value.to_integral_value()):
            messages.append((tier, f"{place} এর “{name}” লক্ষ্যমাত্রা {shown}: সংখ্যা ০ বা তার বেশি পূর্ণসংখ্যা হতে হবে।"))
        elif unit == scoring.DATE:
            earliest = fiscal.fiscal_year_start(start_year) - DATE_MARGIN
            latest = fiscal.fiscal_year_end(start_year) + DATE_MARGIN
            if not (earliest <= value <= latest):
                messages.append((tier, f"{place} এর “{name}” লক্ষ্যমাত্রা {shown}: তারিখটি অর্থবছর "
                                       f"{bangla.to_bengali_digits(f'{start_year}-{start_year + 1}')} এর মধ্যে বা "
                                       f"কাছাকাছি হতে হবে।"))
    for (_, better_name, better), (tier, worse_name, worse) in zip(named, named[1:]):
        if unit == scoring.DATE and worse < better:
            messages.append((tier, f"{place}: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “{worse_name}” ({shown_value(unit, worse)}) "
                                   f"“{better_name}” ({shown_value(unit, better)}) এর আগের তারিখ হতে পারে না।"))
        elif unit != scoring.DATE and worse > better:
            messages.append((tier, f"{place}: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “{worse_name}” ({shown_value(unit, worse)}) "
                                   f"“{better_name}” ({shown_value(unit, better)}) এর চেয়ে বেশি হতে পারে না।"))
    return messages


def document_value(value) -> str | None:
    """A typed value as a document holds it: ISO date, plain decimal, or None."""
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def shown_value(unit: str, value) -> str:
    """A target as the form prints it (Bengali digits): ০৪/০৫/২৩, ৮৫%, ২."""
    if value is None:
        return ""
    if unit == scoring.DATE:
        return bangla.format_date(value)
    if unit == scoring.PERCENT:
        return bangla.format_percent(value)
    return bangla.format_number(value)


def _decimal(text) -> Decimal | None:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None


def check_plan(document: dict) -> list[Fault]:
    """Every fault of a plan document: weights, targets, numbering."""
    faults: list[Fault] = []
    start_year = int(document["fiscal_year"])
    total_marks = _decimal(document["plan"].get("total_marks"))
    seen: dict[str, int | None] = {}

    def add(place, message, line, field=None, item=None):
        faults.append(Fault(place=place, message=message, line=line, field=field,
                            key=(item or {}).get("key")))

    def numbered(item, kind: str, parents: tuple, parent_label: str) -> tuple[str, str, int | None]:
        """Check an item's number: nested under its parent's, and unique in the plan.
        Returns (its code, the place to name in a message, its line)."""
        implied = ".".join(str(n) for n in (*parents, item["number"]))
        code = str(item.get("code") or implied)
        place = f"{kind} [{bangla.to_bengali_digits(code)}]".strip()
        line = item.get("line")
        parent_code = ".".join(str(n) for n in parents)
        if parents and (code != implied or not code.startswith(f"{parent_code}.")):
            add(place, f"{place}: নম্বরটি {parent_label} [{bangla.to_bengali_digits(parent_code)}] এর অধীনে মেলে না।",
                line, "number", item)
        if code in seen:
            add(place, f"{place}: নম্বরটি একাধিকবার আছে।", line, "number", item)
        seen[code] = line
        return code, place, line

    def weight_of(item, place: str, line) -> Decimal:
        weight = _decimal(item["weight"]) or Decimal(0)
        if weight <= 0:
            add(place, f"{place}: মান ০ এর বেশি হতে হবে।", line, "weight", item)
        return weight

    area_sum = Decimal(0)
    for area in document["areas"]:
        _, place, line = numbered(area, "ক্ষেত্র", (), "")
        weight = weight_of(area, place, line)
        area_sum += weight
        indicator_sum = Decimal(0)
        for activity in area["activities"]:
            numbered(activity, "কার্যক্রম", (area["number"],), "ক্ষেত্র")
            for indicator in activity["indicators"]:
                _, indicator_place, indicator_line = numbered(
                    indicator, "সূচক", (area["number"], activity["number"]), "কার্যক্রম")
                indicator_sum += weight_of(indicator, indicator_place, indicator_line)
                for tier, message in tier_target_faults(indicator["unit"], indicator["targets"],
                                                        start_year=start_year, place=indicator_place):
                    add(indicator_place, message, indicator_line, f"target_{tier}", indicator)
        if indicator_sum != weight:
            add(place, f"{place}: সূচকগুলোর মানের যোগফল {bangla.format_number(indicator_sum)}, কিন্তু ক্ষেত্রের "
                       f"মান {bangla.format_number(weight)}; দুটি সমান হতে হবে।", line, "indicator_sum", area)
    if total_marks is not None and area_sum != total_marks:
        add("কর্মপরিকল্পনা", f"কর্মপরিকল্পনা: ক্ষেত্রগুলোর মানের যোগফল {bangla.format_number(area_sum)}, কিন্তু "
                             f"মোট নম্বর {bangla.format_number(total_marks)}; দুটি সমান হতে হবে।", None, "area_sum")
    if not document["areas"]:
        add("কর্মপরিকল্পনা", "কর্মপরিকল্পনা: অন্তত একটি কর্মসম্পাদন ক্ষেত্র দিন।", None, "area_sum")
    return faults
