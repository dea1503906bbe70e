"""Forms: the quarterly entry form (one typed input per indicator), review and login."""

import datetime
import functools
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from egov_plan import i18n
from egov_plan.core import bangla, fiscal, scoring
from egov_plan.core.plan_rules import (
    UNKNOWN_TARGET,
    counts_whole,
    is_unknown_mark,
    shown_value,
    target_faults,
)
from egov_plan.core_messages import text
from egov_plan.plans.models import Indicator
from reports.plans.admin_forms import parse_target, target_hint
from reports.quarters import evidence as evidence_types
from reports.quarters.services import Entry, field_token

MAX_INPUT = 40  # characters; longer than any date or number anyone types


class _BengaliInput(forms.Field):
    """A text input that parses Bengali or Latin digits into a typed value."""

    widget = forms.TextInput
    invalid_message = ""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if len(text) > MAX_INPUT:
            raise forms.ValidationError(gettext("মানটি অনেক বড়; সংক্ষেপে লিখুন।"), code="max_length")
        try:
            return self.parse(text)
        except ValueError:
            raise forms.ValidationError(self.invalid_message, code="invalid") from None

    def parse(self, text: str):
        raise NotImplementedError


class BengaliDateField(_BengaliInput):
    invalid_message = _("সঠিক তারিখ লিখুন: দিন/মাস/বছর (যেমন ৩১/১০/২২ বা ৩১/১০/২০২২) অথবা ২০২২-১০-৩১।")

    def __init__(
        self,
        *,
        earliest: datetime.date | None = None,
        latest: datetime.date | None = None,
        **kwargs,
    ):
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def parse(self, text):
        return bangla.parse_date(text)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if (self.earliest and value < self.earliest) or (self.latest and value > self.latest):
            raise forms.ValidationError(
                gettext("তারিখটি {format_date} থেকে {format_date2} এর মধ্যে হতে হবে।").format(
                    format_date=i18n.date(self.earliest), format_date2=i18n.date(self.latest)
                ),
                code="out_of_range",
            )


class BengaliPercentField(_BengaliInput):
    invalid_message = _("শতাংশ সংখ্যায় লিখুন, যেমন ৩০ বা ৩০%।")

    def parse(self, text):
        return bangla.parse_percent(text)

    def validate(self, value):
        super().validate(value)
        if value is not None and not (0 <= value <= 100):
            raise forms.ValidationError(
                gettext("শতাংশ ০ থেকে ১০০ এর মধ্যে হতে হবে।"), code="out_of_range"
            )
        if value is not None and value != value.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                gettext("দশমিকের পরে সর্বোচ্চ দুই অঙ্ক লিখুন।"), code="precision"
            )


class BengaliMeasureField(_BengaliInput):
    """A count in a unit of measure (লক্ষ টাকা, কিমি): 0 or more, up to two decimals."""

    invalid_message = _("০ বা তার বেশি একটি সংখ্যা লিখুন, যেমন ২৯.৯৭।")

    def parse(self, text):
        return bangla.parse_decimal(text)

    def validate(self, value):
        super().validate(value)
        if value is not None and value < 0:
            raise forms.ValidationError(self.invalid_message, code="negative")
        if value is not None and value != value.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                gettext("দশমিকের পরে সর্বোচ্চ দুই অঙ্ক লিখুন।"), code="precision"
            )


