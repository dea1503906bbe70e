"""The official table's body (its row groups), written in Python.

The table page is what every reviewer opens for every report, and its rows were most of its
rendering: a dozen cells per indicator, each a template variable looked up, passed through a
filter that asks the active language again, and escaped. Here the language is asked once per table
and each row is one list of strings joined once. Every text from the plan is escaped as the
template's autoescaping did, by construction (`reports/fast/safe_html.py`), and the markup is the one
`templates/reports/_quarter_table.html` used to loop over, for the web page, the English
translation and the PDF alike (the PDF's row groups, "continued" cells and all).
"""

import functools

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from egov_plan import i18n
from egov_plan.core import bangla
from reports.fast.safe_html import html, join
from reports.quarters.selectors import shown_target


def table_body_html(table, *, show_scores: bool) -> SafeString:
    """Every `<tbody>` of `table.row_groups`, in the active language (digits, titles, tier names)."""
    english = i18n.english()
    shown = bangla.to_latin_digits if english else str
    title = functools.partial(i18n.content_title, in_english=english)
    parts = []
    for group in table.row_groups:
        parts.append(html('<tbody class="row-group" id="row-group-{}">', group.index))
        for row in group.rows:
            cells = [html('<tr data-indicator="{}">', row.indicator.code)]
            if row.area_rowspan:
                span, cont = row.area_rowspan, "" if row.area_shown else " continued"
                area = row.area
                code = shown(area.code) if row.area_shown else ""
                cells += [
                    html('<td rowspan="{}" class="cell-serial{}">{}</td>', span, cont, code),
                    html(
                        '<td rowspan="{}" class="cell-area{}">{}</td>',
                        span,
                        cont,
                        html("[{}] {}", code, title(area)) if row.area_shown else "",
                    ),
                    html(
                        '<td rowspan="{}" class="cell-number{}">{}</td>',
                        span,
                        cont,
                        shown(bangla.format_number(area.weight)) if row.area_shown else "",
                    ),
                ]
            if row.activity_rowspan:
                activity = row.activity
                cells.append(
                    html(
                        '<td rowspan="{}" class="cell-activity{}">{}</td>',
                        row.activity_rowspan,
                        "" if row.activity_shown else " continued",
                        html("[{}] {}", shown(activity.code), title(activity))
                        if row.activity_shown
                        else "",
                    )
                )
            cells += [
                html(
                    '<td class="cell-indicator">[{}] {}</td>',
                    shown(row.indicator.code),
                    title(row.indicator),
                ),
                html('<td class="cell-unit">{}</td>', gettext(row.unit_label)),
                html('<td class="cell-number">{}</td>', shown(row.weight)),
                *(
                    html('<td class="cell-target">{}</td>', shown(shown_target(target)))
                    for target in row.targets
                ),
                html('<td class="cell-achievement">{}</td>', shown(row.achievement)),
            ]
            if show_scores:
                cells += [
                    html('<td class="cell-tier">{}</td>', i18n.tier_label(row.tier_percent)),
                    html('<td class="cell-score">{}</td>', shown(bangla.format_score(row.score))),
                ]
            cells.append(html("</tr>"))
            parts.append(join(cells))
        parts.append(html("</tbody>"))
    return join(parts, "\n")
