"""Media go only through Django's storage API: with Django's InMemoryStorage as the media storage
every flow that keeps a file works end to end (evidence, signed PDFs, drafts, the two imports'
pending uploads, bulk-print zips, backup and restore) and nothing is written under MEDIA_ROOT on
disk. So the same code runs on an NFS mount or an S3-compatible bucket shared by several servers.

The rest of the suite runs the same way with `MEDIA_STORAGE=inmemory` (tests/conftest.py).
"""

import io
import re

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import call_command

from egov_plan import media
from egov_plan.plans.models import ActionPlan
from reports.bulk.models import BulkPrintJob
from reports.pdf.models import SignedDocument
from reports.pdf.verification import verify_document
from reports.quarters.models import Evidence
from tests.accounts.test_user_import_admin import URL as USER_IMPORT
from tests.accounts.test_user_import_admin import upload as user_file
from tests.bulk.test_bulk_print import ask  # noqa: F401 (fixture)
from tests.bulk_tree import build_tree, pdf_name, read_zip
from tests.conftest import IN_MEMORY_STORAGE, client_for, files_on_disk
from tests.helpers import PDF_BYTES, stored_bytes
from tests.pdf.test_pdf_draft_cache import draft, renders  # noqa: F401 (fixture)
from tests.plans.test_plan_import_preview import IMPORT, admin  # noqa: F401 (fixture)
from tests.plans.test_plan_import_preview import upload as upload_plan
from tests.plans.test_plan_import_quarterly_layouts import (
    QUARTERLY_HEADER,
    QUARTERLY_ROWS,
    text_file,
)
from tests.project.test_backup_restore import (  # noqa: F401
    empty_the_installation,
    every_file,
    every_row,
    installation,
)
from tests.project.test_tasks import approve
from tests.quarters.test_evidence import upload as upload_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_memory(_test_settings, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": IN_MEMORY_STORAGE}}
    assert isinstance(default_storage, InMemoryStorage)
    yield
    assert not files_on_disk(settings.MEDIA_ROOT)


def test_evidence_is_stored_downloaded_and_removed_through_the_storage(
    officer_client, people, django_capture_on_commit_callbacks
):
    assert (
        upload_evidence(officer_client, people.plan, "1.3.1", "প্রমাণ.pdf", PDF_BYTES).status_code
        == 302
    )
    evidence = Evidence.objects.get()
    assert (
        media.files_under() == [evidence.file.name]
        and stored_bytes(evidence.file.name) == PDF_BYTES
    )
    response = officer_client.get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"/evidence/{evidence.pk}/delete/")
    assert media.files_under() == []


def test_an_approval_signs_into_the_storage_and_the_download_serves_the_pdf_that_verifies(
    people, settings, django_capture_on_commit_callbacks
):
    report = approve(people, settings, django_capture_on_commit_callbacks, on=True)
    document = SignedDocument.objects.get(report=report)
    assert media.files_under() == [document.file.name]
    download = client_for(people.officer).get(f"/plans/{people.plan.pk}/quarters/2/pdf")
    assert download.content == stored_bytes(document.file.name)
    assert verify_document(download.content).verdict == "valid"


def test_a_draft_is_kept_in_the_storage_and_served_from_it(
    officer_client, reviewer_client, people, renders
):
    first = draft(officer_client, people.plan)
    assert len(media.files_under("draft-pdfs")) == 1
    assert draft(reviewer_client, people.plan) == first and renders == [True]


def test_a_plan_import_waits_in_the_storage_between_preview_and_import(admin):
    token = upload_plan(admin, text_file(QUARTERLY_HEADER, QUARTERLY_ROWS)).context["token"]
    assert media.files_under() == [f"plan-imports/{token}"]
    assert admin.post(IMPORT, {"token": token, "action": "import"}).status_code == 302
    assert (
        ActionPlan.objects.filter(office__code="UNO-MYM-MUK").exists() and media.files_under() == []
    )


def test_a_user_import_waits_in_the_storage_until_confirmed(people):
    admin_client = client_for(people.admin)
    html = admin_client.post(
        USER_IMPORT,
        {"file": user_file(f"new1,নতুন এক,new1@example.gov.bd,,{people.office.code},officer,\n")},
    ).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert media.files_under() == [f"user_imports/{token}"]
    assert admin_client.post(USER_IMPORT, {"token": token})["Location"] == "/admin/auth/user/"
    assert media.files_under() == []


def test_a_bulk_print_zip_is_built_stored_and_downloaded_through_the_storage(
    people, reviewer_client, ask
):
    tree = build_tree(people)
    ask(reviewer_client, people.supervising)
    job = BulkPrintJob.objects.get()
    signed = sorted(SignedDocument.objects.values_list("file", flat=True))
    assert media.files_under() == sorted([job.file.name, *signed])
    download = reviewer_client.get(f"/bulk-print/{job.pk}/download")
    files, _ = read_zip(b"".join(download.streaming_content))
    assert sorted(files) == sorted(pdf_name(plan) for plan in tree.approved)


@pytest.mark.django_db(transaction=True)
def test_a_backup_reads_and_a_restore_writes_every_file_through_the_storage(installation, tmp_path):  # noqa: F811
    rows, files = every_row(), every_file()
    assert len(files) == 3  # the signed PDF and two evidence files
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    empty_the_installation()
    assert media.files_under() == []
    call_command("restore", str(archive), stdout=io.StringIO())
    assert every_row() == rows and every_file() == files
