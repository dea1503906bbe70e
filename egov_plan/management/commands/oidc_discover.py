"""Read an OpenID Connect provider's discovery document and print the settings for it.

    python manage.py oidc_discover https://sso.example.gov.bd

prints the OIDC_ISSUER, OIDC_AUTHORIZATION_URL, OIDC_TOKEN_URL, OIDC_USERINFO_URL and OIDC_JWKS_URL
lines to put in the environment, and the redirect URL to register with the provider. The app reads
no discovery document at run time: the addresses are fixed settings, checked at start.
"""

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

ADDRESSES = [
    ("OIDC_ISSUER", "issuer"),
    ("OIDC_AUTHORIZATION_URL", "authorization_endpoint"),
    ("OIDC_TOKEN_URL", "token_endpoint"),
    ("OIDC_USERINFO_URL", "userinfo_endpoint"),
    ("OIDC_JWKS_URL", "jwks_uri"),
]


class Command(BaseCommand):
    help = "Print the single sign-on settings from an OpenID Connect provider's discovery document."

    def add_arguments(self, parser):
        parser.add_argument("issuer", help="the provider's issuer, e.g. https://sso.example.gov.bd")

    def handle(self, *args, issuer, **options):
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(
                url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL
            )
            response.raise_for_status()
            found = response.json()
        except (requests.RequestException, ValueError) as error:
            raise CommandError(f"could not read {url}: {error}") from error
        if not isinstance(found, dict):
            raise CommandError(f"{url} is no discovery document")
        # OpenID Connect Discovery 1.0, section 4.3: the document names the issuer it was asked for.
        if found.get("issuer") != issuer:
            raise CommandError(
                f"the document at {url} names the issuer {found.get('issuer')!r}, not {issuer!r}"
            )
        missing = [
            key for name, key in ADDRESSES if key != "userinfo_endpoint" and not found.get(key)
        ]
        if missing:
            raise CommandError(f"the discovery document lacks {', '.join(missing)}")
        algorithms = found.get("id_token_signing_alg_values_supported") or []
        if settings.OIDC_RP_SIGN_ALGO not in algorithms:
            self.stderr.write(
                f"warning: the provider signs ID tokens with {', '.join(algorithms) or 'nothing named'}, "
                f"not {settings.OIDC_RP_SIGN_ALGO}: set OIDC_SIGN_ALGORITHM to one of them"
            )
        for name, key in ADDRESSES:
            if found.get(key):
                self.stdout.write(f"{name}={found[key]}")
        self.stdout.write(
            f"# register this redirect URL with the provider: "
            f"{settings.SITE_URL}{reverse('oidc_authentication_callback')}"
        )
