"""The entry page's rows, written in Python.

An officer's entry page is the product's busiest page at a deadline, and its rows were most of its
rendering: a dozen cells and inputs per indicator, forty-odd template variables per row, each one
looked up, localised and escaped by the template engine (2.4 ms of an 8.3 ms page at 12 indicators,
8.1 of 15.6 ms at 60). Here each row is one list of strings joined once; every text from the plan,
the form or the user is escaped as the template's autoescaping did (`esc`: Django's
`conditional_escape` without its lazy-string wrapper, which cost more than the rest), and the
markup is the one `templates/reports/quarter_edit.html` used to loop over (same classes, names, ids
and labels; the narrow-screen cards of static/css/app.css read the same `data-label`s).
"""

import html

from django.urls import reverse
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

from egov_plan.core import bangla, scoring
from egov_plan.i18n import digits
from reports.quarters.selectors import acted_by, shown_target


def esc(value) -> str:
    """`django.utils.html.conditional_escape`: text escaped (& < > " '), safe markup kept."""
    if isinstance(value, SafeData):
        return value
    return html.escape(str(value))


def _errors(field: dict, *, with_id: bool = False) -> str:
    id_attr = f' id="{esc(field["id"])}-error"' if with_id else ""
    return "".join(
        f'<div class="invalid-feedback d-block"{id_attr}>{esc(error)}</div>'
        for error in field["errors"]
    )


def _invalid(field: dict) -> str:
    return " is-invalid" if field["errors"] else ""


def entry_rows_html(rows: list[dict], *, editable: bool) -> SafeString:
    """The `<tr>` of every indicator of the entry page (rows from `selectors.entry_rows`)."""
    unit_heading, weight_heading = esc(gettext("একক")), esc(gettext("মান"))
    # The template's msgid (templates double their percent signs), so both share one translation.
    targets_heading = esc(gettext("লক্ষ্যমাত্রা (১০০%% / ৯০%% / ৮০%% / ৭০%% / ৬০%%)").replace("%%", "%"))
    to_date_heading = esc(gettext("এ পর্যন্ত অর্জন"))
    remove = esc(gettext("সরান"))
    disabled = "" if editable else " disabled"
    # The five targets stand one under another, each after its tier's percent (the columns fit a
    # 1024 px screen); the percents are the same for every row.
    tier_percents = [esc(digits(bangla.format_percent(p))) for p in scoring.TIER_PERCENTS]
    out = []
    for entry in rows:
        row, value, remarks, evidence = (
            entry["row"],
            entry["value"],
            entry["remarks"],
            entry["evidence"],
        )
        seen_value, seen_remarks = entry["seen_value"], entry["seen_remarks"]
        out.append(f'<tr data-indicator="{esc(entry["code"])}" class="entry-row">')
        if row.area_rowspan:
            out.append(
                f'<td rowspan="{row.area_rowspan}" class="cell-area">'
                f"[{esc(digits(row.area.code))}] {esc(row.area.title)}</td>"
            )
        if row.activity_rowspan:
            out.append(
                f'<td rowspan="{row.activity_rowspan}" class="cell-activity">'
                f"[{esc(digits(row.activity.code))}] {esc(row.activity.title)}</td>"
            )
        out.append(
            f'<td class="cell-indicator">[{esc(digits(entry["code"]))}] {esc(entry["title"])}</td>'
            '<td class="text-center cell-card-field" '
            f'data-label="{unit_heading}">{esc(gettext(str(row.unit_label)))}</td>'
            f'<td class="text-center cell-card-field" data-label="{weight_heading}">{esc(digits(row.weight))}</td>'
            f'<td class="cell-card-field cell-targets" data-label="{targets_heading}"><ul class="target-list">'
            + "".join(
                f'<li><span class="target-tier">{percent}</span> {esc(digits(shown_target(target)))}</li>'
                for percent, target in zip(tier_percents, row.targets)
            )
            + "</ul></td>"
            '<td class="text-center cell-card-field" '
            f'data-label="{to_date_heading}">{esc(digits(row.achievement))}</td>'
        )
        aria = (
            f' aria-invalid="true" aria-describedby="{esc(value["id"])}-error"'
            if value["errors"]
            else ""
        )
        out.append(
            f'<td class="entry-value">'
            f'<label class="form-label small" for="{esc(value["id"])}">{esc(value["label"])}</label>'
            f'<input type="text" name="{esc(value["name"])}" id="{esc(value["id"])}" value="{esc(value["text"])}"'
            f' class="form-control form-control-sm{_invalid(value)}"'
            f' placeholder="{esc(value["placeholder"])}" inputmode="{esc(value["inputmode"])}"'
            f' maxlength="40"{disabled}{aria}>'
            f'<input type="hidden" name="{esc(seen_value["name"])}" value="{esc(seen_value["text"])}"'
            f' id="{esc(seen_value["id"])}">'
            f"{_errors(value, with_id=True)}</td>"
            # Remarks and evidence share the last column, so that a row's inputs fit the screen.
            f'<td class="entry-notes"><div class="entry-remarks">'
            f'<label class="form-label small" for="{esc(remarks["id"])}">{esc(remarks["label"])}</label>'
            f'<textarea name="{esc(remarks["name"])}" id="{esc(remarks["id"])}" rows="1"'
            f' class="form-control form-control-sm{_invalid(remarks)}"{disabled}>{esc(remarks["text"])}</textarea>'
            f'<input type="hidden" name="{esc(seen_remarks["name"])}" value="{esc(seen_remarks["text"])}"'
            f' id="{esc(seen_remarks["id"])}">'
            f"{_errors(remarks)}</div>"
            f'<div class="entry-evidence"><ul class="list-unstyled small mb-1">'
        )
        for item in entry["files"]:
            out.append(
                f'<li><a href="{esc(reverse("evidence-download", args=[item.pk]))}">'
                f"{esc(item.original_name)}</a>"
                # who uploaded it, with the office they acted for then (`acting_office`, set by the view)
                ' <small class="text-muted '
                f'evidence-uploader">{esc(acted_by(item.uploaded_by, getattr(item, "acting_office", None)))}</small>'
            )
            if editable:
                out.append(
                    f' <button type="submit" form="delete-evidence-{item.pk}"'
                    f' class="btn btn-link btn-sm text-danger p-0 ms-1">{remove}</button>'
                )
            out.append("</li>")
        out.append("</ul>")
        if editable:
            out.append(
                f'<label class="form-label small" for="{esc(evidence["id"])}">{esc(evidence["label"])}</label>'
                f'<input type="file" multiple name="{esc(evidence["name"])}" id="{esc(evidence["id"])}"'
                f' accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx"'
                f' class="form-control form-control-sm{_invalid(evidence)}">'
                f"{_errors(evidence)}"
            )
        out.append("</div></td></tr>\n")
    return mark_safe("".join(out))  # noqa: S308 -- every interpolated text is escaped above
