"""Every interface string goes through Django's translation machinery and has an English
translation: the catalogue is complete and compiled, and no template or Python module shows
Bengali text past it.

When one of these fails: `make messages`, translate the listed strings in
egov_plan/locale/en/LC_MESSAGES/django.po, `make messages` again (it compiles), commit both files.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.catalogue import read_po

PROJECT = Path(settings.BASE_DIR)
LOCALE = PROJECT / "egov_plan" / "locale"
BENGALI = re.compile(r"[\u0980-\u09FF]")
# As the Makefile's `messages` target collects them.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "en",
    "--add-location",
    "file",
    "--ignore",
    "tests/*",
    "--ignore",
    "var/*",
    "--ignore",
    "static/*",
]


def test_every_string_of_the_code_has_an_english_translation(tmp_path):
    """Collect the strings as `make messages` does, in a copy of the project (the real catalogue is
    left alone): every one must have a translation that is not marked fuzzy."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed: apt-get install gettext")
    for folder in ("egov_plan", "reports", "templates"):
        shutil.copytree(
            PROJECT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(PROJECT / "manage.py", tmp_path / "manage.py")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov_plan.settings_development",
        "DEVELOPMENT": "1",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    collected = tmp_path / "egov_plan" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = [entry for entry in read_po(collected) if not entry.obsolete]
    assert len(entries) > 400  # the collection really ran over templates and code
    untranslated = [
        entry for entry in entries if not entry.msgstr.strip() or "fuzzy" in entry.flags
    ]
    assert not untranslated, (
        f"{len(untranslated)} strings have no (or only a fuzzy) English translation; run `make messages` "
        "and translate them in egov_plan/locale/en/LC_MESSAGES/django.po:\n"
        + "\n".join(f"  {entry.msgid!r}  ({' '.join(entry.references)})" for entry in untranslated)
    )


@pytest.mark.parametrize("language", ["en", "bn"])
def test_the_committed_compiled_catalogue_matches_its_source(language):
    """The .mo files are committed (so that `make run` needs no gettext); they must say what the .po says."""
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = [
        entry
        for entry in read_po(folder / "django.po")
        if not entry.obsolete and not entry.plural and "fuzzy" not in entry.flags and entry.msgstr
    ]
    assert entries
    stale = [entry.msgid for entry in entries if compiled.gettext(entry.msgid) != entry.msgstr]
    assert not stale, f"{folder / 'django.mo'} is out of date (run `make messages`): {stale}"


# --- no Bengali outside the translation machinery ------------------------------------------------

TRANSLATED_IN_TEMPLATE = re.compile(
    r"\{%\s*(?:translate|trans)\s.*?%\}"
    r"|\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    r"|\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}",
    re.S,
)


def test_no_template_shows_bengali_outside_a_translation_tag():
    found = []
    for path in sorted((PROJECT / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        text = path.read_text(encoding="utf-8")
        # Keep the line numbers: each translated part becomes as many newlines as it held.
        rest = TRANSLATED_IN_TEMPLATE.sub(lambda m: "\n" * m.group().count("\n"), text)
        for number, line in enumerate(rest.splitlines(), start=1):
            if BENGALI.search(line):
                found.append(f"  {path.relative_to(PROJECT)}:{number}: {line.strip()}")
    assert not found, "Bengali text outside {% translate %} / {% blocktranslate %}:\n" + "\n".join(
        found
    )


# Modules whose Bengali is not interface text, or is translated where it is shown, and why.
PYTHON_ALLOWED = {
    # The pure cores (no Django): their Bengali words are marked and translated where shown by
    # egov_plan/i18n.py (ordinals, months, tier names).
    "egov_plan/core/bangla.py": "pure core; translated where shown (egov_plan/i18n.py)",
    "egov_plan/core/scoring.py": "pure core",
    "egov_plan/core/fiscal.py": "pure core",
    # The plan rules: a pure core too; its faults are Problems said through the catalogue in
    # egov_plan/core_messages.py, its Bengali the tiers' names (marked and translated there).
    "egov_plan/core/plan_rules.py": "pure core; the tiers' names, translated where shown (core_messages)",
    # The official form's own words (title pattern, column headers, unit words, sheet name): part of
    # every file read or written, Bengali whatever the interface language. (The faults about a plan
    # or a file go through the catalogue: egov_plan/core_messages.py, reports/plans/exchange.py.)
    "egov_plan/core/official_form.py": "the official form's words, part of every plan file",
    # Official documents: Bengali whatever the interface language.
    "reports/quarters/selectors.py": "the official table's title and unit words (translated where shown)",
    "reports/pdf/signing.py": "the signature's reason, part of the signed document",
    "reports/year/pdf.py": "the signatures' reasons, part of the signed documents",
    "reports/bulk/printing.py": "the bulk-print index, part of the printed set",
    # Data, not interface: demo and generated offices, the default office tiers, a language's own name.
    "reports/management/commands/seed_demo.py": "demo data",
    "egov_plan/management/commands/generate_offices.py": "generated office names",
    "egov_plan/offices/tree.py": "the default office tiers' names (stored data)",
    "egov_plan/settings.py": "a language's own name (বাংলা) in the language switch",
    "reports/pdf/tasks.py": "a worker's warm-up render of sample text (never shown)",
    "reports/pdf/text_layer.py": "the range of Bengali digits (০–৯) for the PDF's text layer, not text",
    "egov_plan/core/bijoy.py": "the Bijoy (SutonnyMJ) to Unicode character table, not text",
}
TRANSLATION_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
}


def untranslated_strings(tree: ast.AST) -> list[tuple[int, str]]:
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = {
        node.body[0].value
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and BENGALI.search(node.value)
        ):
            continue
        if node in docstrings:
            continue
        outer = parents.get(node)
        if isinstance(outer, ast.JoinedStr):
            outer = parents.get(outer)
        if (
            isinstance(outer, ast.Call)
            and getattr(outer.func, "id", getattr(outer.func, "attr", None)) in TRANSLATION_CALLS
        ):
            continue
        found.append((node.lineno, node.value))
    return found


def test_no_python_module_shows_bengali_outside_a_translation_call():
    found = []
    for package in ("egov_plan", "reports"):
        for path in sorted((PROJECT / package).rglob("*.py")):
            name = str(path.relative_to(PROJECT))
            if "/migrations/" in name or name in PYTHON_ALLOWED:
                continue
            for line, text in untranslated_strings(ast.parse(path.read_text(encoding="utf-8"))):
                found.append(f"  {name}:{line}: {text!r}")
    assert not found, (
        "Bengali strings not wrapped in gettext / gettext_lazy (or listed with a reason in "
        "PYTHON_ALLOWED):\n" + "\n".join(found)
    )
