"""Forms of the official documents pages: what an official types. The rules (who, when,
limits) are the documents services'; these only shape the input for them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import Agency, User
from tinhso.core.pickers import AgencySelect, GroupedAgencies
from tinhso.documents import services
from tinhso.documents.models import Priority, Recipient
from tinhso.documents.types import DocumentType


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultiFileField, self).clean(item, initial) for item in items]


class AgencyMultiSelect(AgencySelect):
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"multiple": True, "size": 8, **(attrs or {})})


class AgenciesField(forms.ModelMultipleChoiceField):
    widget = AgencyMultiSelect
    iterator = GroupedAgencies


class ExternalRecipientsField(forms.CharField):
    """Recipients outside the province, one per line: "000.00.01.H26 | Bộ Xây dựng" ->
    [(organ id, name)]."""

    widget = forms.Textarea(attrs={"rows": 2})

    def clean(self, value):
        pairs = []
        for line in (super().clean(value) or "").splitlines():
            if not line.strip():
                continue
            organ, sep, name = line.partition("|")
            if not sep or not organ.strip() or not name.strip():
                raise forms.ValidationError(
                    _("Mỗi dòng nơi nhận ngoài tỉnh ghi: mã định danh | tên cơ quan."),
                    code="bad_external")
            pairs.append((organ.strip(), name.strip()))
        return pairs


class DraftForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentType.choices,
                                 initial=DocumentType.DECISION)
    subject = forms.CharField(label=_("Trích yếu nội dung"), max_length=services.SUBJECT_MAX,
                              widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(
        label=_("Nội dung"), required=False, max_length=services.CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Dùng để tạo bản dự thảo PDF khi không tải lên tệp."))
    file = forms.FileField(label=_("Tệp văn bản (PDF)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))
    attachments = MultiFileField(label=_("Tệp đính kèm"), required=False)
    priority = forms.TypedChoiceField(label=_("Độ khẩn"), choices=Priority.choices, coerce=int,
                                      initial=Priority.NORMAL)
    drafting_unit = forms.CharField(label=_("Ký hiệu đơn vị soạn thảo (công văn)"),
                                    max_length=30, required=False)
    recipients = AgenciesField(label=_("Nơi nhận trong tỉnh"), required=False,
                               queryset=Agency.objects.none())
    external = ExternalRecipientsField(
        label=_("Nơi nhận ngoài tỉnh (qua trục liên thông)"), required=False,
        help_text=_("Mỗi dòng: mã định danh | tên cơ quan, ví dụ: 000.00.01.H26 | Bộ Xây dựng"))

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Agency.objects.filter(is_active=True)
        self.fields["recipients"].queryset = qs.exclude(pk=agency.pk) if agency else qs

    def draft_input(self, response_for=None) -> services.DraftInput:
        d = self.cleaned_data
        return services.DraftInput(
            doc_type=d["doc_type"], subject=d["subject"], content=d["content"],
            priority=d["priority"], drafting_unit=d["drafting_unit"], file=d["file"],
            attachments=d["attachments"], recipient_agencies=list(d["recipients"]),
            external_recipients=d["external"], response_for=response_for)


class IncomingForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentType.choices,
                                 initial=DocumentType.OFFICIAL_LETTER)
    notation = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    sender_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    subject = forms.CharField(label=_("Trích yếu nội dung"), max_length=services.SUBJECT_MAX,
                              widget=forms.Textarea(attrs={"rows": 2}))
    issued_on = forms.DateField(label=_("Ngày ban hành"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    priority = forms.TypedChoiceField(label=_("Độ khẩn"), choices=Priority.choices, coerce=int,
                                      initial=Priority.NORMAL)
    file = forms.FileField(label=_("Tệp văn bản"), required=False)

    def incoming_input(self) -> services.IncomingInput:
        d = self.cleaned_data
        return services.IncomingInput(
            doc_type=d["doc_type"], subject=d["subject"], sender_name=d["sender_name"],
            notation=d["notation"], issued_on=None, signer_name=d["signer_name"],
            priority=d["priority"], file=d["file"])


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=services.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class RequiredNoteForm(NoteForm):
    note = forms.CharField(label=_("Nội dung"), max_length=services.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))


class EmptyForm(forms.Form):
    def kwargs(self) -> dict:
        return {}


class RecallForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=services.NOTE_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class RecipientsForm(forms.Form):
    """Receivers added to or removed from an issued document."""

    recipients = AgenciesField(label=_("Thêm nơi nhận trong tỉnh"), required=False,
                               queryset=Agency.objects.none())
    external = ExternalRecipientsField(label=_("Thêm nơi nhận ngoài tỉnh"), required=False,
                                       help_text=_("Mỗi dòng: mã định danh | tên cơ quan"))
    remove = forms.ModelMultipleChoiceField(label=_("Bỏ nơi nhận"), required=False,
                                            queryset=Recipient.objects.none(),
                                            widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Lý do cập nhật"), max_length=services.NOTE_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        if document is not None:
            held = document.recipients.exclude(state__in=services.GONE)
            self.fields["recipients"].queryset = Agency.objects.filter(is_active=True).exclude(
                pk=document.agency_id).exclude(pk__in=held.filter(agency__isnull=False)
                                               .values("agency_id"))
            self.fields["remove"].queryset = held
        self.fields["remove"].label_from_instance = lambda r: r.name

    def kwargs(self) -> dict:
        d = self.cleaned_data
        return {"agencies": list(d["recipients"]), "external": d["external"],
                "remove": list(d["remove"]), "reason": d["reason"]}


class ReviseForm(forms.Form):
    content = forms.CharField(label=_("Nội dung mới"), required=False,
                              max_length=services.CONTENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label=_("Hoặc tệp PDF mới"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=services.NOTE_MAX)

    def clean(self):
        d = super().clean()
        if not d.get("content") and not d.get("file"):
            raise forms.ValidationError(_("Nhập nội dung mới hoặc tải lên tệp PDF mới."))
        return d

    def kwargs(self) -> dict:
        d = self.cleaned_data
        return {"file": d["file"], "content": d["content"] or None, "note": d["note"]}


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Cán bộ xử lý"), queryset=User.objects.none())
    unit = forms.CharField(label=_("Đơn vị xử lý"), max_length=200, required=False)
    days = forms.IntegerField(label=_("Thời hạn (ngày làm việc)"), min_value=1,
                              max_value=services.MAX_DUE_DAYS, initial=10)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=services.NOTE_MAX)

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        from tinhso.documents import selectors

        if document is not None:
            self.fields["assignee"].queryset = selectors.assignable(document)
        self.fields["assignee"].label_from_instance = lambda u: u.full_name or u.username

    def kwargs(self) -> dict:
        d = self.cleaned_data
        return {"assignee": d["assignee"], "unit": d["unit"], "days": d["days"],
                "note": d["note"]}


# action -> (form class, needs the document, label, confirmation button)
ACTIONS = {
    "submit": (NoteForm, False, _("Trình thẩm định"), _("Trình")),
    "review": (NoteForm, False, _("Thẩm định đạt, trình lãnh đạo"), _("Xác nhận thẩm định")),
    "approve": (NoteForm, False, _("Duyệt văn bản"), _("Duyệt")),
    "send_back": (RequiredNoteForm, False, _("Trả lại để sửa"), _("Trả lại")),
    "revise": (ReviseForm, False, _("Sửa dự thảo (tạo phiên bản mới)"), _("Lưu phiên bản mới")),
    "sign": (EmptyForm, False, _("Ký số"), _("Ký số")),
    "seal": (EmptyForm, False, _("Đóng dấu số của cơ quan"), _("Đóng dấu")),
    "issue": (EmptyForm, False, _("Cấp số và phát hành"), _("Phát hành")),
    "recall": (RecallForm, False, _("Thu hồi văn bản"), _("Thu hồi")),
    "update_recipients": (RecipientsForm, True, _("Cập nhật nơi nhận"), _("Cập nhật")),
    "register": (EmptyForm, False, _("Vào sổ văn bản đến"), _("Vào sổ")),
    "direct": (RequiredNoteForm, False, _("Cho ý kiến chỉ đạo"), _("Lưu ý kiến chỉ đạo")),
    "assign": (AssignForm, True, _("Giao xử lý"), _("Giao")),
    "complete": (NoteForm, False, _("Hoàn thành xử lý"), _("Hoàn thành")),
}
