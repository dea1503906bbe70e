"""The admin: offices, fiscal years, and each plan editable on one page (areas → activities →
indicators, signatories), validated as a whole; import, export and copy forward."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse

from egov_plan.admin_forms import (
    ActionPlanForm, AreaFormSet, BengaliDecimalField, BengaliInlineFormSet, BengaliIntegerField,
    BengaliNumberInput, IndicatorForm, PlanImportForm,
)

# Numbers in the plan pages are typed and shown with Bengali digits (Latin digits are accepted too).
BENGALI_NUMBERS = {
    models.DecimalField: {"form_class": BengaliDecimalField,
                          "widget": BengaliNumberInput(attrs={"style": "width: 6em"})},
    models.PositiveSmallIntegerField: {"form_class": BengaliIntegerField,
                                       "widget": BengaliNumberInput(attrs={"style": "width: 4em"})},
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 90})},
}
from egov_plan.models import (
    Activity, ActionPlan, FiscalYear, Indicator, Membership, Office, OfficeTier, PerformanceArea, PlanAmendment,
    Signatory,
)
from egov_plan.offices import office_create, office_move


class OfficeForm(forms.ModelForm):
    """An office with its place in the tree, named by the parent's code (the country has too many
    offices for a drop-down)."""

    parent_code = forms.CharField(label="নিয়ন্ত্রণকারী দপ্তরের কোড", required=False, max_length=40,
                                  help_text="খালি রাখলে দপ্তরটি শীর্ষ স্তরে থাকবে।")

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
            raise forms.ValidationError(f"“{code}” কোডের কোনো দপ্তর নেই।")
        if self.instance.pk and (parent.pk == self.instance.pk or parent.is_under(self.instance)):
            raise forms.ValidationError("দপ্তরকে তার নিজের বা অধীনস্থ দপ্তরের অধীনে রাখা যায় না।")
        return parent


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = OfficeForm
    list_display = ["code", "name", "location", "tier", "numchild"]
    list_filter = ["tier"]
    search_fields = ["code", "name", "location"]
    readonly_fields = ["numchild"]
    ordering = ["path"]

    def save_model(self, request, obj, form, change):
        parent = form.cleaned_data.get("parent_code")
        if not change:
            created = office_create(name=obj.name, location=obj.location, tier=obj.tier, code=obj.code,
                                    parent=parent)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        obj.save()
        office_move(office=obj, parent=parent)


@admin.register(OfficeTier)
class OfficeTierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start_year"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role"]
    list_filter = ["role", "office"]
    search_fields = ["user__username", "user__first_name", "office__name"]
    autocomplete_fields = ["office"]
    list_select_related = ["user", "office"]


class IndicatorInline(nested_admin.NestedTabularInline):
    model = Indicator
    formfield_overrides = BENGALI_NUMBERS
    form = IndicatorForm
    formset = BengaliInlineFormSet
    extra = 0
    fields = ["number", "title", "unit", "weight", "calculation_method", *Indicator.TIER_FIELDS]
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


@admin.register(ActionPlan)
class ActionPlanAdmin(nested_admin.NestedModelAdmin):
    formfield_overrides = BENGALI_NUMBERS
    form = ActionPlanForm
    list_display = ["title", "office", "fiscal_year", "total_marks", "scoring_method"]
    list_filter = ["fiscal_year", "office"]
    search_fields = ["title", "office__name"]
    autocomplete_fields = ["office"]
    inlines = [AreaInline, SignatoryInline, PlanAmendmentInline]
    actions = ["copy_to_next_year"]
    change_list_template = "admin/egov_plan/actionplan/change_list.html"

    def save_related(self, request, form, formsets, change):
        from reports.scores import rescore_plan

        super().save_related(request, form, formsets, change)
        rescore_plan(plan_id=form.instance.pk)
        summary = [line for formset in formsets if isinstance(formset, AreaFormSet)
                   for line in formset.change_summary]
        reason = form.cleaned_data.get("change_reason", "").strip()
        if change and summary and (reason or form.instance.reports.filter(
                status__in=["submitted", "approved"]).exists()):
            PlanAmendment.objects.create(plan=form.instance, user=request.user, reason=reason or "—",
                                         summary="\n".join(summary))

    @admin.action(description="পরবর্তী অর্থবছরের জন্য কপি করুন (লক্ষ্যমাত্রার তারিখ এক বছর পরে)")
    def copy_to_next_year(self, request, queryset):
        from reports.plan_documents import PlanExists, copy_plan_forward

        for plan in queryset.select_related("office", "fiscal_year"):
            try:
                with transaction.atomic():
                    new_plan = copy_plan_forward(plan=plan, to_year=plan.fiscal_year.start_year + 1)
            except PlanExists:
                self.message_user(request, f"{plan}: পরবর্তী অর্থবছরের কর্মপরিকল্পনা আগে থেকেই আছে।",
                                  messages.WARNING)
            else:
                self.message_user(request, f"তৈরি হয়েছে: {new_plan}", messages.SUCCESS)

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="egov_plan_actionplan_import"),
                *super().get_urls()]

    def import_view(self, request):
        from reports.plan_exchange import import_plan

        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = PlanImportForm(request.POST, request.FILES) if request.method == "POST" else PlanImportForm()
        faults = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_plan(data=upload.read(), filename=upload.name,
                                 office_name=form.cleaned_data["office"] or None)
            if not result.faults:
                self.message_user(request, f"আমদানি হয়েছে: {result.plan}", messages.SUCCESS)
                return redirect(reverse("admin:egov_plan_actionplan_change", args=[result.plan.pk]))
            faults = result.faults
        context = {**self.admin_site.each_context(request), "title": "ফাইল থেকে কর্মপরিকল্পনা আমদানি",
                   "form": form, "faults": faults, "opts": self.model._meta}
        return render(request, "admin/egov_plan/actionplan/import.html", context,
                      status=400 if faults or form.errors else 200)
