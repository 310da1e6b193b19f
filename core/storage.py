"""A Django storage that keeps files in the database (docs/decisions/0014-production.md).

Frozen papers already live in the database; bulk ZIPs use this storage, so one app server
serves what another (or a worker on a third machine) made, with nothing shared but
PostgreSQL. Files are written once and read whole: no streaming, no partial updates.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from core.models import StoredFile


@deconstructible
class DatabaseStorage(Storage):
    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode:
            raise ValueError("Files in the database are written with save(), not opened to write.")
        content = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        stored = ContentFile(bytes(content), name=name)
        stored.mode = mode
        return stored

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        StoredFile.objects.create(name=name, content=data, size=len(data))
        return name

    def exists(self, name):
        return StoredFile.objects.filter(name=name).exists()

    def delete(self, name):
        StoredFile.objects.filter(name=name).delete()

    def size(self, name):
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def url(self, name):
        # Stored files are served by the views that check who may see them, never by URL.
        raise NotImplementedError("Files in the database have no public URL.")

    def path(self, name):
        raise NotImplementedError("Files in the database have no path on disk.")

    def get_created_time(self, name):
        return StoredFile.objects.get(name=name).created_at

    def listdir(self, path):
        prefix = f"{path.rstrip('/')}/" if path else ""
        names = StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True)
        directories, files = set(), []
        for name in names:
            head, _, tail = name[len(prefix) :].partition("/")
            if tail:
                directories.add(head)
            else:
                files.append(head)
        return sorted(directories), sorted(files)
