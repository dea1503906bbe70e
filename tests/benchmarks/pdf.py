"""Benchmark: producing the signed PDF (render + sign) and serving it from storage.

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.pdf [--runs 5]
Uses a throwaway test database (DATABASE_URL, SQLite by default) and a throwaway signing key.
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def median_ms(action, runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    workdir = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["SIGNING_PKCS12_PATH"] = str(workdir / "bench.p12")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from egov_plan.models import Membership
    from reports import pdf
    from reports.models import QuarterlyReport, SignedDocument
    from reports.selectors import quarter_table
    from reports.signing import create_development_certificate, sign_pdf
    from tests.benchmarks.common import load_seed
    from tests.factories import make_plan

    create_development_certificate(Path(settings.SIGNING_PKCS12_PATH), settings.SIGNING_PKCS12_PASSPHRASE)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        plans = [("seed report", load_seed())]
        for size in (30, 60, 120):
            plans.append(("generated plan", make_plan(indicators=size, office_name=f"দপ্তর {size}")))
        print(f"database: {connection.vendor}; {args.runs} runs each; median (min–max) in ms")
        print(f"{'plan':16} {'indicators':>10} {'pages':>5} {'render':>22} {'sign':>18} {'render+sign':>22}")
        for label, plan in plans:
            table = quarter_table(plan_id=plan.pk, quarter=1)
            rendered = pdf.render_pdf(table, draft=False)  # warm up fonts and templates
            pages = len(pdf.render_document(table, draft=False).pages)
            render = median_ms(lambda: pdf.render_pdf(quarter_table(plan_id=plan.pk, quarter=1), draft=False),
                               args.runs)
            sign = median_ms(lambda: sign_pdf(rendered, signer_name="bench", location="bench"), args.runs)

            def produce():
                SignedDocument.objects.filter(report__plan=plan).delete()
                QuarterlyReport.objects.filter(plan=plan, quarter=1).update(status="approved", revision=1)
                pdf.signed_document(report=QuarterlyReport.objects.get(plan=plan, quarter=1))

            both = median_ms(produce, args.runs)
            print(f"{label:16} {len(table.rows):>10} {pages:>5} {render[0]:>9.0f} ({render[1]:.0f}–{render[2]:.0f})"
                  f" {sign[0]:>7.1f} ({sign[1]:.0f}–{sign[2]:.0f}) {both[0]:>9.0f} ({both[1]:.0f}–{both[2]:.0f})")

        # A cached download: the stored signed PDF served through the view.
        seed = plans[0][1]
        user = get_user_model().objects.create_user("bench", password="a-long-bench-secret")
        Membership.objects.create(user=user, office=seed.office, role=Membership.OFFICER)
        client = Client()
        client.force_login(user)
        path = f"/plans/{seed.pk}/quarters/1/pdf"
        client.get(path)
        cached = median_ms(lambda: client.get(path), max(args.runs, 20))
        print(f"cached download of the seed's signed PDF: {cached[0]:.1f} ms ({cached[1]:.1f}–{cached[2]:.1f})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
