"""Forms of the plan admin: typed targets, whole-plan validation, change reasons."""

import datetime
from decimal import Decimal

import nested_admin
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
)
from egov_plan.core.seed_layout import UNIT_WORDS, too_large, valid_unit_label
from egov_plan.core_messages import shown_all, text
from egov_plan.offices.models import Office, OfficeTier
from egov_plan.plans.amendments import REASON_NEEDED, reason_missing
from egov_plan.plans.models import ActionPlan, Indicator

TARGET_FIELDS = Indicator.TIER_FIELDS


class BengaliNumberInput(forms.TextInput):
    """Shows stored numbers in Bengali digits (৩০, not 30.00); what was typed stays as typed."""

    def format_value(self, value):
        if value is None or value == "" or isinstance(value, str):
            return super().format_value(value)
        return bangla.format_number(value)


class _BengaliDigits:
    widget = BengaliNumberInput

    def to_python(self, value):
        return super().to_python(
            bangla.to_latin_digits(value).strip() if isinstance(value, str) else value
        )


class BengaliDecimalField(_BengaliDigits, forms.DecimalField):
    pass


class BengaliIntegerField(_BengaliDigits, forms.IntegerField):
    pass


TARGET_HINTS = {
    scoring.DATE: _("তারিখ দদ/মম/বব আকারে লিখুন (যেমন ৩১/১০/২২)।"),
    scoring.PERCENT: _("শতাংশ সংখ্যায় লিখুন (যেমন ৮৫)।"),
    scoring.COUNT: _("০ বা তার বেশি পূর্ণসংখ্যা লিখুন।"),
}
MEASURE_HINT = _("০ বা তার বেশি সংখ্যা লিখুন, দশমিকের পরে সর্বোচ্চ দুই অঙ্ক (যেমন ২৯.৯৭)।")


def target_hint(unit: str, unit_label: str = ""):
    """What to write in a tier of this unit (a count in a unit of measure may have decimals)."""
    return (
        TARGET_HINTS[unit]
        if unit != scoring.COUNT or counts_whole(unit, unit_label)
        else MEASURE_HINT
    )


BLANKS = ("", "-", "--", "-----")


def parse_target(unit: str, text, *, whole: bool = True) -> "datetime.date | Decimal | None":
    """A tier target as typed (Bengali or Latin digits), read by the unit; None for a blank tier.
    `whole`: a count of things (not a measure such as লক্ষ টাকা, which may have decimals).
    Raises ValueError for text that is not a target of that unit."""
    text = (text or "").strip()
    if text in BLANKS:
        return None
    if unit == scoring.DATE:
        return bangla.parse_date(text)
    if unit == scoring.PERCENT:
        return bangla.parse_percent(text)
    return Decimal(bangla.parse_count(text)) if whole else bangla.parse_decimal(text)


def _target_field(tier: int) -> forms.CharField:
    return forms.CharField(
        label=TIER_NAMES[tier],
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"size": 9, "placeholder": gettext("দদ/মম/বব বা সংখ্যা")}),
    )


