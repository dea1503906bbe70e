"""Checking a signed PDF with pyHanko against the test signing certificate."""

import io

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from tests.conftest import SIGNING_PASSPHRASE


def trusted_certificate(signing_key):
    """The test certificate, as pyHanko's validator wants it, to use as the trust root."""
    _, certificate, _ = pkcs12.load_key_and_certificates(
        signing_key.read_bytes(), SIGNING_PASSPHRASE.encode()
    )
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def assert_signed_by_us(data: bytes, signing_key):
    """pyHanko: one signature, intact, valid, trusted, covering the whole file; returns it (its
    /Reason, /Name … are the caller's to check)."""
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    signature = reader.embedded_signatures[0]
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[trusted_certificate(signing_key)])
    )
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return signature
