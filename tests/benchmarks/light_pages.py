"""Benchmark: the entry page over a slow mobile link, in Debian's Chromium.

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.light_pages [--runs 5] [--keep DIR]

Sets up a throwaway installation (SQLite in a temporary VAR_DIR, or DATABASE_URL's server): the seed
plan with its reporting calendar and an officer; `collectstatic` as production runs it; gunicorn with
production's static serving (tests/benchmarks/light_pages_settings.py: WhiteNoise, hashed and
compressed files, DEBUG off; plain http on loopback). Chromium (/usr/bin/chromium, through
Playwright) logs in, then each run opens the seed's entry page in a fresh context (empty cache,
the session's cookies only) with the network emulated through the DevTools protocol
(Network.emulateNetworkConditions: 400 kbit/s down and up, 400 ms round trip), then again in a
new tab of the same context (the repeat visit, cache warm).

The entry page's service worker (templates/reports/entry-sw.js) fetches for the page once it is
installed (the page itself on a repeat visit, and the page again right after the first visit, to
keep it): its requests are not the tab's, so its own DevTools target is throttled the same way
(attached through the browser's session) and its transfers are counted from Playwright's events
(each request's response body and headers as sent; a worker's request the HTTP cache answered costs
nothing). The worker's own script is counted with its headers only (Chromium reports no body
size for it).

Per visit: bytes transferred (every response's encodedDataLength: headers and body as sent, the
tab's and the service worker's), number of requests that went to the network, first contentful
paint, and *usable*: the later of DOMContentLoaded (HTML parsed, stylesheets in, the deferred
scripts run: the form works) and the end of the last web font's download (the text is in its final
face). Budgets (issue 26): first visit
≤ 150 KB and usable ≤ 5 s; repeat ≤ 15 KB and usable ≤ 1.5 s. Prints the median of the runs.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "a-long-bench-secret"
# Slow 3G as the issue names it: 400 kbit/s, 400 ms round trip (bytes per second for the protocol).
SLOW_LINK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
BUDGETS = {"first": (150 * 1024, 5000), "repeat": (15 * 1024, 1500)}

SETUP = f"""
import django; django.setup()
from django.contrib.auth import get_user_model
from egov_plan.models import Membership
from reports.calendar.deadlines import calendar_create
from tests.benchmarks.common import load_seed
plan = load_seed()
calendar_create(fiscal_year=plan.fiscal_year)
user = get_user_model().objects.create_user("bench", password={PASSWORD!r})
Membership.objects.create(user=user, office=plan.office, role=Membership.OFFICER)
print(plan.pk)
"""

# Timings relative to the navigation's start, read after the load event.
TIMINGS = """async () => {
  await document.fonts.ready;
  const navigation = performance.getEntriesByType('navigation')[0];
  const fonts = performance.getEntriesByType('resource').filter(r => /\\.(woff2?|ttf|otf)$/.test(r.name));
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return {dcl: navigation.domContentLoadedEventEnd, load: navigation.loadEventEnd,
          fcp: paint ? paint.startTime : null,
          fonts: fonts.length ? Math.max(...fonts.map(r => r.responseEnd)) : 0,
          fontNames: fonts.map(r => r.name.split('/').pop())};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(var_dir: Path) -> tuple[dict, int]:
    env = {
        "PATH": os.environ["PATH"],
        "VAR_DIR": str(var_dir),
        "PYTHONPATH": str(BASE),
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.light_pages_settings",
    }
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    python = sys.executable

    def run(*args):
        subprocess.run([python, *args], cwd=BASE, env=env, check=True, stdout=subprocess.PIPE)

    run("manage.py", "migrate", "--noinput")
    run("manage.py", "collectstatic", "--noinput")
    plan_id = int(
        subprocess.run(
            [python, "-c", SETUP], cwd=BASE, env=env, check=True, capture_output=True, text=True
        ).stdout.split()[-1]
    )
    return env, plan_id


def serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "egov_plan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=BASE,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer")


