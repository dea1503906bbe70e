"""Benchmark: django-ninja against Django REST Framework for the JSON API (median of several runs).

The same representative endpoint in each library: GET of a quarterly report of a 60-indicator plan
(tests.factories.make_plan) from `reports.quarters.selectors.quarter_table`, with every indicator's targets,
achievement to date, tier and marks, behind a bearer-token check; each library's own way of
declaring and serialising the answer (a ninja `Schema` response, DRF `Serializer`s). The login
page is timed beside them (the issue's yardstick: the API within 1.5 × the login page).

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.api_libraries [--runs 30]
Needs both libraries installed (only the winner is in requirements.txt):
    .venv/bin/pip install djangorestframework==3.18.3 drf-spectacular==0.30.0
Uses a throwaway test database on whatever DATABASE_URL names (SQLite by default).
"""

import argparse
import os
import sys
import types

TOKEN = "bench-token"


def report_rows(plan_id: int, quarter: int) -> dict:
    from reports.quarters.selectors import quarter_table

    table = quarter_table(plan_id=plan_id, quarter=quarter)
    return {
        "plan": table.plan.pk,
        "quarter": quarter,
        "status": table.report.status if table.report else "draft",
        "indicators": [
            {
                "id": row.indicator.pk,
                "area": row.area.number,
                "activity": row.activity.number,
                "number": row.indicator.number,
                "title": row.indicator.title,
                "unit": row.indicator.unit,
                "weight": row.indicator.weight,
                "targets": [str(t) if t is not None else None for t in row.indicator.targets],
                "achievement": None
                if row.achievement_value is None
                else str(row.achievement_value),
                "tier": row.tier_percent,
                "score": row.score,
            }
            for row in table.rows
        ],
    }


def authorised(request) -> bool:
    return request.headers.get("Authorization") == f"Bearer {TOKEN}"


def ninja_urls():
    from decimal import Decimal

    from ninja import NinjaAPI, Schema
    from ninja.security import HttpBearer

    class Bearer(HttpBearer):
        def authenticate(self, request, token):
            return token == TOKEN or None

    class IndicatorOut(Schema):
        id: int
        area: int
        activity: int
        number: int
        title: str
        unit: str
        weight: Decimal
        targets: list[str | None]
        achievement: str | None
        tier: int | None
        score: Decimal

    class ReportOut(Schema):
        plan: int
        quarter: int
        status: str
        indicators: list[IndicatorOut]

    api = NinjaAPI(urls_namespace="bench-ninja", auth=Bearer(), docs_url=None)

    @api.get("/plans/{plan_id}/quarters/{quarter}", response=ReportOut)
    def report(request, plan_id: int, quarter: int):
        return report_rows(plan_id, quarter)

    def serialise(payload):  # what the endpoint does after the selector: validate, dump, encode
        return api.renderer.render(
            None, ReportOut.model_validate(payload).model_dump(mode="json"), response_status=200
        )

    return api.urls, serialise


def drf_urls():
    from rest_framework import serializers
    from rest_framework.authentication import BaseAuthentication
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Bearer(BaseAuthentication):
        def authenticate(self, request):
            if not authorised(request):
                raise AuthenticationFailed()
            return (None, TOKEN)

    class IndicatorSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        area = serializers.IntegerField()
        activity = serializers.IntegerField()
        number = serializers.IntegerField()
        title = serializers.CharField()
        unit = serializers.CharField()
        weight = serializers.DecimalField(max_digits=6, decimal_places=2)
        targets = serializers.ListField(child=serializers.CharField(allow_null=True))
        achievement = serializers.CharField(allow_null=True)
        tier = serializers.IntegerField(allow_null=True)
        score = serializers.DecimalField(max_digits=8, decimal_places=2)

    class ReportSerializer(serializers.Serializer):
        plan = serializers.IntegerField()
        quarter = serializers.IntegerField()
        status = serializers.CharField()
        indicators = IndicatorSerializer(many=True)

    class ReportView(APIView):
        authentication_classes = [Bearer]
        permission_classes = []

        def get(self, request, plan_id, quarter):
            return Response(ReportSerializer(report_rows(plan_id, quarter)).data)

    from django.urls import path
    from rest_framework.renderers import JSONRenderer

    def serialise(payload):
        return JSONRenderer().render(ReportSerializer(payload).data)

    return [path("plans/<int:plan_id>/quarters/<int:quarter>", ReportView.as_view())], serialise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from django.contrib.auth.decorators import login_not_required
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import include, path

    from tests.benchmarks.common import median_ms, page_ms, throwaway_database
    from tests.factories import make_plan

    def open_to_tokens(patterns):
        for pattern in patterns:  # the API answers to its own authentication, not the login page
            pattern.callback = login_not_required(pattern.callback)
        return patterns

    (ninja_patterns, _app, _namespace), ninja_serialise = ninja_urls()
    drf_patterns, drf_serialise = drf_urls()
    urlconf = types.ModuleType("bench_api_urls")
    urlconf.urlpatterns = [
        path("ninja/", include((open_to_tokens(ninja_patterns), "bench-ninja"))),
        path("drf/", include(open_to_tokens(drf_patterns))),
        path("", include("egov_plan.urls")),
    ]
    sys.modules["bench_api_urls"] = urlconf

    rest_framework = {
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "UNAUTHENTICATED_USER": None,
    }
    with (
        override_settings(ROOT_URLCONF="bench_api_urls", REST_FRAMEWORK=rest_framework),
        throwaway_database(),
    ):
        plan = make_plan(indicators=60)
        client = Client(headers={"Authorization": f"Bearer {TOKEN}"})
        first = [
            client.get(f"/{lib}/plans/{plan.pk}/quarters/1").json() for lib in ("ninja", "drf")
        ]
        assert len(first[0]["indicators"]) == len(first[1]["indicators"]) == 60, first
        print(
            f"database: {connection.vendor}; {args.runs} runs each, in {args.rounds} rounds taken in turn; "
            "median (min–max) in ms"
        )
        for round_ in range(args.rounds):
            for label, url in (
                ("django-ninja 60-indicator report", f"/ninja/plans/{plan.pk}/quarters/1"),
                ("DRF 60-indicator report", f"/drf/plans/{plan.pk}/quarters/1"),
                ("login page (GET)", "/accounts/login/"),
            ):
                print(
                    f"round {round_ + 1}  {label:36} %7.2f (%.2f–%.2f)"
                    % page_ms(client, url, args.runs)
                )
        payload = report_rows(
            plan.pk, 1
        )  # the libraries' own share: the answer's serialisation alone
        for label, serialise in (
            ("django-ninja serialisation only", ninja_serialise),
            ("DRF serialisation only", drf_serialise),
        ):
            print(
                f"         {label:36} %7.2f (%.2f–%.2f)"
                % median_ms(lambda i: serialise(payload), args.runs)
            )


if __name__ == "__main__":
    main()
