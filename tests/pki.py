"""A test PKI served over HTTP on 127.0.0.1, for long-term validation (PAdES B-T … B-LTA).

certomancer (by pyHanko's author) builds it from the configuration below and its Animator
(a WSGI app) serves it: a root, an intermediate CA, signers issued by the intermediate, two
time-stamping authorities (one whose certificate expires soon, for the renewal), an OCSP
responder for the intermediate's certificates and a CRL for each CA. Every date is relative to
the moment the PKI is made, so the tests never age.

    pki = start_test_pki(tmp_path)      # keys written there, server started in a thread
    pki.url("tsa")                       # http://127.0.0.1:PORT/testing/tsa/tsa
    pki.pkcs12(path, "signer")           # the signer's key and chain, as the app reads them
    pki.crl("interm", at=…)              # the intermediate's CRL as it will read at that date
    pki.stop()

Signers: `signer` (valid from a day ago for 60 days), `revoked-later` (revoked five days from
now), `revoked-before` (revoked an hour ago). TSAs: `tsa` (20 years), `tsa-short` (expires in
30 days). The PKI's root and the TSAs' are the same, so the app trusts the TSAs through the
signer's own chain.
"""

from __future__ import annotations

import datetime
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

ARCH = "testing"
PASSPHRASE = "pki-test-passphrase"
KEYS = ("root", "interm", "signer", "revoked-later", "revoked-before", "tsa", "tsa-short", "ocsp")


def _iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _write_keys(folder: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    folder.mkdir(parents=True, exist_ok=True)
    for name in KEYS:
        # The signer's key as in production (RSA 2048); the PKI's own keys are quicker to make on P-256.
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if name.startswith(("signer", "revoked"))
            else ec.generate_private_key(ec.SECP256R1())
        )
        (folder / f"{name}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def configuration(prefix: str, now: datetime.datetime) -> dict:
    day = datetime.timedelta(days=1)
    year = 365 * day

    def validity(start, end):
        return {"valid-from": _iso(start), "valid-to": _iso(end)}

    def signer(label, revoked_since=None):
        spec = {
            "subject": label,
            "issuer": "interm",
            "validity": validity(now - day, now + 60 * day),
            "profiles": ["digsig-commitment"],
            "extensions": [
                {
                    "id": "crl_distribution_points",
                    "smart-value": {
                        "schema": "crl-dist-url",
                        "params": {"crl-repo-names": ["interm"]},
                    },
                },
                {
                    "id": "authority_information_access",
                    "smart-value": {
                        "schema": "aia-urls",
                        "params": {"ocsp-responder-names": ["interm"]},
                    },
                },
            ],
        }
        if revoked_since is not None:
            spec["revocation"] = {"revoked-since": _iso(revoked_since), "reason": "key_compromise"}
        return spec

    def tsa(label, end):
        return {
            "subject": label,
            "issuer": "root",
            "validity": validity(now - day, end),
            "extensions": [
                {
                    "id": "key_usage",
                    "critical": True,
                    "smart-value": {"schema": "key-usage", "params": ["digital_signature"]},
                },
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                {
                    "id": "crl_distribution_points",
                    "smart-value": {
                        "schema": "crl-dist-url",
                        "params": {"crl-repo-names": ["root"]},
                    },
                },
            ],
        }

    return {
        "external-url-prefix": prefix,
        "keysets": {ARCH: {"keys": {name: {"path": f"{name}.key.pem"} for name in KEYS}}},
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "BD", "organization-name": "APA test PKI"},
                "entities": {name: {"common-name": f"APA test {name}"} for name in KEYS},
                "certs": {
                    "root": {
                        "subject": "root",
                        "issuer": "root",
                        "validity": validity(now - year, now + 30 * year),
                        "profiles": ["simple-ca"],
                    },
                    "interm": {
                        "subject": "interm",
                        "issuer": "root",
                        "validity": validity(now - year, now + 25 * year),
                        "profiles": [{"id": "simple-ca", "params": {"max-path-len": 0}}],
                        "extensions": [
                            {
                                "id": "crl_distribution_points",
                                "smart-value": {
                                    "schema": "crl-dist-url",
                                    "params": {"crl-repo-names": ["root"]},
                                },
                            }
                        ],
                    },
                    "ocsp": {
                        "subject": "ocsp",
                        "issuer": "interm",
                        "validity": validity(now - day, now + 25 * year),
                        "profiles": ["ocsp-responder"],
                    },
                    "signer": signer("signer"),
                    "revoked-later": signer("revoked-later", revoked_since=now + 5 * day),
                    "revoked-before": signer(
                        "revoked-before", revoked_since=now - datetime.timedelta(hours=1)
                    ),
                    "tsa": tsa("tsa", now + 20 * year),
                    "tsa-short": tsa("tsa-short", now + 30 * day),
                },
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "ocsp",
                            "signing-key": "ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P90D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P7D",
                        },
                    },
                    "time-stamping": {
                        "tsa": {"signing-key": "tsa", "signing-cert": "tsa"},
                        "tsa-short": {"signing-key": "tsa-short", "signing-cert": "tsa-short"},
                    },
                },
            }
        },
    }


@dataclass
class TestPKI:
    prefix: str
    architecture: object  # certomancer's PKIArchitecture
    server: object
    thread: threading.Thread
    made_at: datetime.datetime
    requests: list  # (method, path) of every request served, for the tests that count round trips

    def url(self, tsa: str) -> str:
        return f"{self.prefix}/{ARCH}/tsa/{tsa}"

    def certificate(self, label: str):
        return self.architecture.get_cert(label)

    def pkcs12(self, path: Path, label: str) -> Path:
        """The signer's key and certificate with the intermediate and the root, as SIGNING_PKCS12_PATH."""
        path.write_bytes(self.architecture.package_pkcs12(label, password=PASSPHRASE.encode()))
        return path

    def crl(self, issuer: str, *, at: datetime.datetime):
        """The CA's CRL as it reads at `at` (an auditor's fresh CRL, later)."""
        return self.architecture.service_registry.get_crl(issuer, at)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(app) -> tuple[object, threading.Thread, str]:
    """Any WSGI app on 127.0.0.1 in a thread: (server, thread, its address)."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="test-service", daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


def start_test_pki(folder: Path) -> TestPKI:
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig
    from werkzeug.serving import make_server

    _write_keys(folder / "keys")
    holder: dict = {}
    requests: list = []

    def app(environ, start_response):
        requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return holder["animator"](environ, start_response)

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request in the test output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    prefix = f"http://127.0.0.1:{server.server_port}"
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    config = CertomancerConfig(configuration(prefix, now), key_search_dir=str(folder / "keys"))
    architecture = config.get_pki_arch(ARCH)
    # The animator answers with the real clock (the time-override header is not honoured).
    holder["animator"] = Animator(
        AnimatorArchStore(config.pki_archs), with_web_ui=False, allow_time_override=False
    )
    thread = threading.Thread(target=server.serve_forever, name="test-pki", daemon=True)
    thread.start()
    return TestPKI(
        prefix=prefix,
        architecture=architecture,
        server=server,
        thread=thread,
        made_at=now,
        requests=requests,
    )
