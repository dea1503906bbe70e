"""What an uploaded evidence file really is, read from its content (never its name).

The first bytes name a candidate type; the file is then opened as that type:
a PDF must parse (pyHanko's strict reader), an image must decode (Pillow), an
Office file must be a sound Open XML package whose unpacked size stays within
`settings.EVIDENCE_MAX_UNPACKED_BYTES` (a small zip can inflate to gigabytes).
"""

import warnings
import xml.etree.ElementTree as ElementTree
import zipfile
from typing import BinaryIO

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


def _decodes_as(stream: BinaryIO, kind: str) -> bool:
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                if image.format != IMAGE_FORMATS[kind] or image.width * image.height > MAX_IMAGE_PIXELS:
                    return False
                image.load()
        return True
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning, Image.DecompressionBombError):
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
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, ElementTree.ParseError):
        return None
    finally:
        stream.seek(0)
    return next((kind for part, kind in OOXML_PARTS if part in names), None)


def sniff(stream: BinaryIO) -> str | None:
    """'pdf', 'jpeg', 'png', 'docx', 'xlsx', or None for anything else (or anything broken).

    Raises TooLargeUnpacked for an Office package that inflates beyond the limit.
    """
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            if kind == "pdf":
                return kind if is_well_formed_pdf(stream) else None
            return kind if _decodes_as(stream, kind) else None
    if head.startswith(ZIP_MAGIC):
        return _office_kind(stream)
    return None
