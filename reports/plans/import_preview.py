"""The admin's plan import in two steps: the file is read and checked as an import would (the
database included, then rolled back) and shown, and only the admin's "import" writes it.

The preview shows every fault grouped by kind, what the admin should know (a single target's
blank tiers), each Bijoy cell converted (before and after), the file's own rows with each fault
and conversion beside the row it is on, and, for a file without faults, the plan as the official
table (the table page's partial). Between the two steps the upload waits in the media storage
under `plan-imports/` (never served), named by a random token that only the session that uploaded
it holds; it is deleted on import and after PREVIEW_KEEP_SECONDS.
"""

import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from egov_plan.core.plan_rules import TIER_NAMES, Fault, fault_kind
from egov_plan.core_messages import FAULT_KINDS
from egov_plan.media import PendingUploads
from reports.plans.exchange import PlanImportResult, decode_plan_file, import_plan
from reports.quarters import selectors

SESSION_KEY = "plan_import_uploads"
PREVIEW_KEEP_SECONDS = 24 * 3600
MAX_SHOWN_ROWS = (
    2000  # a real plan has a few hundred; the rest of a longer file is counted, not shown
)


PENDING = PendingUploads("plan-imports", PREVIEW_KEEP_SECONDS)


def store_upload(session, *, data: bytes, filename: str, office: str) -> str:
    token = PENDING.keep(data)
    uploads = dict(session.get(SESSION_KEY, {}))
    uploads[token] = {"filename": filename[:200], "office": office[:200]}
    session[SESSION_KEY] = uploads
    return token


def load_upload(session, token: str) -> tuple[bytes, str, str] | None:
    """The upload of this session under `token`: (data, filename, office); None if it is not this
    session's, or has expired."""
    upload = session.get(SESSION_KEY, {}).get(token) if isinstance(token, str) else None
    if upload is None or (data := PENDING.read(token)) is None:
        return None
    return data, upload["filename"], upload["office"]


def discard_upload(session, token: str) -> None:
    uploads = dict(session.get(SESSION_KEY, {}))
    if uploads.pop(token, None) is not None:
        PENDING.drop(token)
        session[SESSION_KEY] = uploads


@dataclass
class SourceRow:
    """One row of the file as the reader saw it, with what the preview says beside it."""

    line: int
    where: str
    cells: list[str]
    converted: dict[int, str] = field(default_factory=dict)  # column index → the Bijoy text before
    faults: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class Preview:
    result: PlanImportResult
    groups: list[tuple[str, list[Fault]]]  # (the kind's heading, its faults), in FAULT_KINDS' order
    rows: list[SourceRow]
    hidden_rows: int
    conversions: list[tuple[str, str, str]]  # (place, before, after)
    single_target: bool
    tier_choices: list[tuple[int, str]]
    decisions: dict[str, bool]  # the repairs decided so far (kept in the form)
    to_decide: list[Fault]  # the faults with a suggested repair, still to accept or reject

    @property
    def faults(self) -> list[Fault]:
        return self.result.faults


def _official_table(plan, quarter) -> str:
    table = selectors.quarter_table(plan_id=plan.pk, quarter=quarter or 1)
    with translation.override("bn"):  # the official form is Bengali whatever the interface language
        return render_to_string(
            "reports/_quarter_table.html", {"table": table, "show_scores": False}
        )


REPAIR_KEY = re.compile(r"^[0-9]{1,6}:[0-9]{1,3}$")


def repair_decisions(post) -> dict[str, bool]:
    """The admin's decisions on the suggested repairs, from the preview's form (`repair-<line>:<column>`
    = accept / reject); anything else in the form is ignored."""
    decisions = {}
    for name, value in post.items():
        key = name.removeprefix("repair-")
        if name.startswith("repair-") and REPAIR_KEY.match(key) and value in ("accept", "reject"):
            decisions[key] = value == "accept"
    return decisions


def make_preview(
    *,
    data: bytes,
    filename: str,
    office: str,
    single_tier: int = 0,
    repairs: dict[str, bool] | None = None,
) -> Preview:
    decoded = decode_plan_file(
        data, filename
    )  # read once: for the import's check and the rows shown
    result = import_plan(
        data=data,
        filename=filename,
        office_name=office or None,
        dry_run=True,
        single_tier=single_tier,
        repairs=repairs,
        render=_official_table,
        decoded=decoded,
    )
    # The rolled-back plan's structure must not stay in this process's cache (its id may come again).
    selectors.plan_structure.cache_clear()
    by_kind: dict[str, list[Fault]] = {}
    for fault in result.faults:
        by_kind.setdefault(fault_kind(fault), []).append(fault)
    groups = [
        (gettext(title), by_kind[kind]) for kind, title in FAULT_KINDS.items() if kind in by_kind
    ]
    rows: dict[int, SourceRow] = {}
    shown = [(line, cells) for line, cells in decoded.rows if any(cells)]
    for line, cells in shown[:MAX_SHOWN_ROWS]:
        rows[line] = SourceRow(line=line, where=decoded.places.get(line, ""), cells=list(cells))
    conversions = []
    for line, column, before, after in decoded.conversions:
        if line in rows:
            rows[line].converted[column - 1] = before
        place = decoded.places.get(line) or gettext("লাইন %(line)s") % {"line": line}
        conversions.append((place, before, after))
    for fault in result.faults:
        if fault.line in rows:
            rows[fault.line].faults.append(fault.message)
    for notice in result.notices:
        if notice.line in rows:
            rows[notice.line].notices.append(notice.message)
    return Preview(
        result=result,
        groups=groups,
        rows=list(rows.values()),
        hidden_rows=max(len(shown) - MAX_SHOWN_ROWS, 0),
        conversions=conversions,
        single_target=result.single_target,
        decisions=dict(repairs or {}),
        to_decide=[fault for fault in result.faults if fault.repair],
        tier_choices=[(k, gettext(name)) for k, name in enumerate(TIER_NAMES)],
    )
