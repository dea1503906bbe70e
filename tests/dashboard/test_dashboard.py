"""/dashboard/: every office under the reviewer, one row each, with its report's status and marks
for a fiscal year and quarter; counts, charts, filters, sorting, paging, drill-down and .xlsx."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from egov_plan.offices.tree import office_create
from tests.conftest import client_for
from tests.factories import make_offices

pytestmark = pytest.mark.django_db

UPAZILA = "উপজেলা নির্বাহী অফিসারের কার্যালয়"


@pytest.fixture
def tree(people):
    """Under the reviewer's office: two districts with 7 and 3 upazilas; the seed office too."""
    district_a = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        location="ময়মনসিংহ",
        tier="district",
        code="DC-MYM",
        parent=people.supervising,
    )
    district_b = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        location="নেত্রকোনা",
        tier="district",
        code="DC-NET",
        parent=people.supervising,
    )
    return district_a, district_b, make_offices(district_a, 7), make_offices(district_b, 3)


def page(client, query=""):
    response = client.get(f"/dashboard/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def rows(html) -> list[str]:
    """The office codes of the table's rows, in order."""
    return re.findall(r'<tr data-office="([^"]+)"', html)


def test_it_lists_every_office_under_the_reviewer_with_status_and_marks(people, tree):
    html = page(client_for(people.reviewer), "year=2022&quarter=1")
    codes = rows(html)
    # 2 districts + 10 upazilas + the seed office: everything below, at any depth, nothing else
    assert len(codes) == 13 and "DC-NETRAKONA" not in codes
    row = html[html.index('data-office="DC-MYM-002"') :]
    row = row[: row.index("</tr>")]
    assert "স্থান ০০২" in row and "উপজেলা কার্যালয়" in row and "দাখিলকৃত" in row and "২.০০ / ৫০" in row
    assert "মোট দপ্তর: ১৩" in html


def test_counts_by_status_and_the_charts_are_drawn_on_the_server(people, tree):
    html = page(client_for(people.reviewer), "year=2022&quarter=1")
    counts = dict(re.findall(r'data-status="(\w+)">[^:]+: ([০-৯]+)', html))
    # 10 upazilas cycle through the five states; the two districts have no plan (not started);
    # the seed's first quarter is approved; the year has no reporting calendar, so none is late
    assert counts == {
        "not_started": "৫",
        "draft": "৩",
        "submitted": "২",
        "returned": "১",
        "approved": "২",
        "late": "০",
    }
    assert '<svg class="chart-tiers"' in html and '<svg class="chart-scores"' in html
    assert "<title>উপজেলা কার্যালয় — দাখিলকৃত: ২</title>" in html
    assert "<title>জেলা কার্যালয় — শুরু হয়নি: ২</title>" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("tier=district", ["DC-NET", "DC-MYM"]),  # one name: by location, নেত্রকোনা before ময়মনসিংহ
        ("status=returned", ["DC-MYM-003"]),
        ("status=submitted", ["DC-MYM-002", "DC-NET-002"]),
        ("q=স্থান ০০১", ["DC-MYM-001", "DC-NET-001"]),
        ("q=ময়মনসিংহ", ["DC-MYM", "LGD-MYMCC"]),
        ("q=dc-net-002", ["DC-NET-002"]),
        ("tier=upazila&status=draft&q=০০৬", ["DC-MYM-006"]),
    ],
)
def test_it_filters_by_tier_status_and_text(people, tree, query, expected):
    assert rows(page(client_for(people.reviewer), f"year=2022&quarter=1&{query}")) == expected


def test_it_sorts_by_each_column_both_ways(people, tree):
    client = client_for(people.reviewer)
    by_score = rows(page(client, "year=2022&quarter=1&tier=upazila&sort=score&dir=desc"))
    assert by_score[:2] == ["DC-MYM-006", "DC-MYM-004"]  # offices without a report come last
    assert rows(page(client, "year=2022&quarter=1&sort=status"))[-2:] == ["DC-MYM-004", "LGD-MYMCC"]
    assert rows(page(client, "year=2022&quarter=1&sort=tier"))[0] == "LGD-MYMCC"
    ascending = rows(page(client, "year=2022&quarter=1&sort=location"))
    assert rows(page(client, "year=2022&quarter=1&sort=location&dir=desc")) != ascending


