"""/accounts/tokens/: a user makes their own API tokens (name, expiry, scope), sees each once, and
revokes them; admins see every token in the admin and revoke them there."""

import re

import pytest

from egov_plan.accounts.models import ApiToken
from tests.api_world import BASE
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _make(client, **data):
    return client.post(
        "/accounts/tokens/",
        {"action": "create", "name": "বিআই ড্যাশবোর্ড", "days": "30", "scope": "read", **data},
    )


def test_a_new_token_is_shown_once_and_works_until_revoked(people):
    page = client_for(people.officer)
    made = _make(page)
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    raw = re.search(r'id="new-token">(apa_[^<]+)<', made.content.decode()).group(1)
    token = ApiToken.objects.get(user=people.officer)
    assert (
        token.scope == ApiToken.READ
        and raw.startswith(token.prefix)
        and raw not in token.token_hash
    )
    assert raw not in page.get("/accounts/tokens/").content.decode()  # never shown again
    api = client_for(None)
    assert api.get(f"{BASE}/offices", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None  # shown to its holder and in the admin
    revoked = page.post("/accounts/tokens/", {"action": "revoke", "token": str(token.pk)})
    assert revoked.status_code == 302
    assert api.get(f"{BASE}/offices", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_faulty_choices_are_bengali_messages_and_others_tokens_cannot_be_revoked(people):
    page = client_for(people.officer)
    faulty = _make(page, name="", days="9999", scope="admin")
    assert faulty.status_code == 400
    text = faulty.content.decode()
    for message in (
        "টোকেনের একটি নাম দিন।",
        "তালিকা থেকে একটি মেয়াদ বেছে নিন।",
        "তালিকা থেকে একটি অনুমতি বেছে নিন।",
    ):
        assert message in text
    _make(client_for(people.reviewer))
    theirs = ApiToken.objects.get(user=people.reviewer)
    assert (
        page.post("/accounts/tokens/", {"action": "revoke", "token": str(theirs.pk)}).status_code
        == 404
    )
    assert (
        page.post("/accounts/tokens/", {"action": "revoke", "token": "9" * 40}).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_page_needs_a_login(client):
    assert client.get("/accounts/tokens/").status_code == 302


def test_an_admin_revokes_a_users_token_in_the_admin(people):
    _make(client_for(people.officer))
    token = ApiToken.objects.get(user=people.officer)
    admin = client_for(people.admin)
    assert admin.get("/admin/egov_plan/apitoken/").status_code == 200
    assert admin.get("/admin/egov_plan/apitoken/add/").status_code == 403
    done = admin.post(
        "/admin/egov_plan/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert done.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
