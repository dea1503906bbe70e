"""The PDF's text layer for Bengali: each drawn line of text carries its real text as /ActualText.

Why: WeasyPrint maps every glyph to the characters it was shaped from (one ToUnicode entry
per glyph). Bengali cannot be expressed that way: a pre-base vowel sign (ি, ে, ৈ) is drawn
before the consonant it follows in the text, and a conjunct (ক্ষ, ন্ত্র) is one glyph for
several characters, or several glyphs for one. Extractors and copy-paste then give back the
glyph order (কর্মপরিকল্পনা comes out as কমর্পরেকল্পনো).

What: ISO 32000-1 §14.9.4 lets a marked-content sequence say what text its glyphs stand for:

    /Span <</ActualText <FEFF…>>> BDC  BT … TJ … ET  EMC

Extractors (poppler's pdftotext, PDFium in Chromium's viewer and pypdfium2, pdf.js,
Acrobat) then take the line's text from /ActualText instead of the glyphs. Each text box
(WeasyPrint's piece of one line of one inline element) that holds Bengali (or any text
beyond Latin, digits and punctuation) is wrapped on its own, so the text of every glyph is
given exactly once and the reading order stays the glyphs' order on the page.

Where: WeasyPrint has no option for it (upstream Kozea/WeasyPrint#2841). It draws every text
box through ``weasyprint.draw.draw_text(stream, textbox, offset_x, text_overflow,
block_ellipsis)``, the name `draw_inline_level` calls in ``weasyprint/draw/__init__.py``;
``install()`` replaces that name with a wrapper that opens the span before and closes it after.
This is the one place the project reaches into WeasyPrint's drawing. It is tied to the pinned
version: ``install()`` refuses to run if the hook point is not there or has another signature,
and ``tests/pdf/test_pdf_text_layer.py`` fails when the source of the drawing functions changes
(``WEASYPRINT_DRAW_TEXT_FINGERPRINT``), so an upgrade makes someone re-read this file.

Limits: a line shortened by `text-overflow: ellipsis` or `block-ellipsis` (the report's CSS
uses neither) keeps WeasyPrint's own per-glyph text, because its drawn text is not the box's.
"""

import contextlib
import hashlib
import inspect

import pydyf
import weasyprint
import weasyprint.draw
import weasyprint.draw.text

HOOK_PARAMETERS = ("stream", "textbox", "offset_x", "text_overflow", "block_ellipsis")

# sha256 of the source of weasyprint.draw.text.draw_text + draw_first_line and of
# weasyprint.draw.draw_inline_level (WeasyPrint 70.0). See drawing_fingerprint().
WEASYPRINT_DRAW_TEXT_FINGERPRINT = (
    "1f1dc375fa3fca9e2b230b8729b2b6d91663107d5985aef0e9386b4ee6e17044"
)

_original_draw_text = None


def drawing_fingerprint() -> str:
    """A digest of the WeasyPrint code this module depends on: where and how a line is drawn."""
    sources = [
        inspect.getsource(function)
        for function in (
            weasyprint.draw.text.draw_text,
            weasyprint.draw.text.draw_first_line,
            weasyprint.draw.draw_inline_level,
        )
    ]
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()


def needs_actual_text(text: str) -> bool:
    """Whether the glyphs of `text` may not map one-to-one, in order, to its characters.

    Latin text, Bengali digits and punctuation are drawn one glyph per character (or as a
    ligature WeasyPrint's ToUnicode already maps); a line of only those keeps WeasyPrint's
    own text. That also keeps PDFium from reading a line of only dashes (the form's `-----`
    blank target) as a word hyphenated across lines, which it does for /ActualText text.
    """
    return any(not (ord(c) < 0x250 or "০" <= c <= "৯" or 0x2000 <= ord(c) < 0x2070) for c in text)


def actual_text(textbox) -> str | None:
    """The text the box's glyphs stand for, or None when WeasyPrint's own text layer is right."""
    text = textbox.text
    if textbox.style["visibility"] != "visible" or not text.strip() or not needs_actual_text(text):
        return None
    return text


def draw_text_with_actual_text(stream, textbox, offset_x, text_overflow, block_ellipsis="none"):
    """WeasyPrint's draw_text, inside a /Span marked-content sequence carrying /ActualText."""
    text = actual_text(textbox)
    if text is None or text_overflow == "ellipsis" or block_ellipsis != "none":
        return _original_draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
    try:
        return _original_draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)
    finally:
        stream.end_marked_content()


def install() -> None:
    """Make WeasyPrint draw every text box with /ActualText. Idempotent; raises if the hook moved."""
    global _original_draw_text
    current = getattr(weasyprint.draw, "draw_text", None)
    if current is draw_text_with_actual_text:
        return
    if current is not weasyprint.draw.text.draw_text:
        raise RuntimeError(
            f"WeasyPrint {weasyprint.__version__}: weasyprint.draw no longer draws text boxes through "
            "weasyprint.draw.text.draw_text; reports/pdf/text_layer.py must be adapted"
        )
    parameters = tuple(inspect.signature(current).parameters)
    if parameters != HOOK_PARAMETERS:
        raise RuntimeError(
            f"WeasyPrint {weasyprint.__version__}: draw_text{parameters} is not draw_text{HOOK_PARAMETERS}; "
            "reports/pdf/text_layer.py must be adapted"
        )
    _original_draw_text = current
    weasyprint.draw.draw_text = draw_text_with_actual_text


@contextlib.contextmanager
def disabled():
    """WeasyPrint's own per-glyph text layer for a while (the PDF benchmark compares the two)."""
    install()
    weasyprint.draw.draw_text = _original_draw_text
    try:
        yield
    finally:
        weasyprint.draw.draw_text = draw_text_with_actual_text
