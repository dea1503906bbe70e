"""PAdES signatures with pyHanko: the signer from a PKCS#12 file, signing, and verification.

Levels (ETSI EN 319 142): without a time-stamping authority (no `TSA_URL`) a signature is
B-B, its time the signer's clock. With one, signing makes B-LTA in one pass: the signature's
RFC 3161 timestamp (B-T), the signer's and the TSA's chains with their OCSP answers or CRLs in
the document security store (B-LT), then a document timestamp over it all (B-LTA). Such a
signature is verified as of the moment its timestamp proves, with the validation data it
carries, so it stays valid after the signer's certificate expires or is revoked later;
`renew_archive_timestamp` adds a fresh document timestamp before the newest one's certificate
expires. Nothing is signed without its timestamp when a TSA is configured: a TSA, OCSP
responder or CRL that does not answer raises TimestampUnavailable (the task retries).
"""

import asyncio
import datetime
import functools
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.keys import load_certs_from_pemder, load_certs_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from reports.pdf.models import SigningCertificate

log = logging.getLogger(__name__)

SIGNATURE_REASON = "ত্রৈমাসিক প্রতিবেদন অনুমোদন"
SIGNATURE_FIELD = "ApprovalSignature"
DEVELOPMENT_SUBJECT = "APA reporting DEVELOPMENT signer (not for production)"


B_B, B_T, B_LT, B_LTA = "B-B", "B-T", "B-LT", "B-LTA"


class SigningNotConfigured(Exception):
    pass


class TimestampUnavailable(Exception):
    """The time-stamping authority, or an OCSP responder or CRL the signature needs, did not
    answer: nothing was signed; try again later."""


def create_development_certificate(
    path: Path, passphrase: str, *, days: int = 3650, common_name: str = DEVELOPMENT_SUBJECT
) -> None:
    """A self-signed certificate whose subject says it is for development only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = crypto_x509.Name(
        [
            crypto_x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            crypto_x509.NameAttribute(
                NameOID.ORGANIZATIONAL_UNIT_NAME, "Development only - not for production use"
            ),
            crypto_x509.NameAttribute(NameOID.ORGANIZATION_NAME, "APA e-governance reporting"),
            crypto_x509.NameAttribute(NameOID.COUNTRY_NAME, "BD"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        crypto_x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(crypto_x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(crypto_x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            crypto_x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_cert_sign=True,
                crl_sign=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            crypto_x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"apa-signer",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
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
        raise SigningNotConfigured(
            f"no signing key at {path}: run `manage.py create_signing_certificate`"
        )
    return _load_signer(str(path), path.stat().st_mtime, settings.SIGNING_PKCS12_PASSPHRASE)


@functools.lru_cache(maxsize=4)
def _timestamper(url: str, username: str, password: str, timeout: int):
    """One client per TSA and process: it asks the TSA once for a token to size the signature."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=timeout, auth=(username, password) if username else None)


def timestamper():
    """The configured time-stamping authority's client, or None (B-B signatures)."""
    if not settings.TSA_URL:
        return None
    return _timestamper(
        settings.TSA_URL, settings.TSA_USERNAME, settings.TSA_PASSWORD, settings.TSA_TIMEOUT
    )


def _is_self_signed(certificate) -> bool:
    return certificate.self_signed != "no"  # asn1crypto: "no", "maybe" or "yes"


def signing_roots(current: signers.SimpleSigner) -> list:
    """What a timestamped signature's chains are validated against: the root(s) in the signing
    key's own PKCS#12 chain and the configured SIGNING_TRUST_ROOTS (e.g. the TSA's CA)."""
    roots = [
        cert for cert in [current.signing_cert, *current.cert_registry] if _is_self_signed(cert)
    ]
    return _unique(roots + _extra_roots())


def _unique(certificates: list) -> list:
    seen, unique = set(), []
    for certificate in certificates:
        if fingerprint(certificate) not in seen:
            seen.add(fingerprint(certificate))
            unique.append(certificate)
    return unique


