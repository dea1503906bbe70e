"""The admin: offices, fiscal years, and each plan editable on one page (areas → activities →
indicators, signatories), validated as a whole; import, export and copy forward."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_plan import i18n
from egov_plan.accounts.models import Membership
from egov_plan.offices.models import Office, OfficeTier
from egov_plan.offices.tree import office_create, office_move
from egov_plan.plans.amendments import record_amendment
from egov_plan.plans.models import (
    ActionPlan,
    Activity,
    FiscalYear,
    Indicator,
    PerformanceArea,
    PlanAmendment,
    RolloutJob,
    Signatory,
)
from reports.plans.admin_forms import (
    ActionPlanForm,
    AreaFormSet,
    BengaliDecimalField,
    BengaliInlineFormSet,
    BengaliIntegerField,
    BengaliNumberInput,
    IndicatorForm,
    PlanImportConfirmForm,
    PlanImportForm,
    RolloutForm,
)

# Numbers in the plan pages are typed and shown with Bengali digits (Latin digits are accepted too).
BENGALI_NUMBERS = {
    models.DecimalField: {
        "form_class": BengaliDecimalField,
        "widget": BengaliNumberInput(attrs={"class": "number-wide"}),
    },
    models.PositiveSmallIntegerField: {
        "form_class": BengaliIntegerField,
        "widget": BengaliNumberInput(attrs={"class": "number-narrow"}),
    },
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 90})},
}


class OfficeForm(forms.ModelForm):
    """An office with its place in the tree, named by the parent's code (the country has too many
    offices for a drop-down)."""

    parent_code = forms.CharField(
        label=_("নিয়ন্ত্রণকারী দপ্তরের কোড"),
        required=False,
        max_length=40,
        help_text=_("খালি রাখলে দপ্তরটি শীর্ষ স্তরে থাকবে।"),
    )

    class Meta:
        model = Office
        fields = ["code", "name", "location", "tier"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            parent = Office.objects.get_parent(self.instance)
            self.initial["parent_code"] = parent.code if parent else ""

    def clean_parent_code(self):
        code = self.cleaned_data["parent_code"].strip()
        if not code:
            return None
        parent = Office.objects.filter(code=code).first()
        if parent is None:
            raise forms.ValidationError(gettext("“{code}” কোডের কোনো দপ্তর নেই।").format(code=code))
        if self.instance.pk and (parent.pk == self.instance.pk or parent.is_under(self.instance)):
            raise forms.ValidationError(gettext("দপ্তরকে তার নিজের বা অধীনস্থ দপ্তরের অধীনে রাখা যায় না।"))
        return parent


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = OfficeForm
    list_display = ["code", "name", "location", "tier", "offices_below"]
    list_filter = ["tier"]
    search_fields = ["code", "name", "location"]
    readonly_fields = ["offices_below"]
    ordering = ["path"]

    @admin.display(description=_("সরাসরি অধীনস্থ দপ্তর"), ordering="numchild")
    def offices_below(self, office):
        return i18n.number(office.numchild)

    def save_model(self, request, obj, form, change):
        parent = form.cleaned_data.get("parent_code")
        if not change:
            created = office_create(
                name=obj.name, location=obj.location, tier=obj.tier, code=obj.code, parent=parent
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        obj.save()
        office_move(office=obj, parent=parent)


@admin.register(OfficeTier)
class OfficeTierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order"]


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start_year"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role", "is_manager", "start_date", "end_date"]
    list_filter = ["role", "is_manager"]
    search_fields = ["user__username", "user__first_name", "office__name"]
    autocomplete_fields = ["office"]
    list_select_related = ["user", "office"]


class IndicatorInline(nested_admin.NestedTabularInline):
    model = Indicator
    formfield_overrides = BENGALI_NUMBERS
    form = IndicatorForm
    formset = BengaliInlineFormSet
    extra = 0
    fields = [
        "number",
        "title",
        "title_en",
        "unit",
        "unit_label",
        "weight",
        "calculation_method",
        *Indicator.TIER_FIELDS,
        "notes",
    ]
    ordering = ["number"]


class ActivityInline(nested_admin.NestedStackedInline):
    model = Activity
    formfield_overrides = BENGALI_NUMBERS
    formset = BengaliInlineFormSet
    extra = 0
    inlines = [IndicatorInline]
    ordering = ["number"]


class AreaInline(nested_admin.NestedStackedInline):
    model = PerformanceArea
    formfield_overrides = BENGALI_NUMBERS
    formset = AreaFormSet
    extra = 0
    inlines = [ActivityInline]
    ordering = ["number"]


class SignatoryInline(nested_admin.NestedTabularInline):
    model = Signatory
    formfield_overrides = BENGALI_NUMBERS
    formset = BengaliInlineFormSet
    extra = 0
    ordering = ["order"]


class PlanAmendmentInline(nested_admin.NestedTabularInline):
    model = PlanAmendment
    extra = 0
    can_delete = False
    fields = ["at", "user", "reason", "summary"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PlanKindFilter(admin.SimpleListFilter):
    title = _("ধরন")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("template", gettext("টেমপ্লেট")), ("office", gettext("দপ্তরের কর্মপরিকল্পনা"))]

    def queryset(self, request, queryset):
        if self.value() == "template":
            return queryset.filter(office__isnull=True)
        if self.value() == "office":
            return queryset.filter(office__isnull=False)
        return queryset


@admin.register(ActionPlan)
class ActionPlanAdmin(nested_admin.NestedModelAdmin):
    formfield_overrides = BENGALI_NUMBERS
    form = ActionPlanForm
    list_display = ["title", "office", "fiscal_year", "total_marks", "scoring_method"]
    list_filter = [PlanKindFilter, "fiscal_year", "office__tier"]
    list_select_related = ["office", "fiscal_year"]
    search_fields = ["title", "office__name", "office__location", "office__code"]
    autocomplete_fields = ["office"]
    readonly_fields = ["plan_editor_link", "template_tools"]
    inlines = [AreaInline, SignatoryInline, PlanAmendmentInline]
    actions = ["copy_to_next_year"]
    change_list_template = "admin/egov_plan/actionplan/change_list.html"

    @admin.display(description=_("ছকে সম্পাদনা"))
    def plan_editor_link(self, plan):
        if plan.pk is None:
            return gettext("সংরক্ষণের পর কর্মপরিকল্পনাটি সরকারি ছকের মতো এক পাতায় সম্পাদনা করা যাবে।")
        return format_html(
            gettext('<a class="button" href="{}">সরকারি ছকের মতো সম্পাদনা করুন</a>'),
            reverse("plan-targets", args=[plan.pk]),
        )

    @admin.display(description=_("টেমপ্লেট"))
    def template_tools(self, plan):
        if plan.pk is None:
            return gettext(
                "দপ্তর খালি রাখলে এটি অর্থবছরের টেমপ্লেট হবে, যা অধীনস্থ সব দপ্তরে রোল-আউট করা যায়।"
            )
        if plan.is_template:
            return format_html(
                gettext(
                    '<a class="button" href="{}">রোল-আউট করুন</a> <a class="button" href="{}">পরিবর্তন '
                    "প্রয়োগ করুন</a> — এ থেকে তৈরি কর্মপরিকল্পনা: {}টি"
                ),
                reverse("admin:egov_plan_actionplan_rollout", args=[plan.pk]),
                reverse("admin:egov_plan_actionplan_carry", args=[plan.pk]),
                i18n.number(plan.derived_plans.count()),
            )
        if plan.template_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:egov_plan_actionplan_change", args=[plan.template_id]),
                plan.template,
            )
        return "—"

    class Media:
        css = {"all": ["css/admin-plan.css"]}  # widths as classes: the CSP allows no inline style

    def save_related(self, request, form, formsets, change):
        from reports.quarters.marks import rescore_plan

        super().save_related(request, form, formsets, change)
        rescore_plan(plan_id=form.instance.pk)
        summary = [
            line
            for formset in formsets
            if isinstance(formset, AreaFormSet)
            for line in formset.change_summary
        ]
        if change:
            record_amendment(
                plan=form.instance,
                user=request.user,
                reason=form.cleaned_data.get("change_reason", ""),
                summary=summary,
            )

    @admin.action(description=_("পরবর্তী অর্থবছরের জন্য কপি করুন (লক্ষ্যমাত্রার তারিখ এক বছর পরে)"))
    def copy_to_next_year(self, request, queryset):
        from reports.plans.files import PlanExists, copy_plan_forward

        for plan in queryset.select_related("office", "fiscal_year"):
            try:
                with transaction.atomic():
                    new_plan = copy_plan_forward(plan=plan, to_year=plan.fiscal_year.start_year + 1)
            except PlanExists:
                self.message_user(
                    request,
                    gettext("{plan}: পরবর্তী অর্থবছরের কর্মপরিকল্পনা আগে থেকেই আছে।").format(plan=plan),
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    gettext("তৈরি হয়েছে: {new_plan}").format(new_plan=new_plan),
                    messages.SUCCESS,
                )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="egov_plan_actionplan_import"),
            path(
                "<int:plan_id>/rollout/",
                view(self.rollout_view),
                name="egov_plan_actionplan_rollout",
            ),
            path("<int:plan_id>/carry/", view(self.carry_view), name="egov_plan_actionplan_carry"),
            path(
                "rollouts/<int:job_id>/",
                view(self.rollout_job_view),
                name="egov_plan_rolloutjob_status",
            ),
            *super().get_urls(),
        ]

    def _template(self, request, plan_id):
        template = (
            ActionPlan.objects.filter(pk=plan_id, office__isnull=True)
            .select_related("fiscal_year")
            .first()
        )
        if template is None or not self.has_change_permission(request, template):
            raise Http404(gettext("টেমপ্লেটটি পাওয়া যায়নি"))
        return template

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            **extra,
        }

    def rollout_view(self, request, plan_id):
        from reports.plans.tasks import start_rollout

        template = self._template(request, plan_id)
        form = RolloutForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            job = RolloutJob.objects.create(
                template=template,
                under=form.cleaned_data["under"],
                tier=form.cleaned_data["tier"],
                requested_by=request.user,
            )
            start_rollout(job)
            return redirect("admin:egov_plan_rolloutjob_status", job.pk)
        return render(
            request,
            "admin/egov_plan/actionplan/rollout.html",
            self._context(
                request,
                gettext("রোল-আউট: {template}").format(template=template),
                form=form,
                template=template,
                jobs=template.rollout_jobs.select_related("under", "tier")[:10],
            ),
            status=400 if form.errors else 200,
        )

    def rollout_job_view(self, request, job_id):
        from reports.plans.rollout import rollout_progress

        job = (
            RolloutJob.objects.select_related("template__fiscal_year", "under", "tier")
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            raise Http404(gettext("রোল-আউটটি পাওয়া যায়নি"))
        progress = (
            rollout_progress(job.pk)
            if job.status in (RolloutJob.QUEUED, RolloutJob.RUNNING)
            else None
        )
        percent = (100 * progress[0] // progress[1]) if progress and progress[1] else 0
        return render(
            request,
            "admin/egov_plan/actionplan/rollout_job.html",
            self._context(
                request,
                gettext("রোল-আউটের অবস্থা"),
                job=job,
                progress=progress,
                percent=percent,
                finished=job.status in (RolloutJob.DONE, RolloutJob.FAILED),
            ),
        )

    def carry_view(self, request, plan_id):
        from reports.plans.rollout import TemplateError, carry_template_changes

        template = self._template(request, plan_id)
        apply = request.method == "POST"
        try:
            result = carry_template_changes(template=template, apply=apply)
        except TemplateError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:egov_plan_actionplan_change", template.pk)
        if apply:
            self.message_user(
                request,
                gettext(
                    "{format_number}টি কর্মপরিকল্পনায় টেমপ্লেটের পরিবর্তন প্রয়োগ হয়েছে; "
                    "{format_number2}টি দাখিলকৃত বা অনুমোদিত প্রতিবেদনের কারণে বদলানো হয়নি।"
                ).format(
                    format_number=i18n.number(len(result.updated)),
                    format_number2=i18n.number(len(result.held)),
                ),
                messages.SUCCESS,
            )
        return render(
            request,
            "admin/egov_plan/actionplan/carry.html",
            self._context(
                request,
                gettext("টেমপ্লেটের পরিবর্তন প্রয়োগ: {template}").format(template=template),
                template=template,
                result=result,
                applied=apply,
            ),
        )

    def import_view(self, request):
        """Two steps: the uploaded file is checked and shown (reports/plans/import_preview.py), and
        only "import" on that preview writes it, in one transaction."""
        from reports.plans import import_preview as previews
        from reports.plans.exchange import import_plan

        if not self.has_add_permission(request):
            return redirect("admin:index")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("ফাইল থেকে কর্মপরিকল্পনা আমদানি"),
            "opts": self.model._meta,
        }
        token = request.POST.get("token", "")
        if request.method == "POST" and token:
            upload = previews.load_upload(request.session, token)
            if upload is None:
                self.message_user(
                    request,
                    gettext(
                        "আমদানির ফাইলটি আর নেই (সময় পেরিয়েছে বা আগেই আমদানি হয়েছে); ফাইলটি আবার দিন।"
                    ),
                    messages.ERROR,
                )
                return redirect(reverse("admin:egov_plan_actionplan_import"))
            data, filename, office = upload
            tier = PlanImportConfirmForm(request.POST)
            single_tier = tier.cleaned_data["single_tier"] if tier.is_valid() else 0
            repairs = previews.repair_decisions(request.POST)
            if request.POST.get("action") == "import":
                result = import_plan(
                    data=data,
                    filename=filename,
                    office_name=office or None,
                    single_tier=single_tier,
                    repairs=repairs,
                )
                if not result.faults:
                    previews.discard_upload(request.session, token)
                    self.message_user(
                        request,
                        gettext("আমদানি হয়েছে: {plan}").format(plan=result.plan),
                        messages.SUCCESS,
                    )
                    return redirect(
                        reverse("admin:egov_plan_actionplan_change", args=[result.plan.pk])
                    )
            preview = previews.make_preview(
                data=data,
                filename=filename,
                office=office,
                single_tier=single_tier,
                repairs=repairs,
            )
            return render(
                request,
                "admin/egov_plan/actionplan/import_preview.html",
                {
                    **context,
                    "preview": preview,
                    "token": token,
                    "filename": filename,
                    "tier_form": PlanImportConfirmForm(initial={"single_tier": single_tier}),
                },
                status=400 if preview.faults else 200,
            )
        form = (
            PlanImportForm(request.POST, request.FILES)
            if request.method == "POST"
            else PlanImportForm()
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data, office = upload.read(), form.cleaned_data["office"]
            preview = previews.make_preview(data=data, filename=upload.name, office=office)
            token = previews.store_upload(
                request.session, data=data, filename=upload.name, office=office
            )
            return render(
                request,
                "admin/egov_plan/actionplan/import_preview.html",
                {
                    **context,
                    "preview": preview,
                    "token": token,
                    "filename": upload.name,
                    "tier_form": PlanImportConfirmForm(),
                },
                status=400 if preview.faults else 200,
            )
        return render(
            request,
            "admin/egov_plan/actionplan/import.html",
            {**context, "form": form},
            status=400 if form.errors else 200,
        )
