"""Forms of the agency officer's pages. The criterion answer itself is parsed by
`selfassessment.parse_answer` (its inputs depend on the criterion's rule)."""

from django import forms

from assessments.models import Evidence, Submission
from assessments.uploads import ALLOWED_LABEL, EXTENSIONS, UploadRefused, check_upload

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class EvidenceForm(forms.ModelForm):
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


class SubmitForm(forms.ModelForm):
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
