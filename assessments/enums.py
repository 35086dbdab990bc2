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


# --- Background jobs: the e-mail outbox and period-wide exports (issue 11) ---------------------
class EmailKind(models.TextChoices):
    PASSWORD_LINK = "password_link", _("Đường dẫn đặt mật khẩu")
    NOTICE = "notice", _("Thông báo")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


class ExportKind(models.TextChoices):
    DOSSIER_ZIP = "dossier_zip", _("Hồ sơ nén của cả kỳ (ZIP)")
    CONSOLIDATED_XLSX = "consolidated_xlsx", _("Bảng tổng hợp (Excel)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


EXPORT_IN_PROGRESS = frozenset({ExportStatus.QUEUED, ExportStatus.RUNNING})
