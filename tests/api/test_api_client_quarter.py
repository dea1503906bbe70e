"""The external-client script (tests/api_client_quarter.py) runs a whole quarter through the API
against a live gunicorn of its own: it must finish with every step as expected."""

import subprocess
import sys

from django.conf import settings


def test_an_outside_client_reproduces_a_quarter_over_http():
    done = subprocess.run(
        [sys.executable, "-m", "tests.api_client_quarter"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for said in (
        "conflict on",
        "yours 4, theirs 5",
        "got the first answer",
        "approved by the reviewer",
        "verified: valid",
        "OK: the quarter went through the API",
    ):
        assert said in done.stdout, done.stdout
