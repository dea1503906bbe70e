"""The PDF's text layer: every Bengali word of the report extracts exactly, once, with two extractors.

The words expected are computed from the table's own data (office, title, header, every cell,
signatories); the extractors are poppler's pdftotext and PDFium (pypdfium2, the engine of
Chromium's PDF viewer), which read the text independently of each other.
"""

import collections
import io
import re
import unicodedata

import pytest
import weasyprint
import weasyprint.draw
from pyhanko.pdf_utils.reader import PdfFileReader
from weasyprint.text.fonts import FontConfiguration

from reports.pdf import render as report_pdf_module
from reports.pdf import text_layer as pdf_text_layer
from reports.quarters.selectors import quarter_table
from tests.factories import lengthen_titles, make_plan
from tests.pdf_text import expected_words, pdfium_text, pdftotext, words

pytestmark = pytest.mark.django_db


def drawn_text(document) -> str:
    """The text of every text box WeasyPrint drew, page by page (what the glyphs show)."""
    return "\n".join(
        getattr(box, "text", "")
        for page in document.pages
        for box in page._page_box.descendants(placeholders=True)
    )


def assert_text_layer(table, document, data: bytes, tmp_path):
    expected = expected_words(table)
    drawn = collections.Counter(words(drawn_text(document)))
    assert expected <= set(drawn)  # the computation of what is expected is itself sound
    for name, text in (("pdftotext", pdftotext(data, tmp_path)), ("pypdfium2", pdfium_text(data))):
        extracted = collections.Counter(words(text))
        missing = sorted(expected - set(extracted))
        assert not missing, (
            f"{name} recovers {len(expected) - len(missing)} of {len(expected)}: {missing[:10]}"
        )
        # Each word once: exactly as often as it is drawn, nothing doubled, nothing extra.
        assert extracted == drawn, f"{name}: {(extracted - drawn) or (drawn - extracted)}"
        # Digits and dates exactly as printed.
        for row in table.rows:
            for value in (*row.targets, row.achievement):
                assert value in text, (name, value)


def test_every_bengali_word_of_the_signed_seed_report_extracts_exactly(
    officer_client, people, tmp_path
):
    data = officer_client.get(f"/plans/{people.plan.pk}/quarters/1/pdf").content
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures  # the signed, stored document
    table = quarter_table(plan_id=people.plan.pk, quarter=1)
    stamp = report_pdf_module.approval_stamp(table, revision=1)
    document = report_pdf_module.render_document(table, draft=False, stamp=stamp)  # as signed
    assert "কর্মপরিকল্পনা" in words(pdftotext(data, tmp_path))  # the word the issue was about
    assert_text_layer(table, document, data, tmp_path)


@pytest.mark.parametrize("indicators", [12, 60, 120])
def test_every_bengali_word_of_a_generated_draft_extracts_exactly(indicators, people, tmp_path):
    plan = lengthen_titles(
        make_plan(
            indicators=indicators, office_name=people.office.name, title="দীর্ঘ পরীক্ষামূলক কর্মপরিকল্পনা"
        )
    )
    table = quarter_table(plan_id=plan.pk, quarter=1)
    document = report_pdf_module.render_document(table, draft=True)
    assert_text_layer(table, document, document.write_pdf(), tmp_path)


def test_the_pdf_says_its_language_and_title(officer_client, people):
    data = officer_client.get(f"/plans/{people.plan.pk}/quarters/2/pdf").content  # a draft
    reader = PdfFileReader(io.BytesIO(data))
    assert reader.root["/Lang"] == "bn"
    title = reader.trailer_view["/Info"]["/Title"]
    assert people.plan.office.name in title and "ত্রৈমাসিক প্রতিবেদন" in title
    assert unicodedata.is_normalized("NFC", title)


def content_streams(data: bytes) -> list[bytes]:
    reader = PdfFileReader(io.BytesIO(data))
    streams = []
    for page in reader.root["/Pages"]["/Kids"]:
        contents = page.get_object()["/Contents"]
        for stream in contents if isinstance(contents, list) else [contents]:
            streams.append(stream.get_object().data)
    return streams


def test_each_drawn_bengali_line_is_one_actualtext_span_around_its_glyphs():
    fonts = FontConfiguration()
    css = weasyprint.CSS(
        string='@font-face { font-family: B; src: url("fonts/NotoSansBengali-Regular.ttf") }'
        "body { font-family: B; width: 60mm }",
        base_url=str(report_pdf_module.STATIC) + "/",
        font_config=fonts,
    )
    html = '<html lang="bn"><body><p>কর্মপরিকল্পনা <b>প্রণয়ন</b></p><p>----- 2022</p></body></html>'
    data = weasyprint.HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts)
    stream = b"\n".join(content_streams(data))
    span = rb"/Span\s*<<\s*/ActualText\s*<([0-9a-fA-F]+)>\s*>>\s*BDC(.*?)EMC"
    spans = re.findall(span, stream, re.S)
    texts = [
        bytes.fromhex(hexa.decode()).decode("utf-16-be") for hexa, _ in spans
    ]  # BOM + UTF-16BE
    assert texts == ["\ufeffকর্মপরিকল্পনা ", "\ufeffপ্রণয়ন"]
    assert all(re.fullmatch(rb"\s*(.*\s)?BT\s.*\sET\s*", body, re.S) for _, body in spans)
    # Outside the spans: one text object, the Latin line, which keeps WeasyPrint's own mapping.
    outside = re.sub(span, b"", stream, flags=re.S)
    assert len(re.findall(rb"\bBT\b", outside)) == 1 and len(re.findall(rb"\bBT\b", stream)) == 3
    assert "----- 2022" in pdfium_text(data)


def test_the_hook_is_where_weasyprint_70_draws_a_line_of_text():
    # Fails on purpose when a WeasyPrint upgrade changes how or where it draws a line of text:
    # then re-read reports/pdf/text_layer.py against the new code, rerun this file, and record
    # the new fingerprint.
    assert weasyprint.draw.draw_text is pdf_text_layer.draw_text_with_actual_text, (
        "the hook is not installed"
    )
    assert (
        pdf_text_layer.drawing_fingerprint() == pdf_text_layer.WEASYPRINT_DRAW_TEXT_FINGERPRINT
    ), f"WeasyPrint {weasyprint.__version__} changed the code that draws a line of text"
    pdf_text_layer.install()  # idempotent
    assert weasyprint.draw.draw_text is pdf_text_layer.draw_text_with_actual_text


def test_installing_refuses_a_weasyprint_that_draws_text_elsewhere(monkeypatch):
    monkeypatch.setattr(
        weasyprint.draw, "draw_text", lambda *args: None
    )  # as if the hook had moved
    with pytest.raises(RuntimeError, match="reports/pdf/text_layer.py must be adapted"):
        pdf_text_layer.install()

    def draw_text(stream, textbox, offset_x, text_overflow):  # as if its signature had changed
        pass

    monkeypatch.setattr(weasyprint.draw, "draw_text", draw_text)
    monkeypatch.setattr(weasyprint.draw.text, "draw_text", draw_text)
    with pytest.raises(RuntimeError, match="must be adapted"):
        pdf_text_layer.install()
