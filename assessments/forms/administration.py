"""Forms of the administration pages. Dates and thresholds are checked here with sentences a
person understands, before the model's database constraints would refuse them."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from assessments.accounts import AGENCY_FIELDS, KIND_FIELDS
from assessments.enums import Role
from assessments.forms.fields import ScopedIdsField
from assessments.models import Agency, AgencyKind, Period, User
from assessments.periods import PERIOD_FIELDS, expected_agencies
from assessments.workbooks import MAX_UPLOAD_BYTES, validate_no_control_characters

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EMPTY_CHOICE = "— Chọn —"


class RefuseControlCharacters:
    """Every text a person types here (names above all) is refused if it holds a control
    character: pasted from another program, it would later break every workbook it is
    written to. The same validator guards the imports."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(validate_no_control_characters)


class VietnameseEmptyChoice:
    """Select boxes start with a Vietnamese prompt instead of Django's “---------”."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
                field.empty_label = EMPTY_CHOICE


class PeriodForm(RefuseControlCharacters, VietnameseEmptyChoice, forms.ModelForm):
    class Meta:
        model = Period
        fields = PERIOD_FIELDS
        widgets = {
            "window_start": DATE_WIDGET,
            "window_end": DATE_WIDGET,
            "self_assessment_deadline": DATE_WIDGET,
            "report_deadline": DATE_WIDGET,
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluating_agency"].queryset = Agency.objects.filter(is_active=True)
        # A number input refuses “2,5” in most browsers; thresholds are typed the Vietnamese way.
        for name in ("threshold_a_plus", "threshold_a", "threshold_b"):
            field = self.fields[name]
            field.localize = True
            field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
            field.widget.is_localized = True

    def clean(self):
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        deadline, report = data.get("self_assessment_deadline"), data.get("report_deadline")
        if start and end and end < start:
            self.add_error("window_end", "Ngày kết thúc kỳ đánh giá phải sau ngày bắt đầu.")
        if end and deadline and deadline <= end:
            self.add_error(
                "self_assessment_deadline",
                f"Hạn gửi kết quả tự đánh giá phải sau ngày kết thúc kỳ đánh giá ({end:%d/%m/%Y}).",
            )
        if deadline and report and report <= deadline:
            self.add_error(
                "report_deadline",
                "Hạn gửi kết quả về UBND tỉnh phải sau hạn gửi kết quả tự đánh giá "
                f"({deadline:%d/%m/%Y}).",
            )
        a_plus, a, b = (data.get(f"threshold_{g}") for g in ("a_plus", "a", "b"))
        if a_plus is not None and a is not None and not a_plus > a:
            self.add_error("threshold_a_plus", "Ngưỡng mức A+ phải lớn hơn ngưỡng mức A.")
        if a is not None and b is not None and not a > b:
            self.add_error("threshold_a", "Ngưỡng mức A phải lớn hơn ngưỡng mức B.")
        if b is not None and b < 0:
            self.add_error("threshold_b", "Ngưỡng mức B không được âm.")
        return data


class NewPeriodForm(PeriodForm):
    copy_from = forms.ModelChoiceField(
        label="Sao chép bảng tiêu chí từ kỳ",
        queryset=Period.objects.all(),
        required=False,
        empty_label="Không sao chép (kỳ chưa có bảng tiêu chí)",
        help_text="Các bảng tiêu chí của kỳ được chọn được sao chép để chỉnh sửa cho năm mới.",
    )


def _check_workbook(upload):
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError("Tệp quá lớn; tối đa 5 MB.")
    if not upload.name.lower().endswith(".xlsx"):
        raise forms.ValidationError("Hãy chọn tệp Excel có đuôi .xlsx.")
    return upload


class WorkbookForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx, tối đa 5 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        return _check_workbook(self.cleaned_data["file"])


class CriteriaUploadForm(VietnameseEmptyChoice, WorkbookForm):
    kind = forms.ModelChoiceField(
        label="Bảng tiêu chí cho loại cơ quan, đơn vị",
        queryset=AgencyKind.objects.filter(is_active=True),
    )
    field_order = ["kind", "file"]


class AgencyKindForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = AgencyKind
        fields = KIND_FIELDS


class AgencyForm(RefuseControlCharacters, VietnameseEmptyChoice, forms.ModelForm):
    class Meta:
        model = Agency
        fields = AGENCY_FIELDS


class AccountForm(RefuseControlCharacters, VietnameseEmptyChoice, forms.ModelForm):
    class Meta:
        model = User
        fields = (
            "username",
            "last_name",
            "first_name",
            "email",
            "role",
            "agency",
            "job_title",
            "phone",
            "is_active",
        )
        labels = {
            "username": "Tên đăng nhập",
            "last_name": "Họ và tên đệm",
            "first_name": "Tên",
            "email": "Thư điện tử",
            "is_active": "Đang sử dụng",
        }

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.fields["email"].required = True
        self.fields["email"].help_text = "Đường dẫn đặt mật khẩu được gửi tới địa chỉ này."
        self.fields["last_name"].required = True
        self.fields["first_name"].required = True

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.OFFICER and not data.get("agency"):
            self.add_error("agency", "Cán bộ đầu mối phải thuộc một cơ quan, đơn vị.")
        if self.editor is not None and self.instance.pk == self.editor.pk:
            if data.get("is_active") is False:
                self.add_error("is_active", "Bạn không thể tự khóa tài khoản của mình.")
            if data.get("role") and data["role"] != Role.ADMIN and not self.editor.is_superuser:
                self.add_error("role", "Bạn không thể tự bỏ quyền quản trị của mình.")
        return data


class ExtensionForm(RefuseControlCharacters, VietnameseEmptyChoice, forms.Form):
    agency = forms.ModelChoiceField(label="Cơ quan, đơn vị", queryset=Agency.objects.none())
    new_deadline = forms.DateField(label="Hạn mới (nhận đến hết ngày)", widget=DATE_WIDGET)
    reason = forms.CharField(label="Lý do gia hạn", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.all()


class ReminderForm(forms.Form):
    """The agencies chosen on the reminder page, among those that must self-assess in the
    period: a tampered, overflowing or another kind's id is a form error, never a 500."""

    agency = ScopedIdsField(
        queryset=Agency.objects.none(),
        error_messages={
            "required": "Vui lòng chọn ít nhất một cơ quan, đơn vị để nhắc.",
            "invalid_choice": "Cơ quan, đơn vị đã chọn không phải tự đánh giá trong kỳ này; "
            "vui lòng tải lại trang.",
            "invalid_pk_value": "Cơ quan, đơn vị đã chọn không phải tự đánh giá trong kỳ này; "
            "vui lòng tải lại trang.",
        },
    )

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = expected_agencies(period)


class ReasonForm(RefuseControlCharacters, forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))


class PeriodStatusForm(forms.Form):
    """A period move made on the period's page (the actions offered there)."""

    action = forms.ChoiceField(choices=())
    reason = forms.CharField(required=False)
    confirm_past_deadline = forms.BooleanField(
        label="Vẫn mở kỳ dù hạn tự đánh giá đã qua", required=False
    )

    def __init__(self, *args, actions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = list(actions.items())


class PortalSetPasswordForm(SetPasswordForm):
    """Django's form (password validators included) with Vietnamese labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password2"].label = "Nhập lại mật khẩu mới"
