"""
Files kept in the database (`STORAGES["default"]`): workshop reports and syntheses live
in PostgreSQL beside the rows that name them, so application servers share nothing but
the database and Redis, and a `pg_dump` holds everything.

A file is a `StoredFile` row (its name, size and SHA-256, the ETag it is served with)
and its bytes in `StoredFileChunk` rows of `CHUNK_BYTES`: written a chunk at a time,
read a chunk at a time, so that neither a 6 MB synthesis nor a 20 MB report is ever
held whole in a worker's memory. `stored_file_response` serves one, with `ETag`,
`If-None-Match` and byte ranges.
"""

import hashlib
import io
import re

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.utils.deconstruct import deconstructible
from django.utils.http import http_date

from .models import StoredFile, StoredFileChunk

CHUNK_BYTES = 512 * 1024


def file_store(name, content, *, stored_file=StoredFile, chunk=StoredFileChunk):
    """Write the file-like `content` under `name`, a chunk at a time, in one
    transaction; the `StoredFile`. (The models are arguments for the migration that
    moves files in.)"""
    with transaction.atomic():
        stored = stored_file.objects.create(name=name, size=0, sha256="")
        digest, size, index = hashlib.sha256(), 0, 0
        if hasattr(content, "seek"):
            content.seek(0)
        while data := content.read(CHUNK_BYTES):
            if isinstance(data, str):
                data = data.encode()
            chunk.objects.create(file=stored, index=index, data=data)
            digest.update(data)
            size += len(data)
            index += 1
        stored.size, stored.sha256 = size, digest.hexdigest()
        stored.save(update_fields=["size", "sha256"])
    return stored


class StoredFileReader(io.RawIOBase):
    """A stored file opened for reading: each read fetches the chunks it needs."""

    def __init__(self, stored):
        self.stored = stored
        self.position = 0
        self._chunk_index, self._chunk = None, b""

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}
        self.position = max(0, base[whence] + offset)
        return self.position

    @property
    def size(self):
        return self.stored.size

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size=-1):
        end = (
            self.size
            if size is None or size < 0
            else min(self.size, self.position + size)
        )
        parts = []
        while self.position < end:
            index, offset = divmod(self.position, CHUNK_BYTES)
            chunk = self._chunk_at(index)
            part = chunk[offset : offset + end - self.position]
            if not part:
                break
            parts.append(part)
            self.position += len(part)
        return b"".join(parts)

    def _chunk_at(self, index):
        if index != self._chunk_index:
            data = (
                StoredFileChunk.objects.filter(file=self.stored, index=index)
                .values_list("data", flat=True)
                .first()
            )
            self._chunk_index, self._chunk = index, bytes(data or b"")
        return self._chunk


@deconstructible
class DatabaseStorage(Storage):
    """Django's storage API over `StoredFile` rows."""

    def _save(self, name, content):
        file_store(name, content)
        return name

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode:
            raise ValueError("stored files are written with save()")
        stored = StoredFile.objects.filter(name=name).first()
        if stored is None:
            raise FileNotFoundError(name)
        return File(StoredFileReader(stored), name=name)

    def exists(self, name):
        return StoredFile.objects.filter(name=name).exists()

    def delete(self, name):
        StoredFile.objects.filter(name=name).delete()

    def size(self, name):
        return StoredFile.objects.values_list("size", flat=True).get(name=name)

    def get_modified_time(self, name):
        return StoredFile.objects.values_list("created_at", flat=True).get(name=name)

    def url(self, name):
        raise NotImplementedError("stored files are served by the views that own them")


_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


def stored_file_response(
    request, name, *, filename, content_type, as_attachment=True, last_modified=None
):
    """
    Serve the stored file `name`, streamed a chunk at a time: `ETag` (its SHA-256),
    304 for a matching `If-None-Match`, 206 for one byte range (`Range: bytes=a-b`,
    how a PDF reader fetches pages), 416 for a range outside the file.
    """
    stored = StoredFile.objects.filter(name=name).first()
    if stored is None:
        raise FileNotFoundError(name)
    etag = f'"{stored.sha256}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    reader = StoredFileReader(stored)
    start, length, status = 0, stored.size, 200
    asked = _RANGE.match(request.headers.get("Range", "").strip())
    if asked and request.headers.get("If-Range", etag) == etag:
        first, last = asked.groups()
        if first:
            start = int(first)
            end = min(int(last), stored.size - 1) if last else stored.size - 1
        elif last:  # the last N bytes
            start, end = max(0, stored.size - int(last)), stored.size - 1
        else:
            start, end = 0, stored.size - 1
        if start >= stored.size or end < start:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{stored.size}"
            return response
        length, status = end - start + 1, 206
    reader.seek(start)
    response = FileResponse(
        _Limited(reader, length),
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type,
        status=status,
    )
    response["Content-Length"] = str(length)
    response["ETag"] = etag
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{start + length - 1}/{stored.size}"
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


class _Limited(io.RawIOBase):
    """At most `length` bytes of `reader`, from where it stands."""

    def __init__(self, reader, length):
        self.reader, self.left = reader, length

    def readable(self):
        return True

    def read(self, size=-1):
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.reader.read(size)
        self.left -= len(data)
        return data
