"""
Files built once and downloaded many times (the open data): the bytes, their gzip
(made once, not per request), an ETag and the moment they were built. A conditional GET
of a file one already has gets a 304; a client that accepts gzip gets the compressed
bytes (`Vary: Accept-Encoding`).

What `consultation.cache.cached` keeps of a file is small (`PreparedFile`: its ETag,
date and sizes), so that a conditional GET reads no bytes. The bytes are kept under
their ETag, each variant (plain, gzip) on its own, and each worker keeps a copy of the
last ones it sent (`LOCAL_COPIES`): a download reads the shared cache only the first
time a worker sends that version.
"""

import gzip
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .cache import STALE_SECONDS

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# How many file variants a worker keeps in memory (the open data: a handful).
LOCAL_COPIES = 8
_local = OrderedDict()
_local_lock = threading.Lock()


@dataclass(frozen=True)
class PreparedFile:
    etag: str
    built_at: datetime
    size: int
    compressed_size: int | None  # None: not worth it (a zip-based format, say)


def _bytes_key(etag, gzipped):
    return f"file:{etag.strip(chr(34))}:{'gz' if gzipped else 'raw'}"


def _keep_locally(key, data):
    with _local_lock:
        _local[key] = data
        _local.move_to_end(key)
        while len(_local) > LOCAL_COPIES:
            _local.popitem(last=False)


def prepared_file(content, *, compress=True):
    """Prepare `content` (text or bytes) for download: its bytes and gzip stored."""
    data = content.encode() if isinstance(content, str) else content
    compressed = gzip.compress(data, compresslevel=6, mtime=0) if compress else None
    prepared = PreparedFile(
        etag=f'"{hashlib.sha256(data).hexdigest()[:32]}"',
        built_at=timezone.now(),
        size=len(data),
        compressed_size=len(compressed) if compressed is not None else None,
    )
    variants = {_bytes_key(prepared.etag, False): data}
    if compressed is not None:
        variants[_bytes_key(prepared.etag, True)] = compressed
    cache.set_many(variants, timeout=settings.RESULTS_CACHE_SECONDS + STALE_SECONDS)
    for key, value in variants.items():
        _keep_locally(key, value)
    return prepared


def file_bytes(prepared, *, gzipped):
    """The bytes of one variant of `prepared`: this worker's copy, else the shared
    cache's (then kept here); None when neither holds them any more."""
    key = _bytes_key(prepared.etag, gzipped)
    with _local_lock:
        data = _local.get(key)
        if data is not None:
            _local.move_to_end(key)
            return data
    data = cache.get(key)
    if data is not None:
        _keep_locally(key, data)
    return data


def prepared_response(request, prepared, *, content_type, rebuild):
    """The file, or 304 when the client holds this very version. `rebuild()` prepares
    it again should its bytes have left the cache."""
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
    gzipped = bool(
        prepared.compressed_size is not None
        and ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", ""))
    )
    data = file_bytes(prepared, gzipped=gzipped)
    if data is None:
        return prepared_response(
            request, rebuild(), content_type=content_type, rebuild=rebuild
        )
    response = HttpResponse(data, content_type=content_type)
    if gzipped:
        response["Content-Encoding"] = "gzip"
    for header, value in validators.items():
        response[header] = value
    return response
