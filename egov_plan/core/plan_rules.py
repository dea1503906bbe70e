"""The rules an action plan must keep, checked on a plan document (see reports/plans/files.py).

Pure functions over plain data; only the messages go through Django's translation (Bengali
source strings, English on request, digits in the active language's, all produced when the check
runs, i.e. inside the request). Each fault names its place ([১.২.১], ক্ষেত্র [২], …) and, when the
document was read from a file, the line (or sheet row) it came from. Values in the document are
strings as in the JSON fixture: ISO dates, decimal numbers, None for a blank tier.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, gettext_noop

from egov_plan.active_language import digits, english
from egov_plan.core import bangla, fiscal, scoring
from egov_plan.core.official_form import (  # noqa: F401
    UNIT_WORDS,
    UNKNOWN_MARKS,
    UNKNOWN_TARGET,
    WHOLE_COUNT_WORDS,
)

TIER_NAMES = (
    gettext_noop("অসাধারণ"),
    gettext_noop("অতি উত্তম"),
    gettext_noop("উত্তম"),
    gettext_noop("চলতি মান"),
    gettext_noop("চলতি মানের নিম্নে"),
)
# How a message names an item; its number goes in %(code)s.
AREA_PLACE = gettext_noop("ক্ষেত্র [%(code)s]")
ACTIVITY_PLACE = gettext_noop("কার্যক্রম [%(code)s]")
INDICATOR_PLACE = gettext_noop("সূচক [%(code)s]")
PLAN_PLACE = gettext_noop("কর্মপরিকল্পনা")
# A date target may fall this far outside its fiscal year ("in or near" it).
DATE_MARGIN = datetime.timedelta(days=183)


def counts_whole(unit: str, unit_label: str = "") -> bool:
    return unit == scoring.COUNT and unit_label.strip() in WHOLE_COUNT_WORDS


def is_unknown_mark(text) -> bool:
    return isinstance(text, str) and text.strip().lower() in UNKNOWN_MARKS


def tier_bits(indexes) -> int:
    """Tier indexes (0 = অসাধারণ … 4) as the bits of Indicator.unknown_tiers."""
    return sum(1 << k for k in set(indexes))


def tier_indexes(bits: int) -> list[int]:
    return [k for k in range(len(TIER_NAMES)) if bits & (1 << k)]


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
    where: str | None = None  # the place in a file that has no lines (a .docx: "সারণি ১, সারি ৫")
    kind: str | None = None  # which of FAULT_KINDS (None: read from `field`, see fault_kind)
    repair: tuple[str, str] | None = (
        None  # (the cell's key "line:column", the suggested text) to accept or reject
    )
    column: int | None = (
        None  # the cell's column in its row (0 first), where the fault is about one cell
    )

    def __str__(self) -> str:
        if self.where:
            return f"{self.where}: {self.message}"
        if not self.line:
            return self.message
        return gettext("লাইন %(line)s: %(message)s") % {
            "line": number(self.line),
            "message": self.message,
        }


# The kinds of fault an import groups them by, each with its heading (in this order on the page).
LAYOUT, UNIT_KIND, VALUE, TIERS, WEIGHTS, NUMBERING, QUARTER, TO_DATE, OTHER_KIND = (
    "layout",
    "unit",
    "value",
    "tiers",
    "weights",
    "numbering",
    "quarter",
    "to_date",
    "other",
)
FAULT_KINDS = {
    LAYOUT: gettext_noop("ফাইলের বিন্যাস (শিরোনাম, কলাম)"),
    UNIT_KIND: gettext_noop("অজানা একক"),
    VALUE: gettext_noop("সংখ্যা, তারিখ বা শতাংশ নয়"),
    TIERS: gettext_noop("লক্ষ্যমাত্রার স্তর"),
    WEIGHTS: gettext_noop("মানের যোগফল"),
    NUMBERING: gettext_noop("নম্বরের ফাঁক বা পুনরাবৃত্তি"),
    QUARTER: gettext_noop("ত্রৈমাসিকের বাইরের অর্জন"),
    TO_DATE: gettext_noop("এ পর্যন্ত অর্জনের অমিল"),
    OTHER_KIND: gettext_noop("অন্যান্য"),
}
FIELD_KINDS = {
    "weight": WEIGHTS,
    "indicator_sum": WEIGHTS,
    "area_sum": WEIGHTS,
    "number": NUMBERING,
}


def fault_kind(fault: Fault) -> str:
    if fault.kind:
        return fault.kind
    if fault.field and fault.field.startswith("target_"):
        return TIERS
    return FIELD_KINDS.get(fault.field or "", OTHER_KIND)


def number(value) -> str:
    """A number (int, Decimal or digit string) for a message, in the active language's digits."""
    return digits(
        bangla.format_number(value)
        if isinstance(value, Decimal)
        else bangla.to_bengali_digits(value)
    )


