import json

import pytest
from django.conf import settings

from reports.plan_documents import load_plan_document

SEED_DOCUMENT = settings.BASE_DIR / "fixtures" / "seed_plan_2022_23.json"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Password hashing is not under test; the default hasher costs ~0.3 s a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed_document() -> dict:
    return json.loads(SEED_DOCUMENT.read_text(encoding="utf-8"))


@pytest.fixture
def seed_plan(db, seed_document):
    return load_plan_document(document=seed_document)
