"""The sign-in form, with Bengali labels and messages."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("ব্যবহারকারীর নাম অথবা পাসওয়ার্ড সঠিক নয়।"),
        "inactive": _("এই অ্যাকাউন্টটি নিষ্ক্রিয়।"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext("ব্যবহারকারীর নাম")
        self.fields["password"].label = gettext("পাসওয়ার্ড")
        for field in self.fields.values():
            field.error_messages["required"] = gettext("এই ঘরটি পূরণ করুন।")
