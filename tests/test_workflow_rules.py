"""The workflow's rules (reports/workflow.py): which actions each state of a quarterly report, a
half-yearly self-assessment and an annual self-assessment allows and where they lead, what a refused
request is told, and that every caller asks the same rules: a report that may not be changed is
refused through the services, the entry page, the API and a plan file alike."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import workflow
from reports.calendar import deadlines
from reports.plans.exchange import import_plan
from reports.quarters.models import Achievement, Evidence, QuarterlyReport, ReportTransition
from reports.quarters.services import (
    Entry,
    WorkflowError,
    evidence_add,
    evidence_remove,
    report_approve,
    report_for_quarter,
    report_reopen,
    report_return,
    report_save,
    report_submit,
)
from reports.year.models import Assessment, AssessmentTransition
from reports.year.services import (
    assessment_approve,
    assessment_evaluate,
    assessment_reopen,
    assessment_return,
    assessment_save,
    assessment_submit,
)
from tests.api_world import ApiClient
from tests.conftest import client_for
from tests.helpers import PDF_BYTES, add_evidence, indicator_by_code
from tests.plans.test_plan_import import SEED_TEXT, replace_line, seed_line

pytestmark = pytest.mark.django_db

STATES = ["draft", "submitted", "returned", "approved"]


def table(text: str) -> dict[tuple[str, str], str | None]:
    """{(action, state): the state the action leads to, None where it is refused}; the first line
    names the states, each further line an action and what it does in each ("-": refused)."""
    header, *rows = (line.split() for line in text.strip().splitlines())
    return {
        (row[0], state): None if cell == "-" else cell
        for row in rows
        for state, cell in zip(header, row[1:], strict=True)
    }


# What each action does in each state (editing and evaluating stay in the state they are taken in).
QUARTERLY = table("""
            draft       submitted   returned    approved
  edit      draft       -           returned    -
  submit    submitted   -           submitted   -
  approve   -           approved    -           -
  return    -           returned    -           -
  reopen    -           -           -           returned
""")
# Once the entry has closed (the deadline and its grace period passed): nothing is edited or
# submitted any more, and the reviewer may reopen a report still in draft or returned.
QUARTERLY_CLOSED = table("""
            draft       submitted   returned    approved
  edit      -           -           -           -
  submit    -           -           -           -
  approve   -           approved    -           -
  return    -           returned    -           -
  reopen    returned    -           returned    returned
""")
HALF_YEAR = table("""
            draft       submitted   returned    approved
  edit      draft       -           returned    -
  submit    submitted   -           submitted   -
  approve   -           approved    -           -
  return    -           returned    -           -
  reopen    -           -           -           returned
  evaluate  -           -           -           -
""")
# The annual self-assessment is evaluated while submitted; approved, it makes the year final and
# never reopens.
ANNUAL = table("""
            draft       submitted   returned    approved
  edit      draft       -           returned    -
  submit    submitted   -           submitted   -
  approve   -           approved    -           -
  return    -           returned    -           -
  reopen    -           -           -           -
  evaluate  -           submitted   -           -
