"""The cores' problems said in Bengali, the catalogue's source language, without Django: each
code's message is read from the one mapping, egov_plan/core_messages.py's MESSAGES, in its source
(that module imports Django, so it is read, not imported). tests/i18n/test_core_messages.py holds
core_messages.text to the same Bengali."""

import ast
from pathlib import Path

from egov_plan.core import plan_rules, seed_layout
from egov_plan.core.official_form import UNKNOWN_TARGET
from egov_plan.core.plan_rules import Digits, Problem, Term

CORE_MESSAGES = Path(__file__).resolve().parents[2] / "egov_plan" / "core_messages.py"


def _value(node: ast.expr):
    """A key of MESSAGES: a code, a core's constant (AREA_PLACE) or its attribute (PLAN_PLACE.code)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return getattr(plan_rules, node.id, None) or getattr(seed_layout, node.id)
    if isinstance(node, ast.Attribute):
        return getattr(_value(node.value), node.attr)
    raise ValueError(ast.dump(node))


def messages() -> dict[str, str]:
    tree = ast.parse(CORE_MESSAGES.read_text(encoding="utf-8"))
    mapping = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "MESSAGES" for t in node.targets)
    )
    return {
        _value(k): ast.literal_eval(v.args[0])
        for k, v in zip(mapping.keys, mapping.values, strict=True)
    }


MESSAGES = messages()


def say(said) -> str:
    """A Problem (or a parameter of one) as the Bengali interface shows it."""
    if isinstance(said, Problem):
        if said.code == "unknown_mark":
            return UNKNOWN_TARGET
        if said.code == "sentences":
            return " ".join(say(part) for part in said.params["parts"])
        message = MESSAGES[said.code]
        if not said.params:
            return message
        return message % {name: say(value) for name, value in said.params.items()}
    if isinstance(said, (Term, Digits)):
        return str(said)
    if isinstance(said, tuple):
        return ", ".join(say(part) for part in said)
    return said
