import contextlib
import json

from django.conf import settings

from reports.plan_documents import load_plan_document


def load_seed():
    path = settings.BASE_DIR / "fixtures" / "seed_plan_2022_23.json"
    return load_plan_document(document=json.loads(path.read_text(encoding="utf-8")))


@contextlib.contextmanager
def throwaway_database():
    """A test database (on DATABASE_URL's server) for the duration, dropped afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
