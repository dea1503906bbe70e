"""The app behind a link that drops mid-save, for tests/browser/test_browser_offline_entry.py: with
LOSSY_SAVE_MARK set, a POST of an entry page is handled (and committed) as ever, then the file
LOSSY_SAVE_MARK is written and the answer held back until the test kills the server, so that the
browser never hears that its save was applied."""

import os
import time

from egov_plan.wsgi import application as app

MARK = os.environ.get("LOSSY_SAVE_MARK")


def application(environ, start_response):
    if not (
        MARK and environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/edit/")
    ):
        return app(environ, start_response)
    body = b"".join(app(environ, lambda *args, **kwargs: None))
    with open(MARK, "w") as mark:
        mark.write(str(len(body)))
    time.sleep(120)  # killed before this ends
    raise RuntimeError("the test should have killed this server")
