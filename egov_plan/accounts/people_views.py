"""/people/: a manager's (or an admin's) people: the list (paged, searchable, within their reach),
adding a person, a person's page (change of role, transfer, deactivation) and the record of changes.
The rules are egov_plan/accounts/people.py's; here the forms and the pages.

And /office/: a person with several current memberships chooses the office they act for."""

from django import forms
from django.contrib import messages
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov_plan import i18n
from egov_plan.accounts import people, permissions, second_factor
from egov_plan.accounts.models import Membership, today
from egov_plan.accounts.user_import import normalise_mobile
from egov_plan.core import bangla
from egov_plan.offices.models import Office

PAGE_SIZE = 50
CHANGES_PAGE_SIZE = 20
REQUIRED = {"required": _("এই ঘরটি পূরণ করুন।")}
ROLE_ERRORS = {
    "required": _("একটি ভূমিকা নির্বাচন করুন।"),
    "invalid_choice": _("ভূমিকা হতে পারে শুধু কর্মকর্তা বা পর্যালোচক; কাউকে প্রশাসক করা যায় না।"),
}


def _office_by_code(user, code: str) -> Office | None:
    """The office of that code if it is in the user's reach (an office out of reach is as unknown)."""
    office = Office.objects.select_related("tier").filter(code=code).first()
    return office if office is not None and people.in_reach(user, office) else None


class OfficeCodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(label=_("দপ্তর কোড"), max_length=40, error_messages=REQUIRED, **kwargs)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("খুঁজুন (নাম, ব্যবহারকারীর নাম, ই-মেইল বা দপ্তর কোড)"), max_length=100, required=False
    )
    office = forms.CharField(label=_("দপ্তর কোড"), max_length=40, required=False)


