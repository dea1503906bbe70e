"""Benchmark: producing the signed PDF (render + sign) and serving it from storage.

"same HTML" renders the exact HTML of the app's final pass with bare WeasyPrint (one pass,
warm, fonts and stylesheets made once) and, when /usr/bin/chromium exists, with Chromium:
`--print-to-pdf` as a whole process, and warm in one browser through Playwright.

"one layout pass" compares the app's render (one layout, reports/pdf/page_starts.py) with the
former way, kept as the fallback: lay out, repeat the area and activity on the groups that
start a page, lay out again (render_document_in_passes), in alternate runs.

"text layer" compares rendering with the /ActualText text layer (reports/pdf/text_layer.py,
what the app does) and with WeasyPrint's own per-glyph one, in alternate runs.

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.pdf [--runs 5]
Uses a throwaway test database (DATABASE_URL, SQLite by default) and a throwaway signing key.
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def median_ms(action, runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def alternate_medians_ms(first, second, runs: int) -> tuple[float, float]:
    """Medians of `first` and `second` run in turn (so that both see the same machine load)."""
    times: tuple[list, list] = ([], [])
    for _ in range(runs):
        for action, spent in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def standalone_html(html: str, static: Path, stylesheets) -> str:
    """The app's HTML with its stylesheets linked, for a renderer that is not handed them."""
    links = "".join(f'<link rel="stylesheet" href="{Path(path).as_uri()}">' for path in stylesheets)
    return html.replace("<head>", f'<head><base href="{static.as_uri()}/">{links}', 1)


def layout_count(render) -> tuple[int, int]:
    """(pages, how many times WeasyPrint laid the document out) of one render."""
    import weasyprint.document

    original, calls = weasyprint.document.layout_document, []

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    weasyprint.document.layout_document = counted
    try:
        return len(render().pages), len(calls)
    finally:
        weasyprint.document.layout_document = original


