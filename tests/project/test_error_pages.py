"""Every error page is Bengali: a refused form (CSRF), a wrong method (405), a missing page."""

import pytest
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_form_without_its_security_token_gets_the_bengali_page(people):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "officer", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "ফর্মটি গ্রহণ করা যায়নি" in html and "পাতাটি পুনরায় লোড করে" in html
    assert "CSRF verification failed" not in html and "Forbidden" not in html
    assert '<html lang="bn"' in html


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("get", "/plans/{plan}/quarters/1/review/", "POST"),
        ("post", "/", "GET"),
        ("delete", "/plans/{plan}/quarters/1/edit/", "GET, POST"),
    ],
)
def test_a_wrong_method_gets_the_bengali_page_and_the_allowed_methods(
    people, method, path, allowed
):
    response = getattr(client_for(people.officer), method)(path.format(plan=people.plan.pk))
    assert response.status_code == 405
    assert response["Allow"] == allowed
    assert "এভাবে এই পাতা খোলা যায় না" in response.content.decode()


def test_a_missing_page_is_bengali(people):
    response = client_for(people.officer).get("/no-such-page/")
    assert response.status_code == 404
    assert "পাওয়া যায়নি" in response.content.decode()
