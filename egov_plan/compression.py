"""Pages and JSON gzip-compressed on the way out: HTML compresses to a fraction of its size, and a
slow mobile link pays for every byte on every visit (tests/benchmarks/light_pages.py prints them).

Django's GZipMiddleware, for text only: static files are WhiteNoise's (above this in MIDDLEWARE,
compressed ahead of time by collectstatic), and downloads (PDFs, .xlsx, zips, evidence files, all
already compressed or streamed) pass untouched and keep their Content-Length.

BREACH (a secret in a compressed page guessed from the compressed length while the attacker
injects text into the same page): since Django 4.2 GZipMiddleware adds up to 100 random bytes
to each response's gzip header ("Heal the Breach"), and the CSRF token in a form is masked afresh
for every response, so its compressed length tells nothing stable.
"""

from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if getattr(response, "streaming", False) or not content_type.startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)
