"""The one error an edXML package raises: a machine code and a Vietnamese reason."""

from tinhso.core.errors import DomainError


class EdxmlError(DomainError):
    """A package refused (not well-formed, not edXML, a field missing or out of its code
    list, attachments inconsistent with the manifest, too large) or one that cannot be built.
    `code` says which for machines; the message says why for people."""

    status = 400
    code = "edxml_invalid"
    default_message = "Gói tin edXML không hợp lệ."
