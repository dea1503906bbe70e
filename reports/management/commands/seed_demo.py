"""Load the seed report (Mymensingh City Corporation, 2022–23, Q1) and demo accounts.

Running it again changes nothing: the plan is upserted and existing users keep
their passwords unless --password is given and differs.
"""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from egov_plan.models import Membership, Office
from reports.plan_documents import load_plan_document

SEED_DOCUMENT = settings.BASE_DIR / "fixtures" / "seed_plan_2022_23.json"
SUPERVISING_OFFICE = {"name": "স্থানীয় সরকার বিভাগ", "location": "ঢাকা"}
DEFAULT_PASSWORD = "apa-demo-2022"

# username, full name, office key, role (None: admin)
DEMO_ACCOUNTS = [
    ("officer", "এপিএ ফোকাল পয়েন্ট, ময়মনসিংহ সিটি কর্পোরেশন", "seed", Membership.OFFICER),
    ("reviewer", "পর্যালোচক, স্থানীয় সরকার বিভাগ", "supervising", Membership.REVIEWER),
    ("admin", "প্রশাসক", None, None),
]


class Command(BaseCommand):
    help = "Load the seed action plan and its first-quarter report, and create demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--password", help=f"password for the demo accounts "
                                               f"(default: {DEFAULT_PASSWORD})")

    def handle(self, *args, password=None, **options):
        chosen = password or DEFAULT_PASSWORD
        try:
            validate_password(chosen)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with open(SEED_DOCUMENT, encoding="utf-8") as handle:
            document = json.load(handle)

        with transaction.atomic():
            plan = load_plan_document(document=document)
            supervising, _ = Office.objects.get_or_create(
                name=SUPERVISING_OFFICE["name"],
                defaults={"location": SUPERVISING_OFFICE["location"]},
            )
            office = plan.office
            if office.parent_id is None:
                office.parent = supervising
                office.save(update_fields=["parent"])
            offices = {"seed": office, "supervising": supervising}
            for username, full_name, office_key, role in DEMO_ACCOUNTS:
                self._ensure_user(username, full_name, offices.get(office_key), role,
                                  chosen, reset=password is not None)

        self.stdout.write(self.style.SUCCESS(
            f"Seed plan loaded: {plan} (id {plan.pk}); first quarter at "
            f"/plans/{plan.pk}/quarters/1/"))
        self.stdout.write("Demo accounts (username / password — role, office):")
        for username, _, office_key, role in DEMO_ACCOUNTS:
            where = offices[office_key].name if office_key else "সকল দপ্তর"
            self.stdout.write(f"  {username:<9} / {chosen} — {role or 'admin'}, {where}")

    def _ensure_user(self, username, full_name, office, role, password, reset):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": full_name, "is_staff": role is None,
                      "is_superuser": role is None},
        )
        if created or (reset and not user.check_password(password)):
            user.set_password(password)
            user.save(update_fields=["password"])
        if office is not None:
            Membership.objects.get_or_create(user=user, defaults={"office": office, "role": role})
