"""One-file backup and restore: the database (as Django's JSON, so it loads on SQLite and
PostgreSQL alike), the evidence files and signed PDFs, and the signing certificates' public parts.

The archive (.tar.gz) holds `manifest.json` (what is inside, with SHA-256 of every file),
`database.json`, `media/…` (every file of the media storage, by its name there, read and written
through Django's storage API: a local folder, an NFS mount or a bucket alike) and
`certificates/<fingerprint>.pem`.
Restoring needs an empty installation on which `migrate` has run; it refuses anything else.
"""

import datetime
import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from asn1crypto import pem
from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from egov_plan import media
from reports.pdf.models import SigningCertificate

FORMAT = "egov-plan-backup/1"
# Rebuilt by `migrate` on any installation (and their ids differ); sessions and rate-limit counters are
# not worth keeping.
NOT_BACKED_UP = ["contenttypes", "auth.permission", "sessions", "egov_plan.ratelimithit"]
# Any of these holding a row means the installation is not empty.
CONTENT_MODELS = [
    "auth.User",
    "egov_plan.Office",
    "egov_plan.ActionPlan",
    "reports.QuarterlyReport",
]


class _ExactEncoder(DjangoJSONEncoder):
    """Django's JSON keeps milliseconds only; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    """The `backup-json` format: Django's JSON with exact times (read back by the plain `json`)."""

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = _ExactEncoder


Deserializer = django_json.Deserializer
serializers.register_serializer("backup-json", __name__)


class BackupError(Exception):
    """The archive cannot be restored here; the message says why."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _database_json() -> bytes:
    out = io.StringIO()
    call_command(
        "dumpdata", exclude=NOT_BACKED_UP, natural_foreign=True, format="backup-json", stdout=out
    )
    return out.getvalue().encode()


def _certificates() -> dict[str, bytes]:
    return {
        f"certificates/{record.fingerprint}.pem": pem.armor("CERTIFICATE", bytes(record.der))
        for record in SigningCertificate.objects.all()
    }


def write_backup(path: Path) -> dict:
    """Write the archive to `path`; returns its manifest."""
    with transaction.atomic():  # one consistent view of the rows (a snapshot on PostgreSQL)
        database = _database_json()
        certificates = _certificates()
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "files": {},
    }
    with tarfile.open(path, "w:gz") as archive:
        for name, data in [("database.json", database), *certificates.items()]:
            manifest["files"][name] = _sha256(data)
            _add(archive, name, data)
        for stored in media.files_under():
            with default_storage.open(stored, "rb") as handle:
                data = handle.read()
            name = f"media/{stored}"
            manifest["files"][name] = _sha256(data)
            _add(archive, name, data)
        _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    return manifest


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"unsafe path in the archive: {name!r}")
    return path


def _read_archive(path: Path) -> tuple[dict, dict[str, bytes]]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            contents = {}
            for member in archive.getmembers():
                if not member.isfile():
                    raise BackupError(f"not a regular file in the archive: {member.name!r}")
                _safe_name(member.name)
                contents[member.name] = archive.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"not a readable backup archive: {exc}") from None
    try:
        manifest = json.loads(contents.pop("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("the archive has no manifest.json") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    if set(manifest["files"]) != set(contents):
        raise BackupError("the archive's files differ from its manifest")
    for name, digest in manifest["files"].items():
        if _sha256(contents[name]) != digest:
            raise BackupError(f"{name} is damaged (its SHA-256 differs from the manifest)")
    return manifest, contents


def _require_empty_installation() -> None:
    filled = [label for label in CONTENT_MODELS if apps.get_model(label).objects.exists()]
    if filled:
        raise BackupError(
            "restore needs an empty installation (after `migrate`), but it already holds "
            + ", ".join(filled)
        )
    if media.files_under():
        raise BackupError("restore needs an empty media storage, but it holds files")


def restore_backup(path: Path) -> dict:
    """Load the archive into this empty installation; returns its manifest."""
    manifest, contents = _read_archive(path)
    _require_empty_installation()
    written = []
    try:
        with transaction.atomic():
            with tempfile.TemporaryDirectory() as folder:
                fixture = Path(folder) / "database.json"
                fixture.write_bytes(contents["database.json"])
                call_command("loaddata", str(fixture), verbosity=0)
            for name, data in contents.items():
                if name.startswith("media/"):
                    target = "/".join(_safe_name(name).parts[1:])
                    if not target:
                        raise BackupError(f"unsafe path in the archive: {name!r}")
                    stored = default_storage.save(target, ContentFile(data))
                    written.append(stored)
                    if stored != target:  # the rows name the file as it was backed up
                        raise BackupError(f"{target} could not be restored under its own name")
    except Exception:
        for stored in written:  # the rows were rolled back; do not leave their files behind
            default_storage.delete(stored)
        raise
    return manifest
