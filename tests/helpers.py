"""Small builders shared by the tests."""

import io
import zipfile

from PIL import Image
from pyhanko.pdf_utils.writer import PdfFileWriter

from reports.quarters.models import Evidence, QuarterlyReport


def _pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    PdfFileWriter().write(buffer)  # a well-formed PDF with an empty page tree
    return buffer.getvalue()


def image_bytes(image_format: str, size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 128, 0)).save(buffer, image_format)
    return buffer.getvalue()


PDF_BYTES = _pdf_bytes()
PNG_BYTES = image_bytes("PNG")
JPEG_BYTES = image_bytes("JPEG")
ELF_BYTES = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def ooxml_bytes(main_part: str, content_types: str = "<Types/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


def indicator_by_code(plan, code: str):
    from egov_plan.plans.models import Indicator

    area, activity, number = (int(x) for x in code.split("."))
    return Indicator.objects.select_related("activity__area").get(
        activity__area__plan=plan,
        activity__area__number=area,
        activity__number=activity,
        number=number,
    )


def add_evidence(
    report: QuarterlyReport, indicator, name="proof.pdf", content=PDF_BYTES
) -> Evidence:
    from django.core.files.base import ContentFile

    evidence = Evidence(
        report=report, indicator=indicator, original_name=name, kind="pdf", size=len(content)
    )
    evidence.file.save("upload.pdf", ContentFile(content), save=False)
    evidence.save()
    return evidence


def stored_bytes(name: str) -> bytes:
    """The media file `name`, read through the storage (whichever MEDIA_STORAGE is)."""
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        return handle.read()