def typed_target(unit: str, text) -> datetime.date | Decimal | None:
    if text is None or text == "":
        return None
    if isinstance(text, (datetime.date, Decimal)):
        return text
    if unit == scoring.DATE:
        return datetime.date.fromisoformat(str(text))
    return Decimal(str(text))


def target_faults(unit: str, targets: list, **kwargs) -> list[str]:
    """Messages for one indicator's five targets (typed or document strings); see tier_target_faults."""
    return [message for _, message in tier_target_faults(unit, targets, **kwargs)]


def tier_target_faults(
    unit: str,
    targets: list,
    *,
    start_year: int,
    place: str,
    unit_label: str = "",
    unknown: list[int] = (),
) -> list[tuple[int, str]]:
    """(tier index, message) for one indicator's five targets: the tier whose cell is at fault.
    `unknown`: the tiers whose target is known to be lost (they count as given, and are blank)."""
    messages = []
    place = digits(place)
    values = [typed_target(unit, t) for t in targets]
    named = [(i, TIER_NAMES[i], v) for i, v in enumerate(values) if v is not None]
    if not named and not unknown:
        return [
            (
                0,
                gettext(
                    "%(place)s: অন্তত একটি লক্ষ্যমাত্রা দিন (হারিয়ে যাওয়া লক্ষ্যমাত্রার ঘরে “%(unknown)s” লিখুন)।"
                )
                % {"place": place, "unknown": UNKNOWN_MARKS[2] if english() else UNKNOWN_TARGET},
            )
        ]
    whole = counts_whole(unit, unit_label)
    for tier, name, value in named:
        about = {"place": place, "name": gettext(name), "shown": digits(shown_value(unit, value))}
        if unit == scoring.PERCENT and not (0 <= value <= 100):
            messages.append(
                (
                    tier,
                    gettext(
                        "%(place)s এর “%(name)s” লক্ষ্যমাত্রা %(shown)s: শতাংশ ০ থেকে ১০০ এর মধ্যে "
                        "হতে হবে।"
                    )
                    % about,
                )
            )
        elif unit == scoring.COUNT and whole and (value < 0 or value != value.to_integral_value()):
            messages.append(
                (
                    tier,
                    gettext(
                        "%(place)s এর “%(name)s” লক্ষ্যমাত্রা %(shown)s: সংখ্যা ০ বা তার বেশি "
                        "পূর্ণসংখ্যা হতে হবে।"
                    )
                    % about,
                )
            )
        elif unit == scoring.COUNT and (value < 0 or value != value.quantize(Decimal("0.01"))):
            messages.append(
                (
                    tier,
                    gettext(
                        "%(place)s এর “%(name)s” লক্ষ্যমাত্রা %(shown)s: ০ বা তার বেশি, দশমিকের পরে "
                        "সর্বোচ্চ দুই অঙ্ক হতে হবে।"
                    )
                    % about,
                )
            )
        elif unit == scoring.DATE:
            earliest = fiscal.fiscal_year_start(start_year) - DATE_MARGIN
            latest = fiscal.fiscal_year_end(start_year) + DATE_MARGIN
            if not (earliest <= value <= latest):
                about["year"] = f"{number(start_year)}-{number(start_year + 1)}"
                messages.append(
                    (
                        tier,
                        gettext(
                            "%(place)s এর “%(name)s” লক্ষ্যমাত্রা %(shown)s: তারিখটি অর্থবছর %(year)s "
                            "এর মধ্যে বা কাছাকাছি হতে হবে।"
                        )
                        % about,
                    )
                )
    for (_, better_name, better), (tier, worse_name, worse) in zip(named, named[1:]):
        pair = {
            "place": place,
            "worse_name": gettext(worse_name),
            "worse": digits(shown_value(unit, worse)),
            "better_name": gettext(better_name),
            "better": digits(shown_value(unit, better)),
        }
        if unit == scoring.DATE and worse < better:
            messages.append(
                (
                    tier,
                    gettext(
                        "%(place)s: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “%(worse_name)s” (%(worse)s) "
                        "“%(better_name)s” (%(better)s) এর আগের তারিখ হতে পারে না।"
                    )
                    % pair,
                )
            )
        elif unit != scoring.DATE and worse > better:
            messages.append(
                (
                    tier,
                    gettext(
                        "%(place)s: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “%(worse_name)s” (%(worse)s) "
                        "“%(better_name)s” (%(better)s) এর চেয়ে বেশি হতে পারে না।"
                    )
                    % pair,
                )
            )
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
        faults.append(
            Fault(
                place=place,
                message=message,
                line=line,
                field=field,
                key=(item or {}).get("key"),
                where=(item or {}).get("where"),
            )
        )

    def numbered(item, kind: str, parents: tuple, parent_kind: str) -> tuple[str, str, int | None]:
        """Check an item's number: nested under its parent's, and unique in the plan. `kind` and
        `parent_kind` are place patterns (AREA_PLACE, …). Returns (its code, the place to name in
        a message, its line)."""
        implied = ".".join(str(n) for n in (*parents, item["number"]))
        code = str(item.get("code") or implied)
        place = gettext(kind) % {"code": number(code)}
        line = item.get("line")
        parent_code = ".".join(str(n) for n in parents)
        if parents and (code != implied or not code.startswith(f"{parent_code}.")):
            parent = gettext(parent_kind) % {"code": number(parent_code)}
            add(
                place,
                gettext("%(place)s: নম্বরটি %(parent)s এর অধীনে মেলে না।")
                % {"place": place, "parent": parent},
                line,
                "number",
                item,
            )
        if code in seen:
            add(
                place,
                gettext("%(place)s: নম্বরটি একাধিকবার আছে।") % {"place": place},
                line,
                "number",
                item,
            )
        seen[code] = line
        return code, place, line

    def weight_of(item, place: str, line) -> Decimal:
        weight = _decimal(item["weight"]) or Decimal(0)
        if weight <= 0:
            add(
                place,
                gettext("%(place)s: মান ০ এর বেশি হতে হবে।") % {"place": place},
                line,
                "weight",
                item,
            )
        return weight

    area_sum = Decimal(0)
    for area in document["areas"]:
        _, place, line = numbered(area, AREA_PLACE, (), "")
        weight = weight_of(area, place, line)
        area_sum += weight
        indicator_sum = Decimal(0)
        for activity in area["activities"]:
            numbered(activity, ACTIVITY_PLACE, (area["number"],), AREA_PLACE)
            for indicator in activity["indicators"]:
                _, indicator_place, indicator_line = numbered(
                    indicator, INDICATOR_PLACE, (area["number"], activity["number"]), ACTIVITY_PLACE
                )
                indicator_sum += weight_of(indicator, indicator_place, indicator_line)
                for tier, message in tier_target_faults(
                    indicator["unit"],
                    indicator["targets"],
                    start_year=start_year,
                    place=indicator_place,
                    unit_label=indicator.get("unit_label") or "",
                    unknown=indicator.get("unknown_tiers") or [],
                ):
                    add(indicator_place, message, indicator_line, f"target_{tier}", indicator)
        if indicator_sum != weight:
            add(
                place,
                gettext(
                    "%(place)s: সূচকগুলোর মানের যোগফল %(sum)s, কিন্তু ক্ষেত্রের মান %(weight)s; দুটি সমান "
                    "হতে হবে।"
                )
                % {"place": place, "sum": number(indicator_sum), "weight": number(weight)},
                line,
                "indicator_sum",
                area,
            )
    if total_marks is not None and area_sum != total_marks:
        add(
            gettext(PLAN_PLACE),
            gettext(
                "কর্মপরিকল্পনা: ক্ষেত্রগুলোর মানের যোগফল %(sum)s, কিন্তু মোট নম্বর %(total)s; "
                "দুটি সমান হতে হবে।"
            )
            % {"sum": number(area_sum), "total": number(total_marks)},
            None,
            "area_sum",
        )
    if not document["areas"]:
        add(
            gettext(PLAN_PLACE),
            gettext("কর্মপরিকল্পনা: অন্তত একটি কর্মসম্পাদন ক্ষেত্র দিন।"),
            None,
            "area_sum",
        )
    return faults


