"""The entry page's rows, written in Python (reports/fast/entry_html.py), are the markup of their
plain template (templates/reports/plain/entry_rows.html): the whole page is the same either way,
editable or locked, with errors beside the fields, evidence listed, in Bengali and in English, and
every text from the plan, the form or the user escaped."""

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from egov_plan.plans.models import Activity, Indicator, PerformanceArea
from reports.quarters import views
from tests.conftest import client_for
from tests.fast.plain import HOSTILE, first_difference, markup, plain
from tests.helpers import PDF_BYTES
from tests.html_forms import form_data
from tests.i18n.test_language_switch import english_client

pytestmark = pytest.mark.django_db

PLAIN = plain("reports/plain/entry_rows.html")


@pytest.fixture(autouse=True)
def second_quarter():
    """In the second quarter's entry window (the first is approved in the seed)."""
    with time_machine.travel("2023-01-05 10:00 +0600", tick=False):
        yield


@pytest.fixture
def hostile_plan(people):
    plan = people.plan
    PerformanceArea.objects.filter(plan=plan, number=1).update(title=HOSTILE)
    Activity.objects.filter(area__plan=plan, number=1).update(title=HOSTILE)
    Indicator.objects.filter(activity__area__plan=plan, number=1).update(title=HOSTILE)
    return plan


def both(monkeypatch, request) -> tuple[str, str]:
    """The page as the app writes it, and with the rows through the plain template."""
    fast = request().content.decode()
    with monkeypatch.context() as patch:
        patch.setattr(views, "entry_rows_html", PLAIN)
        slow = request().content.decode()
    return fast, slow


def entry(plan, quarter=2) -> str:
    return f"/plans/{plan.pk}/quarters/{quarter}/edit/"


def test_an_empty_editable_page_in_both_languages(people, hostile_plan, monkeypatch):
    for client in (client_for(people.officer), english_client(people.officer)):
        fast, slow = both(monkeypatch, lambda c=client: c.get(entry(hostile_plan)))
        assert 'class="entry-row"' in fast and "&lt;b&gt;&quot;ঝুঁকি&quot;" in fast
        assert markup(fast) == markup(slow), first_difference(fast, slow)


def test_typed_values_with_errors_evidence_and_a_locked_page(people, hostile_plan, monkeypatch):
    officer = client_for(people.officer)
    page = officer.get(entry(hostile_plan)).content.decode()
    data = {**form_data(page, "entry-form"), "action": "save"}
    values = sorted(k for k in data if k.startswith("value_"))
    remarks = sorted(k for k in data if k.startswith("remarks_"))
    data.update({values[0]: HOSTILE, values[1]: "১২৩", remarks[0]: HOSTILE})
    fast, slow = both(monkeypatch, lambda: officer.post(entry(hostile_plan), data))
    assert fast.count("invalid-feedback") >= 1 and 'aria-invalid="true"' in fast
    assert markup(fast) == markup(slow), first_difference(fast, slow)

    data = {**form_data(officer.get(entry(hostile_plan)).content.decode(), "entry-form")}
    data["action"] = "save"
    data["evidence_" + values[0].removeprefix("value_")] = SimpleUploadedFile(
        HOSTILE + ".pdf", PDF_BYTES
    )
    answer = officer.post(entry(hostile_plan), data)
    assert answer.status_code == 302, re.findall(
        r"(?:invalid-feedback|alert)[^>]*>([^<]*)", answer.content.decode()
    )
    officer.get(entry(hostile_plan))  # the page that says "saved", once
    fast, slow = both(monkeypatch, lambda: officer.get(entry(hostile_plan)))
    assert "evidence-uploader" in fast and "delete-evidence-" in fast
    assert markup(fast) == markup(slow), first_difference(fast, slow)

    data = {**form_data(officer.get(entry(hostile_plan)).content.decode(), "entry-form")}
    officer.post(entry(hostile_plan), {**data, "action": "submit"})
    officer.get("/")  # the page that says "submitted", once
    for path in (entry(hostile_plan), entry(hostile_plan, quarter=1)):  # submitted; approved
        fast, slow = both(monkeypatch, lambda p=path: officer.get(p))
        assert " disabled" in fast and "delete-evidence-" not in fast
        assert markup(fast) == markup(slow), first_difference(fast, slow)
