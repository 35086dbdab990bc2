"""Settling one adjusted criterion on the appraisal page: the reviewer accepts the agency's
explanation, or the lead decides with a reason."""

from django import forms

from assessments.appraisal import DECISION_KEEPS
from assessments.workbooks import validate_no_control_characters


class SettleItemForm(forms.Form):
    ACCEPT_EXPLANATION = "accept_explanation"
    DECIDE = "decide"

    action = forms.ChoiceField(
        choices=[(ACCEPT_EXPLANATION, "Chấp nhận giải trình"), (DECIDE, "Lãnh đạo quyết định")]
    )
    keep = forms.ChoiceField(
        label="Kết quả được giữ",
        choices=list(
            zip(DECISION_KEEPS, ["Giữ kết quả thẩm định", "Giữ kết quả tự đánh giá"], strict=True)
        ),
        required=False,
    )
    reason = forms.CharField(
        label="Lý do quyết định",
        required=False,
        max_length=4000,
        validators=[validate_no_control_characters],
    )
    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
