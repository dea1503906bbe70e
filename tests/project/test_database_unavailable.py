"""A database that refuses connections: every page answers 503 with Retry-After and the Bengali
page saying to try again shortly, never a 500 (egov_plan/error_pages.py).

A real refusal: the app runs in another process with DATABASE_URL pointing at a loopback port
nothing listens on, so each request's connect fails as it does while PostgreSQL restarts.
"""

import json
import os
import subprocess
import sys

from django.conf import settings

from tests.processes import free_port

SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a-session-the-database-would-have-to-read"
answers = {}
for method, path, data in [("get", "/", None), ("get", "/plans/1/quarters/1/edit/", None),
                           ("post", "/accounts/login/", {"username": "officer", "password": "x"}),
                           ("get", "/healthz", None)]:
    response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    answers[path] = [response.status_code, response.get("Retry-After"), response.content.decode()]
print(json.dumps(answers))
"""


def test_a_database_that_refuses_connections_gives_503_not_500():
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nowhere",
        "DJANGO_SETTINGS_MODULE": "egov_plan.settings",
        "DEVELOPMENT": "1",
        "DEBUG": "false",
        "LOG_LEVEL": "CRITICAL",
    }
    env.pop("REDIS_URL", None)
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    answers = json.loads(run.stdout.splitlines()[-1])
    for path in ("/", "/plans/1/quarters/1/edit/", "/accounts/login/"):
        status, retry_after, page = answers[path]
        assert (path, status) == (path, 503)
        assert retry_after == "5"
        assert "সেবাটি এই মুহূর্তে সাড়া দিচ্ছে না" in page and "আবার চেষ্টা করুন" in page
        assert '<html lang="bn"' in page and "Server Error" not in page
    assert answers["/healthz"][0] == 503  # the load balancer's check says so too
