"""The index page lists plans by fiscal year and office, with a link to each quarter."""

import pytest

from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_it_lists_plans_by_year_and_office_with_quarter_links(client, seed_plan):
    other = make_plan(indicators=3, start_year=2023, office_name="নেত্রকোনা পৌরসভা")
    html = client.get("/").content.decode()
    assert html.index("অর্থবছর ২০২৩-২০২৪") < html.index("অর্থবছর ২০২২-২০২৩")
    assert "ময়মনসিংহ সিটি কর্পোরেশন" in html and "নেত্রকোনা পৌরসভা" in html
    for quarter, ordinal in [(1, "প্রথম"), (2, "দ্বিতীয়"), (3, "তৃতীয়"), (4, "চতুর্থ")]:
        assert f'href="/plans/{seed_plan.pk}/quarters/{quarter}/">{ordinal} ত্রৈমাসিক' in html
        assert f'href="/plans/{other.pk}/quarters/{quarter}/"' in html


def test_it_says_so_when_there_are_no_plans(client):
    assert "এখনও কোনো কর্মপরিকল্পনা" in client.get("/").content.decode()
