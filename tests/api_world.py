"""Calling the JSON API in tests: a token for a user, and a test client that sends it."""

import datetime
import json

from django.test import Client
from django.utils import timezone

from egov_plan.accounts.api_tokens import api_token_create
from egov_plan.accounts.models import ApiToken

BASE = "/api/v1"


def token_for(user, scope=ApiToken.WRITE) -> str:
    _, raw = api_token_create(
        user=user,
        name="পরীক্ষা",
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return raw


class ApiClient:
    """A Django test client sending `Authorization: Bearer …` and JSON bodies."""

    def __init__(self, user=None, scope=ApiToken.WRITE, *, language: str | None = None):
        headers = {}
        if user is not None:
            headers["Authorization"] = f"Bearer {token_for(user, scope)}"
        if language:
            headers["Accept-Language"] = language
        self.client = Client(headers=headers)

    def get(self, path: str, params=None, **headers):
        """`path` under /api/v1, or a `next` link as the API gave it."""
        path = path.removeprefix("http://testserver" + BASE)
        return self.client.get(BASE + path, params, headers=headers)

    def send(self, method: str, path: str, body=None, **headers):
        data = (
            body if isinstance(body, (str, bytes)) else json.dumps(body if body is not None else {})
        )
        return getattr(self.client, method)(
            BASE + path, data, content_type="application/json", headers=headers
        )

    def patch(self, path, body=None, **headers):
        return self.send("patch", path, body, **headers)

    def post(self, path, body=None, **headers):
        return self.send("post", path, body, **headers)