class BengaliCountField(_BengaliInput):
    invalid_message = _("০ বা তার বেশি একটি পূর্ণসংখ্যা লিখুন, যেমন ৩।")

    def parse(self, text):
        return Decimal(bangla.parse_count(text))

    def validate(self, value):
        super().validate(value)
        if value is not None and value < 0:
            raise forms.ValidationError(self.invalid_message, code="negative")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Any number of files; each is checked by content and size, and returns (file, kind)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        checked = []
        for upload in files:
            upload = super().clean(upload, initial)
            if upload is None:
                continue
            checked.append((upload, self._kind(upload)))
        return checked

    @staticmethod
    def _kind(upload):
        limit = settings.EVIDENCE_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                gettext("“{name}” ফাইলটি অনেক বড়: সর্বোচ্চ {format_number} মেগাবাইট গ্রহণযোগ্য।").format(
                    name=upload.name, format_number=i18n.number(limit // (1024 * 1024))
                ),
                code="too_large",
            )
        try:
            kind = evidence_types.sniff(upload)
        except evidence_types.TooLargeUnpacked:
            raise forms.ValidationError(
                gettext(
                    "“{name}” ফাইলটি খুললে অনেক বড় হয়: সর্বোচ্চ {format_number} মেগাবাইট গ্রহণযোগ্য।"
                ).format(
                    name=upload.name,
                    format_number=i18n.number(
                        settings.EVIDENCE_MAX_UNPACKED_BYTES // (1024 * 1024)
                    ),
                ),
                code="too_large_unpacked",
            ) from None
        except evidence_types.UnsafePdf as unsafe:
            raise forms.ValidationError(
                gettext(
                    "“{name}” PDF ফাইলটি গ্রহণ করা যায় না: {reason} প্রমাণক হিসেবে শুধু সাধারণ PDF "
                    "দিন (যেমন স্ক্যান বা “PDF হিসেবে সংরক্ষণ” করা ফাইল)।"
                ).format(name=upload.name, reason=gettext(UNSAFE_PDF_REASONS[unsafe.reason])),
                code="unsafe_pdf",
            ) from None
        if kind is None:
            raise forms.ValidationError(
                gettext(
                    "“{name}” গ্রহণযোগ্য ফাইল নয়: শুধু PDF, JPEG, PNG, DOCX বা XLSX ফাইল দিন "
                    "(ফাইলের ভেতরের ধরন যাচাই করা হয়, নাম নয়; ক্ষতিগ্রস্ত ফাইলও গ্রহণ করা হয় না)।"
                ).format(name=upload.name),
                code="bad_type",
            )
        return kind


UNSAFE_PDF_REASONS = {
    evidence_types.UnsafePdf.JAVASCRIPT: gettext_noop(
        "এতে JavaScript (স্ক্রিপ্ট) আছে, যা খুললেই চলতে পারে।"
    ),
    evidence_types.UnsafePdf.LAUNCH: gettext_noop(
        "এতে অন্য প্রোগ্রাম বা ফাইল চালু করার নির্দেশ (Launch) আছে।"
    ),
    evidence_types.UnsafePdf.EMBEDDED_FILE: gettext_noop("এর ভেতরে অন্য ফাইল সংযুক্ত (এমবেড) করা আছে।"),
    evidence_types.UnsafePdf.AFTER_END: gettext_noop(
        "PDF এর শেষ চিহ্নের পরে আরও কিছু (যেমন একটি ওয়েব পাতা) জোড়া আছে।"
    ),
    evidence_types.UnsafePdf.ENCRYPTED: gettext_noop(
        "এটি পাসওয়ার্ড দিয়ে সুরক্ষিত, তাই পর্যালোচক খুলতে পারবেন না।"
    ),
}


UNIT_WORDS = {scoring.DATE: _("তারিখ"), scoring.PERCENT: "%", scoring.COUNT: _("সংখ্যা")}


VALUE_LABEL = gettext_noop("[{code}] এর অর্জন ({unit})")


MEASURE = "measure"  # a count in a unit of measure: decimals allowed


def value_kind(indicator: Indicator) -> str:
    """What an achievement is read as: the unit, or MEASURE for a count that may have decimals."""
    if indicator.unit == scoring.COUNT and not counts_whole(indicator.unit, indicator.unit_label):
        return MEASURE
    return indicator.unit


def unit_word(indicator: Indicator) -> str:
    """The unit as the interface names it: the indicator's own word, else the unit's (translated)."""
    return indicator.unit_label or str(UNIT_WORDS.get(indicator.unit, UNIT_WORDS[scoring.COUNT]))


