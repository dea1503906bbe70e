"""The floor experiment's users (tests/load/floor.py): each logs in through the form, then repeats
one save cycle of the kind FLOOR_KIND names, as fast as it is answered, on a plan of its office:
`bare` and `least` (tests/load/floor_app.py) on the first quarter, or `app`, the app's own entry
page of the second quarter and a save of it that changes every value (as the deadline scenario's
saves do)."""

import os

from locust import constant, task

from tests.html_forms import form_data
from tests.load.locustfile import RUN, LoggedIn, _offices, typed_value

KIND = os.environ.get("FLOOR_KIND", "app")
QUARTER = 2 if KIND == "app" else 1  # the app's rows are not the ones `least` wrote


class FloorOfficer(LoggedIn):
    wait_time = constant(0)

    def on_start(self):
        # More users than offices (the run's reviewers' share): the second user of an office takes
        # its next plan, so that no two users save the same report.
        number = next(_offices)
        office = RUN["offices"][number % len(RUN["offices"])]
        self.username = office["officer"]
        self.plan = office["plans"][number // len(RUN["offices"]) % len(office["plans"])]
        self.round = 0
        self.login()

    @task
    def save_cycle(self):
        url = (
            f"/plans/{self.plan['id']}/quarters/{QUARTER}/edit/"
            if KIND == "app"
            else f"/floor/{KIND}/{self.plan['id']}/{QUARTER}/"
        )
        with self.client.get(url, name="GET", catch_response=True) as response:
            if response.status_code != 200 or 'id="entry-form"' not in response.text:
                response.failure(f"GET: {response.status_code}")
                return
            data = form_data(response.text, "entry-form")
        self.round += 1
        data.update(
            {f"value_{i}": typed_value(unit, self.round) for i, unit in self.plan["indicators"]}
        )
        data["action"] = "save"
        with self.client.post(
            url, data=data, name="POST", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"POST: {response.status_code}")
