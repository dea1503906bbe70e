"""Benchmarks run by hand (see README). They talk to the app through Django's test client over
plain http, as `make run` serves it: DEVELOPMENT=1 (unless set otherwise) keeps the production
settings' HTTPS redirect from answering every request with a 301 instead of the page."""

import os

os.environ.setdefault("DEVELOPMENT", "1")