def value_label(indicator: Indicator) -> str:
    return gettext(VALUE_LABEL).format(code=i18n.digits(indicator.code), unit=unit_word(indicator))


def value_field_for(indicator: Indicator, *, start_year: int, quarter: int) -> forms.Field:
    """The typed input of an indicator's achievement, labelled with its number and unit."""
    return _value_field(
        value_kind(indicator), start_year=start_year, quarter=quarter, label=value_label(indicator)
    )


def _value_field(unit: str, *, start_year: int, quarter: int, label: str = "") -> forms.Field:
    if unit == scoring.DATE:
        return BengaliDateField(
            label=label,
            earliest=fiscal.fiscal_year_start(start_year),
            latest=fiscal.quarter_end(start_year, quarter),
            widget=forms.TextInput(attrs={"placeholder": _("দদ/মম/বব"), "inputmode": "numeric"}),
        )
    if unit == scoring.PERCENT:
        return BengaliPercentField(
            label=label,
            widget=forms.TextInput(attrs={"placeholder": _("যেমন ৩০%"), "inputmode": "decimal"}),
        )
    if unit == MEASURE:
        return BengaliMeasureField(
            label=label,
            widget=forms.TextInput(attrs={"placeholder": _("যেমন ২৯.৯৭"), "inputmode": "decimal"}),
        )
    return BengaliCountField(
        label=label,
        widget=forms.TextInput(attrs={"placeholder": _("যেমন ২"), "inputmode": "numeric"}),
    )


def _remarks_field() -> forms.Field:
    # Shared by every request of the process (see _shared_fields): lazy texts, in each request's language.
    return forms.CharField(
        label=_("মন্তব্য"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 1}),
        error_messages={"max_length": _("মন্তব্য ১০০০ অক্ষরের মধ্যে লিখুন।")},
    )


@functools.lru_cache(maxsize=256)
def _shared_fields(unit: str, start_year: int, quarter: int) -> tuple[forms.Field, ...]:
    """The value, remarks and evidence fields of an indicator of this unit, year and quarter.

    A field only parses and checks what is posted (the page renders its inputs itself, labelled by
    indicator), and holds nothing of one request, so every indicator of a unit shares one set,
    made once per process: building five fields per indicator on every request cost more than
    the rest of the page.
    """
    return (
        _value_field(unit, start_year=start_year, quarter=quarter),
        _remarks_field(),
        EvidenceField(label=_("প্রমাণক")),
    )


