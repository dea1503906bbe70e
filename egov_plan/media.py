"""Media (evidence, signed PDFs, draft PDFs, bulk-print zips, uploads waiting for their import's
confirmation) live only in Django's default storage (`STORAGES["default"]`, `MEDIA_STORAGE`): a
folder under VAR_DIR by default, an NFS mount or an S3-compatible bucket shared by every app server
and worker in a cluster. Nothing reads a media file back by a path on this machine's disk.

These are the few things the storage API does not give by itself: every file under a folder, the
deletion of those not touched for a while, and a pending upload kept under a random token.
"""

import datetime
import re
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")  # secrets.token_urlsafe(24)


def files_under(folder: str = "") -> list[str]:
    """The name of every file under `folder` (all of media for ""), at any depth, sorted."""
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:  # never written to (a bucket has no empty folders)
        return []
    prefix = f"{folder.strip('/')}/" if folder.strip("/") else ""
    names = [prefix + name for name in files]
    for directory in directories:
        names += files_under(prefix + directory)
    return sorted(names)


def delete_older_than(folder: str, seconds: float, *, keep: set[str] = frozenset()) -> int:
    """Delete the files under `folder` (except those in `keep`) last written more than `seconds`
    ago; returns how many."""
    limit = timezone.now() - datetime.timedelta(seconds=seconds)
    count = 0
    for name in files_under(folder):
        try:
            if name not in keep and default_storage.get_modified_time(name) < limit:
                default_storage.delete(name)
                count += 1
        except FileNotFoundError:  # another process removed it first
            pass
    return count


@dataclass(frozen=True)
class PendingUploads:
    """Uploads waiting between a preview and its confirmation, each under a random token that only
    the uploader's session holds; forgotten after `keep_seconds`."""

    folder: str
    keep_seconds: int

    def _name(self, token: str) -> str | None:
        return f"{self.folder}/{token}" if isinstance(token, str) and TOKEN.match(token) else None

    def keep(self, data: bytes) -> str:
        """Store `data`; returns its token. Uploads never confirmed are deleted here, later."""
        delete_older_than(self.folder, self.keep_seconds)
        token = secrets.token_urlsafe(24)
        default_storage.save(self._name(token), ContentFile(data))
        return token

    def read(self, token: str) -> bytes | None:
        """The upload under `token`; None if there is none (or it is older than keep_seconds)."""
        name = self._name(token)
        try:
            if (
                name is None
                or not default_storage.exists(name)
                or default_storage.get_modified_time(name)
                < (timezone.now() - datetime.timedelta(seconds=self.keep_seconds))
            ):
                return None
            with default_storage.open(name, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def drop(self, token: str) -> None:
        if (name := self._name(token)) is not None:
            default_storage.delete(name)
