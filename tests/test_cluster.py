"""Two application hosts behind HAProxy lose one, and the next saves succeed (tests/cluster/).

The cluster in network namespaces (HAProxy with TLS, two gunicorn hosts, PgBouncer in transaction
mode before a PostgreSQL of its own, Redis, a Celery worker): an officer saves through HAProxy,
both hosts serve; app1's gunicorn master is SIGKILLed; HAProxy marks it DOWN within 5 s and sends
it nothing more; the next saves succeed on app2; the load test's database check finds every
acknowledged save stored once. Behind HAProxy the app sees the client's address (TRUSTED_PROXIES:
a refused login is counted against 10.77.0.100, not HAProxy's 10.77.0.2) and HTTPS
(X-Forwarded-Proto: with production settings the pages carry HSTS and Secure cookies, and a POST
without Origin or Referer is refused, as Django does on HTTPS only).

Skipped, saying why, unless run as root with `ip`, HAProxy, PgBouncer, Redis and PostgreSQL's
server programs installed. About 25 s.
"""

import json
import subprocess
import time

import pytest

from tests.cluster import cluster, faults, net

pytestmark = pytest.mark.skipif(
    bool(cluster.available()), reason=f"no cluster here ({cluster.available()})"
)


def client(deployment, *args: str):
    run = subprocess.run(
        [
            "ip",
            "netns",
            "exec",
            net.namespace("client"),
            str(cluster.PYTHON),
            "-m",
            "tests.cluster.client",
            *args,
        ],
        cwd=cluster.BASE,
        env=deployment.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.splitlines()[-1])


def test_a_cluster_of_two_app_hosts_loses_one_and_the_next_saves_succeed():
    with faults.running(users=[2], workers=2, lifetime=300, slots=4) as (deployment, manifest):
        sent = str(deployment.folder / "sent.json")
        assert (
            client(deployment, "save", str(manifest), sent, "--rounds", "4", "--first", "1")
            == [302] * 4
        )
        saves = [
            e for e in deployment.requests_log() if e["method"] == "POST" and "/edit/" in e["path"]
        ]
        assert {e["server"] for e in saves} | {e["server"] for e in deployment.requests_log()} >= {
            "app1",
            "app2",
        }

        killed = deployment.kill_app("app1")
        deadline = time.monotonic() + 5
        while deployment.server_states()["app1"] == "UP":
            assert time.monotonic() < deadline, "HAProxy still sends to app1 5 s after the kill"
            time.sleep(0.1)
        assert deployment.server_states() == {"app1": "DOWN", "app2": "UP"}

        assert (
            client(deployment, "save", str(manifest), sent, "--rounds", "3", "--first", "5")
            == [302] * 3
        )
        after = [e for e in deployment.requests_log() if e["at"] > killed]
        assert after and {e["server"] for e in after} == {"app2"}
        assert all(e["status"] < 500 for e in after)
        assert faults.check(deployment, cluster.Path(sent)) == 0  # 7 saves, each stored once

        assert (
            client(deployment, "wrong-password", str(manifest)) == 200
        )  # the form again, with its error
        assert deployment.query("SELECT DISTINCT ip_address FROM axes_accessattempt") == [
            [net.address("client")]
        ]
        assert client(deployment, "no-origin", str(manifest)) == 403
        https = client(
            deployment, "https", str(manifest)
        )  # production settings, TLS at HAProxy only
        assert https["hsts"].startswith("max-age=") and https["secure_cookie"]
    assert not net.leftovers()
