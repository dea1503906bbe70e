"""/inbox/: the reports waiting for this reviewer, from offices below theirs, newest first."""

import datetime

import pytest
from django.utils import timezone

from reports.models import QuarterlyReport
from tests.conftest import client_for
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_it_lists_submitted_reports_from_below_newest_first(people):
    now = timezone.now()
    older = QuarterlyReport.objects.create(plan=people.plan, quarter=2, status="submitted",
                                           submitted_at=now - datetime.timedelta(days=2))
    other = make_plan(indicators=2, office_name="ফুলপুর পৌরসভা", parent=people.supervising)
    newer = QuarterlyReport.objects.get(plan=other, quarter=1)  # make_plan's first-quarter draft
    QuarterlyReport.objects.filter(pk=newer.pk).update(status="submitted", submitted_at=now)
    QuarterlyReport.objects.create(plan=people.plan, quarter=3, status="draft")
    elsewhere = make_plan(indicators=2, office_name="কেন্দুয়া উপজেলা", parent=people.other_office)
    QuarterlyReport.objects.filter(plan=elsewhere).update(status="submitted", submitted_at=now)

    html = client_for(people.reviewer).get("/inbox/").content.decode()
    rows = html[html.index("<tbody>"):html.index("</tbody>")]
    assert rows.count("<tr>") == 2
    assert rows.index("ফুলপুর পৌরসভা") < rows.index("ময়মনসিংহ সিটি কর্পোরেশন")
    assert "কেন্দুয়া উপজেলা" not in rows
    assert f'href="/plans/{newer.plan_id}/quarters/1/"' in rows
    assert f'href="/plans/{older.plan_id}/quarters/2/"' in rows
    local = timezone.localtime(older.submitted_at)
    assert local.strftime("%d/%m/%y %H:%M").translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")) in rows

    # The other tree's reviewer sees only theirs; the ministry's reviewer sees both of ours.
    assert "কেন্দুয়া উপজেলা" in client_for(people.other_reviewer).get("/inbox/").content.decode()
    top = client_for(people.top_reviewer).get("/inbox/").content.decode()
    assert "ফুলপুর পৌরসভা" in top and "ময়মনসিংহ সিটি কর্পোরেশন" in top


def test_it_says_so_when_nothing_waits(reviewer_client):
    assert "কোনো প্রতিবেদন অপেক্ষমাণ নেই" in reviewer_client.get("/inbox/").content.decode()