""")

SUBMITTED_REPORT = "প্রতিবেদনটি দাখিল করা হয়েছে; পর্যালোচনা শেষ না হওয়া পর্যন্ত পরিবর্তন করা যাবে না।"
APPROVED_REPORT = "প্রতিবেদনটি অনুমোদিত; পর্যালোচক পুনরায় না খোলা পর্যন্ত কোনো পরিবর্তন করা যাবে না।"
REPORT_LOCKED = {"submitted": SUBMITTED_REPORT, "approved": APPROVED_REPORT}
CLOSED = (
    "এই সময়কালের দাখিলের সময় (অতিরিক্ত সময়সহ) শেষ হয়েছে; পর্যালোচক কারণসহ পুনরায় খুললে তবেই পরিবর্তন করা যাবে।"
)
YEAR_FINAL = (
    "এই অর্থবছরের বার্ষিক মূল্যায়ন অনুমোদিত হয়েছে; বছরটি চূড়ান্ত, তাই কোনো ত্রৈমাসিক, "
    "অর্ধবার্ষিক বা বার্ষিক প্রতিবেদন আর পরিবর্তন বা পুনরায় খোলা যাবে না।"
)
DOCUMENT_LOCKED = "দলিলটি দাখিল বা অনুমোদিত হয়েছে; এখন পরিবর্তন করা যাবে না।"

# What a refused action is told, by action (and by state where the state decides).
QUARTERLY_REFUSALS = {
    "edit": REPORT_LOCKED,
    "submit": REPORT_LOCKED,
    "approve": "শুধু দাখিলকৃত প্রতিবেদন অনুমোদন করা যায়।",
    "return": "শুধু দাখিলকৃত প্রতিবেদন ফেরত পাঠানো যায়।",
    "reopen": "শুধু অনুমোদিত বা সময় শেষে বন্ধ হওয়া প্রতিবেদন পুনরায় খোলা যায়।",
}
QUARTERLY_CLOSED_REFUSALS = {
    **QUARTERLY_REFUSALS,
    "edit": {**REPORT_LOCKED, "draft": CLOSED, "returned": CLOSED},
    "submit": {**REPORT_LOCKED, "draft": CLOSED, "returned": CLOSED},
}
DOCUMENT_REFUSALS = {
    "edit": DOCUMENT_LOCKED,
    "submit": DOCUMENT_LOCKED,
    "approve": "শুধু দাখিলকৃত দলিল অনুমোদন করা যায়।",
    "return": "শুধু দাখিলকৃত দলিল ফেরত পাঠানো যায়।",
}
HALF_YEAR_REFUSALS = {
    **DOCUMENT_REFUSALS,
    "reopen": "শুধু অনুমোদিত দলিল পুনরায় খোলা যায়।",
    "evaluate": "শুধু বার্ষিক স্ব-মূল্যায়নের অর্জন মূল্যায়ন করা যায়।",
}
# The approved annual evaluation is the year made final: anything asked of it is told so, but
# that it never reopens.
ANNUAL_REFUSALS = {
    action: {state: YEAR_FINAL if state == "approved" else told for state in STATES}
    for action, told in {
        **DOCUMENT_REFUSALS,
        "evaluate": "শুধু দাখিলকৃত বার্ষিক স্ব-মূল্যায়নের মূল্যায়ন করা যায়।",
    }.items()
} | {"reopen": "অনুমোদিত বার্ষিক মূল্যায়ন চূড়ান্ত; এটি পুনরায় খোলা যায় না।"}


def refusal(refusals: dict, action: str, state: str) -> str:
    told = refusals[action]
    return told[state] if isinstance(told, dict) else told


def cells(moves: dict, refusals: dict, *first):
    """The table's cells as test cases: (*first, action, state, where it leads, what a refusal says)."""
    return [
        pytest.param(
            *first,
            action,
            state,
            to,
            None if to else refusal(refusals, action, state),
            id="-".join([*first, action, state]),
        )
        for (action, state), to in moves.items()
    ]


# The table as the workflow module declares it (what the pages ask) ------------------------------


@pytest.mark.parametrize(
    "flow, moves, closed",
    [
        (workflow.QUARTERLY, QUARTERLY, False),
        (workflow.QUARTERLY, QUARTERLY_CLOSED, True),
        (workflow.HALF_YEAR, HALF_YEAR, False),
        (workflow.ANNUAL, ANNUAL, False),
    ],
    ids=["quarterly", "quarterly, entry closed", "half-year", "annual"],
)
def test_the_workflow_module_declares_the_table(flow, moves, closed):
    for (action, state), to in moves.items():
        allowed = flow.allows(action, state, closed=closed)
        assert allowed == (to is not None), (action, state)
        if allowed:
            assert (flow.rules[action].target or state) == to, (action, state)


def test_the_states_are_the_models_and_only_draft_and_returned_are_editable():
    assert [s for s, _ in QuarterlyReport.STATUS_CHOICES] == STATES
    assert [s for s, _ in Assessment.STATUS_CHOICES] == STATES
    for state in STATES:
        editable = state in ("draft", "returned")
        assert workflow.is_editable(QuarterlyReport(status=state)) is editable
        for kind in (Assessment.HALF_YEAR, Assessment.ANNUAL):
            assert workflow.is_editable(Assessment(kind=kind, status=state)) is editable
    assert workflow.is_editable(None)  # not begun: a draft to be


def test_a_page_offers_editing_only_when_the_state_the_year_and_the_entry_allow_it():
    draft, submitted = QuarterlyReport(status="draft"), QuarterlyReport(status="submitted")
    assert workflow.can_edit(draft, year_final=False, closed=False)
    assert workflow.can_edit(None, year_final=False, closed=False)
    assert not workflow.can_edit(submitted, year_final=False, closed=False)
    assert not workflow.can_edit(draft, year_final=True, closed=False)
    assert not workflow.can_edit(draft, year_final=False, closed=True)


