import contextlib
import json
import statistics
import time

from django.conf import settings

from reports.plans.files import load_plan_file


def load_seed():
    path = settings.BASE_DIR / "fixtures" / "seed_plan_2022_23.json"
    return load_plan_file(document=json.loads(path.read_text(encoding="utf-8")))


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


def median_ms(run, runs: int) -> tuple[float, float, float]:
    """(median, min, max) in ms of `runs` calls of `run(i)`, after one call to warm up templates and
    connections."""
    run(0)
    times = []
    for i in range(runs):
        start = time.perf_counter()
        run(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def page_ms(client, path: str, runs: int) -> tuple[float, float, float]:
    """`median_ms` of a GET of `path` that must answer 200."""

    def get(i):
        assert client.get(path).status_code == 200, path

    return median_ms(get, runs)