class Workers:
    """The service workers' DevTools targets, each throttled like the tabs before a visit (a worker
    installed by the first visit runs on into the repeat visit; what it fetches after the first
    visit's load, to keep the page, is counted but not throttled)."""

    def __init__(self, browser):
        self.cdp = browser.new_browser_cdp_session()
        self.throttled = set()

    def throttle(self, target: dict) -> None:
        if target["type"] != "service_worker" or target["targetId"] in self.throttled:
            return
        self.throttled.add(target["targetId"])
        session = self.cdp.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": False}
        )
        for number, (method, params) in enumerate(
            (("Network.enable", {}), ("Network.emulateNetworkConditions", SLOW_LINK)), 1
        ):
            self.cdp.send(
                "Target.sendMessageToTarget",
                {
                    "sessionId": session["sessionId"],
                    "message": json.dumps({"id": number, "method": method, "params": params}),
                },
            )

    def throttle_running(self) -> None:
        for target in self.cdp.send("Target.getTargets")["targetInfos"]:
            self.throttle(target)


def worker_transfer(request) -> int:
    """Bytes the service worker's `request` took from the network (0 when the HTTP cache answered)."""
    sizes = request.sizes()
    if sizes["responseBodySize"] < 0:
        return 0
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


def visit(context, url: str, workers: Workers) -> dict:
    """One visit of `url` in a new tab of `context` over the slow link: bytes, requests, timings."""
    workers.throttle_running()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
    transferred, by_worker = {}, {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: transferred.__setitem__(e["requestId"], e["encodedDataLength"]),
    )

    def worker_request(request):
        if request.service_worker is not None:
            by_worker[id(request)] = worker_transfer(request)

    context.on("requestfinished", worker_request)
    page.goto(url, wait_until="load")
    timings = page.evaluate(TIMINGS)
    page.wait_for_timeout(1500)  # the last loadingFinished events, and the worker keeping the page
    context.remove_listener("requestfinished", worker_request)
    network = {key: size for key, size in {**transferred, **by_worker}.items() if size > 0}
    page.close()
    return {
        "bytes": sum(network.values()),
        "worker_bytes": sum(by_worker.values()),
        "requests": len(network),
        "usable": max(timings["dcl"], timings["fonts"]),
        **timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--keep", help="a folder for the installation (kept), instead of a temporary one"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary:
        var_dir = Path(args.keep or temporary)
        var_dir.mkdir(parents=True, exist_ok=True)
        env, plan_id = prepare(var_dir)
        port = free_port()
        server = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/plans/{plan_id}/quarters/2/edit/"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                login = browser.new_context(locale="bn-BD")
                page = login.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("input[name=username]", "bench")
                page.fill("input[name=password]", PASSWORD)
                page.click("form:has(input[name=password]) button[type=submit]")
                page.wait_for_url(f"{base}/")
                cookies = login.storage_state()
                login.close()
                workers = Workers(browser)
                results = {"first": [], "repeat": []}
                for _ in range(args.runs):
                    context = browser.new_context(
                        locale="bn-BD",
                        storage_state=cookies,
                        viewport={"width": 360, "height": 740},
                    )
                    results["first"].append(visit(context, url, workers))
                    results["repeat"].append(visit(context, url, workers))
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)

    last = results["first"][-1]
    print(
        f"entry page of the seed plan (12 indicators), {args.runs} runs, 400 kbit/s and 400 ms round trip; "
        f"median (min–max)"
    )
    print(f"fonts fetched on the first visit: {', '.join(last['fontNames']) or 'none'}")
    for kind, label in (("first", "first visit (empty cache)"), ("repeat", "repeat visit")):
        runs = results[kind]

        def figure(key, scale=1.0, unit=""):
            values = [r[key] / scale for r in runs if r[key] is not None]
            return f"{statistics.median(values):.1f}{unit} ({min(values):.1f}–{max(values):.1f})"

        budget_bytes, budget_ms = BUDGETS[kind]
        kb = statistics.median(r["bytes"] for r in runs) / 1024
        usable = statistics.median(r["usable"] for r in runs)
        print(f"{label}:")
        print(
            f"  transferred {figure('bytes', 1024, ' KB')} in {statistics.median(r['requests'] for r in runs):.0f} "
            f"requests (by the service worker {figure('worker_bytes', 1024, ' KB')}); "
            f"budget {budget_bytes // 1024} KB: {'met' if kb <= budget_bytes / 1024 else 'NOT MET'}"
        )
        print(
            f"  usable {figure('usable', 1, ' ms')}; budget {budget_ms} ms: "
            f"{'met' if usable <= budget_ms else 'NOT MET'}"
        )
        print(
            f"  first contentful paint {figure('fcp', 1, ' ms')}, DOMContentLoaded {figure('dcl', 1, ' ms')}, "
            f"fonts in {figure('fonts', 1, ' ms')}, load {figure('load', 1, ' ms')}"
        )


if __name__ == "__main__":
    main()
