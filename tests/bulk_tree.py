"""A small office tree for the bulk-print tests, and the checks of a bulk-print zip."""

import io
import zipfile
from types import SimpleNamespace

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from openpyxl import load_workbook
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from egov_plan.models import Office
from egov_plan.offices import office_create
from reports.models import QuarterlyReport
from reports.scores import rescore_plan
from tests.conftest import SIGNING_PASSPHRASE
from tests.factories import make_plan


def build_tree(people, *, indicators: int = 3) -> SimpleNamespace:
    """Under the supervising office: the seed office (approved), Fulpur (approved), Tarakanda under
    Fulpur (submitted only) and Haluaghat (no plan). Kendua, in the other tree, is approved too."""
    fulpur = make_plan(indicators=indicators, office_name="ফুলপুর পৌরসভা", parent=people.supervising)
    tarakanda = make_plan(indicators=indicators, office_name="তারাকান্দা উপজেলা",
                          parent=Office.objects.get(pk=fulpur.office_id))
    haluaghat = office_create(name="হালুয়াঘাট উপজেলা", tier="upazila", code="UNO-HALUAGHAT",
                              parent=Office.objects.get(pk=people.supervising.pk))
    kendua = make_plan(indicators=indicators, office_name="কেন্দুয়া উপজেলা", parent=people.other_office)
    QuarterlyReport.objects.filter(plan__in=[fulpur, kendua], quarter=1).update(status="approved", revision=1)
    for plan in (people.plan, fulpur, tarakanda, kendua):
        rescore_plan(plan_id=plan.pk)
    QuarterlyReport.objects.filter(plan=tarakanda, quarter=1).update(status="submitted")
    return SimpleNamespace(seed=people.plan, fulpur=fulpur, tarakanda=tarakanda, haluaghat=haluaghat,
                           kendua=kendua, approved=[people.plan, fulpur])


def trust_root(signing_key):
    _, certificate, _ = pkcs12.load_key_and_certificates(signing_key.read_bytes(), SIGNING_PASSPHRASE.encode())
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def assert_signed_by_us(data: bytes, signing_key) -> None:
    """pyHanko: one signature, intact, valid, trusted, covering the whole file."""
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    status = validate_pdf_signature(reader.embedded_signatures[0],
                                    ValidationContext(trust_roots=[trust_root(signing_key)]))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def read_zip(data: bytes) -> tuple[dict[str, bytes], list[tuple]]:
    """(PDF name → bytes, the index sheet's rows without the header)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        files = {name: archive.read(name) for name in archive.namelist()}
    index = load_workbook(io.BytesIO(files.pop("index.xlsx"))).active
    rows = list(index.iter_rows(values_only=True))
    assert rows[0] == ("দপ্তর", "দপ্তর কোড", "অবস্থা", "প্রাপ্ত নম্বর", "ফাইলের নাম")
    return files, rows[1:]


def pdf_name(plan) -> str:
    return f"apa-{plan.pk}-{plan.fiscal_year.start_year}-q1-rev1.pdf"
