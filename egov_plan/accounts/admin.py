"""The users' admin: Django's, with the profile (mobile, designation) on the user's page and the import
of accounts from a file (egov_plan/accounts/user_import.py): upload, a preview of what will be created, changed
and left alone, then confirm. Between the two steps the upload waits in the media storage under
`user_imports/`, named by a random token that only the uploader's session knows; confirming checks
the file again, so a change in the database meanwhile is seen, never overwritten blindly."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_plan import i18n
from egov_plan.accounts import second_factor
from egov_plan.accounts.api_tokens import api_token_revoke
from egov_plan.accounts.models import ApiToken, Membership, UserProfile
from egov_plan.accounts.user_import import import_users, plan_users, too_large
from egov_plan.media import PendingUploads

SESSION_KEY = "user_import_pending"
PREVIEW_ROWS = 200
PENDING_HOURS = 24
PENDING = PendingUploads(
    "user_imports", PENDING_HOURS * 3600
)  # never confirmed: deleted a day later


class UserImportForm(forms.Form):
    file = forms.FileField(
        label=_("ফাইল (.csv বা .xlsx)"),
        error_messages={
            "required": _("একটি ফাইল নির্বাচন করুন।"),
            "empty": _("ফাইলটি খালি।"),
            "invalid": _("একটি ফাইল নির্বাচন করুন।"),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if (fault := too_large(upload.size)) is not None:  # refused before it is read into memory
            raise forms.ValidationError(fault, code="too_large")
        return upload


class ProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    fields = ["mobile", "designation"]


class UserWithProfileAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, ProfileInline]
    change_list_template = "admin/auth/user/change_list.html"
    actions = ["reset_second_factor"]

    @admin.action(
        description=_("দ্বিতীয় ধাপ মুছে দিন (ফোন হারালে; পরের বার নতুন করে নিবন্ধন)"),
        permissions=["change"],
    )
    def reset_second_factor(self, request, queryset):
        users = [user for user in queryset if second_factor.reset(user)]
        self.message_user(
            request,
            gettext(
                "{count} জনের দ্বিতীয় ধাপ মুছে দেওয়া হয়েছে; তাঁরা পরের বার নতুন করে নিবন্ধন করবেন।"
            ).format(count=i18n.number(len(users))),
            messages.SUCCESS,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="auth_user_import"),
            *super().get_urls(),
        ]

    def _may_import(self, request) -> bool:
        return all(
            request.user.has_perm(p)
            for p in (
                "auth.add_user",
                "auth.change_user",
                "egov_plan.add_membership",
                "egov_plan.change_membership",
            )
        )

    def import_view(self, request):
        if not self._may_import(request):
            return redirect("admin:index")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("ফাইল থেকে ব্যবহারকারী আমদানি"),
            "opts": self.model._meta,
            "roles": dict(Membership.ROLE_CHOICES),
        }
        if request.method == "POST" and request.POST.get("token"):
            return self._confirm(request, context)
        form = (
            UserImportForm(request.POST, request.FILES)
            if request.method == "POST"
            else UserImportForm()
        )
        if request.method != "POST" or not form.is_valid():
            return render(
                request,
                "admin/auth/user/import.html",
                {**context, "form": form},
                status=400 if form.errors else 200,
            )
        upload = form.cleaned_data["file"]
        data = upload.read()
        result = plan_users(data=data, filename=upload.name)
        if result.faults:
            return render(
                request,
                "admin/auth/user/import.html",
                {**context, "form": form, "faults": result.faults},
                status=400,
            )
        token = PENDING.keep(data)
        request.session[SESSION_KEY] = {"token": token, "name": upload.name[-100:]}
        return render(
            request,
            "admin/auth/user/import_preview.html",
            {
                **context,
                "result": result,
                "token": token,
                "filename": upload.name,
                "created": result.created[:PREVIEW_ROWS],
                "changed": result.changed[:PREVIEW_ROWS],
                "more_created": max(len(result.created) - PREVIEW_ROWS, 0),
                "more_changed": max(len(result.changed) - PREVIEW_ROWS, 0),
            },
        )

    def _confirm(self, request, context):
        pending = request.session.get(SESSION_KEY) or {}
        token = request.POST.get("token", "")
        data = PENDING.read(token) if pending and token == pending.get("token") else None
        if data is None:
            self.message_user(
                request,
                gettext("আমদানির অনুরোধটি আর নেই (মেয়াদ পেরিয়েছে বা আগেই সম্পন্ন); ফাইলটি আবার দিন।"),
                messages.ERROR,
            )
            return redirect("admin:auth_user_import")
        result = import_users(data=data, filename=pending["name"])
        if result.faults:  # the database changed since the preview
            return render(
                request,
                "admin/auth/user/import.html",
                {**context, "form": UserImportForm(), "faults": result.faults},
                status=400,
            )
        PENDING.drop(token)
        del request.session[SESSION_KEY]
        self.message_user(
            request,
            gettext(
                "আমদানি হয়েছে: {created} জন নতুন, {changed} জনের তথ্য বদলেছে, {unchanged} জন অপরিবর্তিত।"
            ).format(
                created=i18n.number(len(result.created)),
                changed=i18n.number(len(result.changed)),
                unchanged=i18n.number(len(result.unchanged)),
            ),
            messages.SUCCESS,
        )
        if result.new_user_ids:
            from egov_plan.accounts.tasks import queue_invitations

            try:
                queued = queue_invitations(result.new_user_ids)
            except Exception:  # the broker cannot be reached
                self.message_user(
                    request,
                    gettext(
                        "আমন্ত্রণের ই-মেইল পাঠানো যায়নি; ব্যবহারকারীরা লগ ইন পাতার “পাসওয়ার্ড ভুলে গেছেন?” থেকে লিংক নিতে পারবেন।"
                    ),
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    gettext("{sent}টি আমন্ত্রণের ই-মেইল পাঠানোর জন্য সারিতে রাখা হয়েছে।").format(
                        sent=i18n.number(queued)
                    ),
                    messages.SUCCESS,
                )
        return redirect("admin:auth_user_changelist")


def register() -> None:
    """Called once the admin's own registrations are in (egov_plan.apps)."""
    import django.contrib.auth.admin  # noqa: F401  (registers Django's UserAdmin first)

    user_model = get_user_model()
    if isinstance(admin.site._registry.get(user_model), UserWithProfileAdmin):
        return
    if admin.site.is_registered(user_model):
        admin.site.unregister(user_model)
    admin.site.register(user_model, UserWithProfileAdmin)
    # django-otp's device pages (English, and a device's secret is nobody else's business): a lost
    # device is removed with the users' action above, or `manage.py reset_second_factor`.
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Personal access tokens: admins see who holds which and revoke them; nobody makes one here
    (a user makes their own at /accounts/tokens/, where it is shown once) and nothing is edited."""

    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = [
        "user",
        "name",
        "scope",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method == "GET" and super().has_change_permission(request, obj)

    @admin.action(description=_("নির্বাচিত টোকেন বাতিল করুন"), permissions=["delete"])
    def revoke(self, request, queryset):
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            api_token_revoke(token=token)
        self.message_user(
            request,
            gettext("{count}টি টোকেন বাতিল করা হয়েছে।").format(count=i18n.number(len(live))),
            messages.SUCCESS,
        )
