"""The pages' WOFF2 subsets of Noto Sans Bengali (tools/build_font_subsets.py) draw hard Bengali text
exactly as the full TrueType files do, in Debian's Chromium: conjuncts, reph, ya-phala, the vowel
signs' forms, the seed report's wording and every character of the Bengali block, in both weights,
compared pixel for pixel. A glyph the subset lacks (a character, or a conjunct reached only through
the font's substitutions) draws differently, and a subset built without one shows it."""

import importlib.util
import io
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from tests.browser.test_browser_workflow import browser, screenshots  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
ORIGIN = "http://fonts.test"
HARD = (
    "ক্ষ ক্ষেত্র লক্ষ্যমাত্রা ন্ত্র মন্ত্রণালয় স্প্র স্প্রিং র্ক কর্মপরিকল্পনা কার্যক্রম র্য্য "
    "সূর্য্য প্রত্যয়ন ব্যবস্থা জ্ঞ বিজ্ঞপ্তি ঙ্ক্ষ শ্রু হৃদয় দ্ব্য ত্ত্ব ৎ ড় ঢ় য় ং ঃ ঁ ৳ ১২৩৪৫৬৭৮৯০ । ॥ "
    "র‍্যাব ক্‌ষ ই-গভর্ন্যান্স (১.১) [২.২] ৮০% ৯০% – “উদ্ধৃতি” …"
)
SEED = (Path(settings.BASE_DIR) / "fixtures" / "seed_report_2022_23_q1.txt").read_text(
    encoding="utf-8"
)
# Every character of the block the full font maps, marks after a consonant so they are drawn as used.
MAPPED = TTFont(FONTS / "NotoSansBengali-Regular.ttf").getBestCmap()
BLOCK = " ".join(
    ("ক" + chr(c)) if 0x9BC <= c <= 0x9D7 or 0x981 <= c <= 0x983 else chr(c)
    for c in range(0x0980, 0x0A00)
    if c in MAPPED
)

PAGE = """<!doctype html><html lang="bn"><head><meta charset="utf-8"><style>
@font-face {{ font-family: Sample; src: url("/{font}"); font-weight: {weight}; }}
body {{ margin: 8px; width: 1180px; font-family: Sample, monospace; font-weight: {weight}; color: #000;
       background: #fff; -webkit-font-smoothing: antialiased; }}
p {{ margin: 0 0 6px; line-height: 1.6; white-space: pre-wrap; }}
</style></head><body>{paragraphs}</body></html>"""


def load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_font_subsets", Path(settings.BASE_DIR) / "tools" / "build_font_subsets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render(browser, font: Path, weight: int, text: str) -> bytes:  # noqa: F811
    """`text` in `font` at three sizes, a screenshot of the whole page (PNG)."""
    paragraphs = "".join(f'<p style="font-size: {size}px">{text}</p>' for size in (13.6, 16, 22))
    html = PAGE.format(font=font.name, weight=weight, paragraphs=paragraphs)
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.route(
        f"{ORIGIN}/",
        lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
    )
    page.route(
        f"{ORIGIN}/{font.name}",
        lambda route: route.fulfill(body=font.read_bytes(), content_type="font/woff2"),
    )
    page.goto(f"{ORIGIN}/")
    assert page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts].map(f => f.status))"
    ) == ["loaded"]
    shot = page.screenshot(full_page=True)
    page.close()
    return shot


def differing_pixels(first: bytes, second: bytes) -> int:
    a, b = (
        Image.open(io.BytesIO(first)).convert("RGB"),
        Image.open(io.BytesIO(second)).convert("RGB"),
    )
    if a.size != b.size:
        return a.width * a.height
    return sum(
        ImageChops.difference(a, b)
        .convert("L")
        .point(lambda value: 255 if value else 0)
        .histogram()[255:]
    )


@pytest.mark.parametrize(
    "face, weight", [("NotoSansBengali-Regular", 400), ("NotoSansBengali-Bold", 700)]
)
@pytest.mark.parametrize("sample", ["hard", "seed", "block"])
def test_the_subset_draws_every_glyph_as_the_full_font(browser, screenshots, face, weight, sample):  # noqa: F811
    text = {"hard": HARD, "seed": SEED, "block": BLOCK}[sample]
    subset = render(browser, FONTS / f"{face}.subset.woff2", weight, text)
    full = render(browser, FONTS / f"{face}.ttf", weight, text)
    (screenshots / f"{face}-{sample}-subset.png").write_bytes(subset)
    (screenshots / f"{face}-{sample}-full.png").write_bytes(full)
    assert differing_pixels(subset, full) == 0


def test_a_subset_missing_a_glyph_draws_differently(browser, tmp_path):  # noqa: F811
    """The comparison above sees a loss: without ষ (U+09B7) the subset has no ক্ষ either."""
    builder = load_builder()
    lacking = builder.build(
        "NotoSansBengali-Regular",
        [c for c in builder.UNICODES if c != 0x09B7],
        tmp_path / "NotoSansBengali-Regular.lacking.woff2",
    )
    text = "লক্ষ্যমাত্রা ক্ষেত্র"
    assert (
        differing_pixels(
            render(browser, lacking, 400, text),
            render(browser, FONTS / "NotoSansBengali-Regular.ttf", 400, text),
        )
        > 100
    )


def test_the_committed_subsets_are_what_the_script_builds(tmp_path):
    builder = load_builder()
    for face in builder.FACES:
        built = builder.build(face, target=tmp_path / f"{face}.woff2")
        assert built.read_bytes() == builder.subset_path(face).read_bytes(), (
            f"run tools/build_font_subsets.py ({face})"
        )


def test_the_pages_load_the_subsets_and_the_pdf_the_full_fonts():
    css = Path(settings.BASE_DIR) / "static" / "css"
    app = (css / "app.css").read_text()
    assert "NotoSansBengali-Regular.subset.woff2" in app and ".ttf" not in app
    assert app.count("font-display: swap") == 2
    pdf = (css / "report-pdf.css").read_text()
    assert "NotoSansBengali-Regular.ttf" in pdf and "woff2" not in pdf
