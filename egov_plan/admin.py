from django.contrib import admin

from egov_plan.models import ActionPlan, FiscalYear, Membership, Office


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "parent"]
    search_fields = ["name"]


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start_year"]


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "office", "fiscal_year", "total_marks", "scoring_method"]
    list_filter = ["fiscal_year", "office"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role"]
    list_filter = ["role", "office"]
