"""The deadline scenario for Locust (run by tests/load/run.py, which sets the environment).

Officers log in through the login form once per session, then, quarter after quarter of their
office's plans: open the entry page, save three times through the real form (each save changes
every value; the page is opened again after each save, as the redirect does, for the fresh
concurrency tokens), and submit. The form goes URL-encoded, as the browser sends it when no
evidence file is attached (static/js/entry-form.js). Reviewers of the office above open their
inbox, open a submitted report and approve it. A probe requests the login page (the anchor) and a
table page `?scores=1` now and then, so that their latency under the same load is known.

What every officer saved is written to LOAD_SENT (JSON) when the run stops, for tests/load/check.py.
"""

import html
import itertools
import json
import os
import re

import gevent
import gevent.event
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

from tests.html_forms import form_data

MANIFEST = json.loads(open(os.environ["LOAD_MANIFEST"], encoding="utf-8").read())
RUN = MANIFEST["runs"][os.environ["LOAD_RUN"]]
PASSWORD = MANIFEST["password"]
BN = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REPORT_LINK_RE = re.compile(r'href="/plans/(\d+)/quarters/(\d)/"')

# Logins (PBKDF2, ~0.1 s of CPU each) all come at the start: every logged-in user waits until the
# phase's last one is in, then the figures are reset, so that they describe the steady state; the
# logins' own figures are kept aside (LOAD_LOGINS) and printed apart.
PHASE_USERS = int(os.environ.get("LOAD_USERS", "0"))
MEASURE_SECONDS = float(
    os.environ.get("LOAD_MEASURE", "30")
)  # after the last login; then the run stops
_arrived = itertools.count(1)
_everyone_in = gevent.event.Event()

_offices = itertools.count()
_reviewers = itertools.count()
SENT: dict[
    str, dict
] = {}  # "plan/quarter" → {"saves": n, "values": {indicator id: text}, "submitted": bool,
#                              "unanswered": [[saves accepted before it, values], …]}
APPROVED: list[str] = []
# A save answered so (the connection lost, or a proxy's or the app's "try again") may still have
# been stored: the check allows it, it does not require it (tests/cluster's fault runs cause them).
UNANSWERED = (0, 502, 503, 504)
OUT_OF_WORK: list[str] = []  # officers who reported every quarter they had before the run ended


def typed_value(unit: str, round_: int) -> str:
    """A valid value for any quarter of the plan's fiscal year, different from the previous round's."""
    if unit == "date":
        day = round_ % 90  # 1 July … 28 September: inside every quarter's range
        month, day = (7, day + 1) if day < 31 else ((8, day - 30) if day < 62 else (9, day - 61))
        return f"{day:02d}/{month:02d}/{RUN['start_year'] % 100:02d}".translate(BN)
    if unit == "percent":
        return f"{round_ % 100}%".translate(BN)
    return str(round_ % 1000).translate(BN)


def csrf(page: str) -> str:
    match = CSRF_RE.search(page)
    if not match:
        raise ValueError("no CSRF token on the page")
    return html.unescape(match.group(1))


class LoggedIn(FastHttpUser):
    abstract = True
    username = ""

    def login(self) -> None:
        page = self.client.get("/accounts/login/", name="login page").text
        with self.client.post(
            "/accounts/login/",
            name="login (POST)",
            allow_redirects=False,
            catch_response=True,
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf(page),
                "next": "",
            },
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: {response.status_code}")
                raise StopUser()
        if next(_arrived) == PHASE_USERS:
            _keep_login_figures(self.environment)
            self.environment.stats.reset_all()
            gevent.spawn_later(MEASURE_SECONDS, self.environment.runner.quit)
            _everyone_in.set()
        _everyone_in.wait()


