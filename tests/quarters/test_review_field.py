"""The review panel's comment box, written by the `text_area` filter, is the markup crispy-forms'
Bootstrap 5 pack gives it: label, attributes, typed text kept, errors beside the field, both languages."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from reports.quarters.forms import ReviewForm
from tests.conftest import client_for

CRISPY = Template("{% load crispy_forms_tags %}{{ form.comment|as_crispy_field }}")
OURS = Template("{% load fields %}{{ form.comment|text_area }}")


def markup(html: str) -> str:
    """Without whitespace beside tags (a browser ignores it there; a text area drops its first newline)."""
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("language", ["bn", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"action": "return", "comment": ""},
        {"action": "approve", "comment": "<b>ভালো</b> & \"x\" 'y'"},
        {"action": "approve", "comment": "অনেক " * 500},
    ],
)
def test_the_comment_box_is_crispys_markup(language, data):
    form = ReviewForm(data)
    if data is not None:
        form.is_valid()
    with translation.override(language):
        ours = OURS.render(Context({"form": form}))
        assert markup(ours) == markup(CRISPY.render(Context({"form": form})))
    if data and data["comment"].startswith("<b>"):
        assert "&lt;b&gt;ভালো&lt;/b&gt; &amp; &quot;x&quot; &#x27;y&#x27;</textarea>" in ours


@pytest.mark.django_db
def test_a_return_without_a_reason_keeps_the_page_and_says_why_beside_the_box(people):
    from reports.quarters.models import QuarterlyReport

    QuarterlyReport.objects.create(plan=people.plan, quarter=2, status="submitted")
    response = client_for(people.reviewer).post(
        f"/plans/{people.plan.pk}/quarters/2/review/", {"action": "return", "comment": "  "}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="textarea form-control is-invalid" aria-invalid="true"' in html
    assert '<p id="error_1_id_comment"><strong>ফেরত পাঠানোর কারণ লিখুন।</strong></p>' in html


def test_a_required_field_is_left_to_crispy():
    from django import forms

    class Required(forms.Form):
        comment = forms.CharField(label="কারণ", widget=forms.Textarea(attrs={"rows": 2}))

    form = Required()
    assert markup(OURS.render(Context({"form": form}))) == markup(
        CRISPY.render(Context({"form": form}))
    )
    assert " required " in OURS.render(Context({"form": form}))
