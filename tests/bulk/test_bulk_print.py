"""/bulk-print/: a reviewer asks for a quarter's signed PDFs of every office under an office,
watches the progress page (which refreshes itself, no JavaScript) and downloads the zip.

Without REDIS_URL the task runs in the same process, so the request finishes the job.
"""

import datetime
import re
import uuid

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from egov_plan import media
from egov_plan.plans.models import FiscalYear
from reports.bulk import tasks
from reports.bulk.models import BulkPrintJob
from reports.bulk.printing import STALE_FILE_SECONDS
from reports.pdf import render as pdf
from reports.pdf import tasks as pdf_tasks
from reports.pdf.models import SignedDocument
from reports.quarters.models import QuarterlyReport
from reports.quarters.selectors import quarter_table
from tests.bulk_tree import build_tree, pdf_name, read_zip
from tests.conftest import client_for
from tests.helpers import stored_bytes
from tests.signatures import assert_signed_by_us

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(people):
    return build_tree(people)


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """POST the request form; the job starts once the request's transaction commits."""

    def post(client, office, year=2022, quarter=1):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/bulk-print/", {"office": office.pk, "year": year, "quarter": quarter}
            )

    return post


def test_the_zip_holds_every_approved_reports_signed_pdf_and_an_index_of_every_office(
    people, tree, reviewer_client, signing_key, ask
):
    response = ask(reviewer_client, people.supervising)
    job = BulkPrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bulk-print/{job.pk}/"

    page = reviewer_client.get(response["Location"]).content.decode()
    assert "সম্পন্ন: ২ / ২" in page and 'http-equiv="refresh"' not in page
    assert f'href="/bulk-print/{job.pk}/download"' in page

    download = reviewer_client.get(f"/bulk-print/{job.pk}/download")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    files, rows = read_zip(b"".join(download.streaming_content))

    assert sorted(files) == sorted(pdf_name(plan) for plan in tree.approved)
    for data in files.values():
        assert_signed_by_us(data, signing_key)

    def approved(plan):
        score = float(
            quarter_table(plan_id=plan.pk, quarter=1).total_score
        )  # as the table prints it
        return (plan.office.display_name, plan.office.code, "অনুমোদিত", score, pdf_name(plan))

    tarakanda = tree.tarakanda.office
    assert rows == [  # in tree order
        approved(tree.seed),
        approved(tree.fulpur),
        (tarakanda.display_name, tarakanda.code, "অনুমোদিত প্রতিবেদন নেই (দাখিলকৃত)", None, None),
        (tree.haluaghat.display_name, tree.haluaghat.code, "কর্মপরিকল্পনা নেই", None, None),
    ]
    assert SignedDocument.objects.filter(report__plan=tree.kendua).count() == 0  # another tree's


def test_a_pdf_signed_before_is_taken_from_storage_not_signed_again(
    people, tree, reviewer_client, ask
):
    stored = pdf.signed_report_pdf(report=QuarterlyReport.objects.get(plan=tree.seed, quarter=1))
    ask(reviewer_client, people.supervising)
    job = BulkPrintJob.objects.get()
    files, _ = read_zip(
        b"".join(reviewer_client.get(f"/bulk-print/{job.pk}/download").streaming_content)
    )
    assert files[pdf_name(tree.seed)] == stored.file.open("rb").read()
    assert SignedDocument.objects.filter(report__plan=tree.seed).count() == 1


def test_the_page_offers_the_reviewers_office_and_the_offices_below_with_offices_under_them(
    people, tree, reviewer_client
):
    page = reviewer_client.get("/bulk-print/").content.decode()
    options = page[page.index('name="office"') : page.index("</select>")]
    assert people.supervising.name in options and tree.fulpur.office.name in options
    assert tree.haluaghat.name not in options  # nothing under it
    assert people.other_office.name not in options
    assert 'href="/bulk-print/"' in page  # the navigation links here for reviewers


def test_links_may_preselect_the_office_year_and_quarter(people, tree, reviewer_client):
    page = reviewer_client.get(
        f"/bulk-print/?office={tree.fulpur.office_id}&year=2022&quarter=3"
    ).content.decode()
    assert f'<option value="{tree.fulpur.office_id}" selected>' in page
    assert '<option value="2022" selected>' in page and '<option value="3" selected>' in page


def test_bad_input_gets_a_bengali_message_next_to_the_field_and_no_job(
    people, tree, reviewer_client
):
    for data, message in [
        (
            {"office": people.other_office.pk, "year": 2022, "quarter": 1},
            "তালিকা থেকে একটি নির্বাচন করুন।",
        ),
        (
            {"office": people.supervising.pk, "year": 1999, "quarter": 1},
            "তালিকা থেকে একটি নির্বাচন করুন।",
        ),
        (
            {"office": people.supervising.pk, "year": 2022, "quarter": 5},
            "তালিকা থেকে একটি নির্বাচন করুন।",
        ),
        ({"office": "x", "year": "", "quarter": 1}, "একটি নির্বাচন করুন।"),
    ]:
        response = reviewer_client.post("/bulk-print/", data)
        assert response.status_code == 400
        assert (
            message in response.content.decode() and "invalid-feedback" in response.content.decode()
        )
    assert not BulkPrintJob.objects.exists()


def test_only_reviewers_may_ask_and_only_the_one_who_asked_sees_the_job(
    people, tree, reviewer_client, ask
):
    assert client_for(people.officer).get("/bulk-print/").status_code == 403
    assert ask(client_for(people.officer), people.supervising).status_code == 403
    ask(reviewer_client, people.supervising)
    job = BulkPrintJob.objects.get()
    for other in (people.top_reviewer, people.other_reviewer, people.officer, people.admin):
        client = client_for(other)
        assert client.get(f"/bulk-print/{job.pk}/").status_code == 404
        assert client.get(f"/bulk-print/{job.pk}/download").status_code == 404
    assert reviewer_client.get(f"/bulk-print/{uuid.uuid4()}/").status_code == 404


