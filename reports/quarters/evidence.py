"""What an uploaded evidence file really is, read from its content (never its name).

The first bytes name a candidate type; the file is then opened as that type:
a PDF must parse (pyHanko's strict reader), an image must decode (Pillow), an
Office file must be a sound Open XML package whose unpacked size stays within
`settings.EVIDENCE_MAX_UNPACKED_BYTES` (a small zip can inflate to gigabytes).

A PDF that parses is then looked through (every object, with qpdf's reader, pikepdf) for what
evidence never needs and a reader's viewer would run or unpack: JavaScript (actions, name trees,
XFA forms), launch actions, embedded or attached files; and it must end at its last `%%EOF`
(an HTML page appended after it makes a file that is both). Those raise UnsafePdf with the reason.
"""

import io
import warnings
import xml.etree.ElementTree as ElementTree
import zipfile
from typing import BinaryIO

import pikepdf
from django.conf import settings
from PIL import Image
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
ZIP_MAGIC = b"PK\x03\x04"
# An Office Open XML package names its main part in [Content_Types].xml; these are the parts.
OOXML_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"))
IMAGE_FORMATS = {"jpeg": "JPEG", "png": "PNG"}
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo; more is a decompression bomb, not evidence


class TooLargeUnpacked(Exception):
    """An Office package that would unpack beyond the limit."""


class UnsafePdf(Exception):
    """A well-formed PDF that carries something active; `reason` is one of the REASONS."""

    JAVASCRIPT, LAUNCH, EMBEDDED_FILE, AFTER_END, ENCRYPTED = (
        "javascript",
        "launch",
        "embedded_file",
        "after_end",
        "encrypted",
    )

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


PDF_END_PADDING = b" \t\r\n\x00\x0c"  # what may follow the last %%EOF
JAVASCRIPT_KEYS = (
    "/JS",
    "/JavaScript",
    "/XFA",
)  # an action's script, the document's script tree, an XFA form
EMBEDDED_KEYS = (
    "/EmbeddedFiles",
    "/EF",
    "/RichMedia",
)  # the attachments tree, a file specification's file


def is_well_formed_pdf(stream: BinaryIO) -> bool:
    """Whether the file parses as a PDF with a document catalogue and a page tree."""
    stream.seek(0)
    try:
        reader = PdfFileReader(stream, strict=True)
        return "/Count" in reader.root["/Pages"]
    except (PdfError, KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError):
        return False
    finally:
        stream.seek(0)


def _hazard(item: pikepdf.Object) -> str | None:
    if isinstance(item, pikepdf.Dictionary) or isinstance(item, pikepdf.Stream):
        keys = set(item.keys())
        action = item.get("/S")
        if keys.intersection(JAVASCRIPT_KEYS) or action == pikepdf.Name.JavaScript:
            return UnsafePdf.JAVASCRIPT
        if action == pikepdf.Name.Launch:
            return UnsafePdf.LAUNCH
        if (
            keys.intersection(EMBEDDED_KEYS)
            or item.get("/Type") == pikepdf.Name.EmbeddedFile
            or item.get("/Subtype") in (pikepdf.Name.FileAttachment, pikepdf.Name.RichMedia)
        ):
            return UnsafePdf.EMBEDDED_FILE
        children = (item.get(key) for key in keys)
    elif isinstance(item, pikepdf.Array):
        children = iter(item)
    else:
        return None
    for child in children:  # direct objects only: every indirect one is visited on its own
        if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect:
            if reason := _hazard(child):
                return reason
    return None


def check_pdf_content(stream: BinaryIO) -> bool:
    """Raise UnsafePdf if the (well-formed) PDF carries JavaScript, a launch action, an embedded
    file or anything after its end, or cannot be opened without a password; False if qpdf cannot
    read it at all (broken), True if it is fit to keep."""
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + len(b"%%EOF") :].strip(PDF_END_PADDING):
        raise UnsafePdf(UnsafePdf.AFTER_END)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for item in pdf.objects:
                if reason := _hazard(item):
                    raise UnsafePdf(reason)
    except pikepdf.PasswordError:
        raise UnsafePdf(UnsafePdf.ENCRYPTED) from None
    except (pikepdf.PdfError, RecursionError, ValueError):
        return False
    return True


def _decodes_as(stream: BinaryIO, kind: str) -> bool:
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                if (
                    image.format != IMAGE_FORMATS[kind]
                    or image.width * image.height > MAX_IMAGE_PIXELS
                ):
                    return False
                image.load()
        return True
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        return False
    finally:
        stream.seek(0)


def _office_kind(stream: BinaryIO) -> str | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if sum(entry.file_size for entry in entries) > settings.EVIDENCE_MAX_UNPACKED_BYTES:
                raise TooLargeUnpacked
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names:
                return None
            ElementTree.fromstring(archive.read("[Content_Types].xml"))
            if archive.testzip() is not None:  # every member inflates to its declared size and CRC
                return None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        ElementTree.ParseError,
    ):
        return None
    finally:
        stream.seek(0)
    return next((kind for part, kind in OOXML_PARTS if part in names), None)


def sniff(stream: BinaryIO) -> str | None:
    """'pdf', 'jpeg', 'png', 'docx', 'xlsx', or None for anything else (or anything broken).

    Raises TooLargeUnpacked for an Office package that inflates beyond the limit, UnsafePdf for a
    PDF with active content (check_pdf_content).
    """
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            if kind == "pdf":
                return kind if is_well_formed_pdf(stream) and check_pdf_content(stream) else None
            return kind if _decodes_as(stream, kind) else None
    if head.startswith(ZIP_MAGIC):
        return _office_kind(stream)
    return None
