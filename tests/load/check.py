"""After a load run: the database against what the virtual users sent (run by tests/load/run.py).

Every quarter an officer saved holds exactly the values of its last accepted save; its history
has one row per indicator per accepted save (every save changed every value), so no save was lost
or written twice (a save whose answer never came may or may not be stored, once at most); a
submitted quarter is submitted or approved, an approved one approved once.
"""

import argparse
import json
import os
import sys


def _mismatches(stored: dict, sent_values: dict, parse: dict) -> list[str]:
    faults = []
    for indicator_id, text in sent_values.items():
        achievement = stored.get(int(indicator_id))
        if achievement is None:
            faults.append(f"indicator {indicator_id}: sent {text}, nothing stored")
        elif achievement.value != parse[achievement.indicator.unit](text):
            faults.append(f"indicator {indicator_id}: sent {text}, stored {achievement.value}")
    return faults


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sent", nargs="+", help="the JSON files the locustfile wrote")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from egov_plan.core import bangla, scoring
    from reports.quarters.models import Achievement, QuarterlyReport, ReportTransition

    parse = {
        scoring.DATE: bangla.parse_date,
        scoring.PERCENT: bangla.parse_percent,
        scoring.COUNT: bangla.parse_count,
    }
    faults, reports, saves, values, in_flight_stored = [], 0, 0, 0, 0
    for path in args.sent:
        with open(path, encoding="utf-8") as handle:
            sent = json.load(handle)
        for key, report_sent in sent["reports"].items():
            # A save whose answer never came (in flight when the run stopped, its connection lost, a
            # 502/503/504) may have been stored as well, at most once; the stored values are then the
            # last acknowledged save's or those of such a save sent after it.
            accepted = report_sent["saves"]
            unanswered = [(before, values) for before, values in report_sent.get("unanswered", [])]
            if report_sent.get("in_flight"):
                unanswered.append((accepted, report_sent["in_flight"]))
            if not accepted and not unanswered:
                continue
            finals = ([report_sent["values"]] if accepted else []) + [
                v for before, v in unanswered if before == accepted
            ]
            indicators = len((finals or [unanswered[0][1]])[0])
            plan_id, quarter = map(int, key.split("/"))
            report = QuarterlyReport.objects.filter(plan_id=plan_id, quarter=quarter).first()
            if report is None:
                if accepted:
                    faults.append(f"{key}: {accepted} saves accepted, no report stored")
                continue
            stored = {
                a.indicator_id: a
                for a in Achievement.objects.filter(report=report).select_related("indicator")
            }
            history = Achievement.history.filter(report_id=report.pk).count()
            stored_saves, odd = divmod(history, indicators)
            if (
                odd
                or not accepted <= stored_saves <= accepted + len(unanswered)
                or (stored_saves and all(_mismatches(stored, values, parse) for values in finals))
            ):
                faults.append(
                    f"{key}: {history} history rows for {accepted} acknowledged saves of {indicators} values "
                    f"and {len(unanswered)} unanswered (expected {accepted * indicators}"
                    + (f" to {(accepted + len(unanswered)) * indicators})" if unanswered else ")")
                )
                faults.extend(
                    f"{key} {m}" for m in _mismatches(stored, finals[-1], parse) if finals
                )
                continue
            reports += 1
            saves += accepted
            values += indicators * bool(stored_saves)
            in_flight_stored += stored_saves - accepted
            if report_sent["submitted"] and report.status not in (
                QuarterlyReport.SUBMITTED,
                QuarterlyReport.APPROVED,
            ):
                faults.append(f"{key}: submitted, but stored as {report.status}")
        for key in sent["approved"]:
            plan_id, quarter = map(int, key.split("/"))
            approvals = ReportTransition.objects.filter(
                report__plan_id=plan_id, report__quarter=quarter, to_status=QuarterlyReport.APPROVED
            ).count()
            if approvals != 1:
                faults.append(f"{key}: approved once, {approvals} approvals stored")
    print(
        f"checked {reports} reports, {saves} acknowledged saves stored once each (and {in_flight_stored} unanswered "
        f"ones, in flight at the stop or their answer lost, stored as well), {values} values: "
        f"{'no fault' if not faults else f'{len(faults)} FAULTS'}"
    )
    for fault in faults[:50]:
        print("  " + fault)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
