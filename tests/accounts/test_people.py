"""/people/: office heads manage the people of their office and the offices below it, and nowhere
else; deactivation ends sessions at once; transfers end one membership and start another on a date;
only memberships current today grant access; every change is recorded and shown."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov_plan.accounts.models import Membership, PeopleChange
from egov_plan.accounts.user_import import import_users
from egov_plan.offices.tree import office_create
from tests.conftest import PASSWORD, client_for, current_membership, make_user
from tests.helpers import indicator_by_code

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def staff(people, settings):
    """people, with `manager`: the supervising office's reviewer marked as its user manager (the seed
    office is below it; the other tree is not), and `sibling`: another office under the supervising one."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people.manager = make_user("manager", people.supervising, Membership.REVIEWER)
    Membership.objects.filter(user=people.manager).update(is_manager=True)
    people.sibling = office_create(
        name="উপজেলা নির্বাহী অফিসারের কার্যালয়",
        tier="upazila",
        location="ত্রিশাল",
        code="UNO-TRI",
        parent=people.supervising,
    )
    return people


def member_of(user) -> Membership:
    return current_membership(user)


ROLES = ["anonymous", "officer", "reviewer", "manager", "admin"]
# (method, url, expected status per role in ROLES order); {officer}: the seed office officer's membership
# (in the manager's subtree), {outside}: the other tree's officer's (outside it)
MATRIX = [
    ("get", "/people/", [302, 403, 403, 200, 200]),
    ("get", "/people/?office={seed_code}", [302, 403, 403, 200, 200]),
    ("get", "/people/?office=DC-NETRAKONA", [302, 403, 403, 404, 200]),
    ("get", "/people/?office=NOWHERE", [302, 403, 403, 404, 404]),
    ("get", "/people/add/", [302, 403, 403, 200, 200]),
    ("get", "/people/{officer}/", [302, 403, 403, 200, 200]),
    ("get", "/people/{outside}/", [302, 403, 403, 404, 200]),
    ("get", "/people/999999/", [302, 403, 403, 404, 404]),
    ("post", "/people/{outside}/role/", [302, 403, 403, 404, 302]),
    (
        "post",
        "/people/{outside}/transfer/",
        [302, 403, 403, 404, 400],
    ),  # admin: no office code given
    ("post", "/people/{outside}/deactivate/", [302, 403, 403, 404, 302]),
    ("post", "/people/{officer}/role/", [302, 403, 403, 302, 302]),
    ("get", "/people/{officer}/role/", [302, 405, 405, 405, 405]),
    ("put", "/people/", [302, 405, 405, 405, 405]),
]
CASES = [
    (method, url, role, codes[i]) for method, url, codes in MATRIX for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(
    "method, url, role, expected", CASES, ids=[f"{m} {u} as {r}" for m, u, r, _ in CASES]
)
def test_people_pages_for_every_role(staff, method, url, role, expected):
    client = client_for(None if role == "anonymous" else getattr(staff, role))
    path = url.format(
        officer=member_of(staff.officer).pk,
        outside=member_of(staff.other_officer).pk,
        seed_code=staff.office.code,
    )
    data = {"role": Membership.OFFICER} if method == "post" else None
    response = getattr(client, method)(path, data)
    assert response.status_code == expected, response.content.decode()[:300]
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def test_the_manager_lists_only_their_subtree_searchable_and_paged(staff):
    html = client_for(staff.manager).get("/people/").content.decode()
    listed = html[html.index('class="table table-sm table-bordered align-middle people-list"') :]
    assert "officer" in listed and "other_officer" not in listed and "other_reviewer" not in listed
    found = client_for(staff.manager).get("/people/?q=offic").content.decode()
    assert "<td>officer</td>" in found and "<td>manager</td>" not in found
    # An admin names an office or searches: the country's users are never listed at once.
    admin = client_for(staff.admin).get("/people/").content.decode()
    assert "people-prompt" in admin and "people-list" not in admin


def test_the_list_costs_the_same_queries_for_five_or_sixty_people(staff):
    def queries() -> int:
        client = client_for(staff.manager)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/people/").status_code == 200
        return len(captured)

    for i in range(5):
        make_user(f"few{i}", staff.sibling, Membership.OFFICER, email=f"few{i}@example.gov.bd")
    few = queries()
    for i in range(55):
        make_user(f"many{i}", staff.sibling, Membership.OFFICER, email=f"many{i}@example.gov.bd")
    Membership.objects.filter(user__username="many1").update(
        role=Membership.REVIEWER, is_manager=True
    )
    assert queries() == few


def test_the_manager_adds_a_person_who_is_invited_and_the_change_is_recorded(
    staff, django_capture_on_commit_callbacks
):
    client = client_for(staff.manager)
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the invitation's task is queued on commit
        response = client.post(
            "/people/add/",
            {
                "username": "rahim",
                "full_name": "রহিম উদ্দিন",
                "email": "rahim@example.gov.bd",
                "mobile": "০১৭১২৩৪৫৬৭৮",
                "designation": "সহকারী প্রোগ্রামার",
                "office_code": "UNO-TRI",
                "role": Membership.OFFICER,
            },
        )
    assert response.status_code == 302
    rahim = User.objects.get(username="rahim")
    assert not rahim.has_usable_password() and rahim.profile.mobile == "+8801712345678"
    assert (member_of(rahim).office.code, member_of(rahim).role) == ("UNO-TRI", Membership.OFFICER)
    assert [m.to for m in mail.outbox] == [
        ["rahim@example.gov.bd"]
    ] and "/accounts/invitation/" in mail.outbox[0].body
    change = PeopleChange.objects.get(user=rahim)
    assert (change.actor, change.action, change.office.code) == (
        staff.manager,
        PeopleChange.ADDED,
        "UNO-TRI",
    )
    page = client.get("/people/").content.decode()
    log = page[page.index("people-changes") :]
    assert "রহিম উদ্দিন (rahim)" in log and "যোগ করা হয়েছে" in log and "manager" in log


def test_adding_outside_the_subtree_or_a_taken_name_is_refused_beside_the_field(staff):
    client = client_for(staff.manager)
    form = {
        "username": "officer",
        "full_name": "ক",
        "email": "bad",
        "mobile": "12345",
        "office_code": "DC-NETRAKONA",
        "role": "admin",
    }
    response = client.post("/people/add/", form)
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "একটি সঠিক ই-মেইল ঠিকানা লিখুন।",
        "মোবাইল নম্বরটি সঠিক নয়",
        "এই কোডের কোনো দপ্তর আপনার আওতায় নেই।",
        "কাউকে প্রশাসক করা যায় না।",
    ):
        assert message in html
    assert 'value="officer"' in html  # nothing typed is lost
    form.update(email="x@example.gov.bd", mobile="", office_code="UNO-TRI", role=Membership.OFFICER)
    assert "এই ব্যবহারকারীর নাম আগেই আছে" in client.post("/people/add/", form).content.decode()
    assert not PeopleChange.objects.exists()