# The table as the services enforce it ------------------------------------------------------------


@pytest.fixture
def quarterly(people):
    """The seed plan's second quarter begun; `people.put(state)` sets it in a state."""
    report = report_for_quarter(plan=people.plan, quarter=2)

    def put(state):
        QuarterlyReport.objects.filter(pk=report.pk).update(status=state)
        report.refresh_from_db()
        return report

    people.put = put
    return people


def take_quarterly(people, report, action: str) -> None:
    indicator = indicator_by_code(people.plan, "2.1.1")
    if action == "edit":
        report_save(report=report, user=people.officer, entries={indicator.pk: Entry(5)})
    elif action == "submit":
        report_submit(report=report, user=people.officer, entries={indicator.pk: Entry(5)})
    elif action == "approve":
        report_approve(report=report, user=people.reviewer)
    elif action == "return":
        report_return(report=report, user=people.reviewer, comment="প্রমাণক দিন")
    else:
        report_reopen(report=report, user=people.reviewer, reason="সংশোধন দরকার")


def assert_the_cell(item, transitions, take, state, to, refused):
    """`take()` on `item` in `state` leads to `to` (recorded as a move unless it stays), or is
    refused with `refused` and changes nothing."""
    before = transitions.count()
    if to is None:
        with pytest.raises(WorkflowError) as error:
            take()
        assert str(error.value) == refused
        item.refresh_from_db()
        assert item.status == state and transitions.count() == before
        return
    take()
    item.refresh_from_db()
    assert item.status == to
    if to == state and transitions.count() == before:
        return  # edited (or evaluated) in place
    last = transitions.last()
    assert (last.from_status, last.to_status) == (state, to)


@pytest.mark.parametrize("action, state, to, refused", cells(QUARTERLY, QUARTERLY_REFUSALS))
def test_a_quarterly_report(quarterly, action, state, to, refused):
    report = quarterly.put(state)
    assert_the_cell(
        report,
        ReportTransition.objects.filter(report=report),
        lambda: take_quarterly(quarterly, report, action),
        state,
        to,
        refused,
    )


@pytest.mark.parametrize(
    "action, state, to, refused", cells(QUARTERLY_CLOSED, QUARTERLY_CLOSED_REFUSALS)
)
def test_a_quarterly_report_whose_entry_has_closed(quarterly, action, state, to, refused):
    # Closing after a grace of none: the seed year's quarters closed long ago.
    deadlines.calendar_create(
        fiscal_year=quarterly.plan.fiscal_year, closes_after_grace=True, grace_days=0
    )
    report = quarterly.put(state)
    assert_the_cell(
        report,
        ReportTransition.objects.filter(report=report),
        lambda: take_quarterly(quarterly, report, action),
        state,
        to,
        refused,
    )


def document_in(people, kind: str, state: str) -> Assessment:
    """The plan's document of `kind` in `state`, its last quarter submitted (so it may be)."""
    QuarterlyReport.objects.update_or_create(
        plan=people.plan,
        quarter=Assessment.LAST_QUARTER[kind],
        defaults={"status": QuarterlyReport.SUBMITTED},
    )
    return Assessment.objects.create(plan=people.plan, kind=kind, status=state)


def take_document(people, document: Assessment, action: str) -> None:
    plan, kind = people.plan, document.kind
    if action == "edit":
        assessment_save(plan=plan, kind=kind, user=people.officer, narratives={})
    elif action == "submit":
        assessment_submit(plan=plan, kind=kind, user=people.officer, narratives={})
    elif action == "approve":
        assessment_approve(assessment=document, user=people.reviewer)
    elif action == "return":
        assessment_return(assessment=document, user=people.reviewer, comment="বিবরণ দিন")
    elif action == "reopen":
        assessment_reopen(assessment=document, user=people.reviewer, reason="সংশোধন দরকার")
    else:
        assessment_evaluate(assessment=document, user=people.reviewer, entries={})


