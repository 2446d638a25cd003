"""The package as the `edxml_read` command prints it: a stable JSON contract (docs/edxml.md).
Every key is always present; what a kind of package lacks is null."""

from __future__ import annotations

from .model import Package


def as_json(package: Package) -> dict:
    document, status = package.document, package.status
    document_type = None
    if document is not None:
        kind = document.document_type
        document_type = {"type": kind.type, "type_detail": kind.type_detail,
                         "type_name": kind.type_name}
    if document is not None:
        to = [organ.organ_id for organ in document.receivers]
        response_for = document.response_for[0].document_id if document.response_for else None
    else:
        # A status goes back to the organ that sent the document it answers.
        to = [status.response_for.organ_id]
        response_for = status.response_for.document_id
    check = package.signature
    return {
        "kind": package.kind,
        "from": package.sender.organ_id,
        "to": to,
        "code_number": document.code.number if document else None,
        "code_notation": document.code.notation if document else None,
        "subject": document.subject if document else None,
        "document_type": document_type,
        "priority": document.other.priority if document else None,
        "steering_type": document.steering_type if document else None,
        "business_doc_type": (document.business.doc_type
                              if document and document.business else None),
        "attachments": [{"name": a.name, "size": a.size} for a in package.attachments],
        "status_code": status.status_code if status else None,
        "response_for": response_for,
        "signature": ({"verdict": check.verdict, "reason": check.reason} if check else None),
        "problems": [{"code": code, "reason": reason} for code, reason in package.problems],
    }
