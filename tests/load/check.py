"""After a load run: the database against what the virtual users sent (run by tests/load/run.py).

Every quarter an officer saved holds exactly the values of its last accepted save; its history
has one row per indicator per accepted save (every save changed every value), so no save was lost
or written twice; a submitted quarter is submitted or approved, an approved one approved once.
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
    from egov_plan import bangla, scoring
    from reports.models import Achievement, QuarterlyReport, ReportTransition

    parse = {scoring.DATE: bangla.parse_date, scoring.PERCENT: bangla.parse_percent,
             scoring.COUNT: bangla.parse_count}
    faults, reports, saves, values, in_flight_stored = [], 0, 0, 0, 0
    for path in args.sent:
        with open(path, encoding="utf-8") as handle:
            sent = json.load(handle)
        for key, report_sent in sent["reports"].items():
            # A save still in flight when the run stopped may have been stored, its answer lost:
            # then everything must match that save instead (and count it).
            accepted = [(report_sent["saves"], report_sent["values"])]
            if report_sent.get("in_flight"):
                accepted.append((report_sent["saves"] + 1, report_sent["in_flight"]))
            if not any(saves for saves, _ in accepted):
                continue
            plan_id, quarter = map(int, key.split("/"))
            report = QuarterlyReport.objects.filter(plan_id=plan_id, quarter=quarter).first()
            if report is None:
                if report_sent["saves"]:
                    faults.append(f"{key}: {report_sent['saves']} saves accepted, no report stored")
                continue
            stored = {a.indicator_id: a for a in Achievement.objects.filter(report=report).select_related("indicator")}
            history = Achievement.history.filter(report_id=report.pk).count()
            found = None
            for count, sent_values in accepted:
                if count == 0 and history == 0:  # the only save never reached the database
                    found = count, sent_values
                    break
                if count and not _mismatches(stored, sent_values, parse) and history == count * len(sent_values):
                    found = count, sent_values
                    break
            if found is None:
                count, sent_values = accepted[-1] if accepted[-1][0] else accepted[0]
                faults.append(f"{key}: {history} history rows for {count} saves of {len(sent_values)} values "
                              f"(expected {count * len(sent_values)})")
                faults.extend(f"{key} {m}" for m in _mismatches(stored, sent_values, parse))
                continue
            reports += 1
            saves += found[0]
            values += len(found[1])
            in_flight_stored += found[0] > report_sent["saves"]
            if report_sent["submitted"] and report.status not in (QuarterlyReport.SUBMITTED, QuarterlyReport.APPROVED):
                faults.append(f"{key}: submitted, but stored as {report.status}")
        for key in sent["approved"]:
            plan_id, quarter = map(int, key.split("/"))
            approvals = ReportTransition.objects.filter(report__plan_id=plan_id, report__quarter=quarter,
                                                        to_status=QuarterlyReport.APPROVED).count()
            if approvals != 1:
                faults.append(f"{key}: approved once, {approvals} approvals stored")
    print(f"checked {reports} reports, {saves} saves ({in_flight_stored} of them in flight at the stop), {values} values: "
          f"{'no fault' if not faults else f'{len(faults)} FAULTS'}")
    for fault in faults[:50]:
        print("  " + fault)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
