"""What an uploaded evidence file really is, read from its content (never its name)."""

import zipfile
from typing import BinaryIO

MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
ZIP_MAGIC = b"PK\x03\x04"
# An Office Open XML package names its main part in [Content_Types].xml; these are the parts.
OOXML_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"))


def sniff(stream: BinaryIO) -> str | None:
    """'pdf', 'jpeg', 'png', 'docx', 'xlsx', or None for anything else."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names:
            for part, kind in OOXML_PARTS:
                if part in names:
                    return kind
    return None
