"""Benchmark: what one login costs with the password hashers before and after Argon2id (median of
several runs), and how many logins a second one worker process clears.

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.login [--runs 7]
Uses a throwaway test database on whatever DATABASE_URL names (SQLite by default). Each run is a
whole POST to /accounts/login/ through the middleware (axes, sessions), as a browser's login is.

- before: Django's default hashers (PBKDF2-SHA256, 1,000,000 iterations in Django 5.2), a PBKDF2 hash;
- after: egov_plan/settings.py's PASSWORD_HASHERS (Argon2id first, argon2-cffi's defaults: time cost 2,
  100 MiB, parallelism 8), an Argon2id hash;
- no hash: MD5 (never in production), for the cost of the login apart from the hash;
- upgrade: the first login of a user with an old PBKDF2 hash under the new settings (checked with
  PBKDF2, then hashed again with Argon2id and saved): once per user.
CPU ms is process time (every thread: Argon2's lanes run in parallel threads); "logins/s" is what one
single-threaded worker clears one after another (1000 / wall ms).
"""

import argparse
import os
import statistics
import time

BEFORE = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
PASSWORD = "a-long-bench-secret"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.test import Client, override_settings

    from tests.benchmarks.common import throwaway_database

    after = list(settings.PASSWORD_HASHERS)

    def login(username: str) -> tuple[float, float]:
        client = Client()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 302, response.status_code
        return wall * 1000, cpu * 1000

    def measure(
        label: str, hashers: list[str], hash_with: list[str], runs: int, once: bool = False
    ) -> None:
        users = get_user_model()
        with override_settings(PASSWORD_HASHERS=hash_with):
            encoded = make_password(PASSWORD)
        names = [f"{label}-{i}" for i in range(runs + 1)]
        users.objects.bulk_create([users(username=name, password=encoded) for name in names])
        with override_settings(PASSWORD_HASHERS=hashers):
            if not once:
                login(names[0])  # warm up templates and connections
                names = [names[0]] * runs
            results = [login(name) for name in names[:runs]]
            stored = users.objects.get(username=names[runs - 1]).password.split("$")[0]
        wall = statistics.median(r[0] for r in results)
        cpu = statistics.median(r[1] for r in results)
        print(
            f"{label:8} {encoded.split('$')[0]:>14} → {stored:14} wall %7.1f ms (%.1f–%.1f)  CPU %7.1f ms  "
            f"%6.1f logins/s a worker"
            % (wall, min(r[0] for r in results), max(r[0] for r in results), cpu, 1000 / wall)
        )

    with throwaway_database():
        print(
            f"database: {connection.vendor}; {os.cpu_count()} cores; {args.runs} runs each; medians"
        )
        fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        measure("no hash", fast, fast, args.runs)  # the rest of a login: forms, axes, session
        measure("before", BEFORE, BEFORE, args.runs)
        measure("after", after, after, args.runs)
        measure("upgrade", after, BEFORE, args.runs, once=True)


if __name__ == "__main__":
    main()
