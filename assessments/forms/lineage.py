"""The form with which an administrator records a rename, merge or split of agencies. The rules
are assessments.lineage.check_change's; each error is shown next to the field it concerns."""

from django import forms

from assessments import lineage
from assessments.enums import AgencyChangeKind
from assessments.forms.administration import DATE_WIDGET, RefuseControlCharacters
from assessments.models import Agency


class AgencyChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, agency):
        return f"{agency.name} ({agency.code})"


class AgencyChangeForm(RefuseControlCharacters, forms.Form):
    kind = forms.ChoiceField(label="Loại thay đổi", choices=AgencyChangeKind.choices)
    effective_date = forms.DateField(
        label="Ngày hiệu lực",
        widget=DATE_WIDGET,
        error_messages={"invalid": "Nhập ngày theo dạng ngày/tháng/năm.", "required": None},
    )
    predecessors = AgencyChoices(
        label="Cơ quan, đơn vị trước thay đổi",
        queryset=Agency.objects.select_related("kind"),
        help_text="Đổi tên: cơ quan được đổi tên. Hợp nhất: các cơ quan được hợp nhất (có thể "
        "gồm cả cơ quan tiếp nhận). Chia tách: cơ quan được chia.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    successors = AgencyChoices(
        label="Cơ quan, đơn vị sau thay đổi",
        queryset=Agency.objects.select_related("kind"),
        required=False,
        help_text="Để trống khi đổi tên. Cơ quan mới cần được thêm trước (trang “Cơ quan, đơn "
        "vị” hoặc nhập Excel).",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    new_name = forms.CharField(label="Tên mới (khi đổi tên)", max_length=255, required=False)
    decision = forms.CharField(
        label="Căn cứ, quyết định",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ví dụ: Quyết định số 123/QĐ-UBND ngày 28/02/2025 của UBND tỉnh.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].error_messages["required"] = "Nhập ngày hiệu lực."
        self.fields["predecessors"].error_messages["required"] = (
            "Chọn ít nhất một cơ quan, đơn vị trước thay đổi."
        )
        self.fields["decision"].error_messages["required"] = "Nhập căn cứ, quyết định."

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for field, message in lineage.check_change(
            kind=data["kind"],
            effective_date=data["effective_date"],
            predecessors=data["predecessors"],
            successors=data.get("successors") or [],
            new_name=data.get("new_name", ""),
        ):
            self.add_error(field or None, message)
        return data
