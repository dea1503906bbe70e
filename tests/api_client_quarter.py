"""An outside system reproducing a whole quarter through the JSON API, with plain httpx against a
live server: read the plan, write values (Bengali digits), hit a conflict with a colleague's save,
resolve it, submit (retried with its Idempotency-Key: applied once), approve as the reviewer,
download the signed PDF and have it verified.

    .venv/bin/python -m tests.api_client_quarter            # its own installation and gunicorn
    .venv/bin/python -m tests.api_client_quarter --base http://127.0.0.1:8000 \\
        --officer-token apa_… --reviewer-token apa_…        # against a running server (seed_demo's)

Without --base it makes a throwaway installation in a temporary folder (SQLite, a development
signing key, `seed_demo`, a token each for `officer` and `reviewer`), serves it with gunicorn on a
free loopback port, and stops it at the end. Exit status 0 only when every step did as expected."""

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TOKENS = (
    "from django.utils import timezone; import datetime; "
    "from django.contrib.auth import get_user_model; from egov_plan.accounts.api_tokens import api_token_create; "
    "[print(api_token_create(user=get_user_model().objects.get(username=u), name='api_client_quarter', "
    "scope='write', expires_at=timezone.now() + datetime.timedelta(hours=1))[1]) for u in ('officer', 'reviewer')]"
)


def step(text: str) -> None:
    print(f"- {text}", flush=True)


def expect(condition: bool, what: str, response: httpx.Response | None = None) -> None:
    if not condition:
        detail = f" ({response.status_code}: {response.text[:400]})" if response is not None else ""
        raise SystemExit(f"FAILED: {what}{detail}")


def client(base: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=base.rstrip("/") + "/api/v1",
        timeout=60,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )


def quarter(base: str, officer_token: str, reviewer_token: str, quarter_number: int = 2) -> None:
    officer, colleague, reviewer = (
        client(base, officer_token),
        client(base, officer_token),
        client(base, reviewer_token),
    )

    plans = officer.get("/plans", params={"year": 2022})
    expect(plans.status_code == 200 and plans.json()["items"], "the officer's plans", plans)
    plan_id = plans.json()["items"][0]["id"]
    plan = officer.get(f"/plans/{plan_id}").json()
    indicators = [
        i
        for area in plan["areas"]
        for activity in area["activities"]
        for i in activity["indicators"]
    ]
    step(f"plan {plan_id}: {len(indicators)} indicators in {len(plan['areas'])} areas")

    path = f"/plans/{plan_id}/quarters/{quarter_number}"
    report = officer.get(path)
    expect(report.status_code == 200 and report.json()["editable"], "an open quarter", report)
    seen = {row["indicator"]: row for row in report.json()["rows"]}
    counts = [i for i in indicators if i["unit"] == "count"]
    dates = [i for i in indicators if i["unit"] == "date"]
    expect(len(counts) >= 2 and dates, "count and date indicators in the plan")
    first, second, when = counts[0], counts[1], dates[0]

    saved = officer.patch(
        f"{path}/achievements",
        json={
            "achievements": [
                {
                    "indicator": first["id"],
                    "value": "২",
                    "remarks": "দুটি সভা",
                    "seen_value": seen[first["id"]]["value"] or "",
                    "seen_remarks": seen[first["id"]]["remarks"],
                },
                {
                    "indicator": when["id"],
                    "value": "১৫/১১/২২",
                    "seen_value": seen[when["id"]]["value"] or "",
                },
            ]
        },
    )
    expect(saved.status_code == 200, "values saved", saved)
    rows = {row["indicator"]: row for row in saved.json()["rows"]}
    expect(
        rows[first["id"]]["value"] == "2" and rows[when["id"]]["value"] == "2022-11-15",
        "values read back",
    )
    step(
        f"saved {first['code']} = 2 and {when['code']} = 2022-11-15 (version {saved.json()['version']})"
    )

    etag = saved.headers["ETag"]
    theirs = colleague.patch(
        f"{path}/achievements",
        json={
            "achievements": [
                {
                    "indicator": second["id"],
                    "value": "5",
                    "seen_value": rows[second["id"]]["value"] or "",
                }
            ]
        },
    )
    expect(theirs.status_code == 200, "a colleague's save", theirs)
    conflict = officer.patch(
        f"{path}/achievements",
        headers={"If-Match": etag},
        json={"achievements": [{"indicator": second["id"], "value": "4"}]},
    )
    expect(
        conflict.status_code == 409
        and conflict.headers["Content-Type"] == "application/problem+json",
        "a conflict on the field the colleague changed",
        conflict,
    )
    clash = conflict.json()["conflicts"][0]
    expect((clash["yours"], clash["theirs"]) == ("4", "5"), "both values in the conflict", conflict)
    step(
        f"conflict on {second['code']}: yours {clash['yours']}, theirs {clash['theirs']} ({conflict.json()['detail']})"
    )

    resolved = officer.patch(
        f"{path}/achievements",
        json={
            "achievements": [
                {"indicator": second["id"], "value": "4", "seen_value": clash["theirs"]}
            ]
        },
    )
    expect(resolved.status_code == 200, "the conflict resolved", resolved)
    step("resolved: kept 4, knowing the colleague's 5")

    key = uuid.uuid4().hex
    submitted = officer.post(f"{path}/submit", json={}, headers={"Idempotency-Key": key})
    again = officer.post(f"{path}/submit", json={}, headers={"Idempotency-Key": key})
    expect(
        submitted.status_code == again.status_code == 200
        and submitted.json()["status"] == "submitted",
        "submitted",
        submitted,
    )
    expect(
        again.headers.get("Idempotent-Replayed") == "true" and again.json() == submitted.json(),
        "the retried submit answered as the first",
        again,
    )
    step("submitted; the retry with the same Idempotency-Key got the first answer")

    approved = reviewer.post(f"{path}/approve", json={"comment": "ঠিক আছে"})
    expect(
        approved.status_code == 200 and approved.json()["status"] == "approved",
        "approved",
        approved,
    )
    step(
        f"approved by the reviewer (revision {approved.json()['revision']}, marks to date {approved.json()['score']})"
    )

    signed = officer.get(f"{path}/pdf")
    expect(
        signed.status_code == 200 and signed.content.startswith(b"%PDF"), "the signed PDF", signed
    )
    verified = officer.post(
        "/verify", content=signed.content, headers={"Content-Type": "application/pdf"}
    )
    expect(
        verified.status_code == 200
        and verified.json()["ok"]
        and verified.json()["verdict"] == "valid",
        "the PDF verified",
        verified,
    )
    document = verified.json()["document"]
    expect(
        document["plan"] == plan_id and document["quarter"] == quarter_number,
        "the verified PDF is this quarter's",
    )
    step(
        f"signed PDF ({len(signed.content)} bytes) verified: {verified.json()['verdict']}, "
        f"revision {document['revision']}, {document['level']}"
    )
    tampered = officer.post(
        "/verify",
        content=signed.content[:-200] + b"x" * 200,
        headers={"Content-Type": "application/pdf"},
    )
    expect(
        tampered.status_code == 200 and not tampered.json()["ok"],
        "a changed PDF is not valid",
        tampered,
    )
    step(f"a changed copy: {tampered.json()['verdict']}")
    print("OK: the quarter went through the API", flush=True)