@pytest.mark.parametrize(
    "kind, action, state, to, refused",
    cells(HALF_YEAR, HALF_YEAR_REFUSALS, Assessment.HALF_YEAR)
    + cells(ANNUAL, ANNUAL_REFUSALS, Assessment.ANNUAL),
)
def test_a_document_of_the_year(people, kind, action, state, to, refused):
    document = document_in(people, kind, state)
    assert_the_cell(
        document,
        AssessmentTransition.objects.filter(assessment=document),
        lambda: take_document(people, document, action),
        state,
        to,
        refused,
    )


@pytest.mark.parametrize(
    "action, state",
    [("edit", "draft"), ("submit", "draft"), ("return", "submitted"), ("reopen", "approved")],
)
def test_a_final_year_refuses_a_quarterly_report_what_its_state_would_allow(
    quarterly, action, state
):
    Assessment.objects.create(plan=quarterly.plan, kind=Assessment.ANNUAL, status="approved")
    report = quarterly.put(state)
    with pytest.raises(WorkflowError) as error:
        take_quarterly(quarterly, report, action)
    assert str(error.value) == YEAR_FINAL
    report.refresh_from_db()
    assert report.status == state


@pytest.mark.parametrize(
    "action, state",
    [
        ("edit", "draft"),
        ("submit", "draft"),
        ("approve", "submitted"),
        ("return", "submitted"),
        ("reopen", "approved"),
    ],
)
def test_a_final_year_refuses_the_half_year_what_its_state_would_allow(people, action, state):
    document = document_in(people, Assessment.HALF_YEAR, state)
    Assessment.objects.create(plan=people.plan, kind=Assessment.ANNUAL, status="approved")
    with pytest.raises(WorkflowError) as error:
        take_document(people, document, action)
    assert str(error.value) == YEAR_FINAL
    document.refresh_from_db()
    assert document.status == state


@pytest.mark.parametrize(
    "action, told", [("return", "ফেরত পাঠানোর কারণ লিখুন।"), ("reopen", "পুনরায় খোলার কারণ লিখুন।")]
)
def test_returning_and_reopening_need_a_reason_for_reports_and_documents(people, action, told):
    state = "submitted" if action == "return" else "approved"
    report = report_for_quarter(plan=people.plan, quarter=2)
    QuarterlyReport.objects.filter(pk=report.pk).update(status=state)
    document = document_in(people, Assessment.HALF_YEAR, state)
    calls = {
        "return": (
            lambda: report_return(report=report, user=people.reviewer, comment="  "),
            lambda: assessment_return(assessment=document, user=people.reviewer, comment=""),
        ),
        "reopen": (
            lambda: report_reopen(report=report, user=people.reviewer, reason=" "),
            lambda: assessment_reopen(assessment=document, user=people.reviewer, reason=""),
        ),
    }[action]
    for call in calls:
        with pytest.raises(WorkflowError) as error:
            call()
        assert str(error.value) == told
    assert not ReportTransition.objects.filter(report=report).exists()
    assert not document.transitions.exists()


# Every caller refuses a locked report with the same message ---------------------------------------


@pytest.fixture
def locked(quarterly, request):
    """The second quarter with 2.1.1 = ২ and one evidence file, then put in `request.param`."""
    indicator = indicator_by_code(quarterly.plan, "2.1.1")
    report = quarterly.put("draft")
    report_save(report=report, user=quarterly.officer, entries={indicator.pk: Entry(2)})
    quarterly.evidence = add_evidence(report, indicator)
    quarterly.indicator = indicator
    quarterly.report = quarterly.put(request.param)
    quarterly.told = REPORT_LOCKED.get(request.param)
    return quarterly


def stored_value(people):
    return Achievement.objects.get(report=people.report, indicator=people.indicator).value


LOCKED_STATES = pytest.mark.parametrize("locked", ["submitted", "approved"], indirect=True)


@LOCKED_STATES
@pytest.mark.parametrize("write", ["save", "submit", "add evidence", "remove evidence"])
def test_the_services_refuse_a_locked_report(locked, write):
    people, report = locked, locked.report
    calls = {
        "save": lambda: report_save(
            report=report, user=people.officer, entries={people.indicator.pk: Entry(7)}
        ),
        "submit": lambda: report_submit(
            report=report, user=people.officer, entries={people.indicator.pk: Entry(7)}
        ),
        "add evidence": lambda: evidence_add(
            report=report,
            indicator=people.indicator,
            user=people.officer,
            upload=SimpleUploadedFile("proof.pdf", PDF_BYTES),
            kind="pdf",
        ),
        "remove evidence": lambda: evidence_remove(evidence=people.evidence, user=people.officer),
    }
    with pytest.raises(WorkflowError) as error:
        calls[write]()
    assert str(error.value) == people.told
    assert stored_value(people) == 2 and Evidence.objects.filter(report=report).count() == 1


