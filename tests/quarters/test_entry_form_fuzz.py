"""No input in any field of the entry form makes the app answer 500 (property-based)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egov_plan.core import bangla
from egov_plan.plans.models import Indicator
from reports.quarters.models import QuarterlyReport

pytestmark = pytest.mark.django_db

to_bengali = bangla.to_bengali_digits
digits = st.text(alphabet="0123456789", min_size=1, max_size=30)
numbers = st.one_of(
    digits,
    digits.map(to_bengali),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.integers(min_value=10**9, max_value=10**60).map(lambda n: to_bengali(n)),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.builds(lambda a, b: f"{a}.{b}", digits, digits),
    st.builds(
        lambda n, s: f"{n}{s}", digits.map(to_bengali), st.sampled_from(["%", " %", "%%", "٪"])
    ),
)
dates = st.one_of(
    st.builds(
        lambda d, m, y: f"{d}/{m}/{y}",
        st.integers(-40, 400),
        st.integers(-40, 400),
        st.integers(-(10**6), 10**6),
    ),
    st.builds(
        lambda y, m, d: f"{y}-{m}-{d}",
        st.integers(-(10**6), 10**6),
        st.integers(-40, 99),
        st.integers(-40, 99),
    ),
    st.builds(
        lambda d, m, y: to_bengali(f"{d:02d}/{m:02d}/{y}"),
        st.integers(0, 99),
        st.integers(0, 99),
        st.integers(0, 99999),
    ),
    st.dates().map(lambda d: d.strftime("%d/%m/%y")),
    st.dates().map(lambda d: d.isoformat()),
)
anything = st.text(max_size=120)
field_values = st.one_of(anything, numbers, dates, st.just(""), st.just(" "))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_input_makes_the_entry_form_answer_500(officer_client, people, data):
    plan = people.plan
    report = QuarterlyReport.objects.filter(plan=plan, quarter=2).first()
    version = report.version if report else 0
    post = {
        "version": data.draw(st.one_of(st.just(str(version)), anything, numbers), label="version"),
        "action": data.draw(
            st.one_of(st.sampled_from(["save", "submit"]), anything), label="action"
        ),
    }
    for indicator in Indicator.objects.filter(activity__area__plan=plan):
        if data.draw(st.booleans()):
            post[f"value_{indicator.pk}"] = data.draw(field_values, label=f"value {indicator.code}")
        if data.draw(st.booleans()):
            post[f"remarks_{indicator.pk}"] = data.draw(st.text(max_size=1200), label="remarks")
    response = officer_client.post(f"/plans/{plan.pk}/quarters/2/edit/", post)
    assert response.status_code in (302, 400, 409)
    # Whatever happened, the report can still be shown.
    QuarterlyReport.objects.filter(plan=plan, quarter=2, status="submitted").update(status="draft")
    assert officer_client.get(f"/plans/{plan.pk}/quarters/2/?scores=1").status_code == 200


@settings(max_examples=300, deadline=None)
@given(text=field_values)
def test_the_bengali_parsers_either_parse_or_raise_value_error(text):
    for parse in (
        bangla.parse_date,
        bangla.parse_percent,
        bangla.parse_count,
        bangla.parse_decimal,
    ):
        try:
            parse(text)
        except ValueError:
            pass
