"""`manage.py seed_demo` loads the seed report and demo accounts; a second run changes nothing."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import CommandError, call_command
from django.test import Client

from egov_plan.accounts.models import Membership
from egov_plan.offices.models import Office
from egov_plan.plans.models import ActionPlan, Activity, Indicator, PerformanceArea, Signatory
from reports.calendar.deadlines import report_deadline
from reports.plans.files import load_plan_file
from reports.quarters.models import Achievement, QuarterlyReport, ReportTransition

pytestmark = pytest.mark.django_db

MODELS = [
    Office,
    ActionPlan,
    PerformanceArea,
    Activity,
    Indicator,
    Signatory,
    QuarterlyReport,
    Achievement,
    ReportTransition,
    Membership,
    get_user_model(),
]


def snapshot():
    return {m.__name__: serializers.serialize("json", m.objects.order_by("pk")) for m in MODELS}


def test_it_loads_the_seed_plan_exactly(capsys):
    call_command("seed_demo")
    plan = ActionPlan.objects.get(office__code="LGD-MYMCC")
    assert plan.office.name == "ময়মনসিংহ সিটি কর্পোরেশন"
    assert plan.office.location == "ময়মনসিংহ"
    assert plan.fiscal_year.start_year == 2022
    assert plan.total_marks == 50
    assert [(a.number, a.weight) for a in plan.areas.all()] == [(1, 30), (2, 20)]
    assert Activity.objects.filter(area__plan=plan).count() == 6
    assert Indicator.objects.filter(activity__area__plan=plan).count() == 12
    report = QuarterlyReport.objects.get(plan=plan)
    assert report.score == Decimal("0.00")  # the seed's first quarter reaches no tier yet
    assert (report.quarter, report.status) == (1, QuarterlyReport.APPROVED)
    values = {a.indicator.code: a.value for a in Achievement.objects.filter(report=report)}
    assert values == {
        "১.৩.১": Decimal(30),
        "২.১.১": Decimal(1),
        "২.২.১": Decimal(1),
        "২.২.২": Decimal(20),
    }
    assert [(s.name, s.lines) for s in plan.signatories.all()] == [
        ("উম্মে হালিমা", ["সমাজকল্যাণ কর্মকর্তা"]),
        ("রাজীব কুমার সিদ্দিকী", ["মন্ত্রিপরিষদ", "ময়মনসিংহ সিটি কর্পোরেশন"]),
        ("শেখ হুসেইন আলী", ["মুখ্য সচিব", "প্রধান নির্দেশী কর্মকর্তা", "ময়মনসিংহ সিটি কর্পোরেশন"]),
    ]


def test_it_creates_demo_accounts_for_the_office_its_supervisor_and_an_admin(capsys):
    call_command("seed_demo", "--password", "a-long-demo-secret")
    output = capsys.readouterr().out
    plan = ActionPlan.objects.get(office__code="LGD-MYMCC")
    officer = Membership.objects.get(user__username="officer")
    reviewer = Membership.objects.get(user__username="reviewer")
    assert (officer.office, officer.role) == (plan.office, Membership.OFFICER)
    assert (reviewer.office, reviewer.role) == (
        Office.objects.get_parent(plan.office),
        Membership.REVIEWER,
    )
    assert reviewer.is_manager and not officer.is_manager  # the reviewer can try /people/
    assert "reviewer, user manager" in output
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    for username in ("officer", "reviewer", "admin"):
        assert f"{username}" in output
        assert get_user_model().objects.get(username=username).check_password("a-long-demo-secret")
    assert "a-long-demo-secret" in output


def test_its_users_have_example_addresses_so_reminders_reach_them(capsys):
    call_command("seed_demo")
    emails = dict(get_user_model().objects.values_list("username", "email"))
    assert emails == {
        "officer": "officer@example.gov.bd",
        "reviewer": "reviewer@example.gov.bd",
        "admin": "admin@example.gov.bd",
    }
    assert "officer@example.gov.bd" in capsys.readouterr().out
    get_user_model().objects.filter(username="officer").update(
        email=""
    )  # a demo from before the addresses
    call_command("seed_demo")
    assert get_user_model().objects.get(username="officer").email == "officer@example.gov.bd"
    get_user_model().objects.filter(username="officer").update(email="focal.point@mcc.gov.bd")
    call_command("seed_demo")
    assert (
        get_user_model().objects.get(username="officer").email == "focal.point@mcc.gov.bd"
    )  # kept


def test_it_gives_the_demo_reviewer_a_small_tree_in_mixed_states(capsys):
    call_command("seed_demo")
    reviewer = Membership.objects.get(user__username="reviewer")
    below = Office.objects.filter(
        path__startswith=reviewer.office.path, depth=reviewer.office.depth + 1
    )
    assert below.count() == 5
    statuses = {
        plan.office.code: [r.status for r in plan.reports.all()]
        for plan in ActionPlan.objects.filter(office__in=below)
    }
    assert statuses == {
        "LGD-MYMCC": ["approved"],
        "LGD-GCC": ["submitted"],
        "LGD-NCC": ["returned"],
        "LGD-PHULPUR": ["draft"],
        "LGD-TRISHAL": [],
    }
    returned = QuarterlyReport.objects.get(plan__office__code="LGD-NCC")
    assert returned.transitions.last().comment  # the officer sees why


def test_running_it_twice_changes_nothing(capsys):
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before


def test_it_refuses_a_weak_password(capsys):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--password", "123")
    assert not Office.objects.exists()
    assert not ActionPlan.objects.exists()


def test_loading_an_edited_document_updates_in_place(seed_document):
    plan = load_plan_file(document=seed_document)
    seed_document["areas"][1]["activities"][1]["indicators"].pop()  # drop [২.২.৫]
    seed_document["reports"][0]["achievements"]["2.1.1"]["value"] = "2"
    seed_document["signatories"] = seed_document["signatories"][:1]
    assert load_plan_file(document=json.loads(json.dumps(seed_document))).pk == plan.pk
    assert Indicator.objects.filter(activity__area__plan=plan).count() == 11
    assert (
        Achievement.objects.get(
            indicator__number=1, indicator__activity__number=1, indicator__activity__area__number=2
        ).value
        == 2
    )
    assert plan.signatories.count() == 1


def test_the_demo_has_a_reporting_calendar_and_its_first_quarter_was_approved_on_time():
    call_command("seed_demo")
    plan = ActionPlan.objects.get(office__code="LGD-MYMCC")
    report = QuarterlyReport.objects.get(plan=plan, quarter=1)
    deadline = report_deadline(plan=plan, period=1, report=report)
    assert deadline.due == datetime.date(2022, 10, 15)
    assert (report.status, deadline.late) == (QuarterlyReport.APPROVED, False)
    client = Client()
    client.force_login(get_user_model().objects.get(username="reviewer"))
    late = client.get("/dashboard/?year=2022&quarter=1&status=late").content.decode()
    # the demo's draft office has not submitted its first quarter: that one is late
    assert 'data-office="LGD-MYMCC"' not in late and 'data-office="LGD-TRISHAL"' in late
