"""The quarterly table page, /plans/<plan_id>/quarters/<n>/, checked against the seed as printed."""

import datetime
import re
from decimal import Decimal

import pytest

from egov_plan.plans.models import Indicator
from reports.quarters.models import Achievement, QuarterlyReport
from tests.html_table import grid, read_table
from tests.seed_reference import is_blank, read_seed

pytestmark = pytest.mark.django_db


def url(plan, quarter, query=""):
    return f"/plans/{plan.pk}/quarters/{quarter}/{query}"


def signatory_blocks(html: str) -> list[list[str]]:
    blocks = []
    for chunk in html.split('<div class="signatory">')[1:]:
        texts = re.findall(r'<div class="signatory-(?:name|line)">([^<]*)</div>', chunk)
        blocks.append([t.strip() for t in texts])
    return blocks


def test_it_renders_the_office_and_title_lines_as_in_the_seed(officer_client, seed_plan):
    seed = read_seed()
    html = officer_client.get(url(seed_plan, 1)).content.decode()
    assert f'<div class="office-name">{seed.office_lines[0]}</div>' in html
    assert f'<div class="office-location">{seed.office_lines[1]}</div>' in html
    assert seed.title == (
        "ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা ২০২২-২০২৩ এর প্রথম ত্রৈমাসিক প্রতিবেদন "
        "(জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত)"
    )
    assert f'<h1 class="report-title">{seed.title}</h1>' in html


def test_it_renders_the_header_rows_of_the_seed(officer_client, seed_plan):
    seed = read_seed()
    head = read_table(officer_client.get(url(seed_plan, 1)).content.decode())["thead"]
    assert len(head) == 4
    # Row 1: the column titles, the target group spanning five columns, the achievement period.
    assert [c.text for c in head[0]] == [c for c in seed.header_rows[0] if c]
    assert [c.colspan for c in head[0]] == [1] * 7 + [5] + [1]
    assert all(c.rowspan == 3 for i, c in enumerate(head[0]) if i != 7)
    # Rows 2 and 3: the tier names and their percents under the target group.
    assert [c.text for c in head[1]] == [c for c in seed.header_rows[1] if c]
    assert [c.text for c in head[2]] == [c for c in seed.header_rows[2] if c]
    # Row 4: the column numbers, position by position (the seed leaves the last one empty).
    assert [c.text for c in head[3]] == seed.header_rows[3]


def test_it_renders_every_cell_of_every_seed_row(officer_client, seed_plan):
    seed = read_seed()
    body = read_table(officer_client.get(url(seed_plan, 1)).content.decode())["tbody"]
    cells = grid(body)
    assert len(seed.rows) == 12
    assert len(cells) == len(seed.rows)
    area = activity = None
    for row_cells, rendered, expected in zip(cells, body, seed.rows):
        if expected.area is not None:
            area = expected
            # The serial, area and weight cells open the area and span its rows.
            assert [c.text for c in rendered[:3]] == [
                expected.serial,
                expected.area,
                expected.area_weight,
            ]
            assert [c.rowspan for c in rendered[:3]] == [expected.area_rowspan] * 3
        if expected.activity is not None:
            activity = expected
            activity_cell = next(c for c in rendered if c.text == expected.activity)
            assert activity_cell.rowspan == expected.activity_rowspan
        assert len(row_cells) == 13
        assert row_cells[0] == area.serial
        assert row_cells[1] == area.area
        assert row_cells[2] == area.area_weight
        assert row_cells[3] == activity.activity
        assert row_cells[4] == expected.indicator
        assert row_cells[5] == expected.unit
        assert row_cells[6] == expected.weight
        assert row_cells[7:12] == ["--" if is_blank(t) else t for t in expected.targets]
        assert row_cells[12] == expected.achievement


def test_it_shows_the_seed_first_quarter_achievements(officer_client, seed_plan):
    cells = grid(read_table(officer_client.get(url(seed_plan, 1)).content.decode())["tbody"])
    by_code = {row[4].split("]")[0] + "]": row[12] for row in cells}
    assert by_code == {
        "[১.১.১]": "-----",
        "[১.২.১]": "-----",
        "[১.২.২]": "-----",
        "[১.৩.১]": "৩০%",
        "[১.৪.১]": "-----",
        "[১.৪.২]": "-----",
        "[২.১.১]": "১",
        "[২.২.১]": "১",
        "[২.২.২]": "২০%",
        "[২.২.৩]": "-----",
        "[২.২.৪]": "-----",
        "[২.২.৫]": "-----",
    }


def test_it_prints_the_signatories_at_the_foot(officer_client, seed_plan):
    seed = read_seed()
    html = officer_client.get(url(seed_plan, 1)).content.decode()
    assert signatory_blocks(html) == seed.signatories
    assert html.index('class="signatories"') > html.index("</table>")


