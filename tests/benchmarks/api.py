"""Benchmark: GET of a 60-indicator quarterly report through the JSON API against the login page,
in-process (Django's test client), median of several runs; the issue's target is ≤ 1.5 × the login
page. The API request pays for everything a real one does: the token's lookup, its rate-limit
counter, the user's membership, the report (reports/quarters/selectors.py's quarter_table), its deadline and
evidence, and the answer's validation and JSON.

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.api [--runs 40] [--rounds 2]
Uses a throwaway test database on whatever DATABASE_URL names (SQLite by default)."""

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from egov_plan.accounts.models import Membership
    from tests.api_world import token_for
    from tests.benchmarks.common import page_ms, throwaway_database
    from tests.factories import make_plan

    with override_settings(API_RATE_LIMIT=10**9, SECURE_SSL_REDIRECT=False), throwaway_database():
        from django.contrib.auth import get_user_model

        plan = make_plan(indicators=60)
        officer = get_user_model().objects.create_user("bench-officer")
        Membership.objects.create(user=officer, office=plan.office, role=Membership.OFFICER)
        api = Client(headers={"Authorization": f"Bearer {token_for(officer)}"})
        path = f"/api/v1/plans/{plan.pk}/quarters/1"
        body = api.get(path).json()
        assert len(body["rows"]) == 60, body
        print(
            f"database: {connection.vendor}; {args.runs} runs each, in {args.rounds} rounds taken in turn; "
            "median (min–max) in ms"
        )
        medians = {}
        for round_ in range(args.rounds):
            for label, client, url in (
                ("API 60-indicator report", api, path),
                ("login page (GET)", Client(), "/accounts/login/"),
            ):
                median, low, high = page_ms(client, url, args.runs)
                medians.setdefault(label, []).append(median)
                print(f"round {round_ + 1}  {label:28} {median:7.2f} ({low:.2f}–{high:.2f})")
        ratio = min(medians["API 60-indicator report"]) / min(medians["login page (GET)"])
        print(f"API / login page: {ratio:.2f} × (target ≤ 1.5 ×)")


if __name__ == "__main__":
    main()