def test_a_manager_cannot_make_anyone_an_admin_or_a_manager_of_their_own_reach(staff):
    client = client_for(staff.manager)
    officer = member_of(staff.officer)
    response = client.post(f"/people/{officer.pk}/role/", {"role": "admin"})
    assert response.status_code == 400 and "কাউকে প্রশাসক করা যায় না।" in response.content.decode()
    staff.officer.refresh_from_db()
    assert not staff.officer.is_staff and member_of(staff.officer).role == Membership.OFFICER
    # A manager of the supervising office: for the office's own reviewers, no; below it, yes.
    colleague = make_user("colleague", staff.supervising, Membership.REVIEWER)
    response = client.post(
        f"/people/{member_of(colleague).pk}/role/",
        {"role": Membership.REVIEWER, "is_manager": "on"},
    )
    assert (
        response.status_code == 400 and "শুধু আপনার অধীন দপ্তরগুলোর ব্যবস্থাপক" in response.content.decode()
    )
    assert not member_of(colleague).is_manager
    head = make_user("head", staff.sibling, Membership.REVIEWER)
    assert (
        client.post(
            f"/people/{member_of(head).pk}/role/", {"role": Membership.REVIEWER, "is_manager": "on"}
        ).status_code
        == 302
    )
    assert member_of(head).is_manager
    # Nor may the manager below change the manager above, or themselves.
    below = client_for(head)
    assert (
        below.post(
            f"/people/{member_of(staff.manager).pk}/role/", {"role": Membership.OFFICER}
        ).status_code
        == 404
    )
    assert client.post(f"/people/{member_of(staff.manager).pk}/deactivate/").status_code == 302
    assert User.objects.get(username="manager").is_active  # refused with a message: not oneself
    assert [c.action for c in PeopleChange.objects.all()] == [PeopleChange.MANAGER]


