"""Importing user accounts from a file: CSV or .xlsx with the header
`username,full_name,email,mobile,office_code,role[,designation[,transfer_date]]`.

Users are created and updated by username, never deleted (as offices by code, egov_plan/offices/importing.py).
The whole file is checked first and every fault is named with its line; a file with any fault writes
nothing. `plan_users` says what an import would create, change and leave alone (the admin's preview);
`import_users` writes it in one transaction, a batch at a time: each batch costs the same handful of
queries whatever it holds, so a file of 5,000 users is a few dozen queries. New users get no password
(an unusable one): the invitation e-mail (egov_plan/accounts/invitations.py) lets them set their own.

A user whose office in the file is not one they hold is transferred (egov_plan/accounts/people.py): the
memberships they hold on `transfer_date` (blank: today) end that day and the file's one starts it;
the ended ones are kept, so that what they did is still told with the office they did it for.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext

from egov_plan import i18n
from egov_plan.accounts.models import Membership, PeopleChange, UserProfile, today
from egov_plan.core import bangla
from egov_plan.offices import importing as office_import
from egov_plan.offices.importing import _line
from egov_plan.offices.models import Office

HEADER = ["username", "full_name", "email", "mobile", "office_code", "role"]
OPTIONAL = ["designation", "transfer_date"]  # either may be left out, from the end
MAX_FILE_BYTES = 5 * 1024 * 1024  # about 40,000 lines of CSV
MAX_ROWS = 20_000
BATCH = 500
MAX_NAME = 150  # Django's username and first_name
MAX_EMAIL = 254
MAX_DESIGNATION = 200
ROLES = [code for code, _label in Membership.ROLE_CHOICES]
# Bangladesh mobile numbers: 01 and an operator digit 3–9, then eight digits; +880 / 880 before it.
MOBILE = re.compile(r"(?:\+?880|0)(1[3-9]\d{8})")
MOBILE_SEPARATORS = re.compile(r"[\s\-().]")

ImportProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class UserRow:
    line: int
    username: str
    full_name: str
    email: str
    mobile: str  # +8801XXXXXXXXX or ""
    office_code: str
    role: str
    designation: str
    transfer_date: datetime.date | None = None

    @property
    def on(self) -> datetime.date:
        """The day the row's office and role hold from (for a transfer: the day it takes effect)."""
        return self.transfer_date or today()


@dataclass(frozen=True)
class Change:
    row: UserRow
    fields: tuple[str, ...] = ()  # what changes, in Bengali (for the preview)


@dataclass
class UserImportResult:
    created: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    written: bool = False
    new_user_ids: list[int] = field(default_factory=list)


