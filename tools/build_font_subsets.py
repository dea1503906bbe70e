"""Build the web pages' fonts: WOFF2 subsets of Noto Sans Bengali (static/fonts/*.ttf → *.subset.woff2).

Run from the project's root after changing the fonts or the characters below, and commit the output:

    .venv/bin/python tools/build_font_subsets.py

Needs fontTools and Brotli (fontTools comes with WeasyPrint, Brotli is pinned in requirements.txt for
WhiteNoise's .br files; both are in the virtualenv). The pages (static/css/app.css) load the subsets;
the PDF (static/css/report-pdf.css, WeasyPrint) keeps the full TrueType files, which it subsets itself.

What is kept:
- every code point of the Bengali block (U+0980–U+09FF) the font maps, and every glyph the font's
  OpenType layout (GSUB) reaches from them: the conjuncts, reph, ya-phala, the vowel signs' forms.
  All layout features are kept (`--layout-features='*'`) so the shaper builds the same clusters;
- Latin basic (U+0020–U+007E: the font has its digits and punctuation; Latin letters come from the
  system face, as before), the no-break and soft hyphen, × and ÷, the dashes, quotes, ellipsis and
  minus the app writes, the dari and double dari (U+0964–U+0965), ZWSP/ZWNJ/ZWJ (U+200B–U+200D),
  and the dotted circle (U+25CC) the shaper draws under a stray mark. (৳ U+09F3 is in the block.)
- no hinting instructions: the subsets are 41 KB instead of 65 KB each. Phones (Android) and
  Chromium on Linux do not run TrueType instructions (FreeType's light autohinter); Windows'
  DirectWrite and macOS render unhinted Noto at reading sizes without visible loss.

tests/browser/test_browser_font_subset.py renders hard Bengali text with a subset and with its full TTF in
Chromium and requires the same pixels.
"""

from pathlib import Path

from fontTools import subset

FONTS = Path(__file__).resolve().parents[1] / "static" / "fonts"
FACES = ("NotoSansBengali-Regular", "NotoSansBengali-Bold")
UNICODES = [
    *range(0x0980, 0x0A00),  # Bengali
    *range(0x0020, 0x007F),  # Latin basic
    0x00A0,
    0x00AD,
    0x00D7,
    0x00F7,
    0x0964,
    0x0965,  # dari, double dari
    0x200B,
    0x200C,
    0x200D,  # zero width space, non-joiner, joiner
    0x2010,
    0x2013,
    0x2014,
    0x2018,
    0x2019,
    0x201C,
    0x201D,
    0x2026,
    0x2212,
    0x25CC,  # dotted circle
]


def subset_path(face: str) -> Path:
    return FONTS / f"{face}.subset.woff2"


def build(face: str, unicodes=UNICODES, target: Path | None = None) -> Path:
    """static/fonts/<face>.ttf subset to `unicodes` (and every glyph its layout reaches), as WOFF2."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]  # keep the copyright, licence and version records (OFL)
    options.notdef_outline = True
    font = subset.load_font(str(FONTS / f"{face}.ttf"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    target = target or subset_path(face)
    subset.save_font(font, str(target), options)
    return target


def main() -> None:
    for face in FACES:
        target = build(face)
        print(
            f"{target.relative_to(FONTS.parents[1])}: {target.stat().st_size / 1024:.1f} KB "
            f"(from {(FONTS / f'{face}.ttf').stat().st_size / 1024:.1f} KB)"
        )


if __name__ == "__main__":
    main()
