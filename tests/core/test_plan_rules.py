"""The plan rules, table-driven on the seed document. No database, no Django: each fault's problem
is said as the Bengali interface shows it (tests/core/bengali.py)."""

import copy
import json
from pathlib import Path

import pytest

from egov_plan.core.plan_rules import (
    INDICATOR_PLACE,
    PLAN_PLACE,
    Digits,
    Fault,
    Problem,
    Term,
    check_plan,
    numbering_gaps,
    target_faults,
)
from tests.core.bengali import say

SEED_DOCUMENT = Path(__file__).resolve().parents[2] / "fixtures" / "seed_plan_2022_23.json"


@pytest.fixture
def seed():
    return json.loads(SEED_DOCUMENT.read_text(encoding="utf-8"))


def indicator(document, code):
    a, b, c = (int(x) for x in code.split("."))
    area = next(x for x in document["areas"] if x["number"] == a)
    activity = next(x for x in area["activities"] if x["number"] == b)
    return next(x for x in activity["indicators"] if x["number"] == c)


def messages(document):
    return [say(f.message) for f in check_plan(document)]


def test_the_seed_plan_keeps_every_rule(seed):
    assert check_plan(seed) == []


def edit(seed, change):
    document = copy.deepcopy(seed)
    change(document)
    return messages(document)


@pytest.mark.parametrize(
    "change, expected",
    [
        # the indicator weights of an area sum to the area's weight
        (
            lambda d: indicator(d, "2.1.1").update(weight="7"),
            "ক্ষেত্র [২]: সূচকগুলোর মানের যোগফল ২১, কিন্তু ক্ষেত্রের মান ২০; দুটি সমান হতে হবে।",
        ),
        # the area weights sum to the plan's total marks
        (
            lambda d: d["plan"].update(total_marks="60"),
            "কর্মপরিকল্পনা: ক্ষেত্রগুলোর মানের যোগফল ৫০, কিন্তু মোট নম্বর ৬০; দুটি সমান হতে হবে।",
        ),
        # targets run from the 100 % tier down: percent and count not increasing, dates not earlier
        (
            lambda d: indicator(d, "1.3.1").update(targets=["85", "90", "75", "70", "60"]),
            "সূচক [১.৩.১]: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “অতি উত্তম” (৯০%) “অসাধারণ” (৮৫%) এর চেয়ে বেশি হতে পারে না।",
        ),
        (
            lambda d: indicator(d, "2.1.1").update(targets=["4", None, None, "5", None]),
            "সূচক [২.১.১]: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “চলতি মান” (৫) “অসাধারণ” (৪) এর চেয়ে বেশি হতে পারে না।",
        ),
        (
            lambda d: indicator(d, "1.1.1").update(
                targets=["2023-05-04", "2023-05-01", None, None, None]
            ),
            "সূচক [১.১.১]: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “অতি উত্তম” (০১/০৫/২৩) “অসাধারণ” (০৪/০৫/২৩) এর আগের তারিখ হতে পারে না।",
        ),
        (
            lambda d: indicator(d, "1.1.1").update(targets=[None] * 5),
            "সূচক [১.১.১]: অন্তত একটি লক্ষ্যমাত্রা দিন (হারিয়ে যাওয়া লক্ষ্যমাত্রার ঘরে “অজানা” লিখুন)।",
        ),
        # ranges
        (
            lambda d: indicator(d, "1.3.1").update(targets=["120", "80", "75", "70", "60"]),
            "সূচক [১.৩.১] এর “অসাধারণ” লক্ষ্যমাত্রা ১২০%: শতাংশ ০ থেকে ১০০ এর মধ্যে হতে হবে।",
        ),
        (
            lambda d: indicator(d, "2.1.1").update(targets=["4.5", "3", None, "2", None]),
            "সূচক [২.১.১] এর “অসাধারণ” লক্ষ্যমাত্রা ৪.৫: সংখ্যা ০ বা তার বেশি পূর্ণসংখ্যা হতে হবে।",
        ),
        (
            lambda d: indicator(d, "1.1.1").update(targets=["2025-05-04", None, None, None, None]),
            "সূচক [১.১.১] এর “অসাধারণ” লক্ষ্যমাত্রা ০৪/০৫/২৫: তারিখটি অর্থবছর ২০২২-২০২৩ এর মধ্যে বা কাছাকাছি হতে হবে।",
        ),
        # numbering: unique, and nested under its parents
        (lambda d: indicator(d, "1.2.2").update(number=1), "সূচক [১.২.১]: নম্বরটি একাধিকবার আছে।"),
        (
            lambda d: indicator(d, "1.3.1").update(code="1.2.9"),
            "সূচক [১.২.৯]: নম্বরটি কার্যক্রম [১.৩] এর অধীনে মেলে না।",
        ),
        (
            lambda d: d["areas"][1]["activities"][0].update(code="1.1"),
            "কার্যক্রম [১.১]: নম্বরটি ক্ষেত্র [২] এর অধীনে মেলে না।",
        ),
    ],
)
def test_each_rule_names_the_place_of_its_fault(seed, change, expected):
    assert expected in edit(seed, change)


