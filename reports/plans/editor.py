"""The plan editor: a whole plan as one form shaped like the official table.

A draft is the plan as typed: areas → activities → indicators, each a `EditorItem` of raw texts, read from
the plan or from a posted form (rows in the order posted: `a-KEY-…` an area, `b-KEY-…` an activity
of the area before it, `i-KEY-…` an indicator of the activity before it). Structural operations
(add, move up/down, remove) work on the draft, so a form post without JavaScript re-renders with
the change applied and nothing typed lost. Saving turns the draft into a plan document and checks
it with the plan rules (egov_plan/plan_rules.check_plan, as the admin and the import do); each
fault comes back beside its cell. Numbers follow the order of the rows.
"""

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from egov_plan.core import bangla, scoring
from egov_plan.core.plan_rules import (
    TIER_NAMES,
    UNKNOWN_TARGET,
    check_plan,
    counts_whole,
    document_value,
    is_unknown_mark,
    shown_value,
    tier_bits,
    typed_target,
)
from egov_plan.core.seed_layout import UNIT_WORDS, valid_unit_label
from egov_plan.core_messages import shown_all
from egov_plan.plans.amendments import REASON_NEEDED, reason_missing, record_amendment
from egov_plan.plans.models import ActionPlan, Activity, Indicator, PerformanceArea, plan_revised
from reports.plans.admin_forms import BengaliDecimalField, parse_target, target_hint
from reports.quarters.marks import rescore_plan

AREA, ACTIVITY, INDICATOR = "a", "b", "i"
KINDS = {
    AREA: gettext_noop("ক্ষেত্র"),
    ACTIVITY: gettext_noop("কার্যক্রম"),
    INDICATOR: gettext_noop("সূচক"),
}
TEXT_FIELDS = {
    AREA: ("title", "title_en", "weight"),
    ACTIVITY: ("title", "title_en"),
    INDICATOR: (
        "title",
        "title_en",
        "unit",
        "unit_label",
        "calculation_method",
        "weight",
        *(f"target_{tier}" for tier in range(5)),
    ),
}
MAX_ROWS = 600  # rows a posted draft may hold (the seed has 12 indicators)
MAX_TEXT = 2000  # characters of one text
KEY_RE = re.compile(r"^([abi])-([A-Za-z0-9_]{1,24})-id$")
UNITS = dict(Indicator.UNIT_CHOICES)
METHODS = dict(Indicator.CALCULATION_CHOICES)
REQUIRED = gettext_lazy("এই ঘরটি পূরণ করুন।")
UNIT_LABEL_HINT = gettext_lazy(
    "এককের নাম কয়েকটি শব্দে লিখুন, অঙ্ক ছাড়া (যেমন জন, লক্ষ টাকা); খালি রাখলে “সংখ্যা”।"
)
STALE = gettext_lazy(
    "আপনি পাতাটি খোলার পর অন্য কেউ এই কর্মপরিকল্পনা বদলেছেন। আপনার লেখা নিচে রাখা আছে; পাতাটি "
    "নতুন করে খুলে সর্বশেষ অবস্থা দেখুন এবং আবার পরিবর্তন করুন।"
)
_weight_field = BengaliDecimalField(
    max_digits=6,
    decimal_places=2,
    required=False,
    error_messages={"invalid": gettext_lazy("মান সংখ্যায় লিখুন (যেমন ৪ বা ২.৫)।")},
)


@dataclass
class EditorItem:
    kind: str
    key: str
    id: int | None = None
    values: dict[str, str] = field(default_factory=dict)
    children: list["EditorItem"] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    number: int = 0
    code: str = ""
    sum: Decimal = Decimal(0)  # an area's indicator weights added up

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def label(self) -> str:
        return f"{gettext(KINDS[self.kind])} [{self.code}]"

    @property
    def target_cells(self) -> list[tuple[str, str, str, list[str]]]:
        """(field, tier name, text, errors) of the five tier targets, best first."""
        return [
            (
                f"target_{tier}",
                TIER_NAMES[tier],
                self.values.get(f"target_{tier}", ""),
                self.errors.get(f"target_{tier}", []),
            )
            for tier in range(5)
        ]


