"""The English interface is English throughout: due dates and numbers in Latin digits, tier names
from the database in their English text, every input of the plan editor labelled. The official
tables stay Bengali (tests/i18n/test_language_switch.py)."""

import re
from html.parser import HTMLParser

import pytest

from egov_plan.offices.models import OfficeTier
from reports.calendar import deadlines
from tests.conftest import client_for
from tests.i18n.test_language_switch import english_client

pytestmark = pytest.mark.django_db

BENGALI_DIGIT = re.compile(r"[০-৯]")


@pytest.fixture
def calendar(people):
    return deadlines.calendar_create(fiscal_year=people.plan.fiscal_year)


def badges(html: str, css_class: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", text)
        for text in re.findall(
            rf'<(?:span|p) class="[^"]*\b{css_class}\b[^"]*">(.*?)</(?:span|p)>', html, re.S
        )
    ]


def test_due_dates_have_latin_digits_under_english_and_bengali_ones_otherwise(people, calendar):
    url = f"/plans/{people.plan.pk}/quarters/2/"
    for page in ("edit/", "", "history/"):
        english = english_client(people.officer).get(url + page).content.decode()
        bengali = client_for(people.officer).get(url + page).content.decode()
        assert [text.split(" Late")[0] for text in badges(english, "deadline")] == [
            "Due date: 15/01/23"
        ], page
        assert [text.split(" বিলম্বিত")[0] for text in badges(bengali, "deadline")] == [
            "দাখিলের শেষ তারিখ: ১৫/০১/২৩"
        ], page
    half_year = (
        english_client(people.officer).get(f"/plans/{people.plan.pk}/half-year/").content.decode()
    )
    assert [text.strip() for text in badges(half_year, "deadline")] == ["Due date: 15/01/23"]


def test_entry_closing_dates_have_latin_digits_too(people):
    deadlines.calendar_create(
        fiscal_year=people.plan.fiscal_year, closes_after_grace=True, grace_days=5
    )
    html = (
        english_client(people.officer)
        .get(f"/plans/{people.plan.pk}/quarters/2/edit/")
        .content.decode()
    )
    assert badges(html, "deadline") == ["Due date: 15/01/23 (entry closes: from 21/01/23)"]


def test_the_entry_pages_own_numbers_are_latin_under_english(people, calendar):
    """Everything on the entry page but the plan's own texts (titles, office name) and the user's."""
    html = (
        english_client(people.officer)
        .get(f"/plans/{people.plan.pk}/quarters/2/edit/")
        .content.decode()
    )
    row = html[html.index('data-indicator="১.৩.১"') :]
    row = row[: row.index("</tr>")]
    assert re.findall(r'<span class="target-tier">([^<]*)</span> ([^<]*)</li>', row) == [
        ("100%", "85%"),
        ("90%", "80%"),
        ("80%", "75%"),
        ("70%", "70%"),
        ("60%", "60%"),
    ]
    assert "Targets (100% / 90% / 80% / 70% / 60%)" in html
    content = [people.plan.office.display_name, people.plan.title]
    content += [
        item.title
        for area in people.plan.areas.all()
        for activity in area.activities.all()
        for item in (area, activity, *activity.indicators.all())
    ]
    for text in content:
        html = html.replace(text, "")
    html = re.sub(
        r'data-indicator="[^"]*"', "", html
    )  # the row's key, as the official table has it
    assert not BENGALI_DIGIT.search(html)


def test_tier_names_are_english_under_english_on_the_dashboard(people):
    html = english_client(people.reviewer).get("/dashboard/").content.decode()
    tier = people.office.tier
    assert tier.name_en and tier.name_en in html
    assert f"<td>{tier.name_en}</td>" in html  # the row
    assert re.search(rf"<text [^>]*>{re.escape(tier.name_en)}</text>", html)  # the chart
    assert f"<td>{tier.name}</td>" not in html and f">{tier.name}</text>" not in html
    bengali = client_for(people.reviewer).get("/dashboard/").content.decode()
    assert f"<td>{tier.name}</td>" in bengali and tier.name_en not in bengali


def test_the_seeded_tiers_have_english_names_and_a_tier_without_one_shows_its_bengali_name():
    from django.utils import translation

    from egov_plan.offices.tree import all_tiers

    names = {code: tier.name_en for code, tier in all_tiers().items()}
    assert names == {
        "ministry": "Ministry/Division",
        "department": "Department/Agency",
        "division": "Divisional office",
        "district": "District office",
        "upazila": "Upazila office",
    }
    unnamed = OfficeTier.objects.create(code="union", name="ইউনিয়ন পরিষদ", order=6)
    with translation.override("en"):
        assert str(unnamed) == "ইউনিয়ন পরিষদ" and str(all_tiers()["district"]) == "District office"
    with translation.override("bn"):
        assert str(all_tiers()["district"]) == "জেলা কার্যালয়"


def test_the_migration_names_the_tiers_an_installation_already_has():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("egov_plan.migrations.0009_officetier_name_en")
    OfficeTier.objects.filter(code="district").update(name_en="")
    OfficeTier.objects.filter(code="upazila").update(
        name_en="Sub-district office"
    )  # an admin's own kept
    migration.name_the_seeded_tiers(apps, None)
    assert OfficeTier.objects.get(code="district").name_en == "District office"
    assert OfficeTier.objects.get(code="upazila").name_en == "Sub-district office"


def test_the_bulk_print_form_names_years_and_quarters_in_english(people):
    html = english_client(people.reviewer).get("/bulk-print/").content.decode()
    assert ">2022-2023</option>" in html and ">First quarter</option>" in html
    assert ">২০২২-২০২৩</option>" in client_for(people.reviewer).get("/bulk-print/").content.decode()


class _Controls(HTMLParser):
    """Every form control of a page (hidden inputs and buttons aside) and the ids labels point to."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        elif tag in ("select", "textarea") or (
            tag == "input" and attrs.get("type", "text") not in ("hidden", "submit", "button")
        ):
            self.controls.append({"tag": tag, **attrs})


@pytest.mark.parametrize("language", ["bn", "en"])
def test_every_input_of_the_plan_editor_is_labelled(people, language):
    client = english_client(people.admin) if language == "en" else client_for(people.admin)
    parser = _Controls()
    parser.feed(client.get(f"/plans/{people.plan.pk}/targets/").content.decode())
    assert len(parser.controls) > 100
    unlabelled = [
        c.get("name")
        for c in parser.controls
        if not (c.get("aria-label") or "").strip() and c.get("id") not in parser.labelled
    ]
    assert unlabelled == []
    methods = [c for c in parser.controls if c.get("name", "").endswith("-calculation_method")]
    assert methods and all(
        c["aria-label"].startswith("Calculation method" if language == "en" else "গণনা পদ্ধতি")
        for c in methods
    )