class Officer(LoggedIn):
    wait_time = constant(0)  # at the deadline: no pause between quarters

    def on_start(self):
        office = RUN["offices"][next(_offices) % len(RUN["offices"])]
        self.username = office["officer"]
        self.slots = iter([(plan, quarter) for plan in office["plans"] for quarter in (1, 2, 3, 4)])
        self.round = 0
        self.login()

    def entry_page(self, url: str) -> dict:
        with self.client.get(url, name="entry page", catch_response=True) as response:
            if response.status_code != 200 or 'id="entry-form"' not in response.text:
                response.failure(f"entry page: {response.status_code}")
                return {}
            return form_data(response.text, "entry-form")

    @task
    def report_a_quarter(self):
        try:
            plan, quarter = next(self.slots)
        except StopIteration:
            OUT_OF_WORK.append(self.username)  # run.py says so: the run then under-counts saves
            raise StopUser() from None
        url = f"/plans/{plan['id']}/quarters/{quarter}/edit/"
        key = f"{plan['id']}/{quarter}"
        sent = SENT.setdefault(
            key, {"saves": 0, "values": {}, "in_flight": None, "submitted": False}
        )
        data = self.entry_page(url)
        for _ in range(3):
            if not data:
                return
            self.round += 1
            values = {str(i): typed_value(unit, self.round) for i, unit in plan["indicators"]}
            data.update({f"value_{i}": text for i, text in values.items()})
            data["action"] = "save"
            sent["in_flight"] = values  # if the run stops before the answer, the server may have it
            with self.client.post(
                url, data=data, name="save (POST)", allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code == 302:
                    sent["saves"] += 1
                    sent["values"] = values
                else:
                    response.failure(f"save: {response.status_code}")
                    if (
                        response.status_code in UNANSWERED
                    ):  # it may have been stored before its answer was lost
                        sent.setdefault("unanswered", []).append([sent["saves"], values])
            sent["in_flight"] = None
            data = self.entry_page(url)
        if not data:
            return
        data["action"] = "submit"  # what the page shows, unchanged: the last save's values
        with self.client.post(
            url, data=data, name="submit (POST)", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                sent["submitted"] = True
            else:
                response.failure(f"submit: {response.status_code}")


class Reviewer(LoggedIn):
    wait_time = constant(0)
    fixed_count = int(os.environ.get("LOAD_REVIEWERS", "1"))

    def on_start(self):
        self.index = next(_reviewers)
        self.count = max(1, Reviewer.fixed_count)
        self.username = RUN["reviewers"][self.index % len(RUN["reviewers"])]
        self.login()

    @task
    def approve_one(self):
        inbox = self.client.get("/inbox/", name="inbox").text
        # Each reviewer takes its own share (by plan id), so that two never approve one report.
        mine = [
            (int(p), int(q))
            for p, q in REPORT_LINK_RE.findall(inbox)
            if int(p) % self.count == self.index
        ]
        if not mine:
            gevent.sleep(0.2)  # nothing waiting yet
            return
        plan, quarter = mine[0]
        page = self.client.get(
            f"/plans/{plan}/quarters/{quarter}/", name="report page (reviewer)"
        ).text
        with self.client.post(
            f"/plans/{plan}/quarters/{quarter}/review/",
            name="approve (POST)",
            allow_redirects=False,
            catch_response=True,
            data={"csrfmiddlewaretoken": csrf(page), "action": "approve", "comment": ""},
        ) as response:
            if response.status_code == 302:
                APPROVED.append(f"{plan}/{quarter}")
            else:
                response.failure(f"approve: {response.status_code}")


class Probe(LoggedIn):
    """The login page (anchor) and a table page with scores, a few times a second, beside the load."""

    wait_time = constant(0.2)
    fixed_count = 1

    def on_start(self):
        self.username = RUN["reviewers"][0]
        self.login()
        self.table = RUN["table_pages"]

    @task
    def probe(self):
        self.client.get("/accounts/login/", name="login page (anchor)")
        self.client.get(self.table[0], name="table page ?scores=1")


class TableReader(LoggedIn):
    """The table-page phase: reviewers reading tables with scores, nothing else."""

    wait_time = constant(0)

    def on_start(self):
        self.username = RUN["reviewers"][next(_reviewers) % len(RUN["reviewers"])]
        self.pages = itertools.cycle(RUN["table_pages"])
        self.login()

    @task
    def read(self):
        self.client.get(next(self.pages), name="table page ?scores=1")


class EntryReader(LoggedIn):
    """The entry-page phase: officers opening their entry page, nothing else (its cost per request
    against the login page's, from the two phases' throughput)."""

    wait_time = constant(0)

    def on_start(self):
        office = RUN["offices"][next(_offices) % len(RUN["offices"])]
        self.username = office["officer"]
        self.pages = itertools.cycle(
            [
                f"/plans/{plan['id']}/quarters/{quarter}/edit/"
                for plan in office["plans"][:2]
                for quarter in (1, 2, 3, 4)
            ]
        )
        self.login()

    @task
    def read(self):
        self.client.get(next(self.pages), name="entry page")


class LoginPage(FastHttpUser):
    """The anchor phase: a plain Django page (the login form), anonymous."""

    wait_time = constant(0)

    @task
    def read(self):
        self.client.get("/accounts/login/", name="login page (anchor)")


def _keep_login_figures(environment) -> None:
    figures = {}
    for (name, _method), entry in environment.stats.entries.items():
        if entry.num_requests:
            figures[name] = {
                "count": entry.num_requests,
                "failures": entry.num_failures,
                **{f"p{p}": entry.get_response_time_percentile(p / 100) for p in (50, 95, 99)},
            }
    path = os.environ.get("LOAD_LOGINS")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(figures, handle)


@events.test_stop.add_listener
def _write_sent(environment, **kwargs):
    path = os.environ.get("LOAD_SENT")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"reports": SENT, "approved": APPROVED, "out_of_work": OUT_OF_WORK}, handle)