def _network_failure(error: BaseException) -> bool:
    """Whether a failure (or what caused it) is a service that did not answer."""
    import aiohttp
    from pyhanko.sign.timestamps import TimestampRequestError
    from pyhanko_certvalidator.errors import RevokedError

    while error is not None:
        if isinstance(error, RevokedError):
            return False
        if isinstance(
            error, (aiohttp.ClientError, asyncio.TimeoutError, OSError, TimestampRequestError)
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


def sign_pdf(
    pdf: bytes, *, signer_name: str, location: str, reason: str = SIGNATURE_REASON
) -> bytes:
    """The PDF signed: B-B, or with TSA_URL B-LTA (raises TimestampUnavailable rather than
    signing without a timestamp)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    current = signer()
    tsa = timestamper()

    def metadata(**long_term) -> signers.PdfSignatureMetadata:
        return signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            reason=reason,
            name=signer_name,
            location=location,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            **long_term,
        )

    if tsa is None:
        signed = signers.sign_pdf(writer, metadata(), signer=current).getvalue()
        record_certificate(current.signing_cert)
        return signed
    roots = signing_roots(current)
    # Revocation is checked strictly: a responder that does not answer stops the signing (to be
    # retried), so that every signature carries the validation data it needs later.
    context = ValidationContext(
        trust_roots=roots,
        other_certs=list(current.cert_registry),
        allow_fetching=True,
        revocation_mode="hard-fail",
    )
    meta = metadata(embed_validation_info=True, use_pades_lta=True, validation_context=context)
    try:
        signed = signers.sign_pdf(writer, meta, signer=current, timestamper=tsa).getvalue()
    except Exception as error:
        if _network_failure(error):
            raise TimestampUnavailable(f"{settings.TSA_URL}: {error}") from error
        raise SigningNotConfigured(f"the signing certificate cannot be used: {error}") from error
    record_certificate(current.signing_cert, roots=roots)
    return signed


def archive_expiry(data: bytes) -> datetime.datetime | None:
    """When the certificate of the file's newest document timestamp expires (None: there is none)."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    stamps = [sig for sig in reader.embedded_signatures if sig.sig_object_type == "/DocTimeStamp"]
    if not stamps:
        return None
    return max(stamps, key=lambda sig: sig.signed_revision).signer_cert.not_valid_after


def renew_archive_timestamp(data: bytes) -> bytes:
    """`data` with the validation data of its newest document timestamp and a fresh document
    timestamp over everything (PAdES B-LTA, extended); raises TimestampUnavailable."""
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper

    tsa = timestamper()
    if tsa is None:
        raise SigningNotConfigured("TSA_URL is not set: no archive timestamp can be added")
    reader = PdfFileReader(io.BytesIO(data))
    roots = _unique(
        [root for sig in reader.embedded_signatures for root in _document_roots(sig)]
        + _extra_roots()
    )
    context = ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="hard-fail")
    try:
        output = PdfTimeStamper(tsa).update_archival_timestamp_chain(
            reader, context, in_place=False
        )
    except Exception as error:
        if _network_failure(error):
            raise TimestampUnavailable(f"{settings.TSA_URL}: {error}") from error
        raise
    return output.getvalue()


