"""Every numeric URL or query parameter is bounded before it reaches the database: any number is
an answer, never a 500."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import client_for

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")

# Around every integer width a database or Python may trip on, and anything else.
numbers = st.one_of(
    st.sampled_from([0, 1, 2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30]),
    st.integers(min_value=0, max_value=10**40),
)


def app_routes(resolver=None, prefix=""):
    """The routes of every URL pattern but the admin's (Django's own, tested upstream)."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from app_routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


ROUTES = sorted(app_routes())


def test_the_app_has_numeric_routes_to_check():
    assert any(PARAMETER.search(route) for route in ROUTES)


@pytest.mark.parametrize("route", ROUTES)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_number_in_a_url_or_its_query_makes_a_500(people, route, data):
    def fill(match):
        converter = match.group(1) or "str"
        if converter == "str":
            return data.draw(st.sampled_from(["xlsx", "txt", "pdf"]), label=match.group(2))
        return str(data.draw(numbers, label=match.group(2)))

    path = "/" + PARAMETER.sub(fill, route)
    query = {
        "ref": "-".join(str(data.draw(numbers, label="ref")) for _ in range(3)),
        "rev": str(data.draw(numbers, label="rev")),
        "scores": "1",
        "documents_page": str(data.draw(numbers, label="documents_page")),
    }
    for user in (people.admin, None):
        response = client_for(user).get(path, query)  # the test client raises what would be a 500
        assert response.status_code < 500, (path, query, response.status_code)