def page_count(data: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def same_html(label, table, pdf, workdir: Path, runs: int, browser) -> None:
    """One line: the app, bare WeasyPrint and Chromium on the exact HTML of the app's final pass."""
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration

    app_pdf = pdf.render_report_pdf(table, draft=False)
    html = pdf.report_html(table, draft=False)  # the table keeps the final pass's layout
    fonts, counters = FontConfiguration(), CounterStyle()
    stylesheets = [
        CSS(filename=str(path), font_config=fonts, counter_style=counters)
        for path in pdf.STYLESHEETS
    ]

    def bare():
        return HTML(string=html, base_url=str(pdf.STATIC) + "/").write_pdf(
            stylesheets=stylesheets, font_config=fonts, counter_style=counters
        )

    bare_pages = page_count(bare())  # also the warm-up
    app_ms, bare_ms = alternate_medians_ms(
        lambda: pdf.render_report_pdf(table, draft=False), bare, runs
    )
    line = (
        f"{label:16} {len(table.rows):>10} {app_ms:>8.0f} {page_count(app_pdf):>3}p {bare_ms:>8.0f} {bare_pages:>3}p"
        f" {app_ms / bare_ms:>6.2f}×"
    )
    if browser is not None:
        page_file = workdir / "same.html"
        page_file.write_text(standalone_html(html, pdf.STATIC, pdf.STYLESHEETS), encoding="utf-8")
        output = workdir / "chromium.pdf"

        def print_to_pdf():
            subprocess.run(
                [CHROMIUM, *CHROMIUM_ARGS, f"--print-to-pdf={output}", page_file.as_uri()],
                check=True,
                capture_output=True,
                timeout=120,
            )

        cold_ms = median_ms(print_to_pdf, min(runs, 3))[0]
        page = browser.new_page()

        def warm():
            page.goto(page_file.as_uri())
            return page.pdf(prefer_css_page_size=True, print_background=True)

        warm_pages = page_count(warm())
        warm_ms = median_ms(warm, runs)[0]
        page.close()
        line += (
            f" {cold_ms:>9.0f} {page_count(output.read_bytes()):>3}p {warm_ms:>8.0f} {warm_pages:>3}p"
            f" {app_ms / warm_ms:>6.2f}×"
        )
    print(line)


@contextlib.contextmanager
def chromium():
    """A Playwright-driven Debian Chromium, or None when it is not installed."""
    if not Path(CHROMIUM).exists():
        yield None
        return
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs an event loop here
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS[1:])
        try:
            yield browser
        finally:
            browser.close()


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

    from egov_plan.accounts.models import Membership
    from reports.pdf import render as pdf
    from reports.pdf import text_layer as pdf_text_layer
    from reports.pdf.models import SignedDocument
    from reports.pdf.signing import create_development_certificate, sign_pdf
    from reports.quarters.models import QuarterlyReport
    from reports.quarters.selectors import quarter_table
    from tests.benchmarks.common import load_seed
    from tests.factories import make_plan

    create_development_certificate(
        Path(settings.SIGNING_PKCS12_PATH), settings.SIGNING_PKCS12_PASSPHRASE
    )
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        plans = [("seed report", load_seed())]
        for size in (30, 60, 120):
            plans.append(("generated plan", make_plan(indicators=size, office_name=f"দপ্তর {size}")))
        print(f"database: {connection.vendor}; {args.runs} runs each; median (min–max) in ms")
        print(
            f"{'plan':16} {'indicators':>10} {'pages':>5} {'render':>22} {'sign':>18} {'render+sign':>22}"
        )
        for label, plan in plans:
            table = quarter_table(plan_id=plan.pk, quarter=1)
            rendered = pdf.render_report_pdf(table, draft=False)  # warm up fonts and templates
            pages = len(pdf.render_document(table, draft=False).pages)
            render = median_ms(
                lambda: pdf.render_report_pdf(
                    quarter_table(plan_id=plan.pk, quarter=1), draft=False
                ),
                args.runs,
            )
            sign = median_ms(
                lambda: sign_pdf(rendered, signer_name="bench", location="bench"), args.runs
            )

            def produce():
                SignedDocument.objects.filter(report__plan=plan).delete()
                QuarterlyReport.objects.filter(plan=plan, quarter=1).update(
                    status="approved", revision=1
                )
                pdf.signed_report_pdf(report=QuarterlyReport.objects.get(plan=plan, quarter=1))

            both = median_ms(produce, args.runs)
            print(
                f"{label:16} {len(table.rows):>10} {pages:>5} {render[0]:>9.0f} ({render[1]:.0f}–{render[2]:.0f})"
                f" {sign[0]:>7.1f} ({sign[1]:.0f}–{sign[2]:.0f}) {both[0]:>9.0f} ({both[1]:.0f}–{both[2]:.0f})"
            )

        # A cached download: the stored signed PDF served through the view.
        seed = plans[0][1]
        user = get_user_model().objects.create_user("bench", password="a-long-bench-secret")
        Membership.objects.create(user=user, office=seed.office, role=Membership.OFFICER)
        client = Client()
        client.force_login(user)
        path = f"/plans/{seed.pk}/quarters/1/pdf"
        client.get(path)
        cached = median_ms(lambda: client.get(path), max(args.runs, 20))
        print(
            f"cached download of the seed's signed PDF: {cached[0]:.1f} ms ({cached[1]:.1f}–{cached[2]:.1f})"
        )

        print(
            "same HTML: render medians in ms (pages), app and WeasyPrint in alternate runs; "
            "ratio = the app's time over the other's"
        )
        heading = f"{'plan':16} {'indicators':>10} {'app':>8} {'':>4} {'WeasyPrint':>8} {'':>4} {'ratio':>7}"
        if Path(CHROMIUM).exists():
            heading += f" {'--print-to-pdf':>9} {'':>4} {'Chromium warm':>8} {'':>4} {'ratio':>7}"
        print(heading)
        with chromium() as browser:
            for label, plan in plans:
                table = quarter_table(plan_id=plan.pk, quarter=1)
                same_html(label, table, pdf, workdir, args.runs, browser)

        print(
            f"one layout pass: render medians in ms (pages, layouts), {args.runs} alternate runs each"
        )
        print(
            f"{'plan':16} {'indicators':>10} {'one pass':>9} {'':>8} {'passes':>9} {'':>8} {'ratio':>7}"
        )
        for label, plan in plans:
            table = quarter_table(plan_id=plan.pk, quarter=1)
            counts = [
                layout_count(lambda: pdf.render_document(table, draft=False)),
                layout_count(lambda: pdf.render_document_in_passes(table, draft=False)),
            ]
            once, passes = alternate_medians_ms(
                lambda: pdf.render_report_pdf(table, draft=False),
                lambda: pdf.render_document_in_passes(table, draft=False).write_pdf(),
                args.runs,
            )
            print(
                f"{label:16} {len(table.rows):>10} {once:>9.0f} {counts[0][0]:>3}p {counts[0][1]}× {passes:>9.0f}"
                f" {counts[1][0]:>3}p {counts[1][1]}× {once / passes:>6.2f}×"
            )

        print(f"text layer: render medians in ms, {args.runs * 2} alternate runs each")
        print(f"{'plan':16} {'indicators':>10} {'/ActualText':>12} {'per glyph':>10} {'cost':>7}")
        for label, plan in plans:
            table = quarter_table(plan_id=plan.pk, quarter=1)

            def per_glyph():
                with pdf_text_layer.disabled():
                    pdf.render_report_pdf(table, draft=False)

            with_layer, without = alternate_medians_ms(
                lambda: pdf.render_report_pdf(table, draft=False), per_glyph, args.runs * 2
            )
            print(
                f"{label:16} {len(table.rows):>10} {with_layer:>12.0f} {without:>10.0f}"
                f" {(with_layer / without - 1) * 100:>+6.1f}%"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
