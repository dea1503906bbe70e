"""The pure cores' tests: they need no Django, no database, no settings.

Run alone (`python -m pytest tests/core -p no:django`, under tests/core/pytest.ini, so that
tests/conftest.py and its Django fixtures are not loaded), Django is made unimportable before a
test module is: a core that imports it, or a test here that does, fails. In the whole suite
(pytest-django loaded, Django imported already) they run as any other test.
"""

import sys

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.hasplugin("django") and "django" not in sys.modules:
        sys.modules["django"] = None  # `import django` (and django.*) now raises ImportError
