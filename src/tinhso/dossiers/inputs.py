"""Plain inputs of the lifecycle services (what a form, the API or a seeder hands over),
and their checks against the catalogue."""

from dataclasses import dataclass

from django.core.files import File
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.models import OnlineLevel, Procedure, ProcedureVersion
from tinhso.core.errors import NotFound, ValidationFailed

from .models import Channel


@dataclass
class ApplicantInput:
    kind: str  # ApplicantKind: "citizen" or "organisation"
    name: str
    id_number: str  # 12-digit personal id, or tax code (10 digits or "0123456789-001")
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass
class ComponentInput:
    name: str
    component_id: int | None = None  # the catalogue Component this paper answers, if any
    file: File | None = None
    is_digitized: bool = False
    reused_from: str = ""  # reference of the paper in the personal e-data store


@dataclass
class ResultInput:
    name: str
    number: str = ""
    is_electronic: bool = False
    file: File | None = None


def submittable_version(procedure, agency, channel, is_full_online) -> ProcedureVersion:
    """The procedure's current version, if this agency takes it through this channel."""
    pk = getattr(procedure, "pk", procedure)
    proc = Procedure.objects.select_related("current_version").filter(pk=pk).first()
    if proc is None:
        raise NotFound(_("Không tìm thấy thủ tục hành chính."))
    version = proc.current_version
    if version is None or version.status != ProcedureVersion.Status.PUBLISHED:
        raise ValidationFailed(_("Thủ tục chưa được công bố hoặc đã hết hiệu lực."),
                               code="procedure_not_published")
    if not version.agencies.filter(pk=agency.pk).exists():
        raise ValidationFailed(_("Cơ quan đã chọn không thực hiện thủ tục này."),
                               code="agency_not_implementing")
    if channel == Channel.ONLINE and version.online_level == OnlineLevel.NONE:
        raise ValidationFailed(_("Thủ tục này không cung cấp dịch vụ công trực tuyến."),
                               code="online_not_allowed")
    if is_full_online and (channel != Channel.ONLINE or version.online_level != OnlineLevel.FULL):
        raise ValidationFailed(_("Thủ tục này không cho phép nộp trực tuyến toàn trình."),
                               code="full_online_not_allowed")
    return version


def check_components(version, components, channel, *, require=True) -> dict:
    """The version's components by id; refuses unknown ones and missing required ones."""
    catalogue = {c.pk: c for c in version.components.all()}
    for item in components:
        if item.component_id is not None and item.component_id not in catalogue:
            raise ValidationFailed(_("Giấy tờ không thuộc thành phần hồ sơ của thủ tục."),
                                   code="unknown_component")
        if item.component_id is None and not item.name.strip():
            raise ValidationFailed(_("Cần nhập tên giấy tờ."), code="invalid_component")
    if require:
        # Online a paper must come as a file or from the e-data store; at the desk the
        # officer has the paper in hand.
        given = {c.component_id for c in components
                 if channel != Channel.ONLINE or c.file or c.reused_from}
        missing = [c.name for c in catalogue.values() if c.is_required and c.pk not in given]
        if missing:
            raise ValidationFailed(_("Thiếu thành phần hồ sơ bắt buộc."),
                                   code="missing_components", details=missing)
    return catalogue
