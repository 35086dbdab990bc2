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


class LoginAuditAction(models.TextChoices):
    """Audit actions of logins (prod). To be folded into the one audit-action TextChoices."""

    LOGIN = "auth.login", _("Đăng nhập")
    LOGIN_FAILED = "auth.login_failed", _("Đăng nhập không thành công")
    LOCKED_OUT = "auth.locked_out", _("Tạm khóa đăng nhập vì sai mật khẩu nhiều lần")