def own_installation(folder: Path):
    """Migrate, sign, seed and serve a throwaway installation; yields (base URL, tokens)."""
    sys.path.insert(0, str(ROOT))
    from tests.processes import free_port, stop, wait_until

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DEVELOPMENT": "1",
        "DJANGO_SETTINGS_MODULE": "egov_plan.settings",
        "MEDIA_ROOT": str(folder / "media"),
        "SIGNING_PKCS12_PATH": str(folder / "signer.p12"),
        "SIGN_ON_APPROVAL": "false",
    }
    env.pop("REDIS_URL", None)

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        expect(done.returncode == 0, f"manage.py {args[0]}: {done.stderr[-2000:]}")
        return done.stdout

    manage("migrate", "--no-input")
    manage("create_signing_certificate")
    manage("seed_demo")
    tokens = [
        line for line in manage("shell", "-c", TOKENS).splitlines() if line.startswith("apa_")
    ]
    port = free_port()
    log = open(folder / "gunicorn.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "egov_plan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            server,
            lambda: _answers(f"{base}/healthz"),
            timeout=60,
            what="gunicorn",
            exited=lambda: (folder / "gunicorn.log").read_text(),
        )
        step(f"serving a fresh installation at {base}")
        yield base, tokens
    finally:
        stop(server)
        log.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a running server (default: start one)")
    parser.add_argument("--officer-token")
    parser.add_argument("--reviewer-token")
    parser.add_argument("--quarter", type=int, default=2)
    args = parser.parse_args()
    if args.base:
        quarter(args.base, args.officer_token, args.reviewer_token, args.quarter)
        return
    with tempfile.TemporaryDirectory(prefix="api-quarter-") as folder:
        for base, (officer_token, reviewer_token) in own_installation(Path(folder)):
            quarter(base, officer_token, reviewer_token, args.quarter)


if __name__ == "__main__":
    main()
