"""Plain inputs of the lifecycle services (what a form, the API or a seeder hands over),
and their checks against the catalogue."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.files import File
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.catalog import forms_schema, frozen, terms
from tinhso.catalog.models import OnlineLevel, Procedure, ProcedureVersion
from tinhso.core.errors import NotFound, ValidationFailed

from . import reuse
from .models import CATALOG_CHANNEL, Channel


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
    # The filled e-form of a component that has one (catalog.forms_schema), checked here.
    form_data: dict | None = None


@dataclass
class ResultInput:
    name: str
    number: str = ""
    is_electronic: bool = False
    file: File | None = None


def offers_online(version: ProcedureVersion | None) -> bool:
    """Citizens may file this version online (fully or in part)."""
    return (version is not None and version.status == ProcedureVersion.Status.PUBLISHED
            and version.online_level != OnlineLevel.NONE)


def submittable_version(procedure, agency, channel, is_full_online) -> ProcedureVersion:
    """The procedure's current version, if this agency takes it through this channel.

    The version is read with its procedure, unless the caller loaded the procedure with
    its current version (select_related, in the same request: that read is its status).
    What the version holds comes from catalog.frozen.
    """
    pk = getattr(procedure, "pk", procedure)
    if isinstance(procedure, Procedure) and Procedure.current_version.is_cached(procedure):
        version = procedure.current_version
        if version is not None:
            version.procedure = procedure
    else:
        version = (ProcedureVersion.objects.select_related("procedure")
                   .filter(pk=_current_version(procedure)).order_by().first())
    if version is None:
        if not Procedure.objects.filter(pk=pk).exists():
            raise NotFound(_("Không tìm thấy thủ tục hành chính."))
        raise ValidationFailed(_("Thủ tục chưa được công bố hoặc đã hết hiệu lực."),
                               code="procedure_not_published")
    if version.status != ProcedureVersion.Status.PUBLISHED:
        raise ValidationFailed(_("Thủ tục chưa được công bố hoặc đã hết hiệu lực."),
                               code="procedure_not_published")
    if agency.pk not in frozen.parts_of(version).agency_ids:
        raise ValidationFailed(_("Cơ quan đã chọn không thực hiện thủ tục này."),
                               code="agency_not_implementing")
    if channel == Channel.ONLINE and not offers_online(version):
        raise ValidationFailed(_("Thủ tục này không cung cấp dịch vụ công trực tuyến."),
                               code="online_not_allowed")
    if is_full_online and (channel != Channel.ONLINE or version.online_level != OnlineLevel.FULL):
        raise ValidationFailed(_("Thủ tục này không cho phép nộp trực tuyến toàn trình."),
                               code="full_online_not_allowed")
    return version


def _current_version(procedure):
    """The current version's id: known when the caller loaded the procedure, else read in
    the same query."""
    if isinstance(procedure, Procedure):
        return procedure.current_version_id
    return Subquery(Procedure.objects.filter(pk=procedure).values("current_version_id"))


@dataclass(frozen=True)
class FilingTerms:
    """The case filed and what it brings on its channel: statutory time and fees owed."""

    case_id: int | None
    processing_time: Decimal | None
    time_unit: str
    fees: terms.FeeQuote


def filing_terms(version, case, channel, at) -> FilingTerms:
    parts = frozen.parts_of(version)
    case_id = terms.check_case(parts.cases, _pk(case))
    on_channel = CATALOG_CHANNEL[channel]
    amount, unit = terms.statutory_time(version, parts.times, case_id, on_channel)
    quote = terms.fee_quote(parts.fees, case_id, on_channel, timezone.localdate(at))
    return FilingTerms(case_id, amount, unit, quote)


def _pk(obj):
    return getattr(obj, "pk", obj)


def _check_form(component, item: ComponentInput) -> None:
    """A filled e-form answers its component's form, checked by the catalogue's checker; the
    clean values replace what was given."""
    if component is None or not component.form:
        raise ValidationFailed(_("Giấy tờ này không có tờ khai điện tử."), code="invalid_form")
    checked = forms_schema.clean(component.form, item.form_data)
    if not checked.ok:
        raise ValidationFailed(_("Tờ khai “%s” chưa hợp lệ.") % component.name,
                               code="invalid_form", details=checked.errors)
    item.form_data = checked.values


def check_components(version, components, channel, *, owner: str = "", case_id=None,
                     require=True) -> Mapping:
    """The version's components by id; refuses unknown ones, papers of another case,
    reused papers that are not the owner's (the applicant's id number, see reuse.py; none
    without one) and missing required ones of the case."""
    catalogue = frozen.parts_of(version).components
    for item in components:
        if item.component_id is not None and item.component_id not in catalogue:
            raise ValidationFailed(_("Giấy tờ không thuộc thành phần hồ sơ của thủ tục."),
                                   code="unknown_component")
        if (item.component_id is not None
                and not terms.applies(catalogue[item.component_id], case_id)):
            raise ValidationFailed(_("Giấy tờ không thuộc trường hợp đã chọn."),
                                   code="component_of_other_case")
        if item.component_id is None and not item.name.strip():
            raise ValidationFailed(_("Cần nhập tên giấy tờ."), code="invalid_component")
        if item.form_data is not None:
            _check_form(catalogue.get(item.component_id), item)
    references = {c.reused_from for c in components if c.reused_from}
    if references:  # the only read this check makes, and only when a paper is reused
        unknown = sorted(references - reuse.resolve(owner, references).keys())
        if unknown:
            raise ValidationFailed(
                _("Giấy tờ tái sử dụng không có trong kho dữ liệu của chủ hồ sơ."),
                code="invalid_reuse", details=unknown)
    if require:
        # Online a paper must come as a file or from the e-data store; at the desk the
        # officer has the paper in hand.
        given = {c.component_id for c in components
                 if channel != Channel.ONLINE or c.file or c.reused_from or c.form_data}
        missing = [c.name for c in catalogue.values()
                   if c.is_required and terms.applies(c, case_id) and c.pk not in given]
        if missing:
            raise ValidationFailed(_("Thiếu thành phần hồ sơ bắt buộc."),
                                   code="missing_components", details=missing)
    return catalogue