def test_blank_tiers_between_set_ones_are_allowed(seed):
    assert (
        edit(seed, lambda d: indicator(d, "2.1.1").update(targets=["4", None, "3", None, "1"]))
        == []
    )


def test_a_count_in_a_unit_of_measure_may_have_two_decimals_and_people_none(seed):
    def measure(targets, label="লক্ষ টাকা"):
        return lambda d: indicator(d, "2.1.1").update(targets=targets, unit_label=label)

    assert edit(seed, measure(["29.97", "27.5", None, "2", None])) == []
    assert edit(seed, measure(["29.975", "27.5", None, "2", None])) == [
        "সূচক [২.১.১] এর “অসাধারণ” লক্ষ্যমাত্রা ২৯.৯৭৫: ০ বা তার বেশি, দশমিকের পরে সর্বোচ্চ দুই অঙ্ক হতে হবে।"
    ]
    assert edit(seed, measure(["29.5", "27", None, "2", None], label="জন")) == [
        "সূচক [২.১.১] এর “অসাধারণ” লক্ষ্যমাত্রা ২৯.৫: সংখ্যা ০ বা তার বেশি পূর্ণসংখ্যা হতে হবে।"
    ]


def test_an_indicator_whose_only_targets_are_unknown_keeps_the_rules(seed):
    assert (
        edit(seed, lambda d: indicator(d, "2.1.1").update(targets=[None] * 5, unknown_tiers=[0]))
        == []
    )
    # the known tiers are still held to their order
    assert edit(
        seed,
        lambda d: indicator(d, "2.1.1").update(
            targets=[None, "2", "3", None, None], unknown_tiers=[0]
        ),
    ) == ["সূচক [২.১.১]: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “উত্তম” (৩) “অতি উত্তম” (২) এর চেয়ে বেশি হতে পারে না।"]


def test_targets_may_be_equal(seed):
    assert (
        edit(seed, lambda d: indicator(d, "1.3.1").update(targets=["80", "80", "70", "70", "60"]))
        == []
    )


def test_a_fault_is_a_problem_with_its_place_and_the_cell_it_is_about(seed):
    document = copy.deepcopy(seed)
    indicator(document, "1.3.1").update(targets=["85", "90", "75", "70", "60"], line=14)
    place = Problem(INDICATOR_PLACE, {"code": Digits("১.৩.১")})
    assert check_plan(document) == [
        Fault(
            place=place,
            message=Problem(
                "targets_order",
                {
                    "place": place,
                    "worse_name": Term("অতি উত্তম"),
                    "worse": Digits("৯০%"),
                    "better_name": Term("অসাধারণ"),
                    "better": Digits("৮৫%"),
                },
            ),
            line=14,
            field="target_1",
        )
    ]


def test_the_plan_as_a_whole_is_the_place_of_its_sums(seed):
    document = copy.deepcopy(seed)
    document["plan"]["total_marks"] = "60"
    (fault,) = check_plan(document)
    assert (fault.place, fault.field) == (PLAN_PLACE, "area_sum")


def test_a_numbering_gap_names_the_item_after_it(seed):
    document = copy.deepcopy(seed)
    document["areas"][0]["activities"][1]["number"] = 3
    assert [say(f.message) for f in numbering_gaps(document)] == [
        "কার্যক্রম [১.৩] এর আগে কার্যক্রম [১.২] নেই: নম্বরে ফাঁক।"
    ]


def test_a_forms_targets_are_checked_with_its_own_place():
    # The quarter's target page names an indicator as it shows it: "[১.১.১]", in Bengali digits.
    problems = target_faults(
        "percent", ["80", "90", None, None, None], start_year=2022, place="[১.১.১]"
    )
    assert [say(p) for p in problems] == [
        "[১.১.১]: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “অতি উত্তম” (৯০%) “অসাধারণ” (৮০%) এর চেয়ে বেশি হতে পারে না।"
    ]
    assert problems[0].params["place"] == Digits("[১.১.১]")
