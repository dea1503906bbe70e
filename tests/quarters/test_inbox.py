"""/inbox/: the reports waiting for this reviewer, from offices below theirs, newest first."""

import datetime

import pytest
from django.utils import timezone

from reports.quarters.models import QuarterlyReport
from tests.conftest import client_for
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_it_lists_submitted_reports_from_below_newest_first(people):
    now = timezone.now()
    older = QuarterlyReport.objects.create(
        plan=people.plan,
        quarter=2,
        status="submitted",
        submitted_at=now - datetime.timedelta(days=2),
    )
    other = make_plan(indicators=2, office_name="ফুলপুর পৌরসভা", parent=people.supervising)
    newer = QuarterlyReport.objects.get(plan=other, quarter=1)  # make_plan's first-quarter draft
    QuarterlyReport.objects.filter(pk=newer.pk).update(status="submitted", submitted_at=now)
    QuarterlyReport.objects.create(plan=people.plan, quarter=3, status="draft")
    elsewhere = make_plan(indicators=2, office_name="কেন্দুয়া উপজেলা", parent=people.other_office)
    QuarterlyReport.objects.filter(plan=elsewhere).update(status="submitted", submitted_at=now)

    html = client_for(people.reviewer).get("/inbox/").content.decode()
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    assert rows.count("<tr>") == 2
    assert rows.index("ফুলপুর পৌরসভা") < rows.index("ময়মনসিংহ সিটি কর্পোরেশন")
    assert "কেন্দুয়া উপজেলা" not in rows
    assert f'href="/plans/{newer.plan_id}/quarters/1/"' in rows
    assert f'href="/plans/{older.plan_id}/quarters/2/"' in rows
    local = timezone.localtime(older.submitted_at)
    assert (
        local.strftime("%d/%m/%y %H:%M").translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
        in rows
    )

    # The other tree's reviewer sees only theirs; the ministry's reviewer sees both of ours.
    assert "কেন্দুয়া উপজেলা" in client_for(people.other_reviewer).get("/inbox/").content.decode()
    top = client_for(people.top_reviewer).get("/inbox/").content.decode()
    assert "ফুলপুর পৌরসভা" in top and "ময়মনসিংহ সিটি কর্পোরেশন" in top


def test_it_says_so_when_nothing_waits(reviewer_client):
    assert "কোনো প্রতিবেদন অপেক্ষমাণ নেই" in reviewer_client.get("/inbox/").content.decode()


def documents_section(html: str) -> str:
    start = html.index('class="table table-bordered align-middle inbox-documents"')
    return html[start : html.index("</table>", start)]


def submitted_documents(parent, count: int, *, kind="annual", prefix=""):
    from reports.year.models import Assessment
    from tests.factories import make_offices

    offices = make_offices(parent, count, code_prefix=prefix)
    now = timezone.now()
    Assessment.objects.bulk_create(
        Assessment(
            plan=office.plans.get(),
            kind=kind,
            status=Assessment.SUBMITTED,
            submitted_at=now - datetime.timedelta(minutes=i),
            first_submitted_at=now,
        )
        for i, office in enumerate(offices)
    )
    return offices


def test_half_yearly_and_annual_documents_wait_in_their_own_paged_list(people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egov_plan.offices.tree import office_create

    district = office_create(
        name="জেলা প্রশাসকের কার্যালয়",
        location="জামালপুর",
        tier="district",
        code="DC-JAM",
        parent=people.supervising,
    )
    QuarterlyReport.objects.create(
        plan=people.plan, quarter=2, status="submitted", submitted_at=timezone.now()
    )
    submitted_documents(district, 2, kind="half_year", prefix="H")
    annual = submitted_documents(district, 1, prefix="A")
    submitted_documents(people.other_office, 1, prefix="X")  # another tree: not this reviewer's
    client = client_for(people.reviewer)
    client.get("/inbox/")  # the session's first request costs its own queries
    with CaptureQueriesContext(connection) as few:
        html = client.get("/inbox/").content.decode()
    section = documents_section(html)
    assert section.count("<tr>") == 1 + 3  # the header and three documents
    assert section.count("অর্ধবার্ষিক স্ব-মূল্যায়ন") == 2 and section.count("বার্ষিক মূল্যায়ন") == 1
    assert f'href="/plans/{annual[0].plans.get().pk}/annual/"' in section
    assert "(৩টি)" in html

    submitted_documents(district, 60, prefix="B")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/inbox/").content.decode()
    assert len(many) == len(few)  # the query count does not grow with the documents waiting
    assert documents_section(html).count("<tr>") == 1 + 50 and "documents_page=2" in html
    second = documents_section(client.get("/inbox/?documents_page=2").content.decode())
    assert second.count("<tr>") == 1 + 13


def test_names_are_shown_as_text_and_english_rows_have_latin_digits(people):
    other = make_plan(indicators=2, office_name="<b>ফুলপুর</b> & 'পৌরসভা'", parent=people.supervising)
    QuarterlyReport.objects.filter(plan=other).update(
        status="submitted", submitted_at=timezone.now()
    )
    client = client_for(people.reviewer)
    rows = client.get("/inbox/").content.decode()
    rows = rows[rows.index("<tbody>") : rows.index("</tbody>")]
    assert "&lt;b&gt;ফুলপুর&lt;/b&gt; &amp; &#x27;পৌরসভা&#x27;" in rows and "<b>" not in rows
    assert "<td>১</td>" in rows and "২০২২-২০২৩" in rows
    client.post("/i18n/setlang/", {"language": "en", "next": "/inbox/"})
    rows = client.get("/inbox/").content.decode()
    rows = rows[rows.index("<tbody>") : rows.index("</tbody>")]
    assert "<td>1</td>" in rows and "2022-2023" in rows and "Review" in rows