def numbering_gaps(document: dict) -> list[Fault]:
    """A file's numbering that skips a number ([১.১], [১.৩]): each gap named at the item after it.
    (A file's own numbers, checked on import; the editor numbers by position and has no gaps.)"""
    faults: list[Fault] = []

    def check(items: list[dict], parents: tuple, pattern: str) -> None:
        expected = 1
        for item in sorted(items, key=lambda i: i["number"]):
            if item["number"] > expected:
                missing = ".".join(str(n) for n in (*parents, expected))
                place = gettext(pattern) % {
                    "code": number(".".join(str(n) for n in (*parents, item["number"])))
                }
                faults.append(
                    Fault(
                        place=place,
                        line=item.get("line"),
                        where=item.get("where"),
                        kind=NUMBERING,
                        message=gettext("%(place)s এর আগে %(missing)s নেই: নম্বরে ফাঁক।")
                        % {"place": place, "missing": gettext(pattern) % {"code": number(missing)}},
                    )
                )
            expected = max(expected, item["number"] + 1)

    check(document["areas"], (), AREA_PLACE)
    for area in document["areas"]:
        check(area["activities"], (area["number"],), ACTIVITY_PLACE)
        for activity in area["activities"]:
            check(activity["indicators"], (area["number"], activity["number"]), INDICATOR_PLACE)
    return faults
