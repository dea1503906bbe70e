import datetime
import json
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from egov_plan.accounts.models import Membership
from egov_plan.offices.tree import office_create, office_move
from reports.plans.files import load_plan_file
from reports.quarters.selectors import plan_structure

SEED_DOCUMENT = settings.BASE_DIR / "fixtures" / "seed_plan_2022_23.json"
PASSWORD = "a-long-test-secret"


SIGNING_PASSPHRASE = "test-signing-passphrase"
IN_MEMORY_STORAGE = "django.core.files.storage.InMemoryStorage"
# `MEDIA_STORAGE=inmemory pytest …` runs the tests with every media file in Django's InMemoryStorage
# (a fresh one per test), and checks after each test that nothing was written under MEDIA_ROOT.
MEDIA_IN_MEMORY = settings.STORAGES["default"]["BACKEND"] == IN_MEMORY_STORAGE
# For a test whose other processes (a Celery worker, a command) must see this process's media.
needs_shared_media = pytest.mark.skipif(
    MEDIA_IN_MEMORY,
    reason="MEDIA_STORAGE=inmemory: another process cannot see this process's InMemoryStorage",
)


def _whitenoise_scans_once_per_settings() -> None:
    """Every test client builds its own middleware, and WhiteNoise's builds its table of static
    files by walking every finder's folders (the suite runs with WHITENOISE_USE_FINDERS and without
    autorefresh, as the app in production walks STATIC_ROOT once per process): tens of milliseconds
    for each of the suite's thousands of clients. The table is built once per set of the settings
    it is made from and copied into each new middleware; what it serves is unchanged. (The folders'
    contents are not in the key: a test that adds static files must point a setting elsewhere.)"""
    from whitenoise.middleware import WhiteNoiseMiddleware

    build = WhiteNoiseMiddleware.__init__
    built = {}

    def init(self, get_response=None, settings=settings):
        key = repr(
            sorted(
                (name, getattr(settings, name))
                for name in dir(settings)
                if name.startswith(("WHITENOISE_", "STATIC"))
                or name in ("DEBUG", "FORCE_SCRIPT_NAME", "STORAGES", "INSTALLED_APPS")
            )
        )
        if key not in built:
            build(self, get_response, settings)
            built[key] = {
                name: value for name, value in vars(self).items() if name != "get_response"
            }
        else:
            vars(self).update(built[key])
            self.get_response = get_response

    WhiteNoiseMiddleware.__init__ = init


_whitenoise_scans_once_per_settings()


def files_on_disk(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory):
    """A development PKCS#12 made once for the whole run (the test certificate)."""
    from reports.pdf.signing import create_development_certificate

    path = tmp_path_factory.mktemp("signing") / "test-signer.p12"
    create_development_certificate(path, SIGNING_PASSPHRASE)
    return path


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, signing_key):
    # Password hashing is not under test; the default hasher costs ~0.3 s a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    if MEDIA_IN_MEMORY:
        settings.STORAGES = {**settings.STORAGES}  # a new, empty InMemoryStorage
    settings.SIGNING_PKCS12_PATH = signing_key
    settings.SIGNING_PKCS12_PASSPHRASE = SIGNING_PASSPHRASE
    cache.clear()  # rate-limit counters start afresh
    # Each test's database starts afresh, and on SQLite a rolled-back test's ids come round again.
    plan_structure.cache_clear()
    # A test that served an English page leaves English active in this thread: start in Bengali.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    if MEDIA_IN_MEMORY:
        assert not files_on_disk(settings.MEDIA_ROOT), (
            "written to MEDIA_ROOT's disk, not through the storage"
        )


@pytest.fixture
def seed_document() -> dict:
    return json.loads(SEED_DOCUMENT.read_text(encoding="utf-8"))


@pytest.fixture
def seed_plan(db, seed_document):
    return load_plan_file(document=seed_document)


# The tests' memberships have held since long before any day a test travels to.
LONG_AGO = datetime.date(2000, 1, 1)


def make_user(username, office=None, role=None, *, since=LONG_AGO, **extra):
    extra.setdefault("first_name", username)
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if office is not None:
        Membership.objects.create(user=user, office=office, role=role, start_date=since)
    return user


def current_membership(user) -> Membership:
    """The user's one membership current today (the tests' users hold one)."""
    return Membership.objects.current().select_related("office__tier").get(user=user)


@pytest.fixture
def people(seed_plan):
    return make_people(seed_plan)


def make_people(seed_plan) -> SimpleNamespace:
    """The seed office under its supervising office (under a ministry), and an unrelated tree.

    officer: the seed office's officer; reviewer: the supervising office's reviewer;
    top_reviewer: the ministry's, two levels up; other_officer / other_reviewer: another tree;
    admin: staff.
    """
    ministry = office_create(
        name="স্থানীয় সরকার, পল্লী উন্নয়ন ও সমবায় মন্ত্রণালয়", tier="ministry", location="ঢাকা", code="LGRD"
    )
    supervising = office_create(
        name="স্থানীয় সরকার বিভাগ", tier="ministry", location="ঢাকা", code="LGD", parent=ministry
    )
    office = office_move(office=seed_plan.office, parent=supervising)
    elsewhere = office_create(name="জনপ্রশাসন মন্ত্রণালয়", tier="ministry", location="ঢাকা", code="MOPA")
    other_office = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        tier="district",
        location="নেত্রকোনা",
        code="DC-NETRAKONA",
        parent=elsewhere,
    )
    return SimpleNamespace(
        plan=seed_plan,
        office=office,
        supervising=supervising,
        other_office=other_office,
        officer=make_user("officer", office, Membership.OFFICER),
        reviewer=make_user("reviewer", supervising, Membership.REVIEWER),
        top_reviewer=make_user("top_reviewer", ministry, Membership.REVIEWER),
        other_officer=make_user("other_officer", other_office, Membership.OFFICER),
        other_reviewer=make_user("other_reviewer", elsewhere, Membership.REVIEWER),
        admin=make_user("admin", is_staff=True, is_superuser=True),
    )


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def officer_client(people):
    return client_for(people.officer)


@pytest.fixture
def reviewer_client(people):
    return client_for(people.reviewer)
