"""A form's text area written directly, in the markup crispy-forms' Bootstrap 5 pack gives it.

The review panel sits on every table page a reviewer opens, and `|as_crispy_field` rendered its one
comment box through some twenty nested templates: a quarter of the whole page's time. This filter
writes the same markup (label, text area with its attributes, errors) in one pass;
tests/quarters/test_review_field.py holds it to crispy's own output.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.forms.widgets import Textarea
from django.utils.safestring import SafeString

from reports.fast.safe_html import html, join

register = template.Library()


@register.filter
def text_area(field) -> SafeString:
    """`{{ form.comment|text_area }}`: an optional field whose widget is a Textarea (the review
    comment). Anything else goes to crispy's own filter (a required field's label has an asterisk)."""
    widget = field.field.widget
    if field.field.required or not isinstance(widget, Textarea):
        return as_crispy_field(field)
    html_id = field.auto_id
    # name, cols, rows, then the field's own (maxlength …), in the order Django's Textarea writes them;
    # class and the aria attributes of an error come after, where crispy puts them.
    attrs = {
        "name": field.html_name,
        "cols": widget.attrs.get("cols", "40"),
        "rows": widget.attrs.get("rows", "10"),
        **{
            k: v
            for k, v in field.build_widget_attrs(widget.attrs).items()
            if k not in ("cols", "rows", "class", "aria-invalid", "aria-describedby")
        },
    }
    css = "textarea form-control" + (" is-invalid" if field.errors else "")
    attributes = join(html(' {}="{}"', name, value) for name, value in attrs.items())
    invalid = (
        html(' aria-invalid="true" aria-describedby="{}_error"', html_id) if field.errors else ""
    )
    value = widget.format_value(field.value())
    errors = ""
    if field.errors:
        errors = html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            html_id,
            join(
                html('<p id="error_{}_{}"><strong>{}</strong></p>', n, html_id, error)
                for n, error in enumerate(field.errors, start=1)
            ),
        )
    return html(
        '<div id="div_{}" class="mb-3">'
        '<label for="{}" class="form-label">{}</label>'
        '<textarea{} class="{}"{} id="{}">\n{}</textarea>'
        "{}</div>",
        html_id,
        html_id,
        field.label,
        attributes,
        css,
        invalid,
        html_id,
        value or "",
        errors,
    )
