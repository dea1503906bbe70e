"""Load the seed report (Mymensingh City Corporation, 2022–23, Q1) and demo accounts.

Running it again changes nothing: the plan is upserted and existing users keep
their passwords unless --password is given and differs.
"""

import copy
import datetime
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from egov_plan.accounts.models import Membership
from egov_plan.offices.tree import find_office, office_create, office_move
from reports.calendar.deadlines import calendar_create
from reports.calendar.models import ReportingCalendar
from reports.plans.files import load_plan_file
from reports.quarters.models import QuarterlyReport, ReportTransition

DEMO_MEMBERSHIP_START = datetime.date(2022, 7, 1)

SEED_DOCUMENT = settings.BASE_DIR / "fixtures" / "seed_plan_2022_23.json"
SUPERVISING_OFFICE = {
    "name": "স্থানীয় সরকার বিভাগ",
    "location": "ঢাকা",
    "code": "LGD",
    "tier": "ministry",
}
# Other offices under the demo reviewer, with the seed plan and their first quarter in mixed states
# (code, name, location, first-quarter status or None for not started, values by indicator).
DEMO_OFFICES = [
    (
        "LGD-GCC",
        "গাজীপুর সিটি কর্পোরেশন",
        "গাজীপুর",
        QuarterlyReport.SUBMITTED,
        {"1.3.1": "45", "2.1.1": "2", "2.2.1": "1", "2.2.2": "25"},
    ),
    (
        "LGD-NCC",
        "নারায়ণগঞ্জ সিটি কর্পোরেশন",
        "নারায়ণগঞ্জ",
        QuarterlyReport.RETURNED,
        {"1.3.1": "20", "2.1.1": "1"},
    ),
    ("LGD-PHULPUR", "ফুলপুর পৌরসভা", "ফুলপুর, ময়মনসিংহ", QuarterlyReport.DRAFT, {"1.3.1": "60"}),
    ("LGD-TRISHAL", "ত্রিশাল পৌরসভা", "ত্রিশাল, ময়মনসিংহ", None, {}),
]
RETURN_COMMENT = "[১.৩.১] এর ই-নথির পরিসংখ্যানের প্রমাণক যুক্ত করুন।"
DEFAULT_PASSWORD = "apa-demo-2022"

# username, full name, office key, role (None: admin)
DEMO_ACCOUNTS = [
    ("officer", "এপিএ ফোকাল পয়েন্ট, ময়মনসিংহ সিটি কর্পোরেশন", "seed", Membership.OFFICER),
    ("reviewer", "পর্যালোচক, স্থানীয় সরকার বিভাগ", "supervising", Membership.REVIEWER),
    ("admin", "প্রশাসক", None, None),
]


def demo_email(username: str) -> str:
    """An example address (example.gov.bd, so nothing reaches a real office) for send_reminders."""
    return f"{username}@example.gov.bd"


