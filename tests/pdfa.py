"""What PDF/A-3b asks of a file, checked with pikepdf (veraPDF cannot be installed here; README,
"PDF/A", lists what is and is not checked so that an operator can run veraPDF elsewhere)."""

import io
import re

import pikepdf

# Colour operators of a content stream; k/K (DeviceCMYK) have no place under an sRGB output intent.
CMYK_OPERATORS = re.compile(rb"(?:^|\s)[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[kK](?=\s)")
EXTERNAL_ACTIONS = {
    "/Launch",
    "/GoToR",
    "/GoToE",
    "/ImportData",
    "/JavaScript",
    "/SubmitForm",
    "/ResetForm",
    "/Sound",
    "/Movie",
    "/Rendition",
}
DEVICE_INDEPENDENT = {"/ICCBased", "/CalRGB", "/CalGray", "/Lab"}


def _colour_space_family(space) -> str:
    return str(space[0]) if isinstance(space, pikepdf.Array) else str(space)


def _objects(pdf):
    for obj in pdf.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            yield obj


def assert_pdfa_3b(data: bytes, *, title_contains: str, language: str = "bn") -> pikepdf.Pdf:
    """The checks the README lists, on the file as it is now (its last revision)."""
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    # XMP metadata: PDF/A-3, conformance B, and the document's title; the language in /Lang.
    metadata = pdf.open_metadata()
    assert metadata.get("pdfaid:part") == "3" and metadata.get("pdfaid:conformance") == "B"
    assert title_contains in (metadata.get("dc:title") or "")
    assert str(root.Lang) == language
    assert root.Metadata.get("/Subtype") == "/XML"
    # An sRGB output intent with its ICC profile (three components).
    intents = [intent for intent in root.OutputIntents if intent.S == "/GTS_PDFA1"]
    assert len(intents) == 1
    assert int(intents[0].DestOutputProfile.N) == 3 and "sRGB" in str(
        intents[0].OutputConditionIdentifier
    )
    # No encryption, no JavaScript, no actions reaching outside the file, no external streams.
    assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer
    assert (
        "/JavaScript" not in root.get("/Names", {})
        and "/AA" not in root
        and "/OpenAction" not in root
    )
    for obj in _objects(pdf):
        assert obj.get("/S") not in EXTERNAL_ACTIONS, obj.get("/S")
        assert "/JS" not in obj and "/AA" not in obj
        if isinstance(obj, pikepdf.Stream):
            assert (
                "/F" not in obj.stream_dict and "/FFilter" not in obj.stream_dict
            )  # external file data
        if obj.get("/Subtype") == "/Form" and "/Ref" in obj:
            raise AssertionError("a reference XObject (external page)")
    # Every font embedded (a Type0 font through its descendant's descriptor).
    fonts = [obj for obj in _objects(pdf) if obj.get("/Type") == "/Font"]
    assert fonts
    for font in fonts:
        if font.get("/Subtype") == "/Type3":
            continue  # glyphs drawn by the file itself
        described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = described.get("/FontDescriptor")
        assert descriptor is not None and any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        ), font.get("/BaseFont")
    # Colour: images in a device-independent space (or gray/RGB covered by the sRGB intent), no CMYK.
    for obj in _objects(pdf):
        if obj.get("/Subtype") == "/Image":
            family = _colour_space_family(obj.get("/ColorSpace", "/DeviceGray"))
            assert family in DEVICE_INDEPENDENT | {"/DeviceRGB", "/DeviceGray", "/Indexed"}, family
    for page in pdf.pages:
        for space in page.Resources.get("/ColorSpace", {}).values():
            assert _colour_space_family(space) in DEVICE_INDEPENDENT
        content = b"".join(
            stream.read_bytes()
            for stream in (
                [page.Contents] if isinstance(page.Contents, pikepdf.Stream) else page.Contents
            )
        )
        assert not CMYK_OPERATORS.search(content) and b"/DeviceCMYK" not in content
    return pdf
