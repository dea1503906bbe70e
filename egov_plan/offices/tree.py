"""The office tree: creating and moving offices, and the one question every page asks of it,
"which offices lie under X", answered by one indexed prefix query on the materialised path.

Writes go through treebeard's manager, which keeps `path`, `depth` and `numchild` consistent;
bulk builders (`generate_offices`, the benchmark) compute paths themselves with `child_path`.
"""

import hashlib

from django.db import transaction
from django.db.models import Q, QuerySet

from egov_plan.offices.models import Office, OfficeTier

# The tiers an installation starts with (admins may add more); import files name them by code.
# code: (name, English name, order); egov_plan/migrations/0009 gave the existing ones their English names.
DEFAULT_TIERS = {
    "ministry": ("মন্ত্রণালয়/বিভাগ", "Ministry/Division", 1),
    "department": ("দপ্তর/সংস্থা", "Department/Agency", 2),
    "division": ("বিভাগীয় কার্যালয়", "Divisional office", 3),
    "district": ("জেলা কার্যালয়", "District office", 4),
    "upazila": ("উপজেলা কার্যালয়", "Upazila office", 5),
}


def tier_for(code: str) -> OfficeTier:
    """The tier of that code; a default one is made again if an admin (or a test flush) removed it."""
    if code in DEFAULT_TIERS:
        name, name_en, order = DEFAULT_TIERS[code]
        return OfficeTier.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )[0]
    return OfficeTier.objects.get(code=code)


def all_tiers() -> dict[str, OfficeTier]:
    for code in DEFAULT_TIERS:
        tier_for(code)
    return {t.code: t for t in OfficeTier.objects.all()}


def new_code(name: str, location: str) -> str:
    """A code for an office that arrived without one (from a plan file): stable for the same name
    and location, so that re-importing a file finds the same office."""
    return "X-" + hashlib.sha1(f"{name}\n{location}".encode()).hexdigest()[:12].upper()


@transaction.atomic
def office_create(
    *,
    name: str,
    tier: OfficeTier | str = "department",
    location: str = "",
    code: str | None = None,
    parent: Office | None = None,
) -> Office:
    if isinstance(tier, str):
        tier = tier_for(tier)
    fields = {
        "name": name,
        "location": location,
        "tier": tier,
        "code": code or new_code(name, location),
    }
    if parent is None:
        return Office.objects.add_root(fields)
    return Office.objects.add_child(parent, fields)


@transaction.atomic
def office_move(*, office: Office, parent: Office | None) -> Office:
    """Put `office` (with everything under it) under `parent` (None: make it a root)."""
    office.refresh_from_db()
    current = Office.objects.get_parent(office)
    if (current is None and parent is None) or (
        current is not None and parent is not None and current.pk == parent.pk
    ):
        return office
    if parent is not None:
        parent.refresh_from_db()
        if parent.pk == office.pk or parent.is_under(office):
            raise ValueError("an office cannot be moved under itself")
        Office.objects.move(office, parent, "last-child")
    else:
        Office.objects.move(office, Office.objects.get_last_root_node(), "last-sibling")
    office.refresh_from_db()
    return office


def under_q(office: Office, *, prefix: str = "", include_self: bool = False) -> Q:
    """A filter for rows whose office (reached through `prefix`, e.g. "plan__office__") lies under
    `office`: a prefix match on the indexed path, whatever the size of the subtree."""
    condition = Q(**{f"{prefix}path__startswith": office.path})
    if not include_self:
        condition &= Q(**{f"{prefix}depth__gt": office.depth})
    return condition


def offices_under(office: Office, *, include_self: bool = False) -> QuerySet:
    return Office.objects.filter(under_q(office, include_self=include_self))


def find_office(*, name: str, location: str = "", code: str | None = None) -> Office | None:
    """The office a plan document or file names: by code when it has one, else by name and
    location, else by a name no other office shares."""
    if code:
        return Office.objects.filter(code=code).first()
    found = Office.objects.filter(name=name, location=location).first()
    if found is None:
        same_name = list(Office.objects.filter(name=name)[:2])
        found = same_name[0] if len(same_name) == 1 else None
    return found


class TreeBuilder:
    """Adds many offices at once (imports, generated trees): paths are computed here, the rows
    bulk-inserted, and each parent's child count set afterwards; a few queries per parent instead
    of several per office. Use inside a transaction; call `save()` once at the end."""

    def __init__(self) -> None:
        self._next_step: dict[str, int] = {}
        self._pending: list[Office] = []

    def _last_step(self, parent_path: str) -> int:
        last = (
            Office.objects.filter(
                path__startswith=parent_path, depth=len(parent_path) // Office.steplen + 1
            )
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        return Office._str2int(last[-Office.steplen :]) if last else 0

    def add(self, office: Office, parent_path: str = "") -> Office:
        """Place an unsaved `office` as the last child of the office at `parent_path` ("" for a root);
        the parent may itself be one added here."""
        if parent_path not in self._next_step:
            self._next_step[parent_path] = self._last_step(parent_path) + 1
        step = self._next_step[parent_path]
        self._next_step[parent_path] = step + 1
        office.path = Office._get_path(parent_path, len(parent_path) // Office.steplen + 1, step)
        office.depth = len(office.path) // Office.steplen
        office.numchild = 0
        # The next child of this new office starts at 1 without asking the database.
        self._next_step.setdefault(office.path, 1)
        self._pending.append(office)
        return office

    def save(self, batch_size: int = 2000) -> int:
        Office.objects.bulk_create(self._pending, batch_size=batch_size)
        parents = {office.path[: -Office.steplen] for office in self._pending} - {""}
        for path in parents:
            Office.objects.filter(path=path).update(
                numchild=Office.objects.filter(
                    path__startswith=path, depth=len(path) // Office.steplen + 1
                ).count()
            )
        created = len(self._pending)
        self._pending = []
        return created
