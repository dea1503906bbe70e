"""Settings for local runs and the test suite: the production settings with DEVELOPMENT=1."""

import os

os.environ.setdefault("DEVELOPMENT", "1")

from egov_plan.settings import *  # noqa: E402,F403
