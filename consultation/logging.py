"""Logs as one JSON object a line, for the log collectors of a production machine."""

import json
import logging
from datetime import UTC, datetime

from .security import client_ip


class JsonFormatter(logging.Formatter):
    """Time, level, logger, message, and the request's path and status when known."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None:
            entry["method"] = getattr(request, "method", None)
            entry["path"] = getattr(request, "path", None)
            if hasattr(request, "META"):
                entry["client"] = client_ip(request)
        if hasattr(record, "status_code"):
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class DisallowedHostAsWarning(logging.Filter):
    """A request for a host the site does not serve is logged by Django as an error
    with its traceback; it is a scanner or a misdirected client, answered 400: a
    warning, one line."""

    def filter(self, record):
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True