@dataclass
class Draft:
    areas: list[EditorItem]
    faults: list[str] = field(default_factory=list)  # the plan's own (area sum), and unplaced ones

    def walk(self):
        for area in self.areas:
            yield area
            for activity in area.children:
                yield activity
                yield from activity.children

    def find(self, key: str) -> tuple[list[EditorItem], EditorItem] | None:
        """The sibling list holding the row of `key`, and the row."""
        for siblings in self._lists():
            for row in siblings:
                if row.key == key:
                    return siblings, row
        return None

    def _lists(self):
        yield self.areas
        for area in self.areas:
            yield area.children
            for activity in area.children:
                yield activity.children

    def number(self) -> None:
        for a, area in enumerate(self.areas, start=1):
            area.number, area.code = a, bangla.to_bengali_digits(a)
            for b, activity in enumerate(area.children, start=1):
                activity.number, activity.code = b, bangla.to_bengali_digits(f"{a}.{b}")
                for i, indicator in enumerate(activity.children, start=1):
                    indicator.number, indicator.code = i, bangla.to_bengali_digits(f"{a}.{b}.{i}")

    @property
    def unknown_targets(self) -> list[tuple[EditorItem, list[str]]]:
        """The indicators with a target kept unknown (a lost cell), with those tiers' names: listed on
        the page until someone fills them in, since they score nothing until then."""
        return [
            (
                row,
                [
                    gettext(TIER_NAMES[k])
                    for k in range(5)
                    if is_unknown_mark(row.values.get(f"target_{k}"))
                ],
            )
            for row in self.walk()
            if row.kind == INDICATOR
            and any(is_unknown_mark(row.values.get(f"target_{k}")) for k in range(5))
        ]

    @property
    def has_errors(self) -> bool:
        return bool(self.faults) or any(row.errors for row in self.walk())


# Reading a draft -------------------------------------------------------------------------------


def editor_areas(plan: ActionPlan) -> list[PerformanceArea]:
    """The plan's areas with their activities and indicators: three queries, whatever the size."""
    return list(plan.areas.order_by("number").prefetch_related("activities__indicators"))


def draft_from_plan(areas: list[PerformanceArea]) -> Draft:
    rows = []
    for area in areas:
        area_row = EditorItem(
            AREA,
            f"a{area.pk}",
            area.pk,
            {
                "title": area.title,
                "title_en": area.title_en,
                "weight": bangla.format_number(area.weight),
            },
        )
        for activity in area.activities.all():
            activity_row = EditorItem(
                ACTIVITY,
                f"b{activity.pk}",
                activity.pk,
                {"title": activity.title, "title_en": activity.title_en},
            )
            for indicator in activity.indicators.all():
                values = {
                    "title": indicator.title,
                    "title_en": indicator.title_en,
                    "unit": indicator.unit,
                    "unit_label": indicator.unit_label,
                    "calculation_method": indicator.calculation_method,
                    "weight": bangla.format_number(indicator.weight),
                }
                unknown = indicator.unknown_tier_indexes
                for tier, target in enumerate(indicator.targets):
                    values[f"target_{tier}"] = (
                        UNKNOWN_TARGET if tier in unknown else shown_value(indicator.unit, target)
                    )
                activity_row.children.append(
                    EditorItem(INDICATOR, f"i{indicator.pk}", indicator.pk, values)
                )
            area_row.children.append(activity_row)
        rows.append(area_row)
    draft = Draft(rows)
    draft.number()
    return draft


