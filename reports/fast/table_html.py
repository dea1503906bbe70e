"""The official table's body (its row groups), written in Python.

The table page is what every reviewer opens for every report, and its rows were most of its
rendering: a dozen cells per indicator, each a template variable looked up, passed through a
filter that asks the active language again, and escaped. Here the language is asked once per table
and each row is one list of strings joined once. Every text from the plan is escaped as the
template's autoescaping did (`entry_html.esc`), and the markup is the one
`templates/reports/_quarter_table.html` used to loop over, for the web page, the English
translation and the PDF alike (the PDF's row groups, "continued" cells and all).
"""

import functools

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from egov_plan import i18n
from egov_plan.core import bangla
from reports.fast.entry_html import esc
from reports.quarters.selectors import shown_target


def table_body_html(table, *, show_scores: bool) -> SafeString:
    """Every `<tbody>` of `table.row_groups`, in the active language (digits, titles, tier names)."""
    english = i18n.english()
    shown = bangla.to_latin_digits if english else str
    title = functools.partial(i18n.content_title, in_english=english)
    parts = []
    for group in table.row_groups:
        parts.append(f'<tbody class="row-group" id="row-group-{group.index}">')
        for row in group.rows:
            cells = [f'<tr data-indicator="{esc(row.indicator.code)}">']
            if row.area_rowspan:
                span, cont = row.area_rowspan, "" if row.area_shown else " continued"
                area = row.area
                code = esc(shown(area.code)) if row.area_shown else ""
                cells += [
                    f'<td rowspan="{span}" class="cell-serial{cont}">{code}</td>',
                    f'<td rowspan="{span}" class="cell-area{cont}">'
                    f"{f'[{code}] {esc(title(area))}' if row.area_shown else ''}</td>",
                    f'<td rowspan="{span}" class="cell-number{cont}">'
                    f"{esc(shown(bangla.format_number(area.weight))) if row.area_shown else ''}</td>",
                ]
            if row.activity_rowspan:
                cont = "" if row.activity_shown else " continued"
                text = (
                    f"[{esc(shown(row.activity.code))}] {esc(title(row.activity))}"
                    if row.activity_shown
                    else ""
                )
                cells.append(
                    f'<td rowspan="{row.activity_rowspan}" class="cell-activity{cont}">{text}</td>'
                )
            cells += [
                f'<td class="cell-indicator">[{esc(shown(row.indicator.code))}] {esc(title(row.indicator))}</td>',
                f'<td class="cell-unit">{esc(gettext(row.unit_label))}</td>',
                f'<td class="cell-number">{esc(shown(row.weight))}</td>',
                *(
                    f'<td class="cell-target">{esc(shown(shown_target(target)))}</td>'
                    for target in row.targets
                ),
                f'<td class="cell-achievement">{esc(shown(row.achievement))}</td>',
            ]
            if show_scores:
                cells += [
                    f'<td class="cell-tier">{esc(i18n.tier_label(row.tier_percent))}</td>',
                    f'<td class="cell-score">{esc(shown(bangla.format_score(row.score)))}</td>',
                ]
            cells.append("</tr>")
            parts.append("".join(cells))
        parts.append("</tbody>")
    return mark_safe("\n".join(parts))
