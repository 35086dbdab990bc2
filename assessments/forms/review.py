"""Forms of the Department's appraisal page (the workflow buttons' inputs)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class ReturnForExplanationForm(forms.Form):
    """“Yêu cầu giải trình”: the request's text (workflow refuses an empty one, keeping what
    was typed) and an optional reply-by date, a real day from today on."""

    message = forms.CharField(required=False, strip=False)
    reply_by = forms.DateField(
        label="Hạn trả lời",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "invalid": "Hạn trả lời không phải một ngày có thật; vui lòng chọn lại "
            "(ngày/tháng/năm)."
        },
    )

    def clean_reply_by(self):
        day = self.cleaned_data["reply_by"]
        today = timezone.localdate()
        if day is not None and day < today:
            raise ValidationError(
                f"Hạn trả lời phải từ hôm nay ({today:%d/%m/%Y}) trở đi; ngày đã qua thì đơn vị "
                "không thể trả lời đúng hạn."
            )
        return day
