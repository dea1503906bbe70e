"""The index page lists the user's own office's plans by fiscal year, with a link to each quarter;
reviewers and admins are sent on to the dashboard, never shown every plan below them."""

import pytest

from tests.conftest import client_for
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_it_lists_the_officers_plans_by_year_with_quarter_links(people):
    seed_plan = people.plan
    later = make_plan(indicators=3, start_year=2023, office_name=seed_plan.office.name)
    html = client_for(people.officer).get("/").content.decode()
    assert html.index("অর্থবছর ২০২৩-২০২৪") < html.index("অর্থবছর ২০২২-২০২৩")
    assert "ময়মনসিংহ সিটি কর্পোরেশন, ময়মনসিংহ" in html  # name and location together
    for quarter, ordinal in [(1, "প্রথম"), (2, "দ্বিতীয়"), (3, "তৃতীয়"), (4, "চতুর্থ")]:
        assert f'href="/plans/{seed_plan.pk}/quarters/{quarter}/">{ordinal} ত্রৈমাসিক' in html
        assert f'href="/plans/{later.pk}/quarters/{quarter}/"' in html


def test_a_reviewer_is_sent_to_the_dashboard_not_shown_the_plans_below(people):
    make_plan(indicators=3, office_name="নেত্রকোনা পৌরসভা", parent=people.supervising)
    html = client_for(people.reviewer).get("/").content.decode()
    assert 'href="/dashboard/"' in html
    assert "নেত্রকোনা পৌরসভা" not in html and "ময়মনসিংহ সিটি কর্পোরেশন" not in html


def test_an_admin_is_sent_to_the_dashboard_too(people):
    html = client_for(people.admin).get("/").content.decode()
    assert 'href="/dashboard/"' in html and "ময়মনসিংহ সিটি কর্পোরেশন" not in html


def test_an_officer_sees_no_other_offices_plans(people):
    make_plan(indicators=3, office_name="নেত্রকোনা পৌরসভা", parent=people.supervising)
    assert "নেত্রকোনা পৌরসভা" not in client_for(people.officer).get("/").content.decode()


def test_it_says_so_when_there_are_no_plans(people):
    assert "এখনও কোনো কর্মপরিকল্পনা" in client_for(people.other_officer).get("/").content.decode()


def test_it_sends_anonymous_users_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
