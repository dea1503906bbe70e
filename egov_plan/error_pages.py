"""The Bengali page for a 405, which Django answers with no body at all.

(The CSRF failure page is `templates/403_csrf.html`, which Django's own
CSRF failure view renders instead of its English page.)
"""

from django.shortcuts import render


class NotAllowedPageMiddleware:
    """Give a 405 without a body (Django's `require_http_methods`) the Bengali page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "streaming", False) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