def too_large(size: int) -> str | None:
    if size <= MAX_FILE_BYTES:
        return None
    return gettext("ফাইলটি অনেক বড়; ব্যবহারকারীর ফাইল সর্বোচ্চ {max} মেগাবাইট হতে পারে।").format(
        max=i18n.number(MAX_FILE_BYTES // 1024 // 1024)
    )


def _too_many_rows() -> str:
    return gettext("ফাইলে {max}টির বেশি লাইন; ফাইলটি ভাগ করে দিন।").format(max=i18n.number(MAX_ROWS))


def read_rows(data: bytes, filename: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The file's rows as (line number, cells), at most MAX_ROWS (+1 for the header), or the faults
    when it cannot be read: the same reading as the office import, with the rows bounded."""
    if (fault := too_large(len(data))) is not None:
        return [], [fault]
    # the header, and one more to tell that there are too many
    rows, faults = office_import.read_rows(data, filename, limit=MAX_ROWS + 2)
    if faults:
        return [], faults
    if sum(1 for _, cells in rows if any(cells)) > MAX_ROWS + 1:
        return [], [_too_many_rows()]
    return rows, []


def normalise_mobile(text: str) -> str | None:
    """+8801XXXXXXXXX for 01XXXXXXXXX, +8801…, 8801… (Bengali digits too, spaces and dashes
    ignored; 1XXXXXXXXX, as a spreadsheet keeps 01… typed into a number cell); None if malformed."""
    digits = MOBILE_SEPARATORS.sub("", bangla.to_latin_digits(text))
    if re.fullmatch(r"1[3-9]\d{8}", digits):
        digits = "0" + digits
    match = MOBILE.fullmatch(digits)
    return f"+880{match.group(1)}" if match else None


def check_rows(
    rows: list[tuple[int, list[str]]],
) -> tuple[list[UserRow], list[str], dict[int, list[str]]]:
    """The file's users (faulty lines too, so that their office is checked as well), the faults of
    the file as a whole, and each faulty line's problems."""
    content = [(n, cells) for n, cells in rows if any(cells)]
    if not content:
        return [], [gettext("ফাইলটি খালি।")], {}
    header_line, header = content[0]
    header = [c.lower() for c in header]
    while header and not header[-1]:
        header.pop()
    if header not in [HEADER + OPTIONAL[:k] for k in range(len(OPTIONAL) + 1)]:
        return (
            [],
            [
                _line(
                    header_line,
                    gettext("প্রথম লাইনে শিরোনাম থাকতে হবে: {join}").format(
                        join=",".join(HEADER)
                        + "".join(f"[,{name}" for name in OPTIONAL)
                        + "]" * len(OPTIONAL)
                    ),
                )
            ],
            {},
        )
    width = len(header)
    username_format = UnicodeUsernameValidator()
    users: list[UserRow] = []
    faults: dict[int, list[str]] = {}
    seen: dict[str, UserRow] = {}
    for number, cells in content[1:]:
        while len(cells) > width and not cells[-1]:
            cells = cells[:-1]
        if len(cells) < len(HEADER) or len(cells) > width:
            faults[number] = [
                gettext("{number}টি ঘর থাকতে হবে, আছে {found}টি").format(
                    number=i18n.bengali_digits(width), found=i18n.bengali_digits(len(cells))
                )
            ]
            continue
        if any("\x00" in cell for cell in cells):  # PostgreSQL cannot store it; nobody types it
            faults[number] = [gettext("লাইনে অচল অক্ষর (NUL) আছে")]
            continue
        username, full_name, email, mobile, office_code, role = cells[:6]
        designation = cells[6] if len(cells) > 6 else ""
        moved = cells[7] if len(cells) > 7 else ""
        problems = []
        transfer_date = None
        if moved:
            try:
                transfer_date = bangla.parse_date(moved)
            except ValueError:
                problems.append(
                    gettext("বদলির তারিখ “{date}” সঠিক নয় (যেমন ০১/০৭/২০২৬)").format(date=moved[:40])
                )
        if not username:
            problems.append(gettext("ব্যবহারকারীর নাম নেই"))
        elif len(username) > MAX_NAME:
            problems.append(
                gettext("ব্যবহারকারীর নাম {number} অক্ষরের বেশি").format(
                    number=i18n.bengali_digits(MAX_NAME)
                )
            )
        else:
            try:
                username_format(username)
            except ValidationError:
                problems.append(
                    gettext("ব্যবহারকারীর নাম “{username}” এ শুধু অক্ষর, অঙ্ক এবং @ . + - _ চলে").format(
                        username=username
                    )
                )
        if not full_name:
            problems.append(gettext("পূর্ণ নাম নেই"))
        elif len(full_name) > MAX_NAME:
            problems.append(
                gettext("পূর্ণ নাম {number} অক্ষরের বেশি").format(number=i18n.bengali_digits(MAX_NAME))
            )
        if not email:
            problems.append(gettext("ই-মেইল ঠিকানা নেই"))
        else:
            try:
                if len(email) > MAX_EMAIL:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                problems.append(gettext("ই-মেইল ঠিকানা “{email}” সঠিক নয়").format(email=email[:80]))
        normalised = ""
        if mobile:
            normalised = normalise_mobile(mobile)
            if normalised is None:
                problems.append(
                    gettext(
                        "মোবাইল নম্বর “{mobile}” সঠিক নয় (যেমন ০১৭১২৩৪৫৬৭৮ বা +৮৮০১৭১২৩৪৫৬৭৮)"
                    ).format(mobile=mobile[:40])
                )
        if not office_code:
            problems.append(gettext("দপ্তরের কোড নেই"))
        if role.lower() not in ROLES:
            problems.append(
                gettext("ভূমিকা “{role}” অজানা (হতে পারে: {join})").format(
                    role=role[:40], join=", ".join(ROLES)
                )
            )
        if len(designation) > MAX_DESIGNATION:
            problems.append(
                gettext("পদবি {number} অক্ষরের বেশি").format(
                    number=i18n.bengali_digits(MAX_DESIGNATION)
                )
            )
        row = UserRow(
            number,
            username,
            full_name,
            email,
            normalised or "",
            office_code,
            role.lower(),
            designation,
            transfer_date,
        )
        earlier = seen.get(username) if username else None
        if earlier is not None:
            if earlier.office_code == office_code and earlier.role != row.role:
                problems.append(
                    gettext(
                        "“{username}” লাইন {number} এ একই দপ্তরে অন্য ভূমিকায় আছে; একজনের এক দপ্তরে একটিই ভূমিকা"
                    ).format(username=username, number=i18n.bengali_digits(earlier.line))
                )
            else:
                problems.append(
                    gettext("ব্যবহারকারীর নাম “{username}” লাইন {number} এও আছে").format(
                        username=username, number=i18n.bengali_digits(earlier.line)
                    )
                )
        elif username:
            seen[username] = row
        if problems:
            faults[number] = problems
        users.append(row)
    return users, [], faults


@dataclass
class _Plan:
    """What one batch of rows does to the database, with the objects loaded to do it."""

    rows: list[UserRow]
    users: dict[str, object]
    offices: dict[str, Office]


def _load(batch: list[UserRow]) -> _Plan:
    """Three queries, whatever the batch holds: its users (with profile), their memberships not ended by
    the batch's earliest date, and its offices."""
    user_model = get_user_model()
    earliest = min([today(), *(r.transfer_date for r in batch if r.transfer_date)])
    held = Prefetch(
        "memberships",
        Membership.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=earliest))
        .select_related("office")
        .order_by("start_date", "pk"),
        to_attr="held",
    )
    users = {
        u.username: u
        for u in user_model.objects.filter(username__in=[r.username for r in batch])
        .select_related("profile")
        .prefetch_related(held)
    }
    offices = {o.code: o for o in Office.objects.filter(code__in={r.office_code for r in batch})}
    return _Plan(batch, users, offices)


