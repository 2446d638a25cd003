"""An edXML package as plain data: what the builder writes and the parser returns.

Pure dataclasses (no database): the documents app maps its models onto them, and the exchange
axis stores and routes them. Field names follow the standard's element names in English
snake case; code-listed values are ints (or the two-digit status string) from `codes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from . import codes

KIND_DOCUMENT, KIND_STATUS = "document", "status"


@dataclass(frozen=True)
class Organ:
    """From / To: an agency on the axis, by its organ id (mã định danh cơ quan)."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class Code:
    """Số và ký hiệu: "123" and "QĐ-UBND", written 123/QĐ-UBND."""

    number: str
    notation: str

    def __str__(self) -> str:
        return f"{self.number}/{self.notation}"


@dataclass(frozen=True)
class Promulgation:
    date: date
    place: str = ""


@dataclass(frozen=True)
class DocumentType:
    type: int  # 1 legal normative, 2 administrative (codes.DOCUMENT_FAMILY)
    type_detail: int | None = None  # the kind (decision, official letter, ...)
    type_name: str = ""  # its name ("Quyết định")


@dataclass(frozen=True)
class SignerInfo:
    full_name: str
    position: str = ""
    competence: str = ""  # signing on behalf of (TM., KT., TL., ...)


@dataclass(frozen=True)
class OtherInfo:
    priority: int | None = 0
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: str = ""
    appendixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResponseFor:
    """The document a document or status answers."""

    organ_id: str
    document_id: str
    code: str = ""  # "123/QĐ-UBND"
    promulgation_date: date | None = None


@dataclass(frozen=True)
class Receiver:
    receiver_type: int  # codes.RECEIVER_REMOVED / RECEIVER_ADDED
    organ_id: str


@dataclass(frozen=True)
class Replacement:
    """A document this one replaces, and the organs it had gone to."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class BusinessInfo:
    """BussinessDocumentInfo: a new document, or a revocation, update or replacement of one
    sent before."""

    doc_type: int = codes.BUSINESS_NEW
    reason: str = ""
    receivers: tuple[Receiver, ...] = ()  # for an update
    replacements: tuple[Replacement, ...] = ()  # for a replacement


@dataclass(frozen=True)
class TraceHeader:
    organ_id: str
    timestamp: datetime


@dataclass(frozen=True)
class Attachment:
    """A file of the package: its manifest entry and its bytes (decoded)."""

    name: str
    data: bytes = field(repr=False)
    content_type: str = "application/pdf"
    description: str = ""
    content_id: str = ""  # "cid:1", ...: given by the builder when empty

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Document:
    """MessageHeader: an official document sent from one organ to others."""

    sender: Organ
    receivers: tuple[Organ, ...]
    code: Code
    promulgation: Promulgation
    document_type: DocumentType
    subject: str
    signer: SignerInfo | None = None
    content: str = ""
    due_date: date | None = None
    to_places: tuple[str, ...] = ()
    other: OtherInfo = OtherInfo()
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: int | None = 1
    business: BusinessInfo | None = BusinessInfo()
    document_id: str = ""  # as the package says it; see document_id_of()

    @property
    def key_id(self) -> str:
        return self.document_id or document_id_of(self.sender.organ_id, self.promulgation.date,
                                                  self.code)


@dataclass(frozen=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class Status:
    """A status message: what happened to a document at one of its receivers."""

    sender: Organ  # the organ reporting (the document's receiver)
    response_for: ResponseFor  # the document, and the organ that sent it
    status_code: str  # codes.STATUS_CODE
    timestamp: datetime
    description: str = ""
    staff: StaffInfo = StaffInfo()


@dataclass(frozen=True)
class SignatureCheck:
    """The package's signature as judged offline: `verdict` is valid, invalid or absent;
    `code` says more (altered, revoked, unknown_signer, placeholder, ...); `reason` is for
    people."""

    verdict: str
    code: str
    reason: str
    signer_name: str = ""
    organisation: str = ""
    signer_id: str = ""  # the organ id (UID) the certificate names, when it names one

    @property
    def is_valid(self) -> bool:
        return self.verdict == "valid"


@dataclass(frozen=True)
class Package:
    """A parsed package: a document or a status, its trace, its files, its signature."""

    kind: str
    document: Document | None = None
    status: Status | None = None
    attachments: tuple[Attachment, ...] = ()
    trace: tuple[TraceHeader, ...] = ()
    signature: SignatureCheck | None = None
    size: int = 0
    problems: tuple[tuple[str, str], ...] = ()  # (code, reason), from a lenient parse only

    @property
    def sender(self) -> Organ:
        return self.document.sender if self.document else self.status.sender

    @property
    def key(self) -> str:
        """What makes a package the same package twice (the axis's duplicate check): the
        sending organ and the DocumentId; for a status, the document it answers, its code and
        time. A plain string, to store in a unique column."""
        if self.document is not None:
            return f"{self.sender.organ_id}|{self.document.key_id}"
        status = self.status
        return (f"{self.sender.organ_id}|{status.response_for.document_id}|"
                f"{status.status_code}|{status.timestamp:%Y/%m/%d %H:%M:%S}")


def document_id_of(organ_id: str, when: date, code: Code) -> str:
    """DocumentId as the standard writes it: `{organ id},{YYYY/MM/DD},{number}/{notation}`."""
    return f"{organ_id},{when:%Y/%m/%d},{code}"
