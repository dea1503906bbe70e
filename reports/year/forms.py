"""Forms of the half-yearly and annual documents: the office's narrative per area, and the
evaluator's achievements per indicator (reports/year/services.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.quarters.forms import value_field_for
from reports.year.services import COMMENT_REQUIRED, NARRATIVE_MAX, EvaluatedValue

NARRATIVE_TOO_LONG = _("সর্বোচ্চ ২০০০ অক্ষরে সংক্ষেপে লিখুন।")
COMMENT_MAX = 1000


class NarrativeForm(forms.Form):
    """Two short texts per performance area: what was done, and the obstacles. Both are needed to
    submit (write "নেই" where there were no obstacles); a draft may leave them empty."""

    def __init__(self, *args, areas, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.submitting = submitting
        for area in areas:
            self.fields[f"done_{area.pk}"] = forms.CharField(
                label=_("কী করা হয়েছে"),
                required=False,
                max_length=NARRATIVE_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"max_length": NARRATIVE_TOO_LONG},
            )
            self.fields[f"obstacles_{area.pk}"] = forms.CharField(
                label=_("প্রতিবন্ধকতা"),
                required=False,
                max_length=NARRATIVE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": NARRATIVE_TOO_LONG},
            )

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for area in self.areas:
                if f"done_{area.pk}" in cleaned and not cleaned[f"done_{area.pk}"].strip():
                    self.add_error(f"done_{area.pk}", _("দাখিলের আগে এই ক্ষেত্রে কী করা হয়েছে তা লিখুন।"))
                if (
                    f"obstacles_{area.pk}" in cleaned
                    and not cleaned[f"obstacles_{area.pk}"].strip()
                ):
                    self.add_error(f"obstacles_{area.pk}", _("প্রতিবন্ধকতা না থাকলে “নেই” লিখুন।"))
        return cleaned

    def narratives(self) -> dict:
        data = self.cleaned_data
        return {
            str(area.pk): {
                "done": data.get(f"done_{area.pk}", ""),
                "obstacles": data.get(f"obstacles_{area.pk}", ""),
            }
            for area in self.areas
        }

    def area_fields(self):
        return [
            (area, self[f"done_{area.pk}"], self[f"obstacles_{area.pk}"]) for area in self.areas
        ]


class EvaluationForm(forms.Form):
    """The evaluator's achievement per indicator (empty: as reported) and the comment, mandatory
    where the evaluated achievement differs from the reported one."""

    def __init__(self, *args, rows, start_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row.indicator.pk
            self.fields[f"evaluated_{pk}"] = value_field_for(
                row.indicator, start_year=start_year, quarter=4
            )
            self.fields[f"comment_{pk}"] = forms.CharField(
                label=_("[%(code)s] মূল্যায়নের মন্তব্য") % {"code": row.indicator.code},
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 1}),
                error_messages={"max_length": _("মন্তব্য ১০০০ অক্ষরের মধ্যে লিখুন।")},
            )
            if not self.is_bound and row.evaluation is not None:
                self.initial[f"evaluated_{pk}"] = row.evaluated.shown
                self.initial[f"comment_{pk}"] = row.evaluation.comment

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            pk = row.indicator.pk
            value = cleaned.get(f"evaluated_{pk}")
            if (
                value is not None
                and value != row.reported_value
                and not (cleaned.get(f"comment_{pk}") or "").strip()
            ):
                self.add_error(f"comment_{pk}", COMMENT_REQUIRED)
        return cleaned

    def entries(self) -> dict[int, EvaluatedValue]:
        data = self.cleaned_data
        return {
            row.indicator.pk: EvaluatedValue(
                value=data.get(f"evaluated_{row.indicator.pk}"),
                comment=data.get(f"comment_{row.indicator.pk}", ""),
            )
            for row in self.rows
        }

    def row_fields(self):
        return [
            (row, self[f"evaluated_{row.indicator.pk}"], self[f"comment_{row.indicator.pk}"])
            for row in self.rows
        ]
