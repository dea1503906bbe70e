"""The app's settings, with the floor experiment's pages beside the app's (tests/load/floor.py)."""

from egov_plan.settings import *  # noqa: F401,F403

ROOT_URLCONF = "tests.load.floor_app"