@dataclass(frozen=True)
class _Placement:
    """Where a row puts an existing user: the membership they keep (its role maybe changed), or the
    memberships a transfer ends, and the one it corrects (begun that same day: it never held a whole
    day, so its office and role are put right in place instead)."""

    kept: Membership | None
    ended: tuple[Membership, ...] = ()
    corrected: Membership | None = None


def _placement(row: UserRow, user, office: Office) -> _Placement:
    on = row.on
    current = [m for m in user.held if m.is_current(on)]
    kept = next((m for m in current if m.office_id == office.pk), None)
    if kept is not None:
        return _Placement(kept)
    corrected = next((m for m in user.held if m.start_date == on), None)
    return _Placement(
        None,
        tuple(
            m for m in user.held if m is not corrected and (m.end_date is None or m.end_date > on)
        ),
        corrected,
    )


def _too_early(row: UserRow, user) -> str | None:
    """A transfer cannot end a membership before the day it began (nor two begun that day)."""
    later = [m for m in user.held if m.start_date > row.on]
    if later or sum(1 for m in user.held if m.start_date == row.on) > 1:
        first = (later or [m for m in user.held if m.start_date == row.on])[0]
        return gettext("“{username}” এর সদস্যপদ {date} থেকে শুরু; বদলির তারিখ তার পরে হতে হবে").format(
            username=row.username, date=bangla.format_date(first.start_date)
        )
    return None


