"""Small builders shared by the tests."""

import io
import zipfile

from reports.models import Evidence, QuarterlyReport

PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>"
             b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
ELF_BYTES = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def ooxml_bytes(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


def indicator_by_code(plan, code: str):
    from egov_plan.models import Indicator

    area, activity, number = (int(x) for x in code.split("."))
    return Indicator.objects.select_related("activity__area").get(
        activity__area__plan=plan, activity__area__number=area, activity__number=activity, number=number)


def add_evidence(report: QuarterlyReport, indicator, name="proof.pdf", content=PDF_BYTES) -> Evidence:
    from django.core.files.base import ContentFile

    evidence = Evidence(report=report, indicator=indicator, original_name=name, kind="pdf",
                        size=len(content))
    evidence.file.save("upload.pdf", ContentFile(content), save=False)
    evidence.save()
    return evidence