def test_a_role_change_is_recorded_and_takes_effect_at_the_next_request(staff):
    officer = client_for(staff.officer)
    edit = f"/plans/{staff.plan.pk}/quarters/1/edit/"
    assert officer.get(edit).status_code == 200
    response = client_for(staff.manager).post(
        f"/people/{member_of(staff.officer).pk}/role/", {"role": Membership.REVIEWER}
    )
    assert response.status_code == 302
    assert officer.get(edit).status_code == 404  # a reviewer sees the offices below, not their own
    change = PeopleChange.objects.get()
    assert (change.action, change.before, change.after, change.actor) == (
        PeopleChange.ROLE,
        Membership.OFFICER,
        Membership.REVIEWER,
        staff.manager,
    )


def test_deactivation_ends_the_users_sessions_at_once(staff):
    officer = Client()
    assert (
        officer.post("/accounts/login/", {"username": "officer", "password": PASSWORD}).status_code
        == 302
    )
    assert officer.get("/").status_code == 200
    key = officer.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    response = client_for(staff.manager).post(f"/people/{member_of(staff.officer).pk}/deactivate/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    refused = officer.get("/")
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/login/")
    # The session is gone, not only refused: made active again, the user is still signed out.
    User.objects.filter(username="officer").update(is_active=True)
    assert officer.get("/").status_code == 302
    assert PeopleChange.objects.get().action == PeopleChange.DEACTIVATED


def test_a_person_with_a_membership_outside_the_subtree_is_deactivated_only_by_someone_who_reaches_both(
    staff,
):
    Membership.objects.create(
        user=staff.officer, office=staff.other_office, role=Membership.OFFICER
    )
    response = client_for(staff.manager).post(
        f"/people/{member_of_office(staff.officer, staff.office).pk}/deactivate/", follow=True
    )
    assert "আপনার আওতার বাইরে" in response.content.decode()
    assert User.objects.get(username="officer").is_active


def member_of_office(user, office) -> Membership:
    return Membership.objects.current().get(user=user, office=office)


def _history(client, plan, quarter=2) -> str:
    return client.get(f"/plans/{plan.pk}/quarters/{quarter}/history/").content.decode()


def test_a_transfer_ends_the_old_membership_starts_the_new_and_history_keeps_the_office(staff):
    plan = staff.plan
    officer = client_for(staff.officer)
    code = indicator_by_code(plan, "1.3.1").pk
    assert (
        officer.post(
            f"/plans/{plan.pk}/quarters/2/edit/",
            {"version": "0", f"value_{code}": "৩৫", "action": "submit"},
        ).status_code
        == 302
    )
    old = member_of(staff.officer)
    today = timezone.localdate()
    response = client_for(staff.manager).post(
        f"/people/{old.pk}/transfer/",
        {"office_code": "UNO-TRI", "role": Membership.OFFICER, "on": today.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    new = member_of(staff.officer)
    assert old.end_date == today and (new.office.code, new.start_date, new.end_date) == (
        "UNO-TRI",
        today,
        None,
    )
    # Access follows at the next request: the old office's entry page is gone.
    assert officer.get(f"/plans/{plan.pk}/quarters/2/").status_code == 404
    # The old office's history still names the person, with the office they acted for then.
    history = _history(client_for(staff.reviewer), plan)
    assert (
        f'<td>officer<br><small class="acting-office">{plan.office.display_name}</small></td>'
        in history
    )
    change = PeopleChange.objects.get()
    assert (change.action, change.office, change.before) == (
        PeopleChange.TRANSFERRED,
        staff.office,
        staff.office.code,
    )
    page = client_for(staff.manager).get("/people/").content.decode()
    assert "বদলি" in page and f"{staff.office.code} থেকে UNO-TRI" in page


def test_a_transfer_is_refused_beside_its_field_outside_the_subtree_or_with_a_bad_date(staff):
    old = member_of(staff.officer)
    client = client_for(staff.manager)
    outside = client.post(
        f"/people/{old.pk}/transfer/",
        {"office_code": "DC-NETRAKONA", "role": "officer", "on": "01/07/2026"},
    )
    assert (
        outside.status_code == 400
        and "এই কোডের কোনো দপ্তর আপনার আওতায় নেই।" in outside.content.decode()
    )
    bad = client.post(
        f"/people/{old.pk}/transfer/",
        {"office_code": "UNO-TRI", "role": "officer", "on": "৩১/০২/২০২৬"},
    )
    html = bad.content.decode()
    assert bad.status_code == 400 and "তারিখটি সঠিক নয়" in html and 'value="UNO-TRI"' in html
    early = client.post(
        f"/people/{old.pk}/transfer/",
        {"office_code": "UNO-TRI", "role": "officer", "on": "01/01/1999"},
    )
    assert early.status_code == 400 and "সদস্যপদ শুরুর তারিখের" in early.content.decode()
    assert (
        Membership.objects.filter(user=staff.officer).count() == 1
        and member_of(staff.officer).end_date is None
    )


def test_only_memberships_current_today_grant_access(staff, time_machine):
    plan = staff.plan
    edit = f"/plans/{plan.pk}/quarters/1/edit/"
    today = timezone.localdate()
    newcomer = make_user(
        "newcomer", staff.office, Membership.OFFICER, since=today + datetime.timedelta(days=10)
    )
    leaver = make_user("leaver", staff.office, Membership.OFFICER)
    Membership.objects.filter(user=leaver).update(end_date=today)
    assert client_for(newcomer).get(edit).status_code == 404  # not yet
    assert (
        client_for(leaver).get(edit).status_code == 404
    )  # no longer (the end day is not included)
    assert client_for(staff.officer).get(edit).status_code == 200
    time_machine.move_to(
        datetime.datetime.combine(today + datetime.timedelta(days=10), datetime.time(10))
    )
    assert client_for(newcomer).get(edit).status_code == 200


def test_a_future_transfer_counts_from_its_date(staff, time_machine):
    old = member_of(staff.officer)
    on = timezone.localdate() + datetime.timedelta(days=5)
    client_for(staff.manager).post(
        f"/people/{old.pk}/transfer/",
        {"office_code": "UNO-TRI", "role": Membership.OFFICER, "on": on.strftime("%d/%m/%Y")},
    )
    edit = f"/plans/{staff.plan.pk}/quarters/1/edit/"
    assert client_for(staff.officer).get(edit).status_code == 200  # until the date, the old office
    time_machine.move_to(datetime.datetime.combine(on, datetime.time(10)))
    assert client_for(staff.officer).get(edit).status_code == 404
    assert member_of(staff.officer).office.code == "UNO-TRI"


def test_the_import_files_transfer_date_column_transfers(staff):
    header = "username,full_name,email,mobile,office_code,role,designation,transfer_date\n"
    on = timezone.localdate() + datetime.timedelta(days=3)
    data = (
        header + f"officer,officer,officer@example.gov.bd,,UNO-TRI,officer,,{on:%d/%m/%Y}\n"
    ).encode()
    result = import_users(data=data, filename="users.csv", actor=staff.admin)
    assert result.faults == [] and "দপ্তর" in result.changed[0].fields
    held = list(Membership.objects.filter(user=staff.officer).order_by("start_date"))
    assert [(m.office.code, m.start_date, m.end_date) for m in held] == [
        (staff.office.code, held[0].start_date, on),
        ("UNO-TRI", on, None),
    ]
    assert PeopleChange.objects.get().action == PeopleChange.TRANSFERRED
    # The same file again changes nothing: the transfer is already there.
    again = import_users(data=data, filename="users.csv")
    assert (
        again.faults == []
        and len(again.unchanged) == 1
        and Membership.objects.filter(user=staff.officer).count() == 2
    )
    bad = import_users(
        data=(
            header + "officer,officer,officer@example.gov.bd,,UNO-TRI,officer,,৩২/১৩/২০২৬\n"
        ).encode(),
        filename="users.csv",
    )
    assert len(bad.faults) == 1 and "বদলির তারিখ" in bad.faults[0]


def test_a_person_of_two_offices_chooses_the_office_on_the_index_and_the_entry_page(staff):
    # A handover: the seed office's officer is also, for now, the sibling office's focal point.
    Membership.objects.create(user=staff.officer, office=staff.sibling, role=Membership.OFFICER)
    client = client_for(staff.officer)
    html = client.get("/").content.decode()
    assert 'class="office-choice' in html and staff.sibling.display_name in html
    assert f"কর্মপরিকল্পনাসমূহ — {staff.office.display_name}" in html
    entry = client.get(f"/plans/{staff.plan.pk}/quarters/1/edit/").content.decode()
    assert 'class="office-choice' in entry
    sibling = Membership.objects.get(user=staff.officer, office=staff.sibling)
    response = client.post("/office/", {"membership": sibling.pk, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert f"কর্মপরিকল্পনাসমূহ — {staff.sibling.display_name}" in html
    # Both offices' memberships grant what they grant: the seed office's entry page still opens.
    assert client.get(f"/plans/{staff.plan.pk}/quarters/1/edit/").status_code == 200
    # Someone else's membership cannot be chosen.
    other = member_of(staff.other_officer)
    assert (
        client.post("/office/", {"membership": other.pk, "next": "https://evil.example/"})[
            "Location"
        ]
        == "/"
    )
    assert f"কর্মপরিকল্পনাসমূহ — {staff.sibling.display_name}" in client.get("/").content.decode()


def test_the_admin_sets_the_manager_flag_and_a_wrong_membership_is_a_bengali_message(staff):
    admin = client_for(staff.admin)
    officer = member_of(staff.officer)
    url = f"/admin/egov_plan/membership/{officer.pk}/change/"
    form = {
        "user": staff.officer.pk,
        "office": staff.office.pk,
        "role": Membership.OFFICER,
        "is_manager": "on",
        "start_date": "2000-01-01",
        "end_date": "",
    }
    response = admin.post(url, form)
    assert (
        response.status_code == 200
        and "শুধু পর্যালোচক ব্যবহারকারী ব্যবস্থাপক হতে পারেন।" in response.content.decode()
    )
    response = admin.post(url, {**form, "end_date": "1999-01-01", "is_manager": ""})
    assert "সদস্যপদের শেষের তারিখ শুরুর তারিখের পরে হতে হবে।" in response.content.decode()
    assert admin.post(url, {**form, "role": Membership.REVIEWER}).status_code == 302
    assert member_of(staff.officer).is_manager


def test_deactivating_in_the_admin_ends_the_sessions_too(staff):
    officer = Client()
    officer.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    key = officer.session.session_key
    staff.officer.is_active = False
    staff.officer.save()
    assert not Session.objects.filter(session_key=key).exists()


def test_a_manager_cannot_change_or_deactivate_an_admins_account(staff):
    """An admin who also holds a membership in the manager's subtree is changed by a superuser only."""
    chief = make_user("chief", staff.office, Membership.OFFICER, is_staff=True, is_superuser=True)
    held = member_of(chief)
    client = client_for(staff.manager)
    assert client.post(f"/people/{held.pk}/deactivate/").status_code == 302
    assert client.post(f"/people/{held.pk}/role/", {"role": Membership.REVIEWER}).status_code == 400
    chief.refresh_from_db()
    held.refresh_from_db()
    assert chief.is_active and held.role == Membership.OFFICER and not PeopleChange.objects.exists()


def test_staff_without_the_users_permissions_manage_nobody(staff):
    clerk = make_user("clerk", is_staff=True)  # staff, but may not add or change users
    client = client_for(clerk)
    assert client.get("/people/").status_code == 403
    assert (
        client.post(
            "/people/add/",
            {
                "username": "intruder",
                "full_name": "x",
                "email": "x@example.gov.bd",
                "office_code": "LGD",
                "role": Membership.REVIEWER,
                "is_manager": "on",
            },
        ).status_code
        == 403
    )
    assert not User.objects.filter(username="intruder").exists()


def test_a_transfer_meeting_a_membership_that_starts_that_day_or_later_is_refused_beside_the_date(
    staff,
):
    old = member_of(staff.officer)
    client = client_for(staff.manager)
    ahead = timezone.localdate() + datetime.timedelta(days=30)
    assert (
        client.post(
            f"/people/{old.pk}/transfer/",
            {"office_code": "UNO-TRI", "role": "officer", "on": ahead.strftime("%d/%m/%Y")},
        ).status_code
        == 302
    )
    sooner = client.post(
        f"/people/{old.pk}/transfer/",
        {
            "office_code": "UNO-TRI",
            "role": "officer",
            "on": (ahead - datetime.timedelta(days=20)).strftime("%d/%m/%Y"),
        },
    )
    assert sooner.status_code == 400 and "বদলির তারিখে বা তার পরে শুরু হচ্ছে" in sooner.content.decode()
    # Another membership that began today: ending it today would end it before it began.
    today = timezone.localdate()
    also = Membership.objects.create(
        user=staff.reviewer, office=staff.sibling, role=Membership.REVIEWER, start_date=today
    )
    first = Membership.objects.current().get(user=staff.reviewer, office=staff.supervising)
    admin = client_for(staff.admin)
    refused = admin.post(
        f"/people/{first.pk}/transfer/",
        {"office_code": staff.office.code, "role": "reviewer", "on": today.strftime("%d/%m/%Y")},
    )
    assert refused.status_code == 400 and "বদলির তারিখে বা তার পরে শুরু হচ্ছে" in refused.content.decode()
    also.refresh_from_db()
    assert also.end_date is None


def test_with_the_second_factor_required_people_pages_ask_for_it_before_anything_is_typed(
    staff, settings
):
    settings.REQUIRE_SECOND_FACTOR = True
    client = client_for(staff.manager)
    for path in ("/people/", "/people/add/", f"/people/{member_of(staff.officer).pk}/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/second-factor/"
        ), path
    response = client.post(
        "/people/add/",
        {
            "username": "newcomer",
            "full_name": "x",
            "email": "x@example.gov.bd",
            "office_code": staff.office.code,
            "role": Membership.REVIEWER,
        },
    )
    assert response.status_code == 302 and response["Location"].startswith(
        "/accounts/second-factor/"
    )
    deactivated = client.post(f"/people/{member_of(staff.officer).pk}/deactivate/")
    assert deactivated["Location"].startswith("/accounts/second-factor/")
    staff.officer.refresh_from_db()
    assert staff.officer.is_active and not User.objects.filter(username="newcomer").exists()