class IndicatorForm(forms.ModelForm):
    """One text input per tier, read by the indicator's unit: a date (dd/mm/yy) for date
    indicators, a percent or a whole number otherwise; Bengali or Latin digits."""

    target_100 = _target_field(0)
    target_90 = _target_field(1)
    target_80 = _target_field(2)
    target_70 = _target_field(3)
    target_60 = _target_field(4)

    class Meta:
        model = Indicator
        fields = [
            "number",
            "title",
            "title_en",
            "unit",
            "unit_label",
            "weight",
            "calculation_method",
            "notes",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "title_en": forms.Textarea(attrs={"rows": 2, "cols": 30, "lang": "en"}),
            "notes": forms.Textarea(attrs={"rows": 2, "cols": 24}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calculation_method"].required = False
        self.fields["calculation_method"].help_text = gettext(
            "খালি রাখলে: তারিখ → তারিখ, সংখ্যা → সমষ্টি, % → গড়"
        )
        for field in TARGET_FIELDS:
            if self.instance.pk:
                value = getattr(
                    self.instance, f"{field}_date" if self.instance.is_date else f"{field}_number"
                )
                self.initial[field] = (
                    UNKNOWN_TARGET
                    if TARGET_FIELDS.index(field) in self.instance.unknown_tier_indexes
                    else shown_value(self.instance.unit, value)
                )

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if not unit:
            return cleaned
        if not cleaned.get("calculation_method"):
            cleaned["calculation_method"] = scoring.DEFAULT_CALCULATION[unit]
        label = " ".join((cleaned.get("unit_label") or "").split())
        if unit != scoring.COUNT or label == UNIT_WORDS[scoring.COUNT]:
            label = ""
        elif label and not valid_unit_label(label):
            self.add_error(
                "unit_label",
                gettext("এককের নাম কয়েকটি শব্দে লিখুন, অঙ্ক ছাড়া (যেমন জন, লক্ষ টাকা); খালি রাখলে “সংখ্যা”।"),
            )
        cleaned["unit_label"] = label
        typed, unknown = [], []
        for tier, field in enumerate(TARGET_FIELDS):
            if is_unknown_mark(cleaned.get(field)):
                unknown.append(tier)
                typed.append(None)
                continue
            try:
                typed.append(
                    parse_target(
                        unit,
                        cleaned.get(field),
                        whole=counts_whole(unit, cleaned.get("unit_label") or ""),
                    )
                )
            except ValueError:
                self.add_error(field, target_hint(unit, label))
                typed.append(None)
        cleaned["targets"], cleaned["unknown_tiers"] = typed, unknown
        return cleaned

    def save(self, commit=True):
        self.instance.calculation_method = self.cleaned_data["calculation_method"]
        self.instance.unit_label = self.cleaned_data.get("unit_label") or ""
        self.instance.set_targets(self.cleaned_data["targets"])
        self.instance.unknown_tiers = tier_bits(self.cleaned_data["unknown_tiers"])
        return super().save(commit=commit)

    def document(self) -> dict:
        data = self.cleaned_data
        return {
            "number": data["number"],
            "title": data["title"],
            "unit": data["unit"],
            "unit_label": data.get("unit_label") or "",
            "unknown_tiers": data.get("unknown_tiers", []),
            "weight": document_value(data["weight"]),
            "calculation_method": data["calculation_method"],
            "targets": [document_value(t) for t in data.get("targets", [None] * 5)],
        }


class ActionPlanForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("পরিবর্তনের কারণ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_(
            "দাখিলকৃত বা অনুমোদিত প্রতিবেদন আছে এমন কর্মপরিকল্পনার কাঠামো, মান বা লক্ষ্যমাত্রা বদলালে "
            "কারণ লিখতে হবে; পরিবর্তনটি কে, কখন, কেন করেছেন তা সংরক্ষিত থাকে।"
        ),
    )

    class Meta:
        model = ActionPlan
        fields = [
            "office",
            "fiscal_year",
            "title",
            "total_marks",
            "scoring_method",
            "targets_adjustable",
        ]


def _live_forms(formset):
    """The forms that will be saved: neither deleted nor untouched extras."""
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if not form.instance.pk and not form.has_changed():
            continue
        yield form


KINDS = {"PerformanceArea": _("ক্ষেত্র"), "Activity": _("কার্যক্রম"), "Indicator": _("সূচক")}


def _shown_change(value) -> str:
    if value in (None, ""):
        return gettext("ফাঁকা")
    if isinstance(value, Decimal):
        return bangla.format_number(value)
    return bangla.to_bengali_digits(value)


def _changes(formset, parent_code: str = "") -> list[str]:
    """What the plan's formsets change, one line each, with old → new values."""
    lines = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        number = (
            data.get("number") or form.initial.get("number") or getattr(form.instance, "number", "")
        )
        code = f"{parent_code}.{number}" if parent_code else str(number)
        label = f"{KINDS[type(form.instance).__name__]} [{bangla.to_bengali_digits(code)}]"
        if formset.can_delete and formset._should_delete_form(form):
            if form.instance.pk:
                lines.append(gettext("{label} বাদ দেওয়া হয়েছে").format(label=label))
            continue
        if not form.instance.pk and form.has_changed():
            lines.append(gettext("{label} যুক্ত হয়েছে").format(label=label))
        elif form.instance.pk and form.has_changed():
            for name in form.changed_data:
                if name == "title_en":  # the English translation's text: not the official plan
                    continue
                field = form.fields[name]
                if name == "title":
                    lines.append(
                        gettext("{label}: {label2} পরিবর্তিত").format(
                            label=label, label2=field.label
                        )
                    )
                else:
                    lines.append(
                        f"{label}: {field.label} {_shown_change(form.initial.get(name))} → "
                        f"{_shown_change(data.get(name))}"
                    )
        for nested in getattr(form, "nested_formsets", []):
            lines += _changes(nested, code)
    return lines


class BengaliInlineFormSet(nested_admin.NestedInlineFormSet):
    """Django's duplicate-value messages have no Bengali translation; these do."""

    def get_unique_error_message(self, unique_check):
        labels = ", ".join(
            str(self.form.base_fields[name].label)
            for name in unique_check
            if name in self.form.base_fields and name != self.fk.name
        )
        return gettext("একই {labels} একাধিকবার দেওয়া হয়েছে; প্রতিটি আলাদা হতে হবে।").format(labels=labels)

    def get_form_error(self):
        return gettext("নিচের পুনরাবৃত্ত মানগুলো সংশোধন করুন।")


class AreaFormSet(BengaliInlineFormSet):
    """Validates the whole plan (areas, their activities and indicators) before anything is saved."""

    change_summary: list[str] = []

    def clean(self):
        super().clean()
        document = self._plan_document()
        if document is None:
            return  # field errors below already stop the save
        faults = check_plan(document)
        if faults:
            raise ValidationError([str(f) for f in shown_all(faults)])
        with translation.override(settings.LANGUAGE_CODE):  # the recorded amendment is in Bengali
            self.change_summary = [str(line) for line in _changes(self)]
        if reason_missing(
            plan=self.instance, summary=self.change_summary, reason=self.data.get("change_reason")
        ):
            raise ValidationError(gettext(REASON_NEEDED))

    def _plan_document(self) -> dict | None:
        plan = self.instance
        if plan.fiscal_year_id is None or plan.total_marks is None:
            return None
        areas = []
        for area_form in _live_forms(self):
            if area_form.errors:
                return None
            activities = []
            for activity_formset in getattr(area_form, "nested_formsets", []):
                if not activity_formset.is_valid():
                    return None
                for activity_form in _live_forms(activity_formset):
                    indicators = []
                    for indicator_formset in getattr(activity_form, "nested_formsets", []):
                        if not indicator_formset.is_valid():
                            return None
                        indicators += [form.document() for form in _live_forms(indicator_formset)]
                    activities.append(
                        {
                            "number": activity_form.cleaned_data["number"],
                            "title": activity_form.cleaned_data["title"],
                            "indicators": indicators,
                        }
                    )
            areas.append(
                {
                    "number": area_form.cleaned_data["number"],
                    "title": area_form.cleaned_data["title"],
                    "weight": document_value(area_form.cleaned_data["weight"]),
                    "activities": activities,
                }
            )
        return {
            "fiscal_year": plan.fiscal_year.start_year,
            "plan": {"title": plan.title, "total_marks": document_value(plan.total_marks)},
            "areas": sorted(areas, key=lambda a: a["number"]),
        }


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("ফাইল (.txt, .xlsx বা .docx)"),
        error_messages={"required": _("একটি ফাইল নির্বাচন করুন।"), "empty": _("ফাইলটি খালি।")},
    )
    office = forms.CharField(
        label=_("দপ্তর (ঐচ্ছিক)"),
        required=False,
        max_length=200,
        help_text=_("খালি রাখলে ফাইলের দপ্তরের নাম নেওয়া হবে।"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if (fault := too_large(upload.size)) is not None:  # refused before it is read into memory
            raise forms.ValidationError(text(fault.message), code="too_large")
        return upload


class PlanImportConfirmForm(forms.Form):
    """The preview's choice: the tier a plan's single annual target goes in."""

    single_tier = forms.TypedChoiceField(
        label=_("একটি মাত্র লক্ষ্যমাত্রা যে স্তরে রাখা হবে"),
        coerce=int,
        required=False,
        empty_value=0,
        choices=[(k, _(name)) for k, name in enumerate(TIER_NAMES)],
        error_messages={"invalid_choice": _("এই স্তর নেই।")},
    )


class RolloutForm(forms.Form):
    under = forms.CharField(
        label=_("যে দপ্তরের অধীনস্থ সব দপ্তরে (কোড)"),
        max_length=40,
        error_messages={"required": _("দপ্তরের কোড লিখুন।")},
    )
    tier = forms.ModelChoiceField(
        label=_("শুধু এই স্তরের দপ্তর"),
        required=False,
        queryset=OfficeTier.objects.all(),
        empty_label=_("সব স্তর"),
        error_messages={"invalid_choice": _("এই স্তর নেই।")},
    )

    def clean_under(self):
        code = self.cleaned_data["under"].strip()
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise forms.ValidationError(gettext("“{code}” কোডের কোনো দপ্তর নেই।").format(code=code))
        return office
