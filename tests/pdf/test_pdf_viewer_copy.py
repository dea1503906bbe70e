"""Copying from the signed PDF in Chromium's own PDF viewer gives the Bengali text as printed.

Debian's Chromium opens the PDF in its viewer (PDFium) at 100 % without the toolbar; the test
double-clicks a one-word cell, triple-clicks a line, selects all, and copies each time with
Ctrl+C, reading the real clipboard (again while the viewer is still loading its text). A mouse
drag sent through the DevTools protocol selects only one character in the viewer, so a
multi-word cell is checked within the copied line.
"""

import functools
import http.server
import io
import os
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from reports.pdf import render as report_pdf_module
from reports.quarters.selectors import quarter_table
from tests.pdf_text import expected_words, words

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright turns extensions off by default; the PDF viewer is one.
PLAYWRIGHT_ARGS_THAT_HIDE_THE_VIEWER = [
    "--disable-extensions",
    "--disable-component-extensions-with-background-pages",
]
VIEWPORT = {"width": 1400, "height": 900}

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def viewer(tmp_path, officer_client, people):
    """(page, layout): the signed seed PDF open in Chromium's viewer, and the laid-out document."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    (tmp_path / "seed.pdf").write_bytes(
        officer_client.get(f"/plans/{people.plan.pk}/quarters/1/pdf").content
    )
    table = quarter_table(plan_id=people.plan.pk, quarter=1)
    document = report_pdf_module.render_document(
        table, draft=False, stamp=report_pdf_module.approval_stamp(table, revision=1)
    )
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs an event loop here
    )
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                ignore_default_args=PLAYWRIGHT_ARGS_THAT_HIDE_THE_VIEWER,
            )
            context = browser.new_context(viewport=VIEWPORT)
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/seed.pdf#toolbar=0&zoom=100")
            wait_for_the_page(page)
            yield page, table, document
            browser.close()
    finally:
        server.shutdown()


def page_origin(page) -> tuple[int, int] | None:
    """Top-left corner of the white PDF page on the viewer's grey background, in CSS pixels."""
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    middle = shot.width // 2
    top = next(
        (y for y in range(shot.height) if shot.getpixel((middle, y)) == (255, 255, 255)), None
    )
    if top is None:
        return None
    row = top + 20
    left = next(x for x in range(shot.width) if shot.getpixel((x, row)) == (255, 255, 255))
    return left, top


def wait_for_the_page(page, seconds=20):
    deadline = time.monotonic() + seconds
    while page_origin(page) is None:
        assert time.monotonic() < deadline, "Chromium's PDF viewer showed no page"
        time.sleep(0.2)
    time.sleep(0.5)  # the text layer is ready shortly after the first paint


def copy(page, select, done, seconds=20) -> str:
    """Select (a callable), Ctrl+C, read the clipboard; again while `done(text)` is false, as the
    viewer's text layer may still be loading, until `seconds` have passed. The last text."""
    deadline = time.monotonic() + seconds
    while True:
        select()
        page.keyboard.press("Control+c")
        time.sleep(0.3)
        text = page.evaluate("navigator.clipboard.readText()")
        if done(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.5)


def text_box(document, text: str):
    """The first drawn text box (one line of one cell) whose text is `text`."""
    return next(
        box
        for box in document.pages[0]._page_box.descendants()
        if getattr(box, "text", "").strip() == text
    )


def centre(page, box) -> tuple[float, float]:
    # At 100 % one CSS pixel of the page is one CSS pixel of the viewer.
    left, top = page_origin(page)
    return left + box.position_x + box.width / 2, top + box.position_y + box.height / 2


def test_double_clicking_a_one_word_cell_copies_its_word(viewer):
    page, table, document = viewer
    # তারিখ: a pre-base vowel sign (ি is drawn before র), the case the glyph map got wrong.
    unit = next(row.unit_label for row in table.rows if "ি" in row.unit_label)
    where = centre(page, text_box(document, unit))
    assert copy(page, lambda: page.mouse.dblclick(*where), lambda text: text == unit) == unit


def test_triple_clicking_copies_the_whole_line_with_a_cell_exactly(viewer):
    page, table, document = viewer
    row = next(
        row
        for row in table.rows
        if len(row.activity.title.split()) >= 3
        and f"[{row.activity.code}] {row.activity.title}"
        in (getattr(b, "text", "") for b in document.pages[0]._page_box.descendants())
    )
    cell = f"[{row.activity.code}] {row.activity.title}"  # a cell on one line
    where = centre(page, text_box(document, cell))
    assert cell in copy(
        page, lambda: page.mouse.click(*where, click_count=3), lambda text: cell in text
    )


def test_copying_the_whole_page_gives_every_word_of_the_report(viewer):
    page, table, _ = viewer
    expected = expected_words(table)

    def select_all():
        page.mouse.click(5, VIEWPORT["height"] - 5)  # focus the viewer
        page.keyboard.press("Control+a")

    copied = copy(page, select_all, lambda text: expected <= set(words(text)))
    missing = sorted(expected - set(words(copied)))
    assert not missing, (
        f"{len(missing)} of {len(expected)} missing from {len(copied)} characters: {missing[:10]}"
    )
