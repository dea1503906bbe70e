"""/accounts/tokens/: a user's own personal access tokens for the JSON API: made with a name, an
expiry and a scope, the token shown once (only its hash is kept), revoked with one click."""

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from egov_plan.accounts import second_factor
from egov_plan.accounts.api_tokens import api_token_create, api_token_revoke
from egov_plan.accounts.models import ApiToken

MAX_DAYS = 366


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("নাম (কোন কাজে ব্যবহার হবে)"),
        max_length=100,
        error_messages={
            "required": _("টোকেনের একটি নাম দিন।"),
            "max_length": _("নাম ১০০ অক্ষরের মধ্যে লিখুন।"),
        },
    )
    days = forms.TypedChoiceField(
        label=_("মেয়াদ"),
        coerce=int,
        initial=90,
        choices=[
            (30, _("৩০ দিন")),
            (90, _("৯০ দিন")),
            (180, _("১৮০ দিন")),
            (MAX_DAYS, _("এক বছর")),
        ],
        error_messages={"invalid_choice": _("তালিকা থেকে একটি মেয়াদ বেছে নিন।")},
    )
    scope = forms.ChoiceField(
        label=_("অনুমতি"),
        choices=ApiToken.SCOPE_CHOICES,
        initial=ApiToken.READ,
        error_messages={"invalid_choice": _("তালিকা থেকে একটি অনুমতি বেছে নিন।")},
    )

    def clean_name(self):
        return self.cleaned_data["name"].replace("\x00", "").strip()


@require_http_methods(["GET", "POST"])
def tokens(request):
    # A reviewer's or an admin's write token approves and returns: made only after the second
    # factor, as approving on the pages is (asked before the form, so nothing typed is lost).
    if (asked := second_factor.ask(request, request.get_full_path())) is not None:
        return asked
    form, created, status = ApiTokenForm(), None, 200
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            token = ApiToken.objects.filter(
                user=request.user, pk=_id(request.POST.get("token"))
            ).first()
            if token is None:
                raise Http404(gettext("টোকেনটি পাওয়া যায়নি।"))
            api_token_revoke(token=token)
            messages.success(
                request, gettext("টোকেন “{name}” বাতিল করা হয়েছে।").format(name=token.name)
            )
            return redirect("api-tokens")
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _, created = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=timezone.now() + datetime.timedelta(days=form.cleaned_data["days"]),
                second_factor=second_factor.is_verified(request.user),
            )
            form = ApiTokenForm()
        else:
            status = 400
    response = render(
        request,
        "registration/api_tokens.html",
        {
            "form": form,
            "created": created,
            "now": timezone.now(),
            "tokens": ApiToken.objects.filter(user=request.user),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"  # the new token is on this page once, never in a cache
    return response


def _id(text) -> int | None:
    text = str(text or "")
    return int(text) if text.isdigit() and len(text) < 19 else None
