"""`manage.py backup FILE` and `restore FILE`: every row, every file, and every earlier PDF come back."""

import io
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from egov_plan import media
from reports.pdf.models import SigningCertificate
from reports.pdf.signing import create_development_certificate
from reports.pdf.verification import verify_document
from reports.quarters.models import QuarterlyReport
from tests.conftest import SIGNING_PASSPHRASE
from tests.helpers import add_evidence, image_bytes, indicator_by_code, stored_bytes
from tests.pdf.test_pdf import download

pytestmark = pytest.mark.django_db

REBUILT_BY_MIGRATE = (ContentType, Permission)


def every_row() -> dict:
    """Every row of every table the backup covers; content types and permissions by natural key."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model in REBUILT_BY_MIGRATE or model._meta.label in (
            "sessions.Session",
            "egov_plan.RateLimitHit",
        ):
            continue
        keyed = {
            f.attname: f.related_model
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in REBUILT_BY_MIGRATE
        }
        values = []
        for row in model.objects.order_by("pk").values():
            for attname, related in keyed.items():
                if row[attname] is not None:
                    row[attname] = related.objects.get(pk=row[attname]).natural_key()
            values.append(row)
        rows[model._meta.label] = values
    return rows


def every_file() -> dict[str, bytes]:
    """Every file of the media storage, by its name there."""
    return {name: stored_bytes(name) for name in media.files_under()}


@pytest.fixture
def installation(officer_client, people, settings):
    """The seed with its signed PDF, evidence files and a history of changes."""
    pdf = download(officer_client, people.plan, 1)
    report = QuarterlyReport.objects.create(plan=people.plan, quarter=2)
    add_evidence(report, indicator_by_code(people.plan, "1.3.1"), name="প্রমাণ.pdf")
    add_evidence(
        report, indicator_by_code(people.plan, "2.1.1"), name="ছবি.png", content=image_bytes("PNG")
    )
    officer_client.post(
        f"/plans/{people.plan.pk}/quarters/2/edit/",
        {f"value_{indicator_by_code(people.plan, '2.1.1').pk}": "২", "action": "save"},
    )
    return pdf


def empty_the_installation():
    call_command("flush", interactive=False, verbosity=0)
    for name in media.files_under():
        default_storage.delete(name)


@pytest.mark.django_db(
    transaction=True
)  # flush, as in a real empty installation: no test transaction
def test_a_backup_restores_every_row_every_file_and_every_signature(
    installation, settings, tmp_path
):
    rows, files = every_row(), every_file()
    assert len(files) == 3 and rows["reports.Evidence"] and rows["reports.HistoricalAchievement"]
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    [record] = SigningCertificate.objects.all()
    assert f"certificates/{record.fingerprint}.pem" in names and "database.json" in names

    empty_the_installation()
    assert not every_file() and not QuarterlyReport.objects.exists()
    # The new installation has a signing key of its own: earlier PDFs verify by the kept certificate.
    settings.SIGNING_PKCS12_PATH = tmp_path / "new-key.p12"
    create_development_certificate(settings.SIGNING_PKCS12_PATH, SIGNING_PASSPHRASE)

    call_command("restore", str(archive), stdout=io.StringIO())
    assert every_row() == rows
    assert every_file() == files
    assert verify_document(installation).verdict == "valid"


def test_restore_refuses_an_installation_that_is_not_empty(installation, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="empty installation"):
        call_command("restore", str(archive))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_or_hostile_archive(people, settings, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    empty_the_installation()
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "database.json":
                data = data.replace(b"officer", b"intruder")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="database.json is damaged"):
        call_command("restore", str(damaged))
    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(hostile, "w:gz") as target:
        info = tarfile.TarInfo("media/../../outside.txt")
        info.size = 1
        target.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(CommandError, match="unsafe path"):
        call_command("restore", str(hostile))
    assert (
        not (Path(settings.MEDIA_ROOT).parent / "outside.txt").exists()
        and media.files_under() == []
    )
