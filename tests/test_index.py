"""The index page lists plans by fiscal year and office, with a link to each quarter."""

import pytest

from tests.conftest import client_for
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_it_lists_plans_by_year_and_office_with_quarter_links(people):
    seed_plan = people.plan
    other = make_plan(indicators=3, start_year=2023, office_name="নেত্রকোনা পৌরসভা")
    other.office.parent = people.supervising
    other.office.save()
    html = client_for(people.reviewer).get("/").content.decode()
    assert html.index("অর্থবছর ২০২৩-২০২৪") < html.index("অর্থবছর ২০২২-২০২৩")
    assert "ময়মনসিংহ সিটি কর্পোরেশন" in html and "নেত্রকোনা পৌরসভা" in html
    for quarter, ordinal in [(1, "প্রথম"), (2, "দ্বিতীয়"), (3, "তৃতীয়"), (4, "চতুর্থ")]:
        assert f'href="/plans/{seed_plan.pk}/quarters/{quarter}/">{ordinal} ত্রৈমাসিক' in html
        assert f'href="/plans/{other.pk}/quarters/{quarter}/"' in html


def test_it_lists_only_the_plans_a_user_may_see(people):
    make_plan(indicators=3, office_name="নেত্রকোনা পৌরসভা")  # under no one
    assert "নেত্রকোনা পৌরসভা" not in client_for(people.officer).get("/").content.decode()
    assert "নেত্রকোনা পৌরসভা" not in client_for(people.reviewer).get("/").content.decode()
    assert "নেত্রকোনা পৌরসভা" in client_for(people.admin).get("/").content.decode()
    assert "ময়মনসিংহ সিটি কর্পোরেশন" in client_for(people.top_reviewer).get("/").content.decode()


def test_it_says_so_when_there_are_no_plans(people):
    assert "এখনও কোনো কর্মপরিকল্পনা" in client_for(people.other_officer).get("/").content.decode()


def test_it_sends_anonymous_users_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
