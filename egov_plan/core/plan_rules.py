"""The rules an action plan must keep, checked on a plan document (see reports/plans/files.py).

Pure functions over plain data, without Django: each fault's place and message is a Problem (a code
and its parameters) that the caller says in the interface language (egov_plan/core_messages.py,
where every code has its catalogue message). Each fault names its place ([১.২.১], ক্ষেত্র [২], …)
and, when the document was read from a file, the line (or sheet row) it came from. Values in the
document are strings as in the JSON fixture: ISO dates, decimal numbers, None for a blank tier.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from egov_plan.core import bangla, fiscal, scoring
from egov_plan.core.official_form import (  # noqa: F401
    UNIT_WORDS,
    UNKNOWN_MARKS,
    UNKNOWN_TARGET,
    WHOLE_COUNT_WORDS,
)


class Digits(str):
    """Text printed with Bengali digits (a number, a code, a date): shown in the digits of the
    interface language."""


class Term(str):
    """A word of the form's (a tier's name, a quarter's ordinal, a calculation method): Bengali in
    every file, translated where a message shows it."""


@dataclass(frozen=True)
class Problem:
    """What a core says, as a code and its parameters; egov_plan/core_messages.py says it in the
    interface language. A parameter is a Problem (said in turn), a Digits or a Term, a tuple of
    these (said one after the other, with commas), or text of the file's, shown as it is."""

    code: str
    params: dict = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))


# The tiers' names (the form's words; translated where a message shows them).
TIER_NAMES = ("অসাধারণ", "অতি উত্তম", "উত্তম", "চলতি মান", "চলতি মানের নিম্নে")
# How a message names an item: the codes of Problems whose "code" is the item's number.
AREA_PLACE, ACTIVITY_PLACE, INDICATOR_PLACE = "area_place", "activity_place", "indicator_place"
PLAN_PLACE = Problem("plan_place")  # the plan as a whole
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

    place: Problem | str  # a Problem from the cores; text once the caller has said it
    message: Problem | str
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


# The kinds of fault an import groups them by (their headings: core_messages.FAULT_KINDS).
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


def number(value) -> Digits:
    """A number (int, Decimal or digit string) for a message, in Bengali digits (shown in the
    interface language's)."""
    return Digits(
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


def target_faults(unit: str, targets: list, **kwargs) -> list[Problem]:
    """Problems of one indicator's five targets (typed or document strings); see tier_target_faults."""
    return [message for _, message in tier_target_faults(unit, targets, **kwargs)]


def tier_target_faults(
    unit: str,
    targets: list,
    *,
    start_year: int,
    place: Problem | str,
    unit_label: str = "",
    unknown: list[int] = (),
) -> list[tuple[int, Problem]]:
    """(tier index, problem) for one indicator's five targets: the tier whose cell is at fault.
    `place`: a Problem, or text with Bengali digits ("[১.১.১]"). `unknown`: the tiers whose target
    is known to be lost (they count as given, and are blank)."""
    messages = []
    place = place if isinstance(place, Problem) else Digits(place)
    values = [typed_target(unit, t) for t in targets]
    named = [(i, TIER_NAMES[i], v) for i, v in enumerate(values) if v is not None]
    if not named and not unknown:
        # "unknown": the mark to type for a lost target, as the interface language writes it
        return [(0, Problem("targets_none", {"place": place, "unknown": Problem("unknown_mark")}))]
    whole = counts_whole(unit, unit_label)
    for tier, name, value in named:
        about = {"place": place, "name": Term(name), "shown": Digits(shown_value(unit, value))}
        if unit == scoring.PERCENT and not (0 <= value <= 100):
            messages.append((tier, Problem("target_percent", about)))
        elif unit == scoring.COUNT and whole and (value < 0 or value != value.to_integral_value()):
            messages.append((tier, Problem("target_whole", about)))
        elif unit == scoring.COUNT and (value < 0 or value != value.quantize(Decimal("0.01"))):
            messages.append((tier, Problem("target_measure", about)))
        elif unit == scoring.DATE:
            earliest = fiscal.fiscal_year_start(start_year) - DATE_MARGIN
            latest = fiscal.fiscal_year_end(start_year) + DATE_MARGIN
            if not (earliest <= value <= latest):
                about["year"] = Digits(f"{number(start_year)}-{number(start_year + 1)}")
                messages.append((tier, Problem("target_date_year", about)))
    for (_, better_name, better), (tier, worse_name, worse) in zip(named, named[1:]):
        pair = {
            "place": place,
            "worse_name": Term(worse_name),
            "worse": Digits(shown_value(unit, worse)),
            "better_name": Term(better_name),
            "better": Digits(shown_value(unit, better)),
        }
        if unit == scoring.DATE and worse < better:
            messages.append((tier, Problem("targets_date_order", pair)))
        elif unit != scoring.DATE and worse > better:
            messages.append((tier, Problem("targets_order", pair)))
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

    def numbered(
        item, kind: str, parents: tuple, parent_kind: str
    ) -> tuple[str, Problem, int | None]:
        """Check an item's number: nested under its parent's, and unique in the plan. `kind` and
        `parent_kind` are place codes (AREA_PLACE, …). Returns (its code, the place to name in
        a message, its line)."""
        implied = ".".join(str(n) for n in (*parents, item["number"]))
        code = str(item.get("code") or implied)
        place = Problem(kind, {"code": number(code)})
        line = item.get("line")
        parent_code = ".".join(str(n) for n in parents)
        if parents and (code != implied or not code.startswith(f"{parent_code}.")):
            parent = Problem(parent_kind, {"code": number(parent_code)})
            add(
                place,
                Problem("number_not_under", {"place": place, "parent": parent}),
                line,
                "number",
                item,
            )
        if code in seen:
            add(
                place,
                Problem("number_twice", {"place": place}),
                line,
                "number",
                item,
            )
        seen[code] = line
        return code, place, line

    def weight_of(item, place: Problem, line) -> Decimal:
        weight = _decimal(item["weight"]) or Decimal(0)
        if weight <= 0:
            add(
                place,
                Problem("weight_not_positive", {"place": place}),
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
                Problem(
                    "indicator_sum",
                    {"place": place, "sum": number(indicator_sum), "weight": number(weight)},
                ),
                line,
                "indicator_sum",
                area,
            )
    if total_marks is not None and area_sum != total_marks:
        add(
            PLAN_PLACE,
            Problem("area_sum", {"sum": number(area_sum), "total": number(total_marks)}),
            None,
            "area_sum",
        )
    if not document["areas"]:
        add(
            PLAN_PLACE,
            Problem("no_area"),
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
                place = Problem(
                    pattern, {"code": number(".".join(str(n) for n in (*parents, item["number"])))}
                )
                faults.append(
                    Fault(
                        place=place,
                        line=item.get("line"),
                        where=item.get("where"),
                        kind=NUMBERING,
                        message=Problem(
                            "numbering_gap",
                            {
                                "place": place,
                                "missing": Problem(pattern, {"code": number(missing)}),
                            },
                        ),
                    )
                )
            expected = max(expected, item["number"] + 1)

    check(document["areas"], (), AREA_PLACE)
    for area in document["areas"]:
        check(area["activities"], (area["number"],), ACTIVITY_PLACE)
        for activity in area["activities"]:
            check(activity["indicators"], (area["number"], activity["number"]), INDICATOR_PLACE)
    return faults
