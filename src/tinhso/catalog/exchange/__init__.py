"""Import and export of the procedure catalogue as JSON or Excel."""

from pathlib import Path

from django.utils.translation import gettext as _

from ..errors import ImportInvalid
from . import excel_format, json_format
from .document import export_document

WRITERS = {".json": json_format.dump, ".xlsx": excel_format.dump}


def export_file(path, codes=None) -> int:
    """Write the published catalogue to path (format from its extension); returns the count."""
    path = Path(path)
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ImportInvalid(_("Chỉ nhận tệp .json hoặc .xlsx."), code="unsupported_format")
    document = export_document(codes)
    path.write_bytes(writer(document))
    return len(document["procedures"])
