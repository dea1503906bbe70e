"""Refuse to serve in production with development secrets.

Called by the WSGI entry point (gunicorn, runserver): with DEBUG off and
DEVELOPMENT unset, the app does not start while the SECRET_KEY, the signing
key or SITE_URL (printed in every signed PDF's QR code) are the development
defaults. Management commands are not affected, so migrate, collectstatic
and backup run before the secrets are in place.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def development_secrets(
    *, secret_key: str, site_url: str, signing_subject: str | None
) -> list[str]:
    """What is still a development default, in words for the operator."""
    found = []
    if secret_key == settings.DEFAULT_SECRET_KEY:
        found.append("SECRET_KEY is the development key: set SECRET_KEY")
    if site_url.rstrip("/") == DEFAULT_SITE_URL:
        found.append(f"SITE_URL is the default {DEFAULT_SITE_URL}: set the public https address")
    if signing_subject is not None and "DEVELOPMENT" in signing_subject:
        found.append(
            "the signing key is the self-signed DEVELOPMENT certificate: set SIGNING_PKCS12_PATH "
            "(and SIGNING_PKCS12_PASSPHRASE) to the production key"
        )
    return found


# Who can name the installed signing key's subject (reports/apps.py sets it to
# reports.pdf.signing.installed_subject): the project package does not import the features.
signing_subject_reader = None


def refuse_development_secrets() -> None:
    if settings.DEBUG or settings.DEVELOPMENT:
        return
    found = development_secrets(
        secret_key=settings.SECRET_KEY,
        site_url=settings.SITE_URL,
        signing_subject=signing_subject_reader() if signing_subject_reader else None,
    )
    if found:
        raise ImproperlyConfigured(
            "refusing to start in production (DEBUG off, DEVELOPMENT unset): "
            + "; ".join(found)
            + ". For a local run set DEVELOPMENT=1."
        )


def client_ip(request) -> str:
    """The client's address for per-address limits (login lockout, /verify/).

    Behind TRUSTED_PROXIES proxies, the address the nearest trusted proxy saw is the
    TRUSTED_PROXIES-th entry from the right of X-Forwarded-For (entries further left are
    the client's to forge); with none, or too short a header, the connection's address.
    """
    hops = settings.TRUSTED_PROXIES
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