def test_it_adds_no_score_columns_unless_asked(officer_client, seed_plan):
    html = officer_client.get(url(seed_plan, 1)).content.decode()
    assert "প্রাপ্ত নম্বর" not in html
    assert "মোট" not in html


def _enter(plan, quarter, values):
    report, _ = QuarterlyReport.objects.get_or_create(plan=plan, quarter=quarter)
    for code, value in values.items():
        area, activity, number = (int(x) for x in code.split("."))
        indicator = Indicator.objects.get(
            activity__area__plan=plan,
            activity__area__number=area,
            activity__number=activity,
            number=number,
        )
        achievement = Achievement(report=report, indicator=indicator)
        achievement.set_value(value)
        achievement.save()


def test_it_scores_the_achievement_to_date_with_tier_and_total(officer_client, seed_plan):
    _enter(
        seed_plan,
        2,
        {"2.1.1": Decimal(2), "1.3.1": Decimal(90), "1.2.1": datetime.date(2022, 10, 20)},
    )
    html = officer_client.get(url(seed_plan, 2, "?scores=1")).content.decode()
    assert "দ্বিতীয় ত্রৈমাসিক প্রতিবেদন (অক্টোবর, ২০২২ হতে ডিসেম্বর, ২০২২ পর্যন্ত)" in html
    table = read_table(html)
    assert table["thead"][0][-3].text == "অর্জন (জুলাই, ২০২২ হতে ডিসেম্বর, ২০২২ পর্যন্ত)"
    assert [c.text for c in table["thead"][0][-2:]] == ["অর্জিত স্তর", "প্রাপ্ত নম্বর"]
    rows = {row[4].split("]")[0] + "]": row for row in grid(table["tbody"])}
    # count: summed over quarters (১ + ২ = ৩) reaches অতি উত্তম: ৬ × ৯০% = ৫.৪০
    assert rows["[২.১.১]"][12:] == ["৩", "অতি উত্তম (৯০%)", "৫.৪০"]
    # percent: averaged ((৩০ + ৯০) / ২ = ৬০) exactly on the ৬০% tier: ৪ × ৬০% = ২.৪০
    assert rows["[১.৩.১]"][12:] == ["৬০%", "চলতি মানের নিম্নে (৬০%)", "২.৪০"]
    # date: on or before ২৭/১০/২২ reaches অতি উত্তম: ২ × ৯০% = ১.৮০
    assert rows["[১.২.১]"][12:] == ["২০/১০/২২", "অতি উত্তম (৯০%)", "১.৮০"]
    # below every tier: no tier, no marks
    assert rows["[২.২.২]"][12:] == ["২০%", "--", "০.০০"]
    assert rows["[১.১.১]"][12:] == ["-----", "--", "০.০০"]
    total = table["tfoot"][0]
    assert total[0].text == "মোট"
    assert total[1].text == "৫০"
    assert total[-1].text == "৯.৬০"
    assert sum(c.colspan for c in total) == 15 == len(grid(table["tbody"])[0])


def test_it_scores_linearly_when_the_plan_says_so(officer_client, seed_plan):
    seed_plan.scoring_method = "linear"
    seed_plan.save()
    _enter(
        seed_plan, 2, {"1.3.1": Decimal(100)}
    )  # average ৬৫: halfway between the ৬০% and ৭০% tiers
    rows = {
        row[4].split("]")[0] + "]": row
        for row in grid(
            read_table(officer_client.get(url(seed_plan, 2, "?scores=1")).content.decode())["tbody"]
        )
    }
    assert rows["[১.৩.১]"][12:] == ["৬৫%", "চলতি মানের নিম্নে (৬০%)", "২.৬০"]


def test_it_shows_later_quarters_without_a_report_as_not_reported_since(officer_client, seed_plan):
    cells = grid(read_table(officer_client.get(url(seed_plan, 4)).content.decode())["tbody"])
    assert [row[12] for row in cells][:4] == ["-----", "-----", "-----", "৩০%"]


@pytest.mark.parametrize("quarter", [0, 5, 99])
def test_it_404s_in_bengali_for_a_quarter_outside_1_to_4(officer_client, seed_plan, quarter):
    response = officer_client.get(url(seed_plan, quarter))
    assert response.status_code == 404
    assert "পাতাটি পাওয়া যায়নি" in response.content.decode()


def test_it_404s_in_bengali_for_an_unknown_plan(officer_client):
    response = officer_client.get("/plans/999/quarters/1/")
    assert response.status_code == 404
    assert "পাতাটি পাওয়া যায়নি" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/plans/abc/quarters/1/", "/plans/1/quarters/-1/", "/no-such-page/"]
)
def test_it_404s_for_malformed_urls(officer_client, path):
    assert officer_client.get(path).status_code == 404


def test_it_refuses_post(officer_client, seed_plan):
    assert officer_client.post(url(seed_plan, 1)).status_code == 405
