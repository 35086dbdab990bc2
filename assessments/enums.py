"""Statuses and roles, with the named groups the rest of the code asks about."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Cán bộ đầu mối của cơ quan, đơn vị")
    REVIEWER = "reviewer", _("Chuyên viên thẩm định")
    LEAD = "lead", _("Lãnh đạo phê duyệt")
    ADMIN = "admin", _("Quản trị hệ thống")


DEPARTMENT_ROLES = frozenset({Role.REVIEWER, Role.LEAD})


class PeriodStatus(models.TextChoices):
    PREPARING = "preparing", _("Chuẩn bị")
    SELF_ASSESSMENT = "self_assessment", _("Đang tự đánh giá")
    REVIEW = "review", _("Đang thẩm định")
    FINALISED = "finalised", _("Đã chốt")
    PUBLISHED = "published", _("Đã công bố")
    ARCHIVED = "archived", _("Lưu trữ")


# Criteria tables are public from the moment a period opens (the letter publishes them).
PERIOD_CRITERIA_PUBLIC = frozenset(
    {
        PeriodStatus.SELF_ASSESSMENT,
        PeriodStatus.REVIEW,
        PeriodStatus.FINALISED,
        PeriodStatus.PUBLISHED,
        PeriodStatus.ARCHIVED,
    }
)
PERIOD_OPEN_FOR_SUBMISSION = frozenset({PeriodStatus.SELF_ASSESSMENT, PeriodStatus.REVIEW})


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã nộp, chờ thẩm định")
    IN_REVIEW = "in_review", _("Đang thẩm định")
    RETURNED = "returned", _("Yêu cầu giải trình")
    ANSWERED = "answered", _("Đã giải trình")
    AGREED = "agreed", _("Đã thống nhất")
    FINALISED = "finalised", _("Đã chốt kết quả")


EDITABLE_BY_AGENCY = frozenset({SubmissionStatus.DRAFT})
# The agency may answer and add evidence (never change its original self-assessment).
ANSWERABLE_BY_AGENCY = frozenset({SubmissionStatus.RETURNED})
UNDER_REVIEW = frozenset(
    {
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.IN_REVIEW,
        SubmissionStatus.RETURNED,
        SubmissionStatus.ANSWERED,
        SubmissionStatus.AGREED,
    }
)
EDITABLE_BY_REVIEWER = frozenset({SubmissionStatus.IN_REVIEW, SubmissionStatus.ANSWERED})
SUBMITTED_STATUSES = UNDER_REVIEW | {SubmissionStatus.FINALISED}
FINAL = frozenset({SubmissionStatus.FINALISED})


class AgencyResponse(models.TextChoices):
    AGREE = "agree", _("Đồng ý")
    EXPLAIN = "explain", _("Giải trình")


class MessageKind(models.TextChoices):
    QUESTION = "question", _("Câu hỏi của người thẩm định")
    ANSWER = "answer", _("Trả lời của cơ quan, đơn vị")
    NOTE = "note", _("Ghi chú")
    DECISION = "decision", _("Quyết định của lãnh đạo")
    SYSTEM = "system", _("Thông báo hệ thống")


class DocumentKind(models.TextChoices):
    CONSOLIDATED_REPORT = "consolidated_report", _("Báo cáo kết quả đánh giá gửi UBND tỉnh")


class Agreement(models.TextChoices):
    """How the final value of one criterion was reached (issue 10: agreement means agreement)."""

    NOT_ADJUSTED = "not_adjusted", _("Không điều chỉnh")
    AGENCY_AGREED = "agency_agreed", _("Đơn vị đồng ý")
    EXPLANATION_ACCEPTED = "explanation_accepted", _("Chấp nhận giải trình")
    LEAD_DECIDED = "lead_decided", _("Lãnh đạo quyết định")


# An adjusted criterion is settled (no longer open) once one of these is recorded on it.
SETTLED = frozenset(
    {Agreement.AGENCY_AGREED, Agreement.EXPLANATION_ACCEPTED, Agreement.LEAD_DECIDED}
)


class AgreeAction:
    """Audit action names added for issue 10 points 1-6, in one place so they can be merged
    into the audit actions' TextChoices (labels in AGREE_ACTION_LABELS)."""

    EXPLANATION_ACCEPTED = "item.explanation_accepted"
    LEAD_DECIDED = "item.lead_decided"
    ITEM_AGREED = "item.agreed"
    SIGNATURE = "submission.signature"
    INTERNAL_NOTE = "message.internal_note"


AGREE_ACTION_LABELS = {
    AgreeAction.EXPLANATION_ACCEPTED: "Chấp nhận giải trình",
    AgreeAction.LEAD_DECIDED: "Lãnh đạo quyết định tiêu chí",
    AgreeAction.ITEM_AGREED: "Đơn vị đồng ý kết quả tiêu chí",
    AgreeAction.SIGNATURE: "Số văn bản, người ký",
    AgreeAction.INTERNAL_NOTE: "Ghi chú nội bộ",
}
