"""Forms of the agency officer's pages. The criterion answer itself is one form per scoring
rule, in `forms.answers`."""

from django import forms

from assessments.forms.administration import RefuseControlCharacters
from assessments.forms.fields import ScopedIdsField
from assessments.models import Evidence, ItemScore, Submission
from assessments.uploads import ALLOWED_LABEL, EXTENSIONS, UploadRefused, check_upload

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class EvidenceForm(RefuseControlCharacters, forms.ModelForm):
    """A citation (số/ký hiệu, ngày, cơ quan ban hành, trích yếu), a link and/or a file."""

    doc_date = forms.DateField(
        label="Ngày ban hành",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": "Ngày ban hành không hợp lệ; hãy nhập theo dạng 15/03/2022."},
    )
    url = forms.URLField(
        label="Đường dẫn",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Đường dẫn không hợp lệ; hãy nhập dạng https://…"},
    )
    upload = forms.FileField(
        label="Tệp đính kèm",
        required=False,
        help_text=f"{ALLOWED_LABEL}.",
    )

    class Meta:
        model = Evidence
        fields = ["doc_number", "doc_date", "issuer", "summary", "url"]
        labels = {
            "doc_number": "Số, ký hiệu",
            "issuer": "Cơ quan ban hành",
            "summary": "Trích yếu",
        }

    def __init__(self, *args, with_file=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_file:
            del self.fields["upload"]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
            if name == "upload":
                field.widget.attrs["accept"] = ",".join(EXTENSIONS)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                check_upload(upload)
            except UploadRefused as refused:
                raise forms.ValidationError(refused.message) from None
        return upload

    def clean(self):
        data = super().clean()
        has_content = data.get("doc_number") or data.get("url") or data.get("upload")
        if not has_content and not self.errors:
            raise forms.ValidationError(
                "Hãy nhập số, ký hiệu văn bản, chọn tệp đính kèm hoặc nhập đường dẫn."
            )
        return data


class EvidenceEditForm(EvidenceForm):
    """The evidence edit page: the citation, and the dossier's version when the page was
    loaded, so that a page left open while the dossier changed is refused, not written."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, with_file=False, **kwargs)


class EvidenceLinkForm(forms.Form):
    """A document already in the dossier, chosen to support one more criterion. Only the
    submission's own evidence can be chosen: a tampered or overflowing id is a form error."""

    evidence = forms.ModelChoiceField(
        label="Tài liệu đã có trong hồ sơ",
        queryset=Evidence.objects.none(),
        error_messages={
            "required": "Hãy chọn tài liệu đã có trong hồ sơ.",
            "invalid_choice": "Tài liệu đã chọn không còn trong hồ sơ; vui lòng tải lại trang.",
        },
    )

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = Evidence.objects.filter(submission=submission)


class ExchangeEvidenceForm(EvidenceForm):
    """Evidence added while answering the Department, for criteria chosen among the
    submission's own."""

    items = ScopedIdsField(
        label="Tiêu chí được chứng minh",
        queryset=ItemScore.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Vui lòng chọn tiêu chí mà tài liệu này chứng minh.",
            "invalid_choice": "Tiêu chí đã chọn không thuộc hồ sơ này.",
            "invalid_pk_value": "Tiêu chí đã chọn không thuộc hồ sơ này.",
        },
    )

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = submission.items.select_related("criterion")


class SubmitForm(RefuseControlCharacters, forms.ModelForm):
    """The report's document details, confirmed with the submission."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Submission
        fields = ["document_number", "signer_name", "signer_title"]
        labels = {
            "document_number": "Số, ký hiệu văn bản báo cáo",
            "signer_name": "Họ và tên người ký",
            "signer_title": "Chức vụ người ký",
        }
        help_texts = {
            "document_number": "Ví dụ: 123/BC-UBND. Có thể để trống và ghi tay khi in.",
            "signer_title": "Ví dụ: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        }
