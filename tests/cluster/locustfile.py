"""The load test's deadline scenario (tests/load/locustfile.py) through the cluster's HAProxy.

Over HTTPS a POST needs an Origin that Django's CSRF check accepts (a browser sends it; Locust
does not), so every logged-in user sends the load balancer's; nothing else differs.
"""

import os

from tests.load import locustfile as scenario
from tests.load.locustfile import Officer, Probe, Reviewer  # noqa: F401 (the classes Locust runs)

scenario.LoggedIn.default_headers = {"Origin": os.environ["CLUSTER_ORIGIN"]}