def fingerprint(certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


def _pem(certificates: list) -> str:
    from asn1crypto import pem

    return "".join(pem.armor("CERTIFICATE", cert.dump()).decode() for cert in certificates)


def record_certificate(certificate, *, roots: list | None = None) -> SigningCertificate:
    """Keep the public certificate that signed, so that its PDFs verify after the key changes,
    with the roots its timestamped signatures chain to."""
    roots_pem = _pem(roots) if roots else ""
    record, _ = SigningCertificate.objects.get_or_create(
        fingerprint=fingerprint(certificate),
        defaults={
            "subject": certificate.subject.human_friendly[:500],
            "der": certificate.dump(),
            "not_before": certificate.not_valid_before,
            "not_after": certificate.not_valid_after,
            "trust_roots_pem": roots_pem,
        },
    )
    if roots_pem and roots_pem not in record.trust_roots_pem:
        record.trust_roots_pem += roots_pem
        record.save(update_fields=["trust_roots_pem"])
    return record


def _extra_roots() -> list:
    """SIGNING_TRUST_ROOTS: a PEM file of one or more root certificates."""
    return (
        list(load_certs_from_pemder([settings.SIGNING_TRUST_ROOTS]))
        if settings.SIGNING_TRUST_ROOTS
        else []
    )


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
    known = SigningCertificate.objects.filter(
        fingerprint=fingerprint(signature.signer_cert)
    ).first()
    if known is None:
        return ValidationContext(trust_roots=trust_roots())
    signed_at = signature.self_reported_timestamp
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(bytes(known.der))] + _extra_roots(),
        moment=signed_at if signed_at and signed_at.tzinfo else None,
    )


def _document_roots(signature) -> list:
    """The roots a timestamped signature (or document timestamp) of ours is validated against:
    those recorded when its certificate signed here (a self-signed signer is its own root), or,
    for a certificate never seen here, the current key's."""
    known = SigningCertificate.objects.filter(
        fingerprint=fingerprint(signature.signer_cert)
    ).first()
    if known is None:
        if signature.sig_object_type == "/DocTimeStamp":
            return []  # a TSA's certificate: trusted through the roots of the signature it extends
        try:
            return signing_roots(signer())
        except SigningNotConfigured:
            return []
    roots = (
        list(load_certs_from_pemder_data(known.trust_roots_pem.encode()))
        if known.trust_roots_pem
        else []
    )
    certificate = asn1_x509.Certificate.load(bytes(known.der))
    return roots + ([certificate] if _is_self_signed(certificate) else [])


def _timestamp_tokens(signature) -> list:
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    return list(extract_tst_data_iter(signature.signer_info, signed=False))


def signature_level(reader, signature) -> str:
    """The PAdES baseline level the file's structure reaches for `signature`: B-T with a
    signature timestamp, B-LT with validation data in the document security store, B-LTA with a
    document timestamp after it."""
    if not _timestamp_tokens(signature):
        return B_B
    dss = reader.root["/DSS"] if "/DSS" in reader.root else None
    if dss is None or "/Certs" not in dss or not ("/OCSPs" in dss or "/CRLs" in dss):
        return B_T
    stamps = [
        sig
        for sig in reader.embedded_signatures
        if sig.sig_object_type == "/DocTimeStamp"
        and sig.signed_revision > signature.signed_revision
    ]
    return B_LTA if stamps else B_LT


@dataclass
class SignatureCheck:
    readable: bool
    signed: bool = False
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the cryptographic signature checks out (at the time it was made)
    trusted: bool = False  # the certificate chains to a trust root (at the time it was made)
    whole_file: bool = False  # nothing was added after signing but validation data and timestamps
    signer_name: str = ""
    certificate_subject: str = ""
    signed_at: datetime.datetime | None = None
    reason: str = ""
    level: str = ""  # B-B, B-T, B-LT or B-LTA
    timestamped: bool = (
        False  # signed_at comes from a time-stamping authority, not the signer's clock
    )
    certificate_expires: datetime.datetime | None = (
        None  # the signer's certificate's end of validity
    )

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.whole_file

    @property
    def certificate_expired(self) -> bool:
        return (
            self.certificate_expires is not None
            and self.certificate_expires < datetime.datetime.now(datetime.UTC)
        )


def _ltv_spec(roots: list, known_crls=()):
    """pyHanko's AdES validation settings: our roots; revocation data from the file (and what
    the caller gives), fetched online only for the newest timestamp at the present time; no
    certificate is ever fetched from an address found in the file."""
    from pyhanko.sign.validation.policy_decl import (
        CertificateFetchingRule,
        LocalKnowledge,
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )
    from pyhanko_certvalidator.registry import SimpleTrustManager
    from pyhanko_certvalidator.revinfo.archival import CRLContainer

    rule = RevocationCheckingRule.CHECK_IF_DECLARED
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=roots),
        revinfo_policy=CertRevTrustPolicy(
            RevocationCheckingPolicy(ee_certificate_rule=rule, intermediate_ca_cert_rule=rule)
        ),
    )
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH,
                certificate_fetching_rule=CertificateFetchingRule.NEVER_FETCH,
            ),
            local_knowledge=LocalKnowledge(known_crls=[CRLContainer(crl) for crl in known_crls]),
        )
    )