def test_a_running_job_shows_done_of_total_a_bar_and_the_time_left_and_refreshes_itself(
    people, reviewer_client
):
    job = BulkPrintJob.objects.create(
        requested_by=people.reviewer,
        root_office=people.supervising,
        start_year=2022,
        quarter=1,
        status=BulkPrintJob.RUNNING,
        total=4,
        done=1,
        started_at=timezone.now() - datetime.timedelta(seconds=20),
    )
    page = reviewer_client.get(f"/bulk-print/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert (
        "সম্পন্ন: ১ / ৪" in page
        and '<progress class="bulk-progress flex-grow-1" max="100" value="25"' in page
    )
    # 20 s for one, three to go: a minute, and three times whatever the request itself took.
    shown = re.search(r"আনুমানিক বাকি সময়: ০:০১:([০-৯]{2})<", page)
    assert shown and int(shown.group(1).translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789"))) < 30
    assert "/download" not in page
    assert reviewer_client.get(f"/bulk-print/{job.pk}/download").status_code == 404


def test_the_zip_expires_after_the_configured_time_and_the_purge_deletes_it(
    people, tree, reviewer_client, settings, ask
):
    settings.BULK_PRINT_KEEP_HOURS = 2
    ask(reviewer_client, people.supervising)
    job = BulkPrintJob.objects.get()
    assert datetime.timedelta(hours=2) - (job.expires_at - job.finished_at) < datetime.timedelta(
        seconds=1
    )
    name = job.file.name
    call_command("purge_bulk_prints")  # not expired yet: kept
    assert reviewer_client.get(f"/bulk-print/{job.pk}/download").status_code == 200

    BulkPrintJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert reviewer_client.get(f"/bulk-print/{job.pk}/download").status_code == 404
    assert "রাখার সময় শেষ" in reviewer_client.get(f"/bulk-print/{job.pk}/").content.decode()
    call_command("purge_bulk_prints")
    assert not default_storage.exists(name)
    assert BulkPrintJob.objects.get().file == ""


def test_a_failure_shows_a_bengali_message_not_a_500(
    people, tree, reviewer_client, settings, tmp_path, ask
):
    settings.SIGNING_PKCS12_PATH = tmp_path / "missing.p12"
    response = ask(reviewer_client, people.supervising)
    assert response.status_code == 302
    job = BulkPrintJob.objects.get()
    assert job.status == BulkPrintJob.FAILED
    assert "ফাইলটি তৈরি করা যায়নি" in reviewer_client.get(response["Location"]).content.decode()


def test_the_year_list_is_the_fiscal_years_in_bengali(people, reviewer_client):
    FiscalYear.objects.get_or_create(start_year=2023)
    page = reviewer_client.get("/bulk-print/").content.decode()
    assert "২০২২-২০২৩" in page and "২০২৩-২০২৪" in page


def test_tasks_run_again_count_nothing_twice_sign_nothing_twice_and_clear_the_dead_runs_leftovers(
    people, tree, signing_key, settings
):
    job = BulkPrintJob.objects.create(
        requested_by=people.reviewer, root_office=people.supervising, start_year=2022, quarter=1
    )
    fulpur = QuarterlyReport.objects.get(plan=tree.fulpur, quarter=1)
    for _ in range(2):  # the broker may deliver a signing task twice
        tasks.sign_for_bulk_print(str(job.pk), fulpur.pk, fulpur.revision)
        job.refresh_from_db()
        assert job.done == 1 and SignedDocument.objects.filter(report=fulpur).count() == 1

    tasks.bulk_print(str(job.pk))  # in-process: signs the other report and writes the zip
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (BulkPrintJob.DONE, 2, 2)
    first_name = job.file.name
    first = stored_bytes(first_name)

    # As if the worker had died after storing the zip, before recording it: the assembly runs again,
    # and stores a zip of its own beside the unrecorded one (never overwriting a file in place).
    BulkPrintJob.objects.filter(pk=job.pk).update(status=BulkPrintJob.RUNNING, file="")
    tasks.assemble_bulk_print(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (BulkPrintJob.DONE, 2, 2)
    assert SignedDocument.objects.filter(report__plan__in=tree.approved).count() == 2
    assert read_zip(stored_bytes(job.file.name))[0] == read_zip(first)[0]  # the same signed PDFs
    assert media.files_under("bulk") == sorted([first_name, job.file.name])
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=STALE_FILE_SECONDS + 60)):
        call_command("purge_bulk_prints")  # the dead run's zip, which no job names, goes
    assert media.files_under("bulk") == [job.file.name]

    assert tasks.bulk_print(str(job.pk)) == "nothing to do"  # a finished job delivered again
    assert pdf_tasks.sign_approved_report(fulpur.pk, fulpur.revision)
    assert SignedDocument.objects.filter(report__plan__in=tree.approved).count() == 2


def test_the_purge_deletes_files_no_job_names_once_no_run_can_be_writing_them():
    leftover = default_storage.save("bulk/a-save-cut-short.zip", ContentFile(b"PK"))
    saved = timezone.now()
    with time_machine.travel(saved + datetime.timedelta(seconds=STALE_FILE_SECONDS - 60)):
        call_command("purge_bulk_prints")
    assert default_storage.exists(leftover)  # a run may still be writing it
    with time_machine.travel(saved + datetime.timedelta(seconds=STALE_FILE_SECONDS + 60)):
        call_command("purge_bulk_prints")
    assert not default_storage.exists(leftover)