class Command(BaseCommand):
    help = "Load the seed action plan and its first-quarter report, and create demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help=f"password for the demo accounts (default: {DEFAULT_PASSWORD})"
        )

    def handle(self, *args, password=None, **options):
        chosen = password or DEFAULT_PASSWORD
        try:
            validate_password(chosen)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with open(SEED_DOCUMENT, encoding="utf-8") as handle:
            document = json.load(handle)

        with transaction.atomic():
            supervising = find_office(
                **{k: SUPERVISING_OFFICE[k] for k in ("name", "location", "code")}
            )
            if supervising is None:
                supervising = office_create(**SUPERVISING_OFFICE)
            plan = load_plan_file(document=document)
            office = plan.office
            if not office.is_under(supervising):
                office = office_move(office=office, parent=supervising)
            if not ReportingCalendar.objects.filter(fiscal_year=plan.fiscal_year).exists():
                calendar_create(
                    fiscal_year=plan.fiscal_year
                )  # the default due dates: 15/10/22 for Q1
            self._approved_on_time(
                plan.reports.filter(quarter=1, status=QuarterlyReport.APPROVED).first()
            )
            for code, name, location, status, values in DEMO_OFFICES:
                self._demo_office(document, supervising, code, name, location, status, values)
            offices = {"seed": office, "supervising": supervising}
            for username, full_name, office_key, role in DEMO_ACCOUNTS:
                self._ensure_user(
                    username,
                    full_name,
                    offices.get(office_key),
                    role,
                    chosen,
                    reset=password is not None,
                )

        self.stdout.write(
            self.style.SUCCESS(
                f"Seed plan loaded: {plan} (id {plan.pk}); first quarter at "
                f"/plans/{plan.pk}/quarters/1/"
            )
        )
        self.stdout.write("Demo accounts (username / password — role, office, e-mail):")
        for username, _, office_key, role in DEMO_ACCOUNTS:
            where = offices[office_key].display_name if office_key else "সকল দপ্তর"
            manages = ", user manager" if role == Membership.REVIEWER else ""
            self.stdout.write(
                f"  {username:<9} / {chosen} — {role or 'admin'}{manages}, {where}, {demo_email(username)}"
            )

    def _demo_office(self, seed, supervising, code, name, location, status, values):
        if find_office(name=name, location=location, code=code) is None:
            office_create(
                name=name, location=location, code=code, tier="department", parent=supervising
            )
        document = {
            **copy.deepcopy(seed),
            "office": {"name": name, "location": location, "code": code},
        }
        document["reports"] = (
            []
            if status is None
            else [
                {
                    "quarter": 1,
                    "status": status,
                    "achievements": {c: {"value": v, "remarks": ""} for c, v in values.items()},
                }
            ]
        )
        plan = load_plan_file(document=document)
        report = plan.reports.filter(quarter=1).first()
        if report is None or report.transitions.exists() or status == QuarterlyReport.DRAFT:
            return
        # The history the status implies: submitted a few days after the quarter, perhaps returned.
        submitted_at = timezone.make_aware(datetime.datetime(2022, 10, 9, 11, 0))
        QuarterlyReport.objects.filter(pk=report.pk).update(
            submitted_at=submitted_at, first_submitted_at=submitted_at
        )
        ReportTransition.objects.create(
            report=report, from_status=QuarterlyReport.DRAFT, to_status=QuarterlyReport.SUBMITTED
        )
        if status == QuarterlyReport.RETURNED:
            ReportTransition.objects.create(
                report=report,
                from_status=QuarterlyReport.SUBMITTED,
                to_status=QuarterlyReport.RETURNED,
                comment=RETURN_COMMENT,
            )
        # The steps happened then, not now (`at` is stamped on creation): before the due date.
        ReportTransition.objects.filter(report=report).update(at=submitted_at)

    def _approved_on_time(self, report):
        """The seed's approved first quarter gets the history of a report submitted before its
        due date (15/10/22) and approved after it."""
        if report is None or report.transitions.exists():
            return
        submitted_at = timezone.make_aware(datetime.datetime(2022, 10, 9, 11, 0))
        QuarterlyReport.objects.filter(pk=report.pk).update(
            submitted_at=submitted_at, first_submitted_at=submitted_at
        )
        for from_status, to_status, at in [
            (QuarterlyReport.DRAFT, QuarterlyReport.SUBMITTED, submitted_at),
            (
                QuarterlyReport.SUBMITTED,
                QuarterlyReport.APPROVED,
                submitted_at + datetime.timedelta(days=4),
            ),
        ]:
            step = ReportTransition.objects.create(
                report=report, from_status=from_status, to_status=to_status
            )
            ReportTransition.objects.filter(pk=step.pk).update(at=at)

    def _ensure_user(self, username, full_name, office, role, password, reset):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": full_name,
                "is_staff": role is None,
                "is_superuser": role is None,
                "email": demo_email(username),
            },
        )
        if created or (reset and not user.check_password(password)):
            user.set_password(password)
            user.save(update_fields=["password"])
        if not user.email:  # a demo from before the addresses: send_reminders would skip its users
            user.email = demo_email(username)
            user.save(update_fields=["email"])
        if office is not None:
            if not Membership.objects.filter(user=user).exists():
                # Since the seed year's start: its reports' history names the office they acted for.
                # The demo reviewer also manages the people of the supervising office's tree (/people/).
                Membership.objects.create(
                    user=user,
                    office=office,
                    role=role,
                    start_date=DEMO_MEMBERSHIP_START,
                    is_manager=role == Membership.REVIEWER,
                )
