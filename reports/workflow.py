"""The workflow of a quarterly report and of the year's documents (the half-yearly self-assessment,
and the annual self-assessment with its evaluation): their states, which states may be edited, the
actions each state allows and where they lead, and what a refused request is told (Bengali).

The one place that answers "may this be changed now": the services that write reports and
documents (reports/quarters/services.py, reports/year/services.py), the pages and the API that offer editing
or not, and the plan import (which quarters a file may write) all ask here. It imports no model and
makes no query but `move`'s writes (what it needs to know, the caller tells it): the models take
their states from here and name their flow (`QuarterlyReport.flow`, `Assessment.flow`).

    draft ── submit ──▶ submitted ── approve ──▶ approved
                         │    ▲                     │
                    return    submit              reopen
                         ▼    │                     │
                        returned ◀──────────────────┘

- edit (values and evidence, or the narratives) and submit: from draft or returned, while the year
  is not final (its annual evaluation approved) and, for a quarterly report, while its entry is
  open (the deadline and its grace period);
- approve, and return with a reason: from submitted;
- reopen with a reason: an approved quarterly report, or one whose entry closed while it was in
  draft or returned; an approved half-yearly self-assessment; never the annual evaluation (its
  approval makes the year final);
- evaluate (the annual self-assessment only; it moves no state): while submitted.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class WorkflowError(Exception):
    """A request the report's state does not allow; the message is for the user (Bengali)."""


DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
APPROVED = "approved"
STATES = (DRAFT, SUBMITTED, RETURNED, APPROVED)
STATUS_CHOICES = [
    (DRAFT, _("খসড়া")),
    (SUBMITTED, _("দাখিলকৃত")),
    (RETURNED, _("ফেরতপ্রাপ্ত")),
    (APPROVED, _("অনুমোদিত")),
]
# The states in which the office may change what it wrote.
EDITABLE = (DRAFT, RETURNED)

# The actions.
EDIT = "edit"
SUBMIT = "submit"
APPROVE = "approve"
RETURN = "return"
REOPEN = "reopen"
EVALUATE = "evaluate"


@dataclass(frozen=True)
class Rule:
    """One action of a flow: the states it may be taken from, the state it leads to (None: it
    moves none), and why it is refused in any other state (None: the state's locked message)."""

    sources: tuple[str, ...]
    target: str | None = None
    refusal: Promise | None = None
    # Refused once the entry has closed (the deadline and its grace period passed: CLOSED_MESSAGE).
    while_open: bool = False
    # The states it may also be taken from once the entry has closed.
    once_closed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flow:
    """The workflow of one kind of report or document."""

    name: str
    rules: dict[str, Rule]
    locked: dict[str, Promise]  # why a state outside EDITABLE may not be edited
    lacking: dict[str, Promise] = field(default_factory=dict)  # actions it has not, and why

    def allows(self, action: str, status: str, *, closed: bool = False) -> bool:
        """Whether `action` may be taken in `status` (`closed`: the entry has closed)."""
        rule = self.rules.get(action)
        if rule is None:
            return False
        if status in rule.sources:
            return not (closed and rule.while_open)
        return closed and status in rule.once_closed


YEAR_LOCKED_MESSAGE = _(
    "এই অর্থবছরের বার্ষিক মূল্যায়ন অনুমোদিত হয়েছে; বছরটি চূড়ান্ত, তাই কোনো ত্রৈমাসিক, "
    "অর্ধবার্ষিক বা বার্ষিক প্রতিবেদন আর পরিবর্তন বা পুনরায় খোলা যাবে না।"
)
CLOSED_MESSAGE = _(
    "এই সময়কালের দাখিলের সময় (অতিরিক্ত সময়সহ) শেষ হয়েছে; পর্যালোচক কারণসহ পুনরায় খুললে তবেই পরিবর্তন করা যাবে।"
)
# The actions that need a reason, and what a blank one is told.
REASONS = {RETURN: _("ফেরত পাঠানোর কারণ লিখুন।"), REOPEN: _("পুনরায় খোলার কারণ লিখুন।")}

QUARTERLY = Flow(
    name="quarterly",
    rules={
        EDIT: Rule(EDITABLE, while_open=True),
        SUBMIT: Rule(EDITABLE, SUBMITTED, while_open=True),
        APPROVE: Rule((SUBMITTED,), APPROVED, _("শুধু দাখিলকৃত প্রতিবেদন অনুমোদন করা যায়।")),
        RETURN: Rule((SUBMITTED,), RETURNED, _("শুধু দাখিলকৃত প্রতিবেদন ফেরত পাঠানো যায়।")),
        REOPEN: Rule(
            (APPROVED,),
            RETURNED,
            _("শুধু অনুমোদিত বা সময় শেষে বন্ধ হওয়া প্রতিবেদন পুনরায় খোলা যায়।"),
            once_closed=EDITABLE,
        ),
    },
    locked={
        SUBMITTED: _("প্রতিবেদনটি দাখিল করা হয়েছে; পর্যালোচনা শেষ না হওয়া পর্যন্ত পরিবর্তন করা যাবে না।"),
        APPROVED: _("প্রতিবেদনটি অনুমোদিত; পর্যালোচক পুনরায় না খোলা পর্যন্ত কোনো পরিবর্তন করা যাবে না।"),
    },
)

