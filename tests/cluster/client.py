"""A browser's steps through the cluster's load balancer, for tests/test_cluster.py (run in the
client namespace: `ip netns exec eclt-client python -m tests.cluster.client …`).

    save MANIFEST SENT --rounds N --first R   log in as the first officer, open the entry page of
                                              its first plan's first quarter and save it N times
                                              (round R, R+1, …: every value changed each time);
                                              prints the saves' statuses as JSON and records what
                                              was acknowledged in SENT, the load check's format
    wrong-password MANIFEST                   one refused login of the first reviewer; prints its status
    no-origin MANIFEST                        a login POST without Origin or Referer; prints its status
    https MANIFEST                            the login page's HSTS header and whether its CSRF cookie
                                              is Secure (both only when the app sees HTTPS)
"""

import argparse
import http.cookiejar
import json
import os
import re
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = os.environ.get("CLUSTER_URL", "https://10.77.0.2")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    def __init__(self):
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = (
            False,
            ssl.CERT_NONE,
        )  # the cluster's own certificate

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            NoRedirect(),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        )

    def open(self, path: str, data: dict | None = None, *, origin: bool = True) -> tuple[int, str]:
        body = None if data is None else urllib.parse.urlencode(data).encode()
        headers = {"Origin": BASE} if origin and data is not None else {}
        try:
            with self.opener.open(
                urllib.request.Request(BASE + path, data=body, headers=headers), timeout=30
            ) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def login(self, username: str, password: str, *, origin: bool = True) -> int:
        _, page = self.open("/accounts/login/")
        token = CSRF_RE.search(page).group(1)
        return self.open(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
            origin=origin,
        )[0]


def save(manifest: dict, sent_path: str, rounds: int, first: int) -> list[int]:
    import django

    django.setup()
    from tests.entry_values import typed_value
    from tests.html_forms import form_data

    run = next(iter(manifest["runs"].values()))
    plan = run["offices"][0]["plans"][0]
    browser = Browser()
    assert browser.login(run["offices"][0]["officer"], manifest["password"]) == 302
    url = f"/plans/{plan['id']}/quarters/1/edit/"
    sent = (
        json.load(open(sent_path))
        if os.path.exists(sent_path)
        else {"reports": {}, "approved": [], "out_of_work": []}
    )
    report = sent["reports"].setdefault(
        f"{plan['id']}/1", {"saves": 0, "values": {}, "in_flight": None, "submitted": False}
    )
    statuses = []
    for round_ in range(first, first + rounds):
        status, page = browser.open(url)
        if status != 200:
            statuses.append(status)
            continue
        values = {
            str(pk): typed_value(unit, run["start_year"], round_) for pk, unit in plan["indicators"]
        }
        data = {
            **form_data(page, "entry-form"),
            **{f"value_{pk}": text for pk, text in values.items()},
            "action": "save",
        }
        status, _ = browser.open(url, data)
        statuses.append(status)
        if status == 302:
            report["saves"] += 1
            report["values"] = values
        else:
            report.setdefault("unanswered", []).append([report["saves"], values])
    json.dump(sent, open(sent_path, "w"))
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["save", "wrong-password", "no-origin", "https"])
    parser.add_argument("manifest")
    parser.add_argument("sent", nargs="?")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--first", type=int, default=1)
    args = parser.parse_args()
    manifest = json.load(open(args.manifest, encoding="utf-8"))
    reviewer = next(iter(manifest["runs"].values()))["reviewers"][0]
    if args.command == "save":
        print(json.dumps(save(manifest, args.sent, args.rounds, args.first)))
    elif args.command == "wrong-password":
        print(json.dumps(Browser().login(reviewer, manifest["password"] + "-wrong")))
    elif args.command == "no-origin":
        print(json.dumps(Browser().login(reviewer, manifest["password"], origin=False)))
    else:
        with Browser().opener.open(BASE + "/accounts/login/", timeout=30) as answer:
            cookies = [
                value for name, value in answer.headers.items() if name.lower() == "set-cookie"
            ]
            print(
                json.dumps(
                    {
                        "hsts": answer.headers.get("Strict-Transport-Security"),
                        "secure_cookie": any(
                            "csrftoken" in c and "secure" in c.lower() for c in cookies
                        ),
                    }
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
