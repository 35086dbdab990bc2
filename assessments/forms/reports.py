"""Forms of the reports area (kept apart from forms.py, which other areas write to)."""

from django import forms
from django.utils import timezone

from assessments.forms.administration import RefuseControlCharacters


class BootstrapForm(RefuseControlCharacters, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class IssueReportForm(BootstrapForm):
    number = forms.CharField(
        label="Số, ký hiệu văn bản",
        max_length=60,
        help_text="Số do văn thư cấp.",
    )
    issued_on = forms.DateField(
        label="Ngày ban hành",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Ngày ban hành không hợp lệ (ngày/tháng/năm)."},
    )
    signer_title = forms.CharField(
        label="Chức vụ người ký",
        max_length=150,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        help_text="Mỗi dòng một dòng chữ ở phần ký (ví dụ “KT. GIÁM ĐỐC” rồi “PHÓ GIÁM ĐỐC”).",
    )
    signer_name = forms.CharField(label="Họ và tên người ký", max_length=150)

    @classmethod
    def for_program(cls, program) -> "IssueReportForm":
        """The blank form with the program's defaults: its signer and its ký hiệu as example."""
        form = cls(
            initial={"signer_title": program.signer_title, "signer_name": program.signer_name}
        )
        form.fields["number"].help_text = (
            f"Ví dụ: 1234/{program.agency_abbreviation}-{program.handling_unit_code} "
            "(số do văn thư cấp)."
        )
        return form

    def clean_issued_on(self):
        day = self.cleaned_data["issued_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Ngày ban hành không được sau ngày hôm nay.")
        return day


class UnpublishForm(BootstrapForm):
    reason = forms.CharField(
        label="Lý do hủy công bố",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Vui lòng nêu lý do hủy công bố kết quả."},
    )