def _check_timestamped(reader, embedded, signature, level, *, at, known_crls) -> SignatureCheck:
    """A timestamped signature validated as of its timestamp (PAdES LTA validation): valid even
    after its certificate expired, or was revoked after the time the timestamp proves."""
    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.ades import (
        ades_lta_validation,
        simulate_future_ades_lta_validation,
    )

    spec = _ltv_spec(_unique(_document_roots(signature) + _extra_roots()), known_crls)
    if at is None:
        result = asyncio.run(ades_lta_validation(signature, spec))
    else:  # as a verifier will see it then, the timestamps kept up to date until that day
        result = asyncio.run(
            simulate_future_ades_lta_validation(signature, spec, future_validation_time=at)
        )
    status = result.api_status
    if status is None:
        return SignatureCheck(readable=True, signed=True, level=level)
    passed = result.ades_subindic == AdESPassed.OK
    later = [sig for sig in embedded if sig is not signature]
    only_archival = all(sig.sig_object_type == "/DocTimeStamp" for sig in later)
    whole_file = (status.coverage == SignatureCoverageLevel.ENTIRE_FILE and not later) or (
        status.coverage
        in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION)
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
        and status.docmdp_ok is not False
        and only_archival
    )
    stamp = status.timestamp_validity
    sig_object = signature.sig_object
    return SignatureCheck(
        readable=True,
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid) and passed,
        trusted=passed,
        whole_file=whole_file,
        signer_name=str(sig_object.get("/Name", "")),
        certificate_subject=signature.signer_cert.subject.human_friendly,
        signed_at=stamp.timestamp if stamp is not None else result.best_signature_time,
        reason=str(sig_object.get("/Reason", "")),
        level=level,
        timestamped=stamp is not None,
        certificate_expires=signature.signer_cert.not_valid_after,
    )


def check_signature(
    data: bytes, *, at: datetime.datetime | None = None, known_crls=()
) -> SignatureCheck:
    """Read a PDF's signature and validate it against our trust roots; never raises on bad input.

    `at`: validate as a verifier will at that (later) date; `known_crls`: CRLs (asn1crypto
    CertificateList) learnt since the signature, e.g. an auditor's current CRL of the signer's CA."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # pyHanko raises a variety of errors on malformed input
        return SignatureCheck(readable=False)
    approvals = [sig for sig in embedded if sig.sig_object_type != "/DocTimeStamp"]
    if not approvals:
        return SignatureCheck(readable=True)
    signature = approvals[0]
    try:
        level = signature_level(reader, signature)
        if level != B_B:
            return _check_timestamped(
                reader, embedded, signature, level, at=at, known_crls=known_crls
            )
        status = validate_pdf_signature(signature, _validation_context(signature))
    except Exception:
        log.warning("signature validation failed", exc_info=True)
        return SignatureCheck(readable=True, signed=True)
    sig_object = signature.sig_object
    return SignatureCheck(
        readable=True,
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(embedded) == 1,
        signer_name=str(sig_object.get("/Name", "")),
        certificate_subject=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
        reason=str(sig_object.get("/Reason", "")),
        level=B_B,
        certificate_expires=status.signing_cert.not_valid_after,
    )


def installed_subject() -> str | None:
    """The subject of the installed signing certificate, None where there is none (production
    refuses to start with the DEVELOPMENT one: egov_plan/production.py)."""
    if not Path(settings.SIGNING_PKCS12_PATH).is_file():
        return None
    try:
        return signer().signing_cert.subject.human_friendly
    except (SigningNotConfigured, ValueError):
        return None
