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


class AuditAction(models.TextChoices):
    """Every kind of audit row, one name each (verb_object), with how a person reads it in a
    history or a log. Stored values are these names; never write an action that is not here."""

    # A submission's status (workflow.TRANSITIONS uses the same names).
    SUBMIT = "submit", _("Nộp hồ sơ")
    WITHDRAW = "withdraw", _("Rút hồ sơ để sửa")
    START_REVIEW = "start_review", _("Bắt đầu thẩm định")
    RETURN_FOR_EXPLANATION = "return_for_explanation", _("Yêu cầu giải trình")
    ANSWER = "answer", _("Gửi giải trình")
    CONFIRM_RESULT = "confirm_result", _("Đơn vị thống nhất kết quả")
    ACCEPT = "accept", _("Chấp nhận, thống nhất kết quả")
    RECORD_DECISION = "record_decision", _("Lãnh đạo quyết định kết quả")
    FINALISE = "finalise", _("Chốt kết quả")
    REOPEN = "reopen", _("Mở lại để thẩm định")
    # The self-assessment and its evidence.
    UPDATE_SELF_ASSESSMENT = "update_self_assessment", _("Cập nhật phiếu tự đánh giá")
    ADD_EVIDENCE = "add_evidence", _("Thêm tài liệu kiểm chứng")
    UPDATE_EVIDENCE = "update_evidence", _("Sửa tài liệu kiểm chứng")
    REMOVE_EVIDENCE = "remove_evidence", _("Xóa tài liệu kiểm chứng")
    LINK_EVIDENCE = "link_evidence", _("Dùng tài liệu cho tiêu chí")
    UNLINK_EVIDENCE = "unlink_evidence", _("Bỏ tài liệu khỏi tiêu chí")
    # The appraisal and the exchange.
    ASSIGN_REVIEWER = "assign_reviewer", _("Phân công thẩm định")
    CORRECT_INPUTS = "correct_inputs", _("Sửa số liệu thẩm định")
    OVERRIDE_POINTS = "override_points", _("Điều chỉnh trực tiếp điểm")
    MARK_NOT_APPLICABLE = "mark_not_applicable", _("Xác định không áp dụng")
    KEEP_AGENCY_RESULT = "keep_agency_result", _("Giữ nguyên kết quả tự đánh giá")
    ASK_QUESTION = "ask_question", _("Đặt câu hỏi")
    RESPOND = "respond", _("Trả lời tiêu chí")
    AGREE_ITEM = "agree_item", _("Đơn vị đồng ý kết quả tiêu chí")
    ACCEPT_EXPLANATION = "accept_explanation", _("Chấp nhận giải trình")
    DECIDE_ITEM = "decide_item", _("Lãnh đạo quyết định tiêu chí")
    RECORD_SIGNATURE = "record_signature", _("Số văn bản, người ký")
    ADD_INTERNAL_NOTE = "add_internal_note", _("Ghi chú nội bộ")
    # A period (workflow.PERIOD_TRANSITIONS uses the same names) and its set-up.
    CREATE_PROGRAM = "create_program", _("Tạo chương trình đánh giá")
    UPDATE_PROGRAM = "update_program", _("Sửa chương trình đánh giá")
    CREATE_PERIOD = "create_period", _("Tạo kỳ đánh giá")
    UPDATE_PERIOD = "update_period", _("Sửa thông tin kỳ")
    COPY_TABLE = "copy_table", _("Sao chép bảng tiêu chí")
    IMPORT_TABLE = "import_table", _("Nhập bảng tiêu chí từ Excel")
    REPLACE_TABLE = "replace_table", _("Thay thế bảng tiêu chí từ Excel")
    OPEN_PERIOD = "open_period", _("Mở cho các cơ quan tự đánh giá")
    CLOSE_SELF_ASSESSMENT = (
        "close_self_assessment",
        _("Kết thúc tự đánh giá, chuyển sang thẩm định"),
    )
    FINALISE_PERIOD = "finalise_period", _("Chốt kết quả kỳ đánh giá")
    COMPUTE_REFERENCE = "compute_reference", _("Tính giá trị tham chiếu giữa các đơn vị")
    ISSUE_REPORT = "issue_report", _("Ban hành báo cáo kết quả đánh giá")
    UPLOAD_SIGNED_COPY = "upload_signed_copy", _("Tải lên bản ký số")
    PUBLISH_PERIOD = "publish_period", _("Công bố kết quả")
    UNPUBLISH_PERIOD = "unpublish_period", _("Hủy công bố kết quả")
    ARCHIVE_PERIOD = "archive_period", _("Đưa vào lưu trữ")
    GRANT_EXTENSION = "grant_extension", _("Gia hạn")
    REMOVE_EXTENSION = "remove_extension", _("Hủy gia hạn")
    SEND_REMINDER = "send_reminder", _("Gửi nhắc việc")
    # Agencies and accounts.
    CREATE_AGENCY_KIND = "create_agency_kind", _("Thêm loại cơ quan, đơn vị")
    UPDATE_AGENCY_KIND = "update_agency_kind", _("Sửa loại cơ quan, đơn vị")
    CREATE_AGENCY = "create_agency", _("Thêm cơ quan, đơn vị")
    UPDATE_AGENCY = "update_agency", _("Sửa thông tin cơ quan, đơn vị")
    RECORD_AGENCY_CHANGE = (
        "record_agency_change",
        _("Ghi nhận đổi tên, hợp nhất hoặc chia tách cơ quan, đơn vị"),
    )
    CREATE_ACCOUNT = "create_account", _("Tạo tài khoản")
    UPDATE_ACCOUNT = "update_account", _("Sửa tài khoản")
    SEND_PASSWORD_LINK = "send_password_link", _("Gửi liên kết đặt mật khẩu")
    RESEND_EMAIL = "resend_email", _("Gửi lại thư điện tử")
    # Facts prefilled from the province's systems (issue 14).
    IMPORT_PREFILLS = "import_prefills", _("Nhập số liệu điền sẵn từ Excel")
    REPLACE_PREFILL = "replace_prefill", _("Thay số liệu điền sẵn")
    PLACE_PREFILL = "place_prefill", _("Điền sẵn số liệu vào phiếu")
    ACCEPT_PREFILL = "accept_prefill", _("Đơn vị dùng số liệu điền sẵn")
    # Logins (also written as log lines for the operator).
    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập không thành công")
    LOCKED_OUT = "locked_out", _("Tạm khóa đăng nhập vì sai mật khẩu nhiều lần")


class AgencyChangeKind(models.TextChoices):
    """How an agency's history continues (issue 14): a new name, several agencies becoming one,
    one agency becoming several."""

    RENAME = "rename", _("Đổi tên")
    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia, tách")


class PrefillState(models.TextChoices):
    """Where a criterion's answer stands against the value prefilled from a provincial system
    (empty: no prefilled value)."""

    OFFERED = "offered", _("Điền sẵn, đơn vị chưa xác nhận")
    ACCEPTED = "accepted", _("Đơn vị dùng số liệu điền sẵn")
    CHANGED = "changed", _("Đơn vị sửa số liệu điền sẵn")


# The answer is the prefilled value (confirmed or not yet): exports mark it “from the system”.
FROM_PREFILL = frozenset({PrefillState.OFFERED, PrefillState.ACCEPTED})


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
