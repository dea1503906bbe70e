"""The pure cores' problems said in the interface language (egov_plan/core_messages.py): every code
a core can say has its message, the Bengali is what the cores' own tests read (tests/core/bengali.py),
and a fault's line and suggested repair follow the language too."""

import ast
import copy
import json
from pathlib import Path

import pytest
from django.utils import translation

from egov_plan import core_messages
from egov_plan.core import plan_rules
from egov_plan.core.official_form import UNKNOWN_TARGET
from egov_plan.core.plan_rules import INDICATOR_PLACE, Digits, Fault, Problem, check_plan
from egov_plan.core.seed_layout import decode_text, read_rows
from egov_plan.core_messages import MESSAGES, SAID_BY, TERMS, shown, shown_all, text
from tests.conftest import SEED_DOCUMENT
from tests.core import bengali
from tests.core.test_pure_imports import CORE_MODULES
from tests.seed_reference import SEED_FILE

PROJECT = Path(__file__).resolve().parents[2]


def codes_said_in(module: str) -> set[str]:
    """The codes a module writes as the first argument of Problem(…), and those its constants hold."""
    path = PROJECT / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    codes = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem":
            first = node.args[0]
            if isinstance(first, ast.Constant):
                codes.add(first.value)
        # code = "x" if … else "y"; code = {…: "z"}[unit]: the codes chosen before Problem(code, …)
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "code" for t in node.targets
        ):
            for part in ast.walk(node.value):
                choices = (
                    [part.body, part.orelse]
                    if isinstance(part, ast.IfExp)
                    else part.values
                    if isinstance(part, ast.Dict)
                    else [part]
                    if part is node.value
                    else []
                )
                codes |= {c.value for c in choices if isinstance(c, ast.Constant)}
    return codes


def test_every_code_a_core_says_has_its_message():
    said = set().union(*(codes_said_in(m) for m in CORE_MODULES))
    said |= {
        plan_rules.AREA_PLACE,
        plan_rules.ACTIVITY_PLACE,
        plan_rules.INDICATOR_PLACE,
        core_messages.MIXED_DIGITS,
    }
    assert len(said) > 60
    assert said - set(MESSAGES) - set(SAID_BY) == set()
    assert set(MESSAGES) - said == set()  # and no message is left that no core says


def test_the_words_a_term_carries_are_marked_for_the_catalogue():
    assert set(plan_rules.TIER_NAMES) | {UNKNOWN_TARGET} <= set(TERMS)


def broken_plan() -> dict:
    document = json.loads(SEED_DOCUMENT.read_text(encoding="utf-8"))
    area = document["areas"][1]
    area["activities"][0]["indicators"][0].update(weight="7", targets=[None] * 5)
    document["areas"][0]["activities"][2]["indicators"][0]["targets"] = [
        "85",
        "90",
        "75",
        "70",
        "60",
    ]
    document["areas"][0]["activities"][0]["indicators"][0]["targets"][0] = "2030-01-01"
    document["plan"]["total_marks"] = "60"
    return document


def broken_file() -> list:
    text_of_file = SEED_FILE.read_text(encoding="utf-8")
    for before, after in (
        ("জুলাই, ২০২২ হতে", "আগস্ট, ২০২২ হতে"),  # the title's period
        ("\t৮৫%\t৮০%\t৭৫%", "\t0.8\t৮০%\t৭o%"),  # a fraction for a percent, and no number
        ("[১.২] ", "[৩.২] "),  # an activity numbered under no area of its own
    ):
        text_of_file = text_of_file.replace(before, after, 1)
    rows, faults = decode_text(text_of_file.encode())
    assert faults == []
    return read_rows(rows)[1]


@pytest.mark.parametrize("faults", [lambda: check_plan(broken_plan()), broken_file])
def test_the_bengali_interface_says_what_the_cores_tests_read(faults):
    problems = [f.message for f in faults()]
    assert len(problems) >= 3
    with translation.override("bn"):
        assert [text(p) for p in problems] == [bengali.say(p) for p in problems]


def test_a_fault_from_a_file_carries_its_line_in_the_interface_language():
    place = Problem(INDICATOR_PLACE, {"code": Digits("১.১.১")})
    fault = Fault(place=place, message=Problem("number_twice", {"place": place}), line=14)
    with translation.override("bn"):
        assert str(shown(fault)) == "লাইন ১৪: সূচক [১.১.১]: নম্বরটি একাধিকবার আছে।"
        assert shown(fault).place == "সূচক [১.১.১]"
    with translation.override("en"):
        assert str(shown(fault)) == "Line 14: Indicator [1.1.1]: the number occurs more than once."


def test_a_suggested_repair_is_in_the_interface_languages_digits():
    (fault,) = [f for f in broken_file() if f.repair]
    with translation.override("en"):
        english = shown(fault)
    with translation.override("bn"):
        bengali_fault = shown(fault)
    assert fault.repair[1] == "৮০%"
    assert english.repair == (fault.repair[0], "80%") and "“80%”" in english.message
    assert bengali_fault.repair == fault.repair and "“৮০%”" in bengali_fault.message


def test_saying_a_fault_twice_changes_nothing():
    faults = shown_all(check_plan(broken_plan()))
    assert shown_all(faults) == faults
    assert copy.copy(faults[0]) == faults[0]