_DOCUMENT_LOCKED = _("দলিলটি দাখিল বা অনুমোদিত হয়েছে; এখন পরিবর্তন করা যাবে না।")
_DOCUMENT_RULES = {
    EDIT: Rule(EDITABLE),
    SUBMIT: Rule(EDITABLE, SUBMITTED),
    APPROVE: Rule((SUBMITTED,), APPROVED, _("শুধু দাখিলকৃত দলিল অনুমোদন করা যায়।")),
    RETURN: Rule((SUBMITTED,), RETURNED, _("শুধু দাখিলকৃত দলিল ফেরত পাঠানো যায়।")),
}
HALF_YEAR = Flow(
    name="half_year",
    rules={
        **_DOCUMENT_RULES,
        REOPEN: Rule((APPROVED,), RETURNED, _("শুধু অনুমোদিত দলিল পুনরায় খোলা যায়।")),
    },
    locked={SUBMITTED: _DOCUMENT_LOCKED, APPROVED: _DOCUMENT_LOCKED},
    lacking={EVALUATE: _("শুধু বার্ষিক স্ব-মূল্যায়নের অর্জন মূল্যায়ন করা যায়।")},
)
ANNUAL = Flow(
    name="annual",
    rules={
        **_DOCUMENT_RULES,
        EVALUATE: Rule((SUBMITTED,), None, _("শুধু দাখিলকৃত বার্ষিক স্ব-মূল্যায়নের মূল্যায়ন করা যায়।")),
    },
    locked={SUBMITTED: _DOCUMENT_LOCKED, APPROVED: _DOCUMENT_LOCKED},
    lacking={REOPEN: _("অনুমোদিত বার্ষিক মূল্যায়ন চূড়ান্ত; এটি পুনরায় খোলা যায় না।")},
)


# The questions. `item`: a QuarterlyReport or an Assessment (anything with `flow` and `status`).


def allows(item, action: str, *, closed: bool = False) -> bool:
    """Whether `action` may be taken on the item in its state (`closed`: its entry has closed)."""
    return item.flow.allows(action, item.status, closed=closed)


def is_editable(item) -> bool:
    """Whether the item's state lets its office change it (None: not begun yet, a draft to be)."""
    return item is None or allows(item, EDIT)


def can_edit(item, *, year_final: bool, closed: bool = False) -> bool:
    """Whether the item may be changed now, as a page or the API offers it: its state allows it,
    the year is not final, and (a quarterly report) its entry has not closed."""
    return is_editable(item) and not year_final and not closed


def locked_message(item) -> Promise:
    """Why the item may not be changed in its state."""
    return item.flow.locked[item.status]


def require_year_open(*, year_final: bool) -> None:
    if year_final:
        raise WorkflowError(str(YEAR_LOCKED_MESSAGE))


def require_editable(item, *, year_final: bool, closed: Callable[[], bool] | None = None) -> None:
    """Refuse a change of the item, saying why: the year is final, its state is locked, or its
    entry has closed (`closed`, asked only when the rest allow: it may read the database)."""
    require_year_open(year_final=year_final)
    require(item, EDIT, closed=closed)


def require_reason(action: str, reason: str) -> str:
    """The reason a return or a reopening needs, stripped; refused when blank."""
    if not reason.strip():
        raise WorkflowError(str(REASONS[action]))
    return reason.strip()


def require_action(flow: Flow, action: str) -> Rule:
    """The flow's rule for `action`; refused when the flow has no such action (the annual
    evaluation never reopens, a half-yearly self-assessment is not evaluated)."""
    if action not in flow.rules:
        raise WorkflowError(str(flow.lacking[action]))
    return flow.rules[action]


def require(item, action: str, *, closed: Callable[[], bool] | None = None) -> Rule:
    """The rule for taking `action` on the item in its state; refused, saying why, when its state
    does not allow it. `closed` (whether the entry has closed) is asked only when the state leaves
    it to decide, after the state's own checks (it may read the database); None: not asked (the
    caller has asked it already)."""
    rule = require_action(item.flow, action)
    if item.status in rule.sources:
        if rule.while_open and closed is not None and closed():
            raise WorkflowError(str(CLOSED_MESSAGE))
        return rule
    if item.status in rule.once_closed and closed is not None and closed():
        return rule
    raise WorkflowError(str(rule.refusal if rule.refusal is not None else locked_message(item)))


def move(item, action: str, *, user, comment: str = "", closed: Callable[[], bool] | None = None):
    """Take a step of the workflow (refused as `require` refuses it), recorded in the item's
    transitions: its status, version, submission times and revision saved."""
    rule = require(item, action, closed=closed)
    if rule.target is None:
        raise ValueError(f"{action!r} moves no state")
    to_status = rule.target
    item.transitions.create(
        actor=user, from_status=item.status, to_status=to_status, comment=comment
    )
    item.status = to_status
    item.version += 1
    fields = ["status", "version", "updated_at"]
    if to_status == SUBMITTED:
        item.submitted_at = timezone.now()
        fields.append("submitted_at")
        if item.first_submitted_at is None:
            item.first_submitted_at = item.submitted_at
            fields.append("first_submitted_at")
    if to_status == APPROVED:
        item.revision += 1
        fields.append("revision")
    item.save(update_fields=fields)
