"""The upload of a digitally signed PDF (kept apart from the areas' own form modules)."""

from django import forms

MAX_SIGNED_PDF = 20 * 1024 * 1024


class SignedCopyForm(forms.Form):
    file = forms.FileField(
        label="Tệp PDF đã ký số",
        help_text="Tệp PDF đã được ký số trên hệ thống quản lý văn bản, tối đa 20 MB.",
        error_messages={"required": "Vui lòng chọn tệp PDF đã ký số."},
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf", "class": "form-control"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SIGNED_PDF:
            raise forms.ValidationError("Tệp quá lớn (tối đa 20 MB).")
        return upload
