"""Sessions end after SESSION_IDLE_HOURS without a request.

A session's expiry moves on whenever it is saved. Saving it on every request
(SESSION_SAVE_EVERY_REQUEST) would cost a write per page, so a request saves
it only when the last renewal is RENEW_EVERY old: the idle limit then holds
to within that margin.
"""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

RENEW_EVERY = 5 * 60  # seconds
KEY = "renewed_at"


class IdleExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(KEY, 0) >= RENEW_EVERY:
                request.session[KEY] = now  # modified: saved with a fresh expiry and cookie
        return self.get_response(request)


@receiver(user_logged_in)
def _renewed_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[KEY] = int(time.time())
