"""The official table's rows, written in Python (reports/fast/table_html.py), are the markup the
template loop wrote: same cells, classes, spans, "continued" cells, digits and titles in the active
language, and every text from the plan escaped."""

import pytest
from django.template.loader import get_template
from django.utils import translation

from egov_plan.plans.models import Activity, Indicator, PerformanceArea
from reports.fast.table_html import table_body_html
from reports.pdf import render as pdf
from reports.quarters import selectors
from tests.conftest import client_for
from tests.factories import make_plan
from tests.fast.plain import HOSTILE, markup

pytestmark = pytest.mark.django_db

# The plain path: the loop templates/reports/_quarter_table.html ran before the rows were written
# in Python.
TEMPLATE_LOOP = get_template("reports/plain/table_rows.html")


@pytest.fixture
def plan():
    plan = make_plan(
        indicators=40, areas=2, activities_per_area=2
    )  # 10 indicators an activity: split in the PDF
    PerformanceArea.objects.filter(plan=plan, number=1).update(
        title=HOSTILE, title_en=HOSTILE + " (en)"
    )
    Activity.objects.filter(area__plan=plan, number=2).update(title=HOSTILE)
    Indicator.objects.filter(activity__area__plan=plan, number=1).update(
        title=HOSTILE, title_en="<i>en</i>"
    )
    return plan


@pytest.mark.parametrize("language", ["bn", "en"])
@pytest.mark.parametrize("show_scores", [False, True])
@pytest.mark.parametrize("split", [False, True])
def test_the_rows_are_the_template_loops_markup(plan, language, show_scores, split):
    for quarter in (1, 2):
        table = selectors.quarter_table(plan_id=plan.pk, quarter=quarter)
        # The PDF's layout: a group per activity chunk, continued cells shown on every other group.
        table.layout(split=split, repeat=frozenset(range(0, 40, 2)) if split else frozenset())
        with translation.override(language):
            ours = table_body_html(table, show_scores=show_scores)
            theirs = TEMPLATE_LOOP.render({"table": table, "show_scores": show_scores})
        assert markup(ours) == markup(theirs)
        if split:
            assert (
                'class="cell-area continued"' in ours and 'class="cell-activity continued"' in ours
            )


def test_text_from_the_plan_is_escaped_on_the_page_in_the_translation_and_in_the_pdf(plan, people):
    client = client_for(people.admin)
    for path in (f"/plans/{plan.pk}/quarters/1/?scores=1", f"/plans/{plan.pk}/quarters/1/en/"):
        html = client.get(path).content.decode()
        assert "&lt;b&gt;&quot;ঝুঁকি&quot; &amp; &#x27;x&#x27;&lt;/b&gt;" in html, path
        assert '<b>"ঝুঁকি"' not in html and "<i>en</i>" not in html
    table = selectors.quarter_table(plan_id=plan.pk, quarter=1)
    table.layout(split=True)
    document = pdf.report_html(table, draft=True)
    assert "&lt;b&gt;" in document and '<b>"ঝুঁকি"' not in document
