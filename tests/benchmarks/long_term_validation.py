"""Benchmark: approval to stored signed PDF, PAdES B-B (no TSA) against B-LTA (TSA_URL set).

Both produce the seed report's signed document as an approval does (reports.pdf.render.signed_report_pdf:
render, sign, store), with an RSA 2048 key each: B-B with a development certificate, B-LTA with
a test PKI's signer, its TSA, OCSP responder and CRLs served by certomancer on 127.0.0.1
(tests/pki.py) in this process. The time the PKI's services spend answering (timestamps,
OCSP, CRLs, measured around each request on the server side) is printed apart and taken out of
the B-LTA figure: in production it is the network round trips to the TSA and the CA.

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.long_term_validation [--runs 7]
Uses a throwaway test database (DATABASE_URL, SQLite by default).
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    workdir = Path(tempfile.mkdtemp(prefix="ltv-bench-"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["SIGNING_PKCS12_PATH"] = str(workdir / "bench.p12")
    import django

    django.setup()
    from django.conf import settings

    from reports.pdf import render as pdf
    from reports.pdf.models import SignedDocument
    from reports.pdf.signing import create_development_certificate
    from reports.quarters.models import QuarterlyReport
    from tests.benchmarks.common import load_seed, throwaway_database
    from tests.pki import PASSPHRASE, start_test_pki

    create_development_certificate(
        Path(settings.SIGNING_PKCS12_PATH), settings.SIGNING_PKCS12_PASSPHRASE
    )
    pki = start_test_pki(workdir / "pki")
    service_seconds = []
    animator = pki.server.app

    def timed(environ, start_response):  # the PKI's time answering, server side
        start = time.perf_counter()
        try:
            return list(animator(environ, start_response))
        finally:
            service_seconds.append(time.perf_counter() - start)

    pki.server.app = timed
    try:
        with throwaway_database():
            plan = load_seed()
            report = QuarterlyReport.objects.get(plan=plan, quarter=1)

            def produce() -> tuple[float, float, int]:
                SignedDocument.objects.filter(report=report).delete()
                service_seconds.clear()
                start = time.perf_counter()
                document = pdf.signed_report_pdf(report=report)
                total = time.perf_counter() - start
                assert document.level == ("B-LTA" if settings.TSA_URL else "B-B")
                return total * 1000, sum(service_seconds) * 1000, len(service_seconds)

            def measure(label: str) -> list[tuple[float, float, int]]:
                produce()  # warm up: fonts, templates, the key, the TSA client's size estimate
                return [produce() for _ in range(args.runs)]

            settings.TSA_URL = ""
            b_b = measure("B-B")
            settings.SIGNING_PKCS12_PATH = pki.pkcs12(workdir / "pki-signer.p12", "signer")
            settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
            settings.TSA_URL = pki.url("tsa")
            lta = measure("B-LTA")
    finally:
        pki.stop()

    def med(values):
        return statistics.median(values)

    bb_total = med([t for t, _, _ in b_b])
    lta_total = med([t for t, _, _ in lta])
    lta_services = med([s for _, s, _ in lta])
    lta_local = med([t - s for t, s, _ in lta])
    requests = med([n for _, _, n in lta])
    print(
        f"seed report, approval to stored signed PDF; median of {args.runs} runs (after one warm-up), ms"
    )
    print(f"{'B-B (no TSA)':36} {bb_total:8.0f}")
    print(f"{'B-LTA, all':36} {lta_total:8.0f}")
    print(
        f"{'  of which TSA/OCSP/CRL answering':36} {lta_services:8.0f}   ({requests:.0f} requests)"
    )
    print(
        f"{'B-LTA without the services':36} {lta_local:8.0f}   = {lta_local / bb_total:.2f} × B-B"
    )


if __name__ == "__main__":
    main()
