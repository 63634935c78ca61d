"""
Files built once and downloaded many times (the open data): the bytes, their gzip
(made once, not per request), an ETag and the moment they were built. A conditional GET
of a file one already has gets a 304; a client that accepts gzip gets the compressed
bytes (`Vary: Accept-Encoding`).
"""

import gzip
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class PreparedFile:
    content: bytes
    compressed: bytes | None  # None: not worth it (a zip-based format, say)
    etag: str
    built_at: datetime


def prepared_file(content, *, compress=True):
    data = content.encode() if isinstance(content, str) else content
    return PreparedFile(
        content=data,
        compressed=gzip.compress(data, compresslevel=6, mtime=0) if compress else None,
        etag=f'"{hashlib.sha256(data).hexdigest()[:32]}"',
        built_at=timezone.now(),
    )


def prepared_response(request, prepared, *, content_type):
    """The file, or 304 when the client holds this very version."""
    last_modified = int(prepared.built_at.timestamp())
    validators = {
        "ETag": prepared.etag,
        "Last-Modified": http_date(last_modified),
        "Vary": "Accept-Encoding",
    }
    not_modified = get_conditional_response(
        request, etag=prepared.etag, last_modified=last_modified
    )
    if not_modified is not None:
        for header, value in validators.items():
            not_modified[header] = value
        return not_modified
    gzipped = prepared.compressed is not None and ACCEPTS_GZIP.search(
        request.headers.get("Accept-Encoding", "")
    )
    response = HttpResponse(
        prepared.compressed if gzipped else prepared.content, content_type=content_type
    )
    if gzipped:
        response["Content-Encoding"] = "gzip"
    for header, value in validators.items():
        response[header] = value
    return response
