"""
Workshop documents: `parser` reads their text into themes, trajectories, questions and
items; `service` writes them into a consultation. The `import_workshop` command and the
admin's import page both go through these two steps.
"""

from .parser import (
    WorkshopConflict,
    WorkshopError,
    WorkshopSyntaxError,
    decode_document,
    parse_workshop,
)
from .service import NoImportTarget, workshop_import

__all__ = [
    "NoImportTarget",
    "WorkshopConflict",
    "WorkshopError",
    "WorkshopSyntaxError",
    "decode_document",
    "parse_workshop",
    "workshop_import",
]
