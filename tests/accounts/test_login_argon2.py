"""Passwords are hashed with Argon2id; a hash of an older hasher is replaced at the user's next login."""

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def production_hashers() -> list[str]:
    # The test settings swap in a fast hasher (tests/conftest.py); these are the real ones.
    return importlib.import_module("egov_plan.settings").PASSWORD_HASHERS


def test_argon2id_comes_first():
    hashers = production_hashers()
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers  # old hashes still check


def test_a_new_password_is_stored_as_argon2id(settings):
    settings.PASSWORD_HASHERS = production_hashers()
    user = get_user_model().objects.create_user("fresh", password=PASSWORD)
    assert user.password.startswith("argon2$argon2id$")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_an_old_pbkdf2_hash_is_upgraded_at_the_next_login(client, settings):
    settings.PASSWORD_HASHERS = production_hashers()
    user = get_user_model().objects.create_user("old")
    # A hash as made before Argon2 (PBKDF2, few iterations to keep the test fast).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "oldsalt1234567890", iterations=1000)
    user.save(update_fields=["password"])
    assert (
        client.post("/accounts/login/", {"username": "old", "password": "wrong"}).status_code == 200
    )
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")  # a failed login changes nothing
    assert (
        client.post("/accounts/login/", {"username": "old", "password": PASSWORD}).status_code
        == 302
    )
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$") and user.check_password(PASSWORD)
