"""The app's settings as production serves static files (collectstatic's compressed, content-hashed
files through WhiteNoise, DEBUG off), but over plain http on loopback (DEVELOPMENT=1 turns off only
the HTTPS redirect, HSTS and secure cookies here): for tests/benchmarks/light_pages.py."""

import os

os.environ["DEVELOPMENT"] = "1"
os.environ["DEBUG"] = "false"

from egov_plan.settings import *  # noqa: E402,F401,F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