class EntryForm(forms.Form):
    """This quarter's values, remarks and evidence for every indicator of a plan.

    Beside each value and remark, a hidden `seen_value_<id>` / `seen_remarks_<id>`
    carries what was stored when the page was rendered, so that a save writes
    only what this user changed (see `reports.quarters.services`). They are read from the
    data as posted (`_seen`), never cleaned, so they are not fields: two fewer per
    indicator to clean on every save.
    """

    def __init__(
        self,
        *args,
        indicators: list[Indicator],
        start_year: int,
        quarter: int,
        achievements: dict,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.achievements = achievements
        for indicator in indicators:
            pk = indicator.pk
            value, remarks, evidence = _shared_fields(value_kind(indicator), start_year, quarter)
            self.fields.update(
                {f"value_{pk}": value, f"remarks_{pk}": remarks, f"evidence_{pk}": evidence}
            )
            stored = achievements.get(pk)
            self.initial[f"seen_value_{pk}"] = field_token(
                stored.value if stored is not None else None
            )
            self.initial[f"seen_remarks_{pk}"] = field_token(
                stored.remarks if stored is not None else None
            )
            if stored is not None:
                self.initial[f"value_{pk}"] = shown_value(indicator.unit, stored.value)
                self.initial[f"remarks_{pk}"] = stored.remarks

    @functools.cached_property
    def _texts(self) -> dict:
        """The labels' wording and the placeholders, translated once per form (one request, one
        language) rather than once per indicator."""
        return {
            "value": gettext(VALUE_LABEL),
            "remarks": gettext("[{code}] মন্তব্য"),
            "evidence": gettext("[{code}] প্রমাণক"),
            "units": {unit: str(word) for unit, word in UNIT_WORDS.items()},
            "placeholders": {},
        }

    def inputs(self, indicator: Indicator) -> dict:
        """What the page prints for one indicator's inputs (names, ids, texts and errors), as plain
        values: the page writes the inputs itself (reports/fast/entry_html.py), with no widget rendering."""
        pk = indicator.pk
        source = self.data if self.is_bound else self.initial
        errors = self.errors if self.is_bound else {}
        texts = self._texts
        shown = {}
        for kind in ("value", "remarks", "evidence", "seen_value", "seen_remarks"):
            name = f"{kind}_{pk}"
            text = source.get(name)
            shown[kind] = {
                "name": name,
                "id": f"id_{name}",
                "text": "" if text is None else text,
                "errors": errors.get(name, ()),
            }
        kind = value_kind(indicator)
        placeholder = texts["placeholders"].get(kind)
        if placeholder is None:
            attrs = self.fields[f"value_{pk}"].widget.attrs
            placeholder = texts["placeholders"][kind] = (
                str(attrs["placeholder"]),
                attrs["inputmode"],
            )
        code = i18n.digits(indicator.code)
        unit = indicator.unit_label or texts["units"].get(
            indicator.unit, texts["units"][scoring.COUNT]
        )
        shown["value"].update(
            label=texts["value"].format(code=code, unit=unit),
            placeholder=placeholder[0],
            inputmode=placeholder[1],
        )
        shown["remarks"]["label"] = texts["remarks"].format(code=code)
        shown["evidence"]["label"] = texts["evidence"].format(code=code)
        return shown

    def _seen(self, kind: str, indicator_id: int) -> str | None:
        """The stored value the page showed; a field the request left out counts as unchanged."""
        seen = self.data.get(f"seen_{kind}_{indicator_id}")
        if seen is None and f"{kind}_{indicator_id}" not in self.data:
            return field_token(None)
        return seen

    def entries(self) -> dict[int, Entry]:
        return {
            i.pk: Entry(
                value=self.cleaned_data.get(f"value_{i.pk}"),
                remarks=(self.cleaned_data.get(f"remarks_{i.pk}") or "").strip(),
                seen_value=self._seen("value", i.pk),
                seen_remarks=self._seen("remarks", i.pk),
            )
            for i in self.indicators
        }

    def refreshed_data(self, achievements: dict):
        """The posted data brought up to date with what is stored now (after a save or a conflict).

        A field this user changed keeps what they typed; every other field shows
        the stored value. Every `seen` becomes the stored value, so that saving
        again deliberately keeps what this user typed, and nothing else.
        """
        data = self.data.copy()
        for indicator, entry in zip(self.indicators, self.entries().values()):
            stored = achievements.get(indicator.pk)
            for kind, typed, seen in (
                ("value", entry.value, entry.seen_value),
                ("remarks", entry.remarks, entry.seen_remarks),
            ):
                current = getattr(stored, kind) if stored is not None else None
                if seen is not None and field_token(typed) == seen:
                    data[f"{kind}_{indicator.pk}"] = (
                        shown_value(indicator.unit, current) if kind == "value" else current or ""
                    )
                data[f"seen_{kind}_{indicator.pk}"] = field_token(current)
        return data

    def value_errors(self) -> bool:
        return any(not name.startswith("evidence_") for name in self.errors)

    def valid_uploads(self):
        """(indicator, file, kind) for each evidence file that passed its checks."""
        cleaned = getattr(self, "cleaned_data", {})
        for indicator in self.indicators:
            for upload, kind in cleaned.get(f"evidence_{indicator.pk}") or []:
                yield indicator, upload, kind


class ReviewForm(forms.Form):
    APPROVE, RETURN, REOPEN = "approve", "return", "reopen"

    action = forms.ChoiceField(
        choices=[(APPROVE, APPROVE), (RETURN, RETURN), (REOPEN, REOPEN)],
        error_messages={"invalid_choice": _("অজানা কাজ।"), "required": _("অজানা কাজ।")},
    )
    comment = forms.CharField(
        label=_("মন্তব্য / কারণ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("মন্তব্য ২০০০ অক্ষরের মধ্যে লিখুন।")},
    )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        comment = (cleaned.get("comment") or "").strip()
        if action == self.RETURN and not comment:
            self.add_error("comment", gettext("ফেরত পাঠানোর কারণ লিখুন।"))
        if action == self.REOPEN and not comment:
            self.add_error("comment", gettext("পুনরায় খোলার কারণ লিখুন।"))
        cleaned["comment"] = comment
        return cleaned


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("যাচাইয়ের জন্য PDF ফাইল"),
        error_messages={
            "required": _("একটি PDF ফাইল নির্বাচন করুন।"),
            "empty": _("ফাইলটি খালি।"),
            "invalid": _("একটি PDF ফাইল নির্বাচন করুন।"),
        },
    )

    @staticmethod
    def too_large_message() -> str:
        return gettext("ফাইলটি অনেক বড়: স্বাক্ষরিত প্রতিবেদন সর্বোচ্চ {format_number} মেগাবাইট হয়।").format(
            format_number=i18n.number(settings.VERIFY_MAX_BYTES // (1024 * 1024))
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.VERIFY_MAX_BYTES:
            raise forms.ValidationError(self.too_large_message(), code="too_large")
        return upload


class PlanTargetsForm(forms.Form):
    """The five tier targets of every indicator of a plan, one input each, read by the unit."""

    def __init__(self, *args, indicators: list[Indicator], start_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.start_year = start_year
        for indicator in indicators:
            unknown = indicator.unknown_tier_indexes
            for k, (tier, value) in enumerate(zip(scoring.TIER_PERCENTS, indicator.targets)):
                name = f"target_{indicator.pk}_{tier}"
                self.fields[name] = forms.CharField(
                    label=f"[{indicator.code}] {bangla.format_percent(tier)}",
                    required=False,
                    max_length=MAX_INPUT,
                    error_messages={"max_length": gettext("মানটি অনেক বড়; সংক্ষেপে লিখুন।")},
                )
                self.initial[name] = (
                    gettext(UNKNOWN_TARGET) if k in unknown else shown_value(indicator.unit, value)
                )

    def row(self, indicator: Indicator) -> list:
        return [self[f"target_{indicator.pk}_{tier}"] for tier in scoring.TIER_PERCENTS]

    def clean(self):
        cleaned = super().clean()
        targets = {}
        for indicator in self.indicators:
            typed = []
            for k, tier in enumerate(scoring.TIER_PERCENTS):
                name = f"target_{indicator.pk}_{tier}"
                if is_unknown_mark(
                    cleaned.get(name)
                ):  # still unknown; only the plan's admin marks a target so
                    if k not in indicator.unknown_tier_indexes:
                        self.add_error(name, target_hint(indicator.unit, indicator.unit_label))
                    typed.append(None)
                    continue
                try:
                    typed.append(
                        parse_target(
                            indicator.unit,
                            cleaned.get(name),
                            whole=counts_whole(indicator.unit, indicator.unit_label),
                        )
                    )
                except ValueError:
                    self.add_error(name, target_hint(indicator.unit, indicator.unit_label))
                    typed.append(None)
            unknown = [k for k in indicator.unknown_tier_indexes if typed[k] is None]
            for message in target_faults(
                indicator.unit,
                typed,
                start_year=self.start_year,
                unit_label=indicator.unit_label,
                unknown=unknown,
                place=f"[{indicator.code}]",
            ):
                self.add_error(f"target_{indicator.pk}_100", text(message))
            targets[indicator.pk] = typed
        cleaned["targets"] = targets
        return cleaned
