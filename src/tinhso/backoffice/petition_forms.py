"""Forms of the back office's petitions section: shapes only; the rules are in
petitions.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.core.pickers import AgencyChoiceField
from tinhso.petitions import selectors
from tinhso.petitions.services import ANSWER_MAX

from .forms import REQUIRED, StyledForm


def _text(label, *, required=True, rows=4):
    return forms.CharField(label=label, required=required, max_length=ANSWER_MAX,
                           error_messages=REQUIRED, widget=forms.Textarea(attrs={"rows": rows}))


class PetitionFilterForm(StyledForm):
    queue = forms.ChoiceField(label=_("Hàng đợi"), required=False,
                              choices=[("", _("Tất cả"))])
    q = forms.CharField(label=_("Mã, tiêu đề hoặc tên người gửi"), required=False,
                        max_length=255)

    def __init__(self, *args, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].choices = [("", _("Tất cả")), *labels.items()]


class AssignForm(StyledForm):
    assignee = forms.ModelChoiceField(label=_("Giao cho cán bộ"), queryset=None,
                                      error_messages={**REQUIRED, "invalid_choice": _(
                                          "Cán bộ đã chọn không thuộc cơ quan.")})

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = selectors.assignable(petition)
        field.label_from_instance = lambda u: u.full_name or u.username

    def service_kwargs(self):
        return {"assignee": self.cleaned_data["assignee"]}


class AskForm(StyledForm):
    text = _text(_("Thông tin cần người gửi bổ sung"))

    def service_kwargs(self):
        return {"text": self.cleaned_data["text"]}


class RefuseForm(StyledForm):
    reason = _text(_("Lý do không tiếp nhận"))

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class ForwardForm(StyledForm):
    agency = AgencyChoiceField(label=_("Cơ quan có thẩm quyền"), queryset=None,
                               error_messages=REQUIRED)
    note = _text(_("Ghi chú khi chuyển (không bắt buộc)"), required=False, rows=2)

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.forward_targets(petition)

    def service_kwargs(self):
        return {"agency": self.cleaned_data["agency"], "note": self.cleaned_data["note"]}


class AnswerForm(StyledForm):
    text = _text(_("Nội dung trả lời"), rows=6)
    publish = forms.BooleanField(label=_("Công khai câu trả lời ngay"), required=False)

    def service_kwargs(self):
        return {"text": self.cleaned_data["text"], "publish": self.cleaned_data["publish"]}


class PublishForm(StyledForm):
    def service_kwargs(self):
        return {}


FORMS = {"assign": AssignForm, "ask_for_info": AskForm, "refuse": RefuseForm,
         "forward": ForwardForm, "answer": AnswerForm, "publish": PublishForm}
NEEDS_PETITION = {"assign", "forward"}