class PersonForm(forms.Form):
    """A new person: their account and their membership."""

    username = forms.CharField(label=_("ব্যবহারকারীর নাম"), max_length=150, error_messages=REQUIRED)
    full_name = forms.CharField(label=_("পূর্ণ নাম"), max_length=150, error_messages=REQUIRED)
    email = forms.EmailField(
        label=_("ই-মেইল ঠিকানা"),
        max_length=254,
        error_messages={**REQUIRED, "invalid": _("একটি সঠিক ই-মেইল ঠিকানা লিখুন।")},
    )
    mobile = forms.CharField(label=_("মোবাইল নম্বর"), max_length=40, required=False)
    designation = forms.CharField(label=_("পদবি"), max_length=200, required=False)
    office_code = OfficeCodeField()
    role = forms.ChoiceField(
        label=_("ভূমিকা"), choices=Membership.ROLE_CHOICES, error_messages=ROLE_ERRORS
    )
    is_manager = forms.BooleanField(label=_("ব্যবহারকারী ব্যবস্থাপক"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_username(self):
        username = self.cleaned_data["username"]
        try:
            UnicodeUsernameValidator()(username)
        except forms.ValidationError:
            raise forms.ValidationError(
                gettext("ব্যবহারকারীর নামে শুধু অক্ষর, অঙ্ক এবং @ . + - _ চলে।")
            ) from None
        return username

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        if not mobile:
            return ""
        normalised = normalise_mobile(mobile)
        if normalised is None:
            raise forms.ValidationError(
                gettext("মোবাইল নম্বরটি সঠিক নয় (যেমন ০১৭১২৩৪৫৬৭৮ বা +৮৮০১৭১২৩৪৫৬৭৮)।")
            )
        return normalised

    def clean_office_code(self):
        office = _office_by_code(self.user, self.cleaned_data["office_code"])
        if office is None:
            raise forms.ValidationError(gettext("এই কোডের কোনো দপ্তর আপনার আওতায় নেই।"))
        return office


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("ভূমিকা"), choices=Membership.ROLE_CHOICES, error_messages=ROLE_ERRORS
    )
    is_manager = forms.BooleanField(label=_("ব্যবহারকারী ব্যবস্থাপক"), required=False)


class TransferForm(forms.Form):
    office_code = OfficeCodeField(help_text=_("যে দপ্তরে বদলি"))
    role = forms.ChoiceField(
        label=_("নতুন দপ্তরে ভূমিকা"), choices=Membership.ROLE_CHOICES, error_messages=ROLE_ERRORS
    )
    on = forms.CharField(
        label=_("বদলির তারিখ"),
        max_length=20,
        error_messages=REQUIRED,
        help_text=_("দিন/মাস/বছর; এই দিন থেকে নতুন দপ্তরের সদস্যপদ, আগেরটি এই দিনে শেষ।"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_office_code(self):
        office = _office_by_code(self.user, self.cleaned_data["office_code"])
        if office is None:
            raise forms.ValidationError(gettext("এই কোডের কোনো দপ্তর আপনার আওতায় নেই।"))
        return office

    def clean_on(self):
        try:
            return bangla.parse_date(self.cleaned_data["on"])
        except ValueError:
            raise forms.ValidationError(
                gettext("তারিখটি সঠিক নয়; দিন/মাস/বছর লিখুন (যেমন ০১/০৭/২০২৬)।")
            ) from None


def _manager(request):
    if not people.is_people_manager(request.user):
        raise PermissionDenied(gettext("শুধু ব্যবহারকারী ব্যবস্থাপক ও প্রশাসকদের জন্য"))


def _member_in_reach(request, membership_id: int) -> Membership:
    _manager(request)
    member = (
        Membership.objects.current()
        .select_related("user", "user__profile", "office", "office__tier")
        .filter(pk=membership_id, user__is_active=True)
        .first()
    )
    if member is None or not people.in_reach(request.user, member.office):
        raise Http404(gettext("ব্যক্তিটি পাওয়া যায়নি"))
    return member


def _second_factor(request, back: str | None = None):
    """The redirect to the second factor when it is pending: managing people is an admin's act
    (a new reviewer could approve), so it is asked before any /people/ page, as for the admin."""
    return second_factor.ask(request, back or request.get_full_path())


@require_GET
def people_list(request):
    _manager(request)
    if (asked := _second_factor(request)) is not None:
        return asked
    form = SearchForm(request.GET)
    valid = form.is_valid()  # a term too long: its message beside the field, nothing searched
    search = form.cleaned_data["q"].strip() if valid else ""
    code = form.cleaned_data["office"].strip() if valid else ""
    under = None
    if code:
        under = _office_by_code(request.user, code)
        if under is None:
            raise Http404(gettext("দপ্তরটি পাওয়া যায়নি"))
    # An admin's reach is the country: they name an office or search, never list everyone at once.
    listed = not people.is_admin(request.user) or under is not None or bool(search)
    page = (
        Paginator(people.people(request.user, under=under, search=search), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        if listed
        else None
    )
    log = Paginator(people.changes(request.user, under=under), CHANGES_PAGE_SIZE).get_page(
        request.GET.get("changes_page")
    )
    query = "".join(f"{key}={value}&" for key, value in (("q", search), ("office", code)) if value)
    return render(
        request,
        "reports/people.html",
        {
            "form": form,
            "page": page,
            "log": log,
            "under": under,
            "query": query,
            "managed": people.managed(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def person_add(request):
    _manager(request)
    if (asked := _second_factor(request, reverse("person-add"))) is not None:
        return asked
    form = PersonForm(
        request.POST or None,
        user=request.user,
        initial={"office_code": request.GET.get("office", "")[:40], "role": Membership.OFFICER},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = people.add_person(
                request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                office=data["office_code"],
                role=data["role"],
                is_manager=data["is_manager"],
                mobile=data["mobile"],
                designation=data["designation"],
            )
        except people.PeopleError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(
                request,
                gettext("{name} যোগ করা হয়েছে; পাসওয়ার্ড ঠিক করার আমন্ত্রণ ই-মেইলে যাচ্ছে।").format(
                    name=user.get_full_name() or user.username
                ),
            )
            return redirect("people")
    return render(
        request, "reports/person_add.html", {"form": form}, status=400 if form.is_bound else 200
    )


def _person_page(request, member: Membership, *, role_form=None, transfer_form=None, status=200):
    held = list(
        Membership.objects.filter(user=member.user)
        .select_related("office")
        .order_by("start_date", "pk")
    )
    on = today()
    return render(
        request,
        "reports/person.html",
        {
            "member": member,
            "may_change": people.may_change(request.user, member),
            "may_name_managers": people.strictly_below_reach(request.user, member.office),
            "role_form": role_form
            or RoleForm(initial={"role": member.role, "is_manager": member.is_manager}),
            "transfer_form": transfer_form
            or TransferForm(
                user=request.user,
                initial={"role": member.role, "on": i18n.digits(on.strftime("%d/%m/%Y"))},
            ),
            "held": [(m, m.is_current(on)) for m in held],
            "log": people.changes(request.user).filter(user=member.user)[:CHANGES_PAGE_SIZE],
        },
        status=status,
    )


@require_GET
def person(request, membership_id: int):
    member = _member_in_reach(request, membership_id)
    return _second_factor(request) or _person_page(request, member)


@require_POST
def person_role(request, membership_id: int):
    member = _member_in_reach(request, membership_id)
    if (asked := _second_factor(request, reverse("person", args=[member.pk]))) is not None:
        return asked
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            people.change_role(
                request.user,
                member,
                role=form.cleaned_data["role"],
                is_manager=form.cleaned_data["is_manager"],
            )
        except people.PeopleError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, gettext("ভূমিকা সংরক্ষিত হয়েছে।"))
            return redirect("person", membership_id=member.pk)
    return _person_page(request, member, role_form=form, status=400)


@require_POST
def person_transfer(request, membership_id: int):
    member = _member_in_reach(request, membership_id)
    if (asked := _second_factor(request, reverse("person", args=[member.pk]))) is not None:
        return asked
    form = TransferForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = people.transfer(
                request.user, member, office=data["office_code"], role=data["role"], on=data["on"]
            )
        except people.PeopleError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(
                request,
                gettext("বদলি সংরক্ষিত হয়েছে: {office}, {date} থেকে।").format(
                    office=new.office.display_name,
                    date=i18n.digits(new.start_date.strftime("%d/%m/%y")),
                ),
            )
            return redirect("people")
    return _person_page(request, member, transfer_form=form, status=400)


@require_POST
def person_deactivate(request, membership_id: int):
    member = _member_in_reach(request, membership_id)
    if (asked := _second_factor(request, reverse("person", args=[member.pk]))) is not None:
        return asked
    try:
        people.deactivate(request.user, member)
    except people.PeopleError as exc:
        messages.error(request, str(exc))
        return redirect("person", membership_id=member.pk)
    messages.success(
        request,
        gettext("{name} নিষ্ক্রিয় করা হয়েছে; তাঁর সব সেশন শেষ।").format(
            name=member.user.get_full_name() or member.user.username
        ),
    )
    return redirect("people")


@require_POST
def choose_office(request):
    """Act for another of one's current memberships (kept in the session) and go back."""
    chosen = request.POST.get("membership", "")
    found = next((m for m in permissions.memberships(request.user) if str(m.pk) == chosen), None)
    if found is None:
        messages.error(request, gettext("এই দপ্তরে আপনার কোনো চলমান সদস্যপদ নেই।"))
    else:
        request.session[permissions.CHOSEN_KEY] = found.pk
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "index"
    return redirect(target)
