"""The API keeps to its published schema: a walk over every operation (as every role, on reports in
every state) gets only answers the schema at /api/v1/openapi.json declares for that operation and
status, bodies valid against it (jsonschema, JSON Schema 2020-12 as OpenAPI 3.1 uses), errors as
application/problem+json; and a Hypothesis fuzz of every operation's parameters and bodies gets no
500 and nothing outside the schema either."""

import functools
import json
import re

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.pdf.models import SignedDocument
from reports.quarters.models import QuarterlyReport
from tests.api_world import BASE, ApiClient
from tests.helpers import add_evidence, indicator_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get(f"{BASE}/openapi.json").json()


def check(schema: dict, method: str, template: str, response) -> None:
    """The answer is one the schema declares for this operation, with a valid body."""
    operation = schema["paths"][BASE + template][method]
    status = str(response.status_code)
    assert status in operation["responses"], (method, template, status, response.content[:300])
    declared = operation["responses"][status].get("content", {})
    content_type = response["Content-Type"].split(";")[0]
    assert content_type in declared, (method, template, status, content_type)
    if not content_type.endswith("json"):
        return
    _validator(
        json.dumps(dict(declared[content_type]["schema"], components=schema["components"]))
    ).validate(json.loads(response.content))


@functools.cache
def _validator(body_schema: str) -> jsonschema.Draft202012Validator:
    loaded = json.loads(body_schema)
    jsonschema.Draft202012Validator.check_schema(loaded)
    return jsonschema.Draft202012Validator(loaded)


def _fill(template: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)


def test_every_answer_of_a_walk_over_all_operations_keeps_to_the_schema(people, schema):
    plan = people.plan
    officer, reviewer = ApiClient(people.officer), ApiClient(people.reviewer)
    QuarterlyReport.objects.create(plan=plan, quarter=2, status=QuarterlyReport.SUBMITTED)
    assert (
        officer.get(f"/plans/{plan.pk}/quarters/1/pdf").status_code == 200
    )  # signs the approved quarter
    token = SignedDocument.objects.get().token
    evidence = add_evidence(
        QuarterlyReport.objects.create(plan=plan, quarter=3), indicator_by_code(plan, "1.1.1")
    )
    walked = set()
    clients = {
        "officer": officer,
        "reviewer": reviewer,
        "other": ApiClient(people.other_officer),
        "none": ApiClient(None),
    }
    count = indicator_by_code(plan, "2.1.1").pk
    bodies = {
        "get": [None],
        "patch": [
            {"achievements": [{"indicator": count, "value": "৩"}]},
            {"achievements": [{"indicator": count, "value": "৩১/১৩/২২", "seen_value": ""}]},
        ],
        "post": [{"comment": "কারণ", "achievements": []}, {"comment": 5}],
    }
    for template, operations in schema["paths"].items():
        template = template.removeprefix(BASE)
        for method in operations:
            for values in (
                {
                    "plan_id": plan.pk,
                    "quarter": 3,
                    "office_id": people.office.pk,
                    "token": token,
                    "evidence_id": evidence.pk,
                },
                {
                    "plan_id": plan.pk,
                    "quarter": 2,
                    "office_id": people.other_office.pk,
                    "token": "x" * 32,
                    "evidence_id": 10**6,
                },
                {
                    "plan_id": 10**6,
                    "quarter": 9,
                    "office_id": 10**6,
                    "token": "nothing",
                    "evidence_id": 0,
                },
            )[: 2 if method == "get" else 3]:
                path = _fill(template, values)
                for client, body in ((c, b) for c in clients.values() for b in bodies[method]):
                    response = (
                        client.get(path) if method == "get" else client.send(method, path, body)
                    )
                    check(schema, method, template, response)
                    walked.add((method, template, response.status_code))
    statuses = {status for _, _, status in walked}
    assert {200, 401, 403, 404, 409, 422, 428} <= statuses, statuses
    assert {(m, t) for m, t, s in walked if s == 200} >= {
        (m, t.removeprefix(BASE)) for t, ops in schema["paths"].items() for m in ops if m == "get"
    }


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
PARAM = (
    st.integers(min_value=-(2**70), max_value=2**70).map(str)
    | st.text(max_size=40)
    | st.sampled_from(["1", "0", "-1", "1e400", "NaN", "৩", "", "null"])
)


def _achievement():
    return st.fixed_dictionaries(
        {},
        optional={
            "indicator": st.integers(min_value=-(2**70), max_value=2**70) | JSONISH,
            "value": JSONISH
            | st.sampled_from(["৩১/১২/২২", "1e999", "৯" * 50, "31/02/2023", "100%", "-0"]),
            "remarks": JSONISH | st.text(max_size=1200),
            "seen_value": JSONISH,
            "seen_remarks": JSONISH,
        },
    )


BODY = (
    JSONISH
    | st.fixed_dictionaries({"achievements": st.lists(_achievement(), max_size=3)})
    | st.fixed_dictionaries({}, optional={"comment": JSONISH, "achievements": JSONISH})
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzzed_inputs_never_give_a_500_and_keep_to_the_schema(people, schema, data):
    plan = people.plan
    operations = [
        (template.removeprefix(BASE), method)
        for template, ops in schema["paths"].items()
        for method in ops
        if not template.endswith("/pdf")
    ]
    template, method = data.draw(st.sampled_from(operations))
    names = re.findall(r"\{(\w+)\}", template)
    real = {
        "plan_id": str(plan.pk),
        "quarter": "3",
        "office_id": str(people.office.pk),
        "token": "t" * 32,
        "evidence_id": "1",
    }
    values = {name: data.draw(st.sampled_from([real[name]]) | PARAM) for name in names}
    path = _fill(
        template,
        {
            k: v.replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
            for k, v in values.items()
        },
    )
    query = data.draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "cursor",
                    "limit",
                    "code",
                    "under",
                    "tier",
                    "year",
                    "quarter",
                    "status",
                    "q",
                    "office",
                ]
            ),
            PARAM,
            max_size=4,
        )
    )
    headers = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "If-Match": st.text(max_size=40) | st.just('"v1-1"'),
                "Idempotency-Key": st.text(max_size=70),
                "Accept-Language": st.sampled_from(["en", "bn", "*", "xx", "en;q=abc", ""]),
            },
        )
    )
    headers = {k: v for k, v in headers.items() if v.isprintable() and v.isascii()}
    api = ApiClient(people.officer)
    if method == "get":
        response = api.get(path, query, **headers)
    else:
        body = data.draw(BODY | st.text(max_size=50).map(lambda t: t))
        raw = body if isinstance(body, str) else json.dumps(body)
        response = api.send(method, path, raw, **headers)
    assert response.status_code < 500, response.content[:500]
    if response.status_code != 404 or response["Content-Type"].startswith(
        "application/problem+json"
    ):
        if BASE + template in schema["paths"] and response.status_code != 404:
            check(schema, method, template, response)