def _profile(user):
    try:
        return user.profile
    except UserProfile.DoesNotExist:
        return None


def _differences(row: UserRow, user, office: Office) -> tuple[str, ...]:
    changes = []
    if user.get_full_name() != row.full_name:
        changes.append(gettext("পূর্ণ নাম"))
    if user.email != row.email:
        changes.append(gettext("ই-মেইল"))
    profile = _profile(user)
    if (profile.mobile if profile else "") != row.mobile:
        changes.append(gettext("মোবাইল"))
    if (profile.designation if profile else "") != row.designation:
        changes.append(gettext("পদবি"))
    placement = _placement(row, user, office)
    if placement.kept is None:
        changes.append(gettext("দপ্তর"))
    if placement.kept is None or placement.kept.role != row.role:
        changes.append(gettext("ভূমিকা"))
    return tuple(changes)


def _batches(users: list[UserRow]) -> list[list[UserRow]]:
    return [users[i : i + BATCH] for i in range(0, len(users), BATCH)]


def _plan(
    users: list[UserRow], faults: dict[int, list[str]], result: UserImportResult
) -> list[_Plan]:
    plans = []
    for batch in _batches(users):
        plan = _load(batch)
        for row in batch:
            office = plan.offices.get(row.office_code)
            if office is None:
                if row.office_code:
                    faults.setdefault(row.line, []).append(
                        gettext("দপ্তরের কোড “{code}” তালিকায় নেই").format(code=row.office_code[:40])
                    )
                continue
            if row.line in faults:
                continue
            user = plan.users.get(row.username)
            if (
                user is not None
                and _placement(row, user, office).kept is None
                and (fault := _too_early(row, user))
            ):
                faults.setdefault(row.line, []).append(fault)
                continue
            if user is None:
                result.created.append(Change(row))
            elif changes := _differences(row, user, office):
                result.changed.append(Change(row, changes))
            else:
                result.unchanged.append(Change(row))
        plans.append(plan)
    return plans


def plan_users(*, data: bytes, filename: str) -> UserImportResult:
    """What importing the file would create, change and leave alone, or its faults; writes nothing."""
    return _import(data=data, filename=filename, write=False)


def import_users(
    *, data: bytes, filename: str, progress: ImportProgress | None = None, actor=None
) -> UserImportResult:
    """Check the file, then write it in one transaction (nothing when it has a fault); transfers and
    changes of role are recorded as `actor`'s (None: the command line)."""
    return _import(data=data, filename=filename, write=True, progress=progress, actor=actor)


def _import(
    *, data: bytes, filename: str, write: bool, progress: ImportProgress | None = None, actor=None
) -> UserImportResult:
    rows, faults = read_rows(data, filename)
    if faults:
        return UserImportResult(faults=faults)
    users, faults, line_faults = check_rows(rows)
    if faults:
        return UserImportResult(faults=faults)
    result = UserImportResult()
    try:
        with transaction.atomic():
            plans = _plan(users, line_faults, result)
            if line_faults:
                result.faults = [
                    _line(n, "; ".join(problems) + "।")
                    for n, problems in sorted(line_faults.items())
                ]
                return result
            if not write:
                return result
            done = 0
            for plan in plans:
                result.new_user_ids += _write(plan, actor)
                done += len(plan.rows)
                if progress is not None:
                    progress(done, len(users))
            result.written = True
    except IntegrityError:
        # Someone else created one of these usernames between the check and the write.
        return UserImportResult(
            faults=[
                gettext(
                    "আমদানির সময় অন্য কেউ একই ব্যবহারকারী তৈরি করেছেন; কিছুই সংরক্ষিত হয়নি, আবার চেষ্টা করুন।"
                )
            ]
        )
    return result


def create_user(row: UserRow, office: Office):
    """One new user with their membership (and profile), written as an import writes a batch: the
    single sign-on's first login of someone the provider vouches for (egov_plan/accounts/oidc.py). Raises
    IntegrityError if the username was taken meanwhile."""
    [user_id] = _write(_Plan([row], {}, {row.office_code: office}), actor=None)
    return get_user_model().objects.get(pk=user_id)


