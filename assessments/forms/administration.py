"""Forms of the administration pages. Dates and thresholds are checked here with sentences a
person understands, before the model's database constraints would refuse them."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Q
from django.utils import timezone

from assessments.accounts import AGENCY_FIELDS, KIND_FIELDS
from assessments.enums import Role
from assessments.forms.fields import PointsField, ScopedIdsField
from assessments.models import Agency, AgencyKind, Period, Program, User
from assessments.periods import PERIOD_FIELDS, PROGRAM_FIELDS, expected_agencies
from assessments.workbooks import MAX_UPLOAD_BYTES, validate_no_control_characters
from scoring import BandSet, InvalidBands

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


# Rows offered for result bands: the province's scales have at most five bands (A–E); eight
# leaves room. Empty rows are ignored; no row at all means the period only ranks.
BAND_ROWS = 8


class ProgramForm(RefuseControlCharacters, VietnameseEmptyChoice, forms.ModelForm):
    class Meta:
        model = Program
        fields = PROGRAM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "signer_title": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluating_agency"].queryset = Agency.objects.filter(is_active=True)

    def clean_signer_title(self):
        # One title line per line, as printed above the signature (“KT. GIÁM ĐỐC”).
        lines = [line.strip() for line in self.cleaned_data["signer_title"].splitlines()]
        return "\n".join(line for line in lines if line)


class PeriodForm(RefuseControlCharacters, VietnameseEmptyChoice, forms.ModelForm):
    """A period's settings, its scale and its result bands (one label and lowest score per
    row, best first; every row left empty: ranking only)."""

    class Meta:
        model = Period
        fields = [name for name in PERIOD_FIELDS if name != "bands"]
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
        self.fields["program"].empty_label = EMPTY_CHOICE
        scale = self.fields["scale_max"]
        self.fields["scale_max"] = PointsField(
            label=scale.label, help_text=scale.help_text, required=True
        )
        bands = self.initial.get("bands")
        if bands is None:
            bands = self.instance.bands if self.instance.pk else Period().bands
        for row in range(1, BAND_ROWS + 1):
            label = forms.CharField(label=f"Mức {row}: tên mức", required=False, max_length=40)
            lowest = PointsField(label=f"Mức {row}: điểm thấp nhất", required=False)
            label.validators.append(validate_no_control_characters)
            self.fields[f"band_label_{row}"] = label
            self.fields[f"band_lowest_{row}"] = lowest
            if row <= len(bands) and not self.is_bound:
                self.initial[f"band_label_{row}"] = bands[row - 1]["label"]
                self.initial[f"band_lowest_{row}"] = bands[row - 1]["lowest"]

    @property
    def band_fields(self):
        return [
            (self[f"band_label_{row}"], self[f"band_lowest_{row}"])
            for row in range(1, BAND_ROWS + 1)
        ]

    def _clean_bands(self, data):
        rows = []
        for row in range(1, BAND_ROWS + 1):
            label_name, lowest_name = f"band_label_{row}", f"band_lowest_{row}"
            if label_name in self.errors or lowest_name in self.errors:
                return None
            label, lowest = (data.get(label_name) or "").strip(), data.get(lowest_name)
            if not label and lowest is None:
                continue
            if not label:
                self.add_error(label_name, "Nhập tên mức (ví dụ “A”, “Tốt”).")
                return None
            if lowest is None:
                self.add_error(lowest_name, f"Nhập điểm thấp nhất của mức “{label}”.")
                return None
            rows.append((row, label, lowest))
        scale, places = data.get("scale_max"), data.get("decimal_places")
        if scale is None or places is None:
            return None
        try:
            bands = BandSet(
                tuple((label, lowest) for _row, label, lowest in rows),
                precision=places,
                scale_max=scale,
            )
        except InvalidBands as error:
            if error.position is None:
                self.add_error("decimal_places", error.message)
            else:
                row = rows[error.position][0]
                field = "band_label" if error.field == "label" else "band_lowest"
                self.add_error(f"{field}_{row}", error.message)
            return None
        return bands.as_list()

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
        places = data.get("decimal_places")
        if places is not None and places > 2:
            self.add_error("decimal_places", "Điểm được làm tròn tối đa 2 chữ số thập phân.")
        scale = data.get("scale_max")
        if scale is not None and scale <= 0:
            self.add_error("scale_max", "Thang điểm phải lớn hơn 0.")
        bands = self._clean_bands(data)
        if bands is not None:
            data["bands"] = self.instance.bands = bands
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
    """A table for one kind of the period. Offered: the kinds the period already has a table
    for (to replace it) and the kinds with an agency that can still start a dossier; a kind
    whose every agency has merged away (the districts after the 2025 reform) has no one to
    evaluate."""

    kind = forms.ModelChoiceField(
        label="Bảng tiêu chí cho loại cơ quan, đơn vị",
        queryset=AgencyKind.objects.none(),
        error_messages={
            "invalid_choice": (
                "Loại này không còn cơ quan, đơn vị nào được đánh giá (đã hợp nhất hoặc ngừng "
                "hoạt động): hãy chọn một loại trong danh sách."
            )
        },
    )
    field_order = ["kind", "file"]

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        still_evaluated = Agency.objects.filter(is_active=True).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=today)
        )
        self.fields["kind"].queryset = (
            AgencyKind.objects.filter(is_active=True)
            .filter(Q(tables__period=period) | Q(agencies__in=still_evaluated))
            .distinct()
        )


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
