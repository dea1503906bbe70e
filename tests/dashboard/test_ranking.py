"""The year's ranking among sibling offices (same parent, same tier) on the annual evaluation page:
standard competition ranking (ties share a rank: 1, 2, 2, 4) over the stored annual totals, at a
fixed number of queries however many siblings there are, listing a bounded few."""

from decimal import Decimal

import pytest

from egov_plan.accounts.models import Membership
from egov_plan.offices.tree import office_create
from reports.dashboard import ranking
from reports.year.models import Assessment
from tests.conftest import client_for, make_user
from tests.factories import make_offices

pytestmark = pytest.mark.django_db


def rank_offices(parent, totals, *, tier="upazila", prefix="", approved=()):
    """One office under `parent` per total (None: annual self-assessment not submitted), each
    with a stored annual total; those at the indexes in `approved` have an approved evaluation."""
    offices = make_offices(parent, len(totals), tier=tier, code_prefix=prefix)
    rows = []
    for i, (office, total) in enumerate(zip(offices, totals)):
        plan = office.plans.get()
        status = (
            Assessment.APPROVED
            if i in approved
            else (Assessment.SUBMITTED if total is not None else Assessment.DRAFT)
        )
        rows.append(
            Assessment(
                plan=plan,
                kind=Assessment.ANNUAL,
                status=status,
                ranking_total=total,
                reported_total=total,
            )
        )
    Assessment.objects.bulk_create(rows)
    return offices, None


@pytest.fixture
def district():
    return office_create(
        name="জেলা প্রশাসকের কার্যালয়", tier="district", location="ময়মনসিংহ", code="DC-MYM"
    )


def own(office):
    plan = office.plans.select_related("office", "fiscal_year").get()
    return plan, Assessment.objects.get(plan=plan, kind=Assessment.ANNUAL)


def test_ties_share_a_rank_and_only_siblings_of_the_same_tier_count(district):
    offices, _ = rank_offices(
        district, [Decimal(50), Decimal(45), Decimal(45), Decimal(40), None], approved={0}
    )
    rank_offices(district, [Decimal(99)], tier="department", prefix="d")  # same parent, other tier
    elsewhere = office_create(
        name="জেলা প্রশাসকের কার্যালয়", tier="district", location="নেত্রকোনা", code="DC-NET"
    )
    rank_offices(elsewhere, [Decimal(98)], prefix="e")  # same tier, other parent
    results = {}
    for office in offices[:4]:
        plan, assessment = own(office)
        result = ranking.ranking(plan, assessment)
        results[office.pk] = (result.rank, result.count, result.total)
    assert [results[o.pk] for o in offices[:4]] == [
        (1, 4, Decimal(50)),
        (2, 4, Decimal(45)),
        (2, 4, Decimal(45)),
        (4, 4, Decimal(40)),
    ]
    plan, assessment = own(offices[4])  # not submitted: not ranked, the list still shown
    result = ranking.ranking(plan, assessment)
    assert result.rank is None and result.count == 4
    assert [(row.rank, row.assessment.ranking_total, row.final) for row in result.rows] == [
        (1, Decimal(50), True),
        (2, Decimal(45), False),
        (2, Decimal(45), False),
        (4, Decimal(40), False),
    ]


@pytest.mark.parametrize("siblings", [15, 150])
def test_the_query_count_and_the_list_do_not_grow_with_the_siblings(
    district, siblings, django_assert_num_queries
):
    totals = [Decimal(i % 37) for i in range(siblings)]
    offices, _ = rank_offices(district, totals)
    middle = offices[siblings // 2]
    plan, assessment = own(middle)
    with django_assert_num_queries(4):  # the top, the neighbours above and below, one aggregate
        result = ranking.ranking(plan, assessment)
    expected_rank = 1 + sum(1 for t in totals if t > assessment.ranking_total)
    assert result.rank == expected_rank and result.count == siblings
    assert len(result.rows) <= ranking.TOP + 2 * ranking.AROUND + 2
    assert [row.rank for row in result.rows if row.is_self] == [expected_rank]
    listed = [row for row in result.rows if row.assessment is not None]
    for row in listed:  # every listed rank is right
        assert row.rank == 1 + sum(1 for t in totals if t > row.assessment.ranking_total)
    assert [row.rank for row in listed[: ranking.TOP]] == sorted(
        row.rank for row in listed[: ranking.TOP]
    )


def test_the_annual_page_shows_the_rank_and_what_it_is_based_on(district):
    offices, _ = rank_offices(
        district, [Decimal(50), Decimal(45), Decimal(45), Decimal(40)], approved={1}
    )
    officer = make_user("upazila_officer", offices[2], Membership.OFFICER)
    html = client_for(officer).get(f"/plans/{offices[2].plans.get().pk}/annual/").content.decode()
    assert "ক্রম: ২ (৪টি দপ্তরের মধ্যে), মোট নম্বর ৪৫.০০" in html
    assert "স্ব-মূল্যায়িত, মূল্যায়ন বাকি" in html
    officer_2 = make_user("upazila_officer_2", offices[1], Membership.OFFICER)
    html = client_for(officer_2).get(f"/plans/{offices[1].plans.get().pk}/annual/").content.decode()
    assert "ক্রম: ২ (৪টি দপ্তরের মধ্যে)" in html and "চূড়ান্ত (মূল্যায়িত)" in html