@LOCKED_STATES
def test_the_entry_page_refuses_a_locked_report_and_offers_no_editing(locked):
    people = locked
    client = client_for(people.officer)
    edit = f"/plans/{people.plan.pk}/quarters/2/edit/"
    response = client.post(
        edit, {"version": str(people.report.version), f"value_{people.indicator.pk}": "৭"}
    )
    assert response.status_code == 409
    assert people.told in response.content.decode()
    assert stored_value(people) == 2
    assert 'data-editable="0"' in client.get(edit).content.decode()
    report_page = client.get(f"/plans/{people.plan.pk}/quarters/2/").content.decode()
    assert "অর্জন ও প্রমাণক দেখুন" in report_page and "অর্জন লিখুন" not in report_page


@pytest.mark.parametrize("locked", ["returned"], indirect=True, ids=["returned"])
def test_the_entry_page_offers_editing_a_returned_report(locked):
    client = client_for(locked.officer)
    assert (
        'data-editable="1"'
        in client.get(f"/plans/{locked.plan.pk}/quarters/2/edit/").content.decode()
    )
    assert "অর্জন লিখুন" in client.get(f"/plans/{locked.plan.pk}/quarters/2/").content.decode()


def test_the_entry_page_offers_no_editing_in_a_final_year_or_once_the_entry_closed(quarterly):
    quarterly.put("draft")
    client = client_for(quarterly.officer)
    edit = f"/plans/{quarterly.plan.pk}/quarters/2/edit/"
    assert 'data-editable="1"' in client.get(edit).content.decode()
    calendar = deadlines.calendar_create(
        fiscal_year=quarterly.plan.fiscal_year, closes_after_grace=True, grace_days=0
    )
    assert 'data-editable="0"' in client.get(edit).content.decode()
    calendar.delete()
    Assessment.objects.create(plan=quarterly.plan, kind=Assessment.ANNUAL, status="approved")
    assert 'data-editable="0"' in client.get(edit).content.decode()


@LOCKED_STATES
def test_the_api_refuses_a_locked_report_and_says_it_is_not_editable(locked):
    people = locked
    api = ApiClient(people.officer)
    path = f"/plans/{people.plan.pk}/quarters/2"
    response = api.patch(
        f"{path}/achievements",
        {"achievements": [{"indicator": people.indicator.pk, "value": "৭", "seen_value": "2"}]},
    )
    assert response.status_code == 409 and response.json()["detail"] == people.told
    assert stored_value(people) == 2
    assert api.get(path).json()["editable"] is False


@pytest.mark.parametrize("state", STATES)
def test_a_plan_file_writes_a_quarters_values_only_while_its_report_may_be_edited(seed_plan, state):
    # The seed's first quarter, in each state: the file changes its 2.1.1 from ১ to ৩.
    QuarterlyReport.objects.filter(plan=seed_plan, quarter=1).update(status=state)
    changed = replace_line(SEED_TEXT, seed_line("[২.১.১]"), "\t২\t--\t১", "\t২\t--\t৩")
    result = import_plan(data=changed, filename="plan.txt")
    faults = [f.message for f in result.faults]
    if state in ("draft", "returned"):
        assert result.plan is not None and faults == []
        return
    label = {"submitted": "দাখিলকৃত", "approved": "অনুমোদিত"}[state]
    assert result.plan is None
    assert f"প্রথম ত্রৈমাসিকের প্রতিবেদনটি {label}; এর অর্জন ফাইল থেকে বদলানো যাবে না।" in faults


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_the_half_year_page_refuses_a_locked_document_and_offers_no_narrative_form(people, state):
    document_in(people, Assessment.HALF_YEAR, state)
    client = client_for(people.officer)
    page = f"/plans/{people.plan.pk}/half-year/"
    response = client.post(page, {"action": "save"})
    assert response.status_code == 409
    assert DOCUMENT_LOCKED in response.content.decode()
    assert "narrative-form" not in client.get(page).content.decode()
    Assessment.objects.filter(plan=people.plan).update(status="returned")
    assert "narrative-form" in client.get(page).content.decode()
