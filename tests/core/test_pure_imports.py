"""The pure cores import no Django, neither themselves nor through another module of the project:
they are imported in a fresh Python in which `import django` fails."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
# The pure cores: every module in egov_plan/core/ (a module added there is held to it at once).
CORE_MODULES = sorted(
    f"egov_plan.core.{path.stem}"
    for path in (PROJECT / "egov_plan" / "core").glob("*.py")
    if path.stem != "__init__"
)
assert {"egov_plan.core.scoring", "egov_plan.core.plan_rules", "egov_plan.core.seed_layout"} <= set(
    CORE_MODULES
)
# Django made unimportable, then each module imported in turn: what each import raised, if anything.
WITHOUT_DJANGO = """
import importlib, json, sys, traceback
sys.modules["django"] = None
raised = {}
for module in sys.argv[1:]:
    try:
        importlib.import_module(module)
    except BaseException:
        raised[module] = traceback.format_exc()
print(json.dumps(raised))
"""


def import_without_django(*modules: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_DJANGO, *modules],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def raised():
    return import_without_django(*CORE_MODULES)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_a_core_imports_with_django_unimportable(raised, module):
    assert module not in raised, raised.get(module)


def test_a_module_that_imports_django_fails_so():
    # The caller's layer, which says the cores' problems through Django's catalogue.
    failure = import_without_django("egov_plan.core_messages")["egov_plan.core_messages"]
    last_line = failure.strip().splitlines()[-1]
    assert last_line.startswith("ModuleNotFoundError") and "django" in last_line, failure
