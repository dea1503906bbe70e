"""PAdES signatures with pyHanko: the signer from a PKCS#12 file, signing, and verification."""

import datetime
import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports.models import SigningCertificate

SIGNATURE_REASON = "ত্রৈমাসিক প্রতিবেদন অনুমোদন"
SIGNATURE_FIELD = "ApprovalSignature"
DEVELOPMENT_SUBJECT = "APA reporting DEVELOPMENT signer (not for production)"


class SigningNotConfigured(Exception):
    pass


def create_development_certificate(path: Path, passphrase: str, *, days: int = 3650,
                                   common_name: str = DEVELOPMENT_SUBJECT) -> None:
    """A self-signed certificate whose subject says it is for development only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = crypto_x509.Name([
        crypto_x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        crypto_x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Development only - not for production use"),
        crypto_x509.NameAttribute(NameOID.ORGANIZATION_NAME, "APA e-governance reporting"),
        crypto_x509.NameAttribute(NameOID.COUNTRY_NAME, "BD"),
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        crypto_x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(crypto_x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(crypto_x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(crypto_x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_cert_sign=True, crl_sign=True,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(crypto_x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"apa-signer", key, certificate, None,
        serialization.BestAvailableEncryption(passphrase.encode()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o600)


@functools.lru_cache(maxsize=4)
def _load_signer(path: str, mtime: float, passphrase: str) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase.encode())
    if signer is None:
        raise SigningNotConfigured(f"cannot read the signing key at {path}")
    return signer


def signer() -> signers.SimpleSigner:
    path = Path(settings.SIGNING_PKCS12_PATH)
    if not path.is_file():
        raise SigningNotConfigured(f"no signing key at {path}: run `manage.py create_signing_certificate`")
    return _load_signer(str(path), path.stat().st_mtime, settings.SIGNING_PKCS12_PASSPHRASE)


def sign_pdf(pdf: bytes, *, signer_name: str, location: str, reason: str = SIGNATURE_REASON) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, reason=reason, name=signer_name, location=location,
        md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
    )
    current = signer()
    signed = signers.sign_pdf(writer, meta, signer=current).getvalue()
    record_certificate(current.signing_cert)
    return signed


def fingerprint(certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


def record_certificate(certificate) -> SigningCertificate:
    """Keep the public certificate that signed, so that its PDFs verify after the key changes."""
    record, _ = SigningCertificate.objects.get_or_create(fingerprint=fingerprint(certificate), defaults={
        "subject": certificate.subject.human_friendly[:500], "der": certificate.dump(),
        "not_before": certificate.not_valid_before, "not_after": certificate.not_valid_after})
    return record


def _extra_roots() -> list:
    return [load_cert_from_pemder(settings.SIGNING_TRUST_ROOTS)] if settings.SIGNING_TRUST_ROOTS else []


def trust_roots() -> list:
    """The current signing certificate (and its chain), plus any configured extra roots."""
    roots = []
    try:
        current = signer()
        roots.append(current.signing_cert)
        roots.extend(current.cert_registry)
    except SigningNotConfigured:
        pass
    return roots + _extra_roots()


def _validation_context(signature) -> ValidationContext:
    """Trust the certificate that signed, if it ever signed here, at the time it signed."""
    known = SigningCertificate.objects.filter(fingerprint=fingerprint(signature.signer_cert)).first()
    if known is None:
        return ValidationContext(trust_roots=trust_roots())
    signed_at = signature.self_reported_timestamp
    return ValidationContext(trust_roots=[asn1_x509.Certificate.load(bytes(known.der))] + _extra_roots(),
                             moment=signed_at if signed_at and signed_at.tzinfo else None)


@dataclass
class SignatureCheck:
    readable: bool
    signed: bool = False
    intact: bool = False       # the signed bytes are unchanged
    valid: bool = False        # the cryptographic signature checks out
    trusted: bool = False      # the certificate chains to a trust root
    whole_file: bool = False   # nothing was added after signing
    signer_name: str = ""
    certificate_subject: str = ""
    signed_at: datetime.datetime | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.whole_file


def check_signature(data: bytes) -> SignatureCheck:
    """Read a PDF's signature and validate it against our trust roots; never raises on bad input."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # pyHanko raises a variety of errors on malformed input
        return SignatureCheck(readable=False)
    if not embedded:
        return SignatureCheck(readable=True)
    signature = embedded[0]
    try:
        status = validate_pdf_signature(signature, _validation_context(signature))
    except Exception:
        return SignatureCheck(readable=True, signed=True)
    sig_object = signature.sig_object
    return SignatureCheck(
        readable=True, signed=True, intact=bool(status.intact), valid=bool(status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(embedded) == 1,
        signer_name=str(sig_object.get("/Name", "")),
        certificate_subject=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
        reason=str(sig_object.get("/Reason", "")),
    )
