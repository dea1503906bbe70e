"""Admin of the reporting calendar (a fiscal year's due dates, grace period and reminders) and of the
log of reminders sent; the plan domain's admin (offices, fiscal years, plans, roll-out, carry,
import and copy) is reports/plans/admin.py, registered from here."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_plan import i18n
from reports.calendar import deadlines, reminders
from reports.calendar.models import Deadline, ReminderSent, ReportingCalendar
from reports.plans import admin as plans_admin  # noqa: F401  (registers)


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    fields = ["period", "tier", "due"]


@admin.register(ReportingCalendar)
class ReportingCalendarAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "closes_after_grace", "grace_days", "remind_days_before"]
    readonly_fields = ["without_address"]
    inlines = [DeadlineInline]

    @admin.display(description=_("ই-মেইল ঠিকানা নেই বলে যাঁরা স্মরণ পাবেন না"))
    def without_address(self, calendar):
        """Named here so an admin can add the addresses before the reminders fall due."""
        if calendar.pk is None:
            return "—"
        count, people = reminders.without_address(fiscal_year_id=calendar.fiscal_year_id)
        if not count:
            return gettext("কেউ নন: সবার ই-মেইল ঠিকানা আছে।")
        listed = format_html_join(
            "", "<li>{} — {}</li>", ((person, person.kind) for person in people)
        )
        more = (
            format_html(
                "<li>{}</li>",
                gettext("আরও %(count)s জন") % {"count": i18n.number(count - len(people))},
            )
            if count > len(people)
            else ""
        )
        return format_html(
            '<p class="without-address-count">{}</p><ul class="without-address">{}{}</ul>',
            gettext("মোট %(count)s জন") % {"count": i18n.number(count)},
            listed,
            more,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new calendar starts from the default dates (15 Oct, 15 Jan, 15 Apr, 15 Jul) for all tiers,
        # for every period the admin did not date.
        dated = set(
            form.instance.deadlines.filter(tier__isnull=True).values_list("period", flat=True)
        )
        Deadline.objects.bulk_create(
            Deadline(
                calendar=form.instance,
                period=period,
                due=deadlines.default_due(form.instance.fiscal_year.start_year, period),
            )
            for period in deadlines.DEFAULT_DUE
            if period not in dated
        )


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """The log of `send_reminders`: read only."""

    list_display = ["day", "kind", "recipient", "office", "fiscal_year", "period", "sent_at"]
    list_filter = ["kind", "day"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
