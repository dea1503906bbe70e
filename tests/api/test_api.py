"""The JSON API's frame: its schema and documentation page, token authentication (never a
session), scopes, problem+json errors in Bengali or English, and no 500 on bad input."""

import datetime
import json

import pytest
from django.utils import timezone

from egov_plan.accounts.api_tokens import api_token_create, api_token_revoke
from egov_plan.accounts.models import ApiToken
from tests.api_world import BASE, ApiClient
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _problem(response, status):
    assert response.status_code == status, response.content.decode()[:500]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"].startswith("/api/v1/problems/")
    assert body["title"] and body["detail"]
    return body


def test_the_schema_is_openapi_3_and_names_every_feature(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/offices",
        "/fiscal-years",
        "/plans/{plan_id}",
        "/plans/{plan_id}/quarters/{quarter}",
        "/reports",
        "/plans/{plan_id}/quarters/{quarter}/achievements",
        "/plans/{plan_id}/half-year",
        "/plans/{plan_id}/annual",
        "/plans/{plan_id}/ranking",
        "/verify/{token}",
    ):
        assert f"/api/v1{path}" in schema["paths"]
    errors = schema["paths"]["/api/v1/offices"]["get"]["responses"]["404"]["content"]
    assert list(errors) == ["application/problem+json"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_serves_swagger_from_the_site_itself_under_the_csp(client):
    response = client.get(f"{BASE}/docs")
    assert response.status_code == 200
    page = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert (
        "cdn" not in page.lower() and "<script>" not in page
    )  # no inline script, nothing from elsewhere
    for asset in (
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ):
        assert asset in page
        served = client.get(asset)
        assert served.status_code == 200, asset


def test_without_a_valid_token_the_answer_is_401(people):
    assert _problem(ApiClient(None).get("/offices"), 401)
    user = people.officer
    expired = api_token_create(
        user=user,
        name="x",
        scope=ApiToken.READ,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )[1]
    revoked, raw = api_token_create(
        user=user,
        name="y",
        scope=ApiToken.READ,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    api_token_revoke(token=revoked)
    for token in (expired, raw, "apa_nonsense", "", "x" * 5000):
        response = client_for(None).get(
            f"{BASE}/offices", headers={"Authorization": f"Bearer {token}"}
        )
        assert _problem(response, 401)
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_session_is_not_accepted_even_for_a_read_and_never_for_a_write(people):
    browser = client_for(people.officer)  # logged in on the pages
    assert _problem(browser.get(f"{BASE}/offices"), 401)
    response = browser.patch(
        f"{BASE}/plans/{people.plan.pk}/quarters/3/achievements",
        json.dumps({"achievements": []}),
        content_type="application/json",
    )
    assert _problem(response, 401)


def test_a_read_only_token_cannot_write(people):
    api = ApiClient(people.officer, ApiToken.READ)
    assert api.get(f"/plans/{people.plan.pk}/quarters/3").status_code == 200
    body = _problem(
        api.patch(f"/plans/{people.plan.pk}/quarters/3/achievements", {"achievements": []}), 403
    )
    assert "শুধু পড়ার" in body["detail"]


def test_problems_speak_english_by_accept_language(people):
    bengali = _problem(ApiClient(people.officer).get("/plans/999999/quarters/1"), 404)
    english = ApiClient(people.officer, language="en-GB,en;q=0.9").get("/plans/999999/quarters/1")
    assert english["Content-Language"] == "en"
    assert _problem(english, 404)["detail"] == "Action plan not found"
    assert bengali["detail"] == "কর্মপরিকল্পনাটি পাওয়া যায়নি"


@pytest.mark.parametrize(
    "path",
    [
        "/plans/1/quarters/5",
        "/plans/1/quarters/0",
        "/plans/99999999999999999999/quarters/1",
        "/nothing/here",
        "/offices/0",
        "/offices/-3",
        f"/offices/{2**70}",
        "/verify/not-a-token",
    ],
)
def test_out_of_range_and_unknown_addresses_are_problems_not_500s(people, path):
    response = ApiClient(people.admin).get(path)
    assert response.status_code in (404, 422)
    _problem(response, response.status_code)


def test_bad_cursors_limits_and_bodies_are_400_or_422_naming_the_field(people):
    api = ApiClient(people.officer)
    body = _problem(api.get("/offices", {"cursor": "garbage"}), 400)
    assert body["errors"][0]["field"] == "cursor"
    body = _problem(api.get("/offices", {"limit": "201"}), 422)
    assert body["errors"][0]["field"] == "limit"
    path = f"/plans/{people.plan.pk}/quarters/3/achievements"
    assert _problem(api.patch(path, "{not json"), 400)["errors"][0]["field"] == "body"
    body = _problem(api.patch(path, {"achievements": [{"indicator": "one"}]}), 422)
    assert body["errors"][0]["field"] == "achievements.0.indicator"
    body = _problem(api.patch(path, {"achievements": [{"indicator": 10**30}]}), 422)
    assert body["errors"][0]["field"] == "achievements.0.indicator"


def test_a_wrong_method_is_a_problem_with_allow(people):
    response = ApiClient(people.officer).send(
        "delete", f"/plans/{people.plan.pk}/quarters/3/achievements"
    )
    _problem(response, 405)
    assert response["Allow"] == "PATCH"


def test_a_read_only_token_may_have_a_pdf_checked(people, settings):
    settings.VERIFY_MAX_BYTES = 1000
    api = ApiClient(people.officer, ApiToken.READ)
    checked = api.client.post(f"{BASE}/verify", b"not a pdf", content_type="application/pdf")
    assert checked.status_code == 200 and checked.json() == {
        "verdict": "unreadable",
        "ok": False,
        "superseded": False,
        "document": None,
    }
    assert _problem(
        api.client.post(f"{BASE}/verify", b"x" * 1001, content_type="application/pdf"), 413
    )


def test_the_quarters_list_answers_before_any_fiscal_year_exists(db):
    from tests.conftest import make_user

    admin = make_user("admin", is_staff=True, is_superuser=True)
    body = ApiClient(admin).get("/reports").json()
    assert body == {"items": [], "next": None, "fiscal_year": None, "quarter": 1}
    assert _problem(ApiClient(admin).get("/reports", {"year": 2030}), 404)
    assert (
        _problem(ApiClient(admin).get("/reports", {"status": "nonsense"}), 422)["errors"][0][
            "field"
        ]
        == "status"
    )


@pytest.mark.parametrize(
    "path, params",
    [
        ("/offices", {"code": "a\x00b"}),
        ("/offices", {"tier": "\x00"}),
        ("/reports", {"q": "x\x00"}),
        ("/reports", {"tier": "\x00"}),
    ],
)
def test_a_nul_in_a_query_is_a_422_problem_not_a_500(people, path, params):
    _problem(ApiClient(people.admin).get(path, params), 422)
