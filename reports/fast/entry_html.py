"""The entry page's rows, written in Python.

An officer's entry page is the product's busiest page at a deadline, and its rows were most of its
rendering: a dozen cells and inputs per indicator, forty-odd template variables per row, each one
looked up, localised and escaped by the template engine. Here each row is one list of parts joined
once, escaped by construction (`reports/fast/safe_html.py`: every text from the plan, the form or
the user is escaped as the template's autoescaping did), and the markup is the one
`templates/reports/quarter_edit.html` used to loop over (same classes, names, ids and labels; the
narrow-screen cards of static/css/app.css read the same `data-label`s).
"""

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from egov_plan.core import bangla, scoring
from egov_plan.i18n import digits
from reports.fast.safe_html import html, join
from reports.quarters.selectors import acted_by, shown_target


def _errors(field: dict, *, with_id: bool = False) -> SafeString:
    id_attr = html(' id="{}-error"', field["id"]) if with_id else ""
    return join(
        html('<div class="invalid-feedback d-block"{}>{}</div>', id_attr, error)
        for error in field["errors"]
    )


def _invalid(field: dict) -> str:
    return " is-invalid" if field["errors"] else ""


def _hidden(field: dict) -> SafeString:
    return html(
        '<input type="hidden" name="{}" value="{}" id="{}">',
        field["name"],
        field["text"],
        field["id"],
    )


def _label(field: dict) -> SafeString:
    return html('<label class="form-label small" for="{}">{}</label>', field["id"], field["label"])


def _plan_cells(entry: dict, headings: dict, tier_percents: list[str]) -> list[SafeString]:
    row = entry["row"]
    # The area's and the activity's cell, on the first row of each (the rows below are spanned).
    cells = [
        html(
            '<td rowspan="{}" class="cell-{}">[{}] {}</td>',
            span,
            kind,
            digits(item.code),
            item.title,
        )
        for span, kind, item in (
            (row.area_rowspan, "area", row.area),
            (row.activity_rowspan, "activity", row.activity),
        )
        if span
    ]
    targets = join(
        html('<li><span class="target-tier">{}</span> {}</li>', percent, digits(shown_target(t)))
        for percent, t in zip(tier_percents, row.targets)
    )
    cells += [
        html('<td class="cell-indicator">[{}] {}</td>', digits(entry["code"]), entry["title"]),
        html(
            '<td class="text-center cell-card-field" data-label="{}">{}</td>',
            headings["unit"],
            gettext(str(row.unit_label)),
        ),
        html(
            '<td class="text-center cell-card-field" data-label="{}">{}</td>',
            headings["weight"],
            digits(row.weight),
        ),
        html(
            '<td class="cell-card-field cell-targets" data-label="{}">'
            '<ul class="target-list">{}</ul></td>',
            headings["targets"],
            targets,
        ),
        html(
            '<td class="text-center cell-card-field" data-label="{}">{}</td>',
            headings["to_date"],
            digits(row.achievement),
        ),
    ]
    return cells


def _value_cell(value: dict, seen_value: dict, disabled: str) -> SafeString:
    aria = (
        html(' aria-invalid="true" aria-describedby="{}-error"', value["id"])
        if value["errors"]
        else ""
    )
    return html(
        '<td class="entry-value">{}'
        '<input type="text" name="{}" id="{}" value="{}"'
        ' class="form-control form-control-sm{}"'
        ' placeholder="{}" inputmode="{}"'
        ' maxlength="40"{}{}>'
        "{}{}</td>",
        _label(value),
        value["name"],
        value["id"],
        value["text"],
        _invalid(value),
        value["placeholder"],
        value["inputmode"],
        disabled,
        aria,
        _hidden(seen_value),
        _errors(value, with_id=True),
    )


def _remarks(remarks: dict, seen_remarks: dict, disabled: str) -> SafeString:
    return html(
        '<div class="entry-remarks">{}'
        '<textarea name="{}" id="{}" rows="1"'
        ' class="form-control form-control-sm{}"{}>{}</textarea>'
        "{}{}</div>",
        _label(remarks),
        remarks["name"],
        remarks["id"],
        _invalid(remarks),
        disabled,
        remarks["text"],
        _hidden(seen_remarks),
        _errors(remarks),
    )


def _evidence(entry: dict, *, editable: bool, remove: str) -> SafeString:
    items = []
    for item in entry["files"]:
        # who uploaded it, with the office they acted for then (`acting_office`, set by the view)
        uploader = acted_by(item.uploaded_by, getattr(item, "acting_office", None))
        button = (
            html(
                ' <button type="submit" form="delete-evidence-{}"'
                ' class="btn btn-link btn-sm text-danger p-0 ms-1">{}</button>',
                item.pk,
                remove,
            )
            if editable
            else ""
        )
        items.append(
            html(
                '<li><a href="{}">{}</a>'
                ' <small class="text-muted evidence-uploader">{}</small>{}</li>',
                reverse("evidence-download", args=[item.pk]),
                item.original_name,
                uploader,
                button,
            )
        )
    evidence = entry["evidence"]
    upload = (
        html(
            '{}<input type="file" multiple name="{}" id="{}"'
            ' accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx"'
            ' class="form-control form-control-sm{}">{}',
            _label(evidence),
            evidence["name"],
            evidence["id"],
            _invalid(evidence),
            _errors(evidence),
        )
        if editable
        else ""
    )
    return html(
        '<div class="entry-evidence"><ul class="list-unstyled small mb-1">{}</ul>{}</div>',
        join(items),
        upload,
    )


def entry_rows_html(rows: list[dict], *, editable: bool) -> SafeString:
    """The `<tr>` of every indicator of the entry page (rows from `selectors.entry_rows`)."""
    headings = {
        "unit": gettext("একক"),
        "weight": gettext("মান"),
        # The template's msgid (templates double their percent signs), so both share one
        # translation.
        "targets": gettext("লক্ষ্যমাত্রা (১০০%% / ৯০%% / ৮০%% / ৭০%% / ৬০%%)").replace("%%", "%"),
        "to_date": gettext("এ পর্যন্ত অর্জন"),
    }
    remove = gettext("সরান")
    disabled = "" if editable else " disabled"
    # The five targets stand one under another, each after its tier's percent (the columns fit a
    # 1024 px screen); the percents are the same for every row.
    tier_percents = [digits(bangla.format_percent(p)) for p in scoring.TIER_PERCENTS]
    out = []
    for entry in rows:
        out.append(
            html(
                '<tr data-indicator="{}" class="entry-row">{}{}'
                # Remarks and evidence share the last column, so that a row's inputs fit the
                # screen.
                '<td class="entry-notes">{}{}</td></tr>\n',
                entry["code"],
                join(_plan_cells(entry, headings, tier_percents)),
                _value_cell(entry["value"], entry["seen_value"], disabled),
                _remarks(entry["remarks"], entry["seen_remarks"], disabled),
                _evidence(entry, editable=editable, remove=remove),
            )
        )
    return join(out)