def _id(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def draft_from_post(data) -> Draft:
    """The draft as posted; rows out of place (an indicator before any activity) are dropped."""
    areas: list[EditorItem] = []
    seen: set[str] = set()
    ids: set[tuple[str, int]] = set()
    for name in itertools.islice((n for n in data.keys() if KEY_RE.match(n)), MAX_ROWS):
        kind, key = KEY_RE.match(name).groups()
        if key in seen:
            continue
        seen.add(key)
        prefix = f"{kind}-{key}-"
        # NUL characters cannot be stored (PostgreSQL refuses them) and nobody types them.
        values = {
            f: str(data.get(prefix + f, ""))[:MAX_TEXT].replace("\x00", "")
            for f in TEXT_FIELDS[kind]
        }
        row = EditorItem(kind, key, _id(data.get(name)), values)
        if row.id is not None:
            if (kind, row.id) in ids:  # one plan row posted twice: the second is a new row
                row.id = None
            ids.add((kind, row.id))
        if kind == AREA:
            areas.append(row)
        elif kind == ACTIVITY and areas:
            areas[-1].children.append(row)
        elif kind == INDICATOR and areas and areas[-1].children:
            areas[-1].children[-1].children.append(row)
    draft = Draft(areas)
    draft.number()
    return draft


# Structural operations -------------------------------------------------------------------------

_new_keys = itertools.count(1)


def _new_key(draft: Draft, kind: str) -> str:
    """A key no row of the draft has (the keys of saved rows are their kind and id)."""
    taken = {row.key for row in draft.walk()}
    while True:
        key = f"n{next(_new_keys)}"
        if key not in taken:
            return key


def new_indicator(key: str) -> EditorItem:
    return EditorItem(INDICATOR, key, None, {"unit": scoring.PERCENT, "calculation_method": ""})


def apply_operation(draft: Draft, operation: str) -> bool:
    """Apply "add-area", "add-activity:AREA_KEY", "add-indicator:ACTIVITY_KEY", "up:KEY", "down:KEY"
    or "remove:KEY" to the draft. Returns False for an operation that names no row."""
    verb, _, key = operation.partition(":")
    if verb == "add-area":
        activity = EditorItem(ACTIVITY, _new_key(draft, ACTIVITY))
        area = EditorItem(AREA, _new_key(draft, AREA), children=[activity])
        activity.children.append(new_indicator(_new_key(draft, INDICATOR)))
        draft.areas.append(area)
    else:
        found = draft.find(key)
        if found is None:
            return False
        siblings, row = found
        at = siblings.index(row)
        if verb == "add-activity" and row.kind == AREA:
            activity = EditorItem(ACTIVITY, _new_key(draft, ACTIVITY))
            activity.children.append(new_indicator(_new_key(draft, INDICATOR)))
            row.children.append(activity)
        elif verb == "add-indicator" and row.kind == ACTIVITY:
            row.children.append(new_indicator(_new_key(draft, INDICATOR)))
        elif verb == "up" and at > 0:
            siblings[at - 1], siblings[at] = siblings[at], siblings[at - 1]
        elif verb == "down" and at < len(siblings) - 1:
            siblings[at + 1], siblings[at] = siblings[at], siblings[at + 1]
        elif verb == "remove":
            siblings.pop(at)
        elif verb not in ("up", "down"):
            return False
    draft.number()
    return True


# Sums ------------------------------------------------------------------------------------------


def _number(text: str) -> Decimal | None:
    try:
        return _weight_field.clean(text)
    except forms.ValidationError:
        return None


@dataclass
class Sums:
    by_area: dict[str, Decimal]
    areas: Decimal


def weight_sums(draft: Draft) -> Sums:
    """Each area's indicator weights added up, and the areas' weights (what the form shows live)."""
    by_area = {}
    for area in draft.areas:
        area.sum = by_area[area.key] = sum(
            (
                _number(i.values.get("weight", "")) or Decimal(0)
                for b in area.children
                for i in b.children
            ),
            Decimal(0),
        )
    return Sums(
        by_area,
        sum((_number(a.values.get("weight", "")) or Decimal(0) for a in draft.areas), Decimal(0)),
    )


# Validation ------------------------------------------------------------------------------------


def _typed(draft: Draft) -> dict[str, dict]:
    """Each row's values read by type (into document values), errors noted beside their cells."""
    typed = {}
    for row in draft.walk():
        values = row.values
        out = {
            "title": values.get("title", "").strip(),
            "title_en": values.get("title_en", "").strip(),
        }
        if not out["title"]:
            row.error("title", str(REQUIRED))
        if row.kind in (AREA, INDICATOR):
            text = values.get("weight", "").strip()
            try:
                weight = _weight_field.clean(text)
            except forms.ValidationError as exc:
                row.error("weight", exc.messages[0])
                weight = None
            if weight is None and not text:
                row.error("weight", str(REQUIRED))
            out["weight"] = document_value(weight) if weight is not None else "0"
        if row.kind == INDICATOR:
            unit = values.get("unit", "")
            if unit not in UNITS:
                row.error("unit", gettext("একক বেছে নিন।"))
                unit = scoring.PERCENT
            method = values.get("calculation_method", "")
            if method and method not in METHODS:
                row.error("calculation_method", gettext("গণনা পদ্ধতি বেছে নিন।"))
            label = " ".join(values.get("unit_label", "").split()) if unit == scoring.COUNT else ""
            if label == UNIT_WORDS[scoring.COUNT]:
                label = ""
            elif label and not valid_unit_label(label):
                row.error("unit_label", str(UNIT_LABEL_HINT))
                label = ""
            out["unit"], out["unit_label"] = unit, label
            out["calculation_method"] = (
                method if method in METHODS else scoring.DEFAULT_CALCULATION[unit]
            )
            targets, unknown = [], []
            for tier in range(5):
                text = values.get(f"target_{tier}", "")
                if is_unknown_mark(text):  # kept unknown (a lost cell) until someone fills it in
                    unknown.append(tier)
                    targets.append(None)
                    continue
                try:
                    targets.append(parse_target(unit, text, whole=counts_whole(unit, label)))
                except ValueError:
                    row.error(f"target_{tier}", str(target_hint(unit, label)))
                    targets.append(None)
            out["targets"] = [document_value(t) for t in targets]
            out["unknown_tiers"] = unknown
        typed[row.key] = out
    return typed


def plan_document(plan: ActionPlan, draft: Draft, typed: dict[str, dict]) -> dict:
    """The draft as a plan document (reports/plans/files.py's shape), each item with its row key."""

    def item(row: EditorItem, **extra) -> dict:
        data = typed[row.key]
        return {
            "key": row.key,
            "id": row.id,
            "number": row.number,
            "title": data["title"],
            "title_en": data["title_en"],
            **extra,
        }

    areas = []
    for area in draft.areas:
        activities = []
        for activity in area.children:
            indicators = [
                item(
                    i,
                    unit=typed[i.key]["unit"],
                    unit_label=typed[i.key]["unit_label"],
                    weight=typed[i.key]["weight"],
                    calculation_method=typed[i.key]["calculation_method"],
                    targets=typed[i.key]["targets"],
                    unknown_tiers=typed[i.key]["unknown_tiers"],
                )
                for i in activity.children
            ]
            activities.append(item(activity, indicators=indicators))
        areas.append(item(area, weight=typed[area.key]["weight"], activities=activities))
    return {
        "fiscal_year": plan.fiscal_year.start_year,
        "plan": {
            "title": plan.title,
            "total_marks": document_value(plan.total_marks),
            "scoring_method": plan.scoring_method,
        },
        "areas": areas,
    }


def validate(plan: ActionPlan, draft: Draft) -> dict | None:
    """Check the draft; faults go beside their cells. Returns the plan document when it holds."""
    typed = _typed(draft)
    document = plan_document(plan, draft, typed)
    rows = {row.key: row for row in draft.walk()}
    for fault in shown_all(check_plan(document)):
        row = rows.get(fault.key or "")
        if row is None:
            draft.faults.append(fault.message)
        else:
            row.error(fault.field or "title", fault.message)
    for area in draft.areas:
        if not area.children:
            area.error("title", gettext("ক্ষেত্রে অন্তত একটি কার্যক্রম দিন।"))
        for activity in area.children:
            if not activity.children:
                activity.error("title", gettext("কার্যক্রমে অন্তত একটি সূচক দিন।"))
    return None if draft.has_errors else document


# Revision (stale forms) and saving -------------------------------------------------------------


def revision(plan: ActionPlan, areas: list[PerformanceArea]) -> str:
    """A fingerprint of the plan's structure, weights, targets and texts as loaded: a form made from
    one fingerprint may not overwrite a plan that has since changed."""
    parts = [str(plan.total_marks)]
    for area in areas:
        parts.append(f"a{area.pk}|{area.number}|{area.title}|{area.title_en}|{area.weight}")
        for activity in area.activities.all():
            parts.append(f"b{activity.pk}|{activity.number}|{activity.title}|{activity.title_en}")
            for i in activity.indicators.all():
                parts.append(
                    f"i{i.pk}|{i.number}|{i.title}|{i.title_en}|{i.unit}|{i.unit_label}|"
                    f"{i.calculation_method}|{i.weight}|{i.targets}|{i.unknown_tiers}"
                )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


class StaleDraft(Exception):
    pass


class ReasonNeeded(Exception):
    pass


def _summary(old: dict, new: dict) -> list[str]:
    """What the save changes, one line each (as the admin records it)."""

    def flat(document):
        out = {}
        for area in document["areas"]:
            out[("a", area["id"])] = area
            for activity in area["activities"]:
                out[("b", activity["id"])] = activity
                for indicator in activity["indicators"]:
                    out[("i", indicator["id"])] = indicator
        return out

    before, after = flat(old), flat(new)
    lines = []
    # The amendment is recorded in Bengali, whatever the editor's interface language.
    with translation.override(settings.LANGUAGE_CODE):
        for (kind, pk), item in after.items():
            label = f"{gettext(KINDS[kind])} [{item['code']}]"
            if pk is None or (kind, pk) not in before:
                lines.append(gettext("{label} যুক্ত হয়েছে").format(label=label))
                continue
            was = before[(kind, pk)]
            changed = [
                name
                for name in (
                    "code",
                    "title",
                    "title_en",
                    "weight",
                    "unit",
                    "unit_label",
                    "calculation_method",
                    "targets",
                    "unknown_tiers",
                )
                if name in item and item[name] != was.get(name)
            ]
            if changed:
                line = gettext("{label}: {fields} পরিবর্তিত").format(
                    label=label, fields=", ".join(gettext(FIELD_NAMES[n]) for n in changed)
                )
                if "code" in changed:
                    line += gettext(" (আগে [{code}])").format(code=was["code"])
                lines.append(line)
        for (kind, pk), item in before.items():
            if (kind, pk) not in after:
                lines.append(
                    gettext("{label} বাদ দেওয়া হয়েছে").format(
                        label=f"{gettext(KINDS[kind])} [{item['code']}]"
                    )
                )
    return lines


FIELD_NAMES = {
    "code": gettext_noop("ক্রম"),
    "title": gettext_noop("শিরোনাম"),
    "title_en": gettext_noop("ইংরেজি পাঠ"),
    "weight": gettext_noop("মান"),
    "unit": gettext_noop("একক"),
    "calculation_method": gettext_noop("গণনা পদ্ধতি"),
    "targets": gettext_noop("লক্ষ্যমাত্রা"),
    "unit_label": gettext_noop("এককের নাম"),
    "unknown_tiers": gettext_noop("অজানা লক্ষ্যমাত্রা"),
}


def _with_codes(document: dict) -> dict:
    for area in document["areas"]:
        area["code"] = bangla.to_bengali_digits(area["number"])
        for activity in area["activities"]:
            activity["code"] = bangla.to_bengali_digits(f"{area['number']}.{activity['number']}")
            for indicator in activity["indicators"]:
                indicator["code"] = bangla.to_bengali_digits(
                    f"{area['number']}.{activity['number']}.{indicator['number']}"
                )
    return document


def _current_document(plan: ActionPlan, areas: list[PerformanceArea]) -> dict:
    draft = draft_from_plan(areas)
    return _with_codes(plan_document(plan, draft, _typed(draft)))


@dataclass
class Saved:
    summary: list[str]


def save_plan(
    *, plan: ActionPlan, draft: Draft, document: dict, user, reason: str, seen_revision: str
) -> Saved:
    """Write the validated draft over the plan: rows keep their identity (and their reports' values)
    by id, removed rows go, new ones are made; then the plan is rescored and, where the rule asks,
    the change is recorded with its reason."""
    with transaction.atomic():
        # Locks the plan: two admins saving at once are served one after the other, and the second
        # finds the revision moved on.
        locked = (
            ActionPlan.objects.select_for_update().select_related("fiscal_year").get(pk=plan.pk)
        )
        areas = editor_areas(locked)
        if revision(locked, areas) != seen_revision:
            raise StaleDraft(str(STALE))
        summary = _summary(_current_document(locked, areas), _with_codes(document))
        if reason_missing(plan=locked, summary=summary, reason=reason):
            raise ReasonNeeded(gettext(REASON_NEEDED))
        if summary:
            _write(locked, areas, document)
            rescore_plan(plan_id=locked.pk)
            record_amendment(plan=locked, user=user, reason=reason, summary=summary)
        return Saved(summary)


def _write(plan: ActionPlan, areas: list[PerformanceArea], document: dict) -> None:
    existing = {("a", a.pk): a for a in areas}
    for area in areas:
        for activity in area.activities.all():
            existing[("b", activity.pk)] = activity
            for indicator in activity.indicators.all():
                existing[("i", indicator.pk)] = indicator
    kept = {("a", a["id"]) for a in document["areas"]}
    kept |= {("b", b["id"]) for a in document["areas"] for b in a["activities"]}
    kept |= {
        ("i", i["id"]) for a in document["areas"] for b in a["activities"] for i in b["indicators"]
    }
    gone = [key for key in existing if key not in kept]
    Indicator.objects.filter(pk__in=[pk for kind, pk in gone if kind == "i"]).delete()
    Activity.objects.filter(pk__in=[pk for kind, pk in gone if kind == "b"]).delete()
    PerformanceArea.objects.filter(pk__in=[pk for kind, pk in gone if kind == "a"]).delete()
    # Numbers are unique per parent: move the kept rows out of the way before numbering them anew.
    offset = 10000
    PerformanceArea.objects.filter(plan=plan).update(number=F("number") + offset)
    Activity.objects.filter(area__plan=plan).update(number=F("number") + offset)
    Indicator.objects.filter(activity__area__plan=plan).update(number=F("number") + offset)

    def own(kind, pk):
        return existing.get((kind, pk)) if pk is not None else None

    for a in document["areas"]:
        area = own("a", a["id"]) or PerformanceArea(plan=plan)
        area.number, area.title, area.title_en, area.weight = (
            a["number"],
            a["title"],
            a["title_en"],
            Decimal(a["weight"]),
        )
        area.save()
        for b in a["activities"]:
            activity = own("b", b["id"]) or Activity()
            activity.area, activity.number, activity.title, activity.title_en = (
                area,
                b["number"],
                b["title"],
                b["title_en"],
            )
            activity.save()
            for i in b["indicators"]:
                indicator = own("i", i["id"]) or Indicator()
                indicator.activity, indicator.number = activity, i["number"]
                indicator.title, indicator.title_en, indicator.unit = (
                    i["title"],
                    i["title_en"],
                    i["unit"],
                )
                indicator.calculation_method, indicator.weight = (
                    i["calculation_method"],
                    Decimal(i["weight"]),
                )
                indicator.set_targets([typed_target(i["unit"], t) for t in i["targets"]])
                indicator.unit_label, indicator.unknown_tiers = (
                    i["unit_label"],
                    tier_bits(i["unknown_tiers"]),
                )
                indicator.save()
    plan_revised(plan_id=plan.pk)  # the renumbering above is a bulk write, which sends no signal


@dataclass
class EditorRow:
    """One <tr> of the editor: the area and activity cells open on their first row and span."""

    area: EditorItem | None
    area_span: int
    activity: EditorItem | None
    activity_span: int
    indicator: EditorItem | None
    area_key: str = ""


def table_rows(draft: Draft) -> list[EditorRow]:
    rows = []
    for area in draft.areas:
        area_span = sum(max(1, len(b.children)) for b in area.children) or 1
        opened = False
        if not area.children:
            rows.append(EditorRow(area, 1, None, 1, None, area.key))
        for activity in area.children:
            span = max(1, len(activity.children))
            for k, indicator in enumerate(activity.children or [None]):
                rows.append(
                    EditorRow(
                        None if opened else area,
                        area_span,
                        activity if k == 0 else None,
                        span,
                        indicator,
                        area.key,
                    )
                )
                opened = True
    return rows
