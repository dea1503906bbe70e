"""A small deployment of several hosts on this machine, in network namespaces (tests/cluster/).

    python -m tests.cluster up [--seconds 600] [--users 10]   # start, set up data, wait, tear down
    python -m tests.cluster fault kill-app|restart-db|redis-down [--users 50] [--seconds 60]
    python -m tests.cluster down                              # remove any leftovers (eclt-*)

Hosts (one namespace each, on a bridge of their own, 10.77.0.0/24; tests/cluster/net.py):

    lb      10.77.0.2    HAProxy: TLS on :443 (a self-signed certificate), X-Forwarded-For and
                         X-Forwarded-Proto, health checks GET /healthz every second, out after
                         2 failures (or at once on a refused connection), back after 2 successes;
                         round robin, one request per worker, a refused request sent elsewhere
    app1    10.77.0.11   gunicorn (sync workers) on :8000
    app2    10.77.0.12   gunicorn on :8000
    db      10.77.0.20   PostgreSQL of its own (initdb in a temporary folder, run as `postgres`) on
                         :5432, PgBouncer in transaction pooling on :6432 in front of it (the app's
                         DATABASE_URL), so that "PostgreSQL restarted" is this cluster's to do
    redis   10.77.0.30   Redis (append-only file: its queue survives a restart)
    worker  10.77.0.40   the Celery worker
    client  10.77.0.100  where Locust and the checks run

Nothing leaves those namespaces: no route out, no NAT, no interface added to the root namespace;
the machine's own PostgreSQL and Redis are not used. Everything is torn down by the process that
started it (try/finally and atexit), by a detached reaper after the run's lifetime if that process
was killed, and by `down`, which ends whatever runs in an `eclt-` namespace and deletes them.
"""
