"""Offices, plans and users for the load test (run by tests/load/run.py on its own database).

For each number of users U: an office above (its reviewers, one per ten users) with U − U/10
offices under it, each with an officer and enough plans (the seed's structure, rolled out from
templates) that no officer runs out of quarters to report during the run. Every password is
hashed with the production hasher (PBKDF2), once: the users share it.
"""

import argparse
import json
import math
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, nargs="+", required=True)
    parser.add_argument(
        "--slots", type=int, default=2400, help="quarters to report per run, in all"
    )
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from egov_plan.accounts.models import Membership
    from egov_plan.offices.models import Office
    from egov_plan.offices.tree import office_create
    from egov_plan.plans.models import ActionPlan, Indicator
    from reports.plans.files import load_plan_file
    from reports.plans.rollout import rollout_template

    User = get_user_model()
    document = json.loads(
        (settings.BASE_DIR / "fixtures" / "seed_plan_2022_23.json").read_text(encoding="utf-8")
    )
    document.pop("reports", None)
    document["office"] = None
    password = make_password(args.password)
    manifest = {"password": args.password, "runs": {}}
    templates: list[ActionPlan] = []

    def template(k: int) -> ActionPlan:
        while len(templates) <= k:
            document["plan"]["title"] = f"{ActionPlan.DEFAULT_TITLE} (লোড {len(templates) + 1})"
            templates.append(load_plan_file(document=document))
        return templates[k]

    with transaction.atomic():
        root = office_create(name="লোড পরীক্ষার মন্ত্রণালয়", tier="ministry", location="ঢাকা", code="LOAD")
        for users in args.users:
            reviewers = max(1, users // 10)
            officers = max(1, users - reviewers)
            plans_each = math.ceil(args.slots / (4 * officers))
            above = office_create(
                name=f"লোড পরীক্ষা {users}",
                tier="department",
                location="ঢাকা",
                code=f"LOAD-{users}",
                parent=Office.objects.get(pk=root.pk),
            )
            reviewer_names = [f"load{users}-reviewer{i}" for i in range(reviewers)]
            officer_names = [f"load{users}-officer{i}" for i in range(officers)]
            offices = [
                office_create(
                    name=f"দপ্তর {i}",
                    tier="upazila",
                    location=f"স্থান {i}",
                    code=f"LOAD-{users}-{i}",
                    parent=Office.objects.get(pk=above.pk),
                )
                for i in range(officers)
            ]
            User.objects.bulk_create(
                [
                    User(username=name, password=password, first_name=name)
                    for name in reviewer_names + officer_names
                ]
            )
            ids = dict(
                User.objects.filter(username__startswith=f"load{users}-").values_list(
                    "username", "pk"
                )
            )
            Membership.objects.bulk_create(
                [
                    Membership(user_id=ids[name], office=above, role=Membership.REVIEWER)
                    for name in reviewer_names
                ]
                + [
                    Membership(user_id=ids[name], office=office, role=Membership.OFFICER)
                    for name, office in zip(officer_names, offices)
                ]
            )
            for k in range(plans_each):
                rollout_template(template=template(k), under=Office.objects.get(pk=above.pk))
            units: dict[int, list] = {}
            for pk, plan_id, unit in (
                Indicator.objects.filter(activity__area__plan__office__in=offices)
                .order_by("activity__area__number", "activity__number", "number")
                .values_list("pk", "activity__area__plan_id", "unit")
            ):
                units.setdefault(plan_id, []).append([pk, unit])
            plans_by_office: dict[int, list] = {}
            for plan_id, office_id in (
                ActionPlan.objects.filter(office__in=offices)
                .order_by("title")
                .values_list("pk", "office_id")
            ):
                plans_by_office.setdefault(office_id, []).append(
                    {"id": plan_id, "indicators": units[plan_id]}
                )
            manifest["runs"][str(users)] = {
                "start_year": int(document["fiscal_year"]),
                "reviewers": reviewer_names,
                "offices": [
                    {"officer": name, "plans": plans_by_office[office.pk]}
                    for name, office in zip(officer_names, offices)
                ],
                "table_pages": [
                    f"/plans/{plans_by_office[office.pk][0]['id']}/quarters/1/?scores=1"
                    for office in offices
                ],
            }
            print(
                f"{users} users: {reviewers} reviewer(s), {officers} offices with {plans_each} plans each "
                f"({officers * plans_each * 4} quarters to report)"
            )
    with open(args.manifest, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle)


if __name__ == "__main__":
    main()
