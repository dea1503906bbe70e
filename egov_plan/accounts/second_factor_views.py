"""The second factor's pages (egov_plan/accounts/second_factor.py): second_factor_page
(/accounts/second-factor/) and enrol (/accounts/second-factor/setup/), each going back to `next`
(a page of this site) when done."""

import django_otp
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from egov_plan.accounts import permissions, second_factor


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("index")


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_page(request):
    target, user = _next(request), request.user
    if not permissions.may_use_second_factor(user) or second_factor.is_verified(user):
        return redirect(target)
    if second_factor.confirmed_device(user) is None:
        return redirect(second_factor.page_url("second-factor-setup", target))
    form, status = second_factor.CodeForm(request.POST if request.method == "POST" else None), 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = second_factor.accept_code(user, form.cleaned_data["code"])
            except second_factor.CodeRefused as refusal:
                form.add_error("code", str(refusal))
                status = refusal.status
            else:
                django_otp.login(request, device)
                return redirect(target)
    return render(
        request,
        "registration/second_factor_verify.html",
        {"form": form, "next": target},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request):
    target, user = _next(request), request.user
    if not permissions.may_use_second_factor(user):
        return redirect(target)
    if (
        second_factor.confirmed_device(user) is not None
    ):  # a second device only after an admin's reset
        return redirect(second_factor.page_url("second-factor", target))
    device = second_factor.enrolment_device(user)
    form, status = second_factor.CodeForm(request.POST if request.method == "POST" else None), 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = second_factor.confirm_enrolment(user, device, form.cleaned_data["code"])
            except second_factor.CodeRefused as refusal:
                form.add_error("code", str(refusal))
                status = refusal.status
            else:
                django_otp.login(request, device)
                # Shown in this answer only (never stored in clear, never cached).
                return render(
                    request,
                    "registration/second_factor_codes.html",
                    {"codes": codes, "next": target},
                )
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "next": target,
            "qr_code": second_factor.qr_code_data_uri(device),
            "secret": second_factor.secret_text(device),
            "username": user.get_username(),
        },
        status=status,
    )