def test_drill_down_shows_the_offices_under_the_chosen_one(people, tree):
    district_a = tree[0]
    html = page(client_for(people.reviewer), f"year=2022&quarter=1&under={district_a.pk}")
    assert rows(html) == [f"DC-MYM-{i:03d}" for i in range(7)]
    trail = html[html.index("dashboard-trail") : html.index("</ol>")]
    assert "স্থানীয় সরকার বিভাগ, ঢাকা" in trail and "জেলা প্রশাসকের কার্যালয়, ময়মনসিংহ" in trail
    # the district row links down to it
    top = page(client_for(people.reviewer), "year=2022&quarter=1")
    assert f"under={district_a.pk}" in top and "(৭টি অধীনস্থ)" in top


def test_an_office_outside_the_reviewers_tree_is_refused_beside_the_field(people, tree):
    html = page(client_for(people.reviewer), f"year=2022&quarter=1&under={people.other_office.pk}")
    assert "এই দপ্তরটি আপনার অধীনে নেই।" in html
    assert "DC-NETRAKONA" not in rows(html) and len(rows(html)) == 13


@pytest.mark.parametrize(
    "query",
    [
        "quarter=9",
        "year=1999",
        "under=abc",
        "under=99999999999999999999999",
        "sort=evil",
        "dir=sideways",
        "status=lost",
        "tier=planet",
        "page=-3",
        "q=" + "ক" * 300,
    ],
)
def test_faulty_parameters_get_a_message_never_a_500(people, tree, query):
    response = client_for(people.reviewer).get(f"/dashboard/?{query}")
    assert response.status_code == 200
    assert len(rows(response.content.decode())) >= 1


def test_it_pages_fifty_rows_at_a_time(people):
    district = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        location="জামালপুর",
        tier="district",
        code="DC-JAM",
        parent=people.supervising,
    )
    make_offices(district, 60)
    client = client_for(people.reviewer)
    first, second = page(client, "year=2022&quarter=1"), page(client, "year=2022&quarter=1&page=2")
    assert len(rows(first)) == 50 and len(rows(second)) == 12
    assert not set(rows(first)) & set(rows(second))
    assert "পৃষ্ঠা ১ / ২" in first and "page=2" in first


def test_the_same_view_downloads_as_xlsx_with_every_row(people, tree):
    response = client_for(people.reviewer).get(
        "/dashboard/export.xlsx?year=2022&quarter=1&tier=upazila"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:5] == ("দপ্তর কোড", "দপ্তর", "অবস্থান", "স্তর", "অবস্থা")
    assert len(table) == 11  # header + the ten upazilas
    submitted = next(r for r in table if r[0] == "DC-MYM-002")
    assert submitted[1:6] == (UPAZILA, "স্থান ০০২", "উপজেলা কার্যালয়", "দাখিলকৃত", 2.0)


@pytest.mark.parametrize(
    "role, status", [("officer", 404), ("other_officer", 404), ("reviewer", 200), ("admin", 200)]
)
def test_only_reviewers_and_admins_may_open_it(people, role, status):
    assert client_for(getattr(people, role)).get("/dashboard/").status_code == status
    assert client_for(getattr(people, role)).get("/dashboard/export.xlsx").status_code == status


def test_an_admin_sees_every_office(people, tree):
    codes = rows(page(client_for(people.admin), "year=2022&quarter=1"))
    assert "DC-NETRAKONA" in codes and "LGD" in codes and "DC-MYM-006" in codes


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/?year=2022&quarter=1",
        "/dashboard/?year=2022&quarter=1&status=draft",
        "/dashboard/export.xlsx?year=2022&quarter=1",
        "/inbox/",
    ],
)
def test_the_query_count_does_not_grow_with_the_number_of_offices(people, path):
    district = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        location="জামালপুর",
        tier="district",
        code="DC-JAM",
        parent=people.supervising,
    )
    make_offices(district, 10)
    client = client_for(people.reviewer)
    few = count_queries(client, path)
    make_offices(district, 190, name="পৌরসভা", code_prefix="P")
    assert count_queries(client, path) == few


def test_it_links_to_bulk_printing_the_chosen_offices_quarter(people, tree):
    html = page(client_for(people.reviewer), f"year=2022&quarter=2&under={tree[0].pk}")
    assert f"/bulk-print/?office={tree[0].pk}&amp;year=2022&amp;quarter=2" in html
