"""Forms of the Department's appraisal page. Ids the Department's pages post or put in a query string, each checked against the objects
the page may offer: a tampered or overflowing id is a form error (or an ignored filter), never a
server error."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.enums import Role
from assessments.models import Criterion, ItemScore, User
from assessments.workbooks import validate_no_control_characters

INVALID = "Lựa chọn không hợp lệ; vui lòng tải lại trang."


def reviewers_queryset():
    return User.objects.filter(is_active=True, role__in=(Role.REVIEWER, Role.LEAD))


class QueueReviewerForm(forms.Form):
    """The queue's reviewer filter: an active reviewer or lead, or “none” (not assigned)."""

    reviewer = forms.CharField(required=False)

    def clean_reviewer(self):
        value = (self.cleaned_data.get("reviewer") or "").strip()
        if value in ("", "none"):
            return value
        field = forms.ModelChoiceField(queryset=reviewers_queryset())
        try:
            return field.clean(value)
        except forms.ValidationError:
            raise forms.ValidationError(INVALID) from None


def _text_field():
    return forms.CharField(required=False, strip=False, validators=[validate_no_control_characters])


class TypedTextForm(forms.Form):
    """The free texts a workflow button or an exchange answer posts (a message, a reason, an
    answer, a question): refused when they hold a control character, pasted from another
    program, that would later break every workbook and PDF they are written to."""

    message = _text_field()
    reason = _text_field()
    text = _text_field()
    body = _text_field()

    def first_error(self) -> str:
        return next(message for errors in self.errors.values() for message in errors)


class MessageItemForm(forms.Form):
    """The criterion a question or note is about (optional: a general message)."""

    item = forms.ModelChoiceField(
        queryset=ItemScore.objects.none(),
        required=False,
        error_messages={"invalid_choice": INVALID},
    )

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = submission.items.select_related("criterion")


class AssignForm(forms.Form):
    """The lead's assignment: a reviewer (or nobody) for the dossier or one criteria group."""

    # Any account: whether it may review is `appraisal.assign_reviewer`'s rule, told in words.
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.all(), required=False, error_messages={"invalid_choice": INVALID}
    )
    group = forms.ModelChoiceField(
        queryset=Criterion.objects.none(),
        required=False,
        error_messages={"invalid_choice": INVALID},
    )
    # The dossier's version when the page was loaded (a stale page is refused under the lock).
    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Criterion.objects.filter(table=submission.table, rule="")


class ReturnForExplanationForm(forms.Form):
    """“Yêu cầu giải trình”: the request's text (workflow refuses an empty one, keeping what
    was typed) and an optional reply-by date, a real day from today on."""

    message = _text_field()
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