def _write(plan: _Plan, actor) -> list[int]:
    """One batch: a fixed number of queries (bulk inserts and updates), not one per user."""
    user_model = get_user_model()
    new_users, changed_users, profiles_new, profiles_changed, members_new, members_changed = (
        [],
        [],
        [],
        [],
        [],
        [],
    )
    members_ended, records = [], []
    for row in plan.rows:
        office = plan.offices[row.office_code]
        user = plan.users.get(row.username)
        if user is None:
            # No password: an unusable one ("!" and random text), replaced when the invitation is used.
            user = user_model(
                username=row.username,
                first_name=row.full_name,
                email=row.email,
                password=make_password(None),
            )
            new_users.append((row, user))
            continue
        if (user.first_name, user.last_name, user.email) != (row.full_name, "", row.email):
            user.first_name, user.last_name, user.email = row.full_name, "", row.email
            changed_users.append(user)
        profile = _profile(user)
        if profile is None:
            if row.mobile or row.designation:
                profiles_new.append(
                    UserProfile(user=user, mobile=row.mobile, designation=row.designation)
                )
        elif (profile.mobile, profile.designation) != (row.mobile, row.designation):
            profile.mobile, profile.designation = row.mobile, row.designation
            profiles_changed.append(profile)
        placement = _placement(row, user, office)
        if placement.kept is not None:
            kept = placement.kept
            if kept.role != row.role:
                records.append(
                    PeopleChange(
                        actor=actor,
                        user=user,
                        office=office,
                        action=PeopleChange.ROLE,
                        before=kept.role,
                        after=row.role,
                    )
                )
                kept.role = row.role
                kept.is_manager = kept.is_manager and row.role == Membership.REVIEWER
                members_changed.append(kept)
            continue
        for ended in placement.ended:
            ended.end_date = row.on
            members_ended.append(ended)
        for left in (*placement.ended, *filter(None, [placement.corrected])):
            records.append(
                PeopleChange(
                    actor=actor,
                    user=user,
                    office=left.office,
                    action=PeopleChange.TRANSFERRED,
                    before=left.office.code,
                    after=f"{office.code} {row.on.isoformat()}",
                )
            )
        if placement.corrected is not None:
            corrected = placement.corrected
            corrected.office, corrected.role, corrected.is_manager = office, row.role, False
            members_changed.append(corrected)
        else:
            members_new.append(
                Membership(user=user, office=office, role=row.role, start_date=row.on)
            )
    user_model.objects.bulk_create([user for _, user in new_users], batch_size=BATCH)
    if any(
        user.pk is None for _, user in new_users
    ):  # a database that returns no ids from a bulk insert
        ids = dict(
            user_model.objects.filter(username__in=[u.username for _, u in new_users]).values_list(
                "username", "pk"
            )
        )
        for _, user in new_users:
            user.pk = ids[user.username]
    for row, user in new_users:
        members_new.append(
            Membership(
                user=user, office=plan.offices[row.office_code], role=row.role, start_date=row.on
            )
        )
        if row.mobile or row.designation:
            profiles_new.append(
                UserProfile(user=user, mobile=row.mobile, designation=row.designation)
            )
    user_model.objects.bulk_update(
        changed_users, ["first_name", "last_name", "email"], batch_size=BATCH
    )
    UserProfile.objects.bulk_create(profiles_new, batch_size=BATCH)
    UserProfile.objects.bulk_update(profiles_changed, ["mobile", "designation"], batch_size=BATCH)
    Membership.objects.bulk_update(
        members_ended, ["end_date"], batch_size=BATCH
    )  # before the new ones
    Membership.objects.bulk_create(members_new, batch_size=BATCH)
    Membership.objects.bulk_update(
        members_changed, ["office", "role", "is_manager"], batch_size=BATCH
    )
    PeopleChange.objects.bulk_create(records, batch_size=BATCH)
    return [user.pk for _, user in new_users]
