import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.enums import AuditAction, DocumentKind


class AuditEntry(models.Model):
    """Who changed what, when, from what to what, and why. Written in the same transaction as the
    change it records; never edited."""

    submission = models.ForeignKey(
        "assessments.Submission",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("kỳ đánh giá"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    action = models.CharField(_("thao tác"), max_length=60, choices=AuditAction.choices)
    target = models.CharField(
        _("đối tượng"), max_length=120, blank=True, help_text=_("Ví dụ: mã tiêu chí “II.1”.")
    )
    field = models.CharField(_("trường"), max_length=60, blank=True)
    old_value = models.TextField(_("giá trị cũ"), blank=True)
    new_value = models.TextField(_("giá trị mới"), blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    is_internal = models.BooleanField(_("nội bộ"), default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        indexes = [models.Index(fields=["submission", "at"], name="audit_submission_at")]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.target}"


def is_safe_link(url: str) -> bool:
    """A link we may store and render: a path on this site (“/ho-so/1/”), or http(s) on our own
    host (SITE_URL). Never `javascript:`, `data:`, a protocol-relative “//host” or another site."""
    url = url or ""
    if url != url.strip() or any(ord(char) < 32 or char == "\\" for char in url):
        return False
    if url.startswith("/"):
        return not url.startswith("//")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    return parts.netloc == urlsplit(settings.SITE_URL).netloc


def validate_link(url: str) -> None:
    if url and not is_safe_link(url):
        raise ValidationError(
            _("Đường dẫn phải là một trang của cổng (bắt đầu bằng “/”) hoặc http(s) trên cổng."),
            code="unsafe_link",
        )


class Notification(models.Model):
    """An in-app notice; the same text also goes by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    submission = models.ForeignKey(
        "assessments.Submission",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True, validators=[validate_link])
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            # Whatever path writes a notification, a script URL is never stored.
            models.CheckConstraint(
                condition=Q(url="")
                | (Q(url__startswith="/") & ~Q(url__startswith="//"))
                | Q(url__startswith="http://")
                | Q(url__startswith="https://"),
                name="notification_url_is_a_web_link",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        validate_link(self.url)
        super().save(*args, **kwargs)


class ReminderLog(models.Model):
    """A reminder sent to an agency; the key makes a daily cron idempotent."""

    period = models.ForeignKey(
        "assessments.Period", on_delete=models.CASCADE, related_name="reminders"
    )
    agency = models.ForeignKey("assessments.Agency", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("loại nhắc"), max_length=40, help_text=_("Ví dụ: “truoc-han-3-ngay”."))
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["period", "agency", "key"], name="reminder_sent_once")
        ]

    def __str__(self):
        return f"{self.agency_id} — {self.key}"


def issued_document_upload_to(instance, filename: str) -> str:
    return f"issued/{instance.period_id}/{uuid.uuid4().hex}.pdf"


class IssuedDocument(models.Model):
    """An official document as issued: stored once, served as issued, never re-rendered."""

    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("kỳ đánh giá"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    kind = models.CharField(_("loại văn bản"), max_length=40, choices=DocumentKind.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    signer_name = models.CharField(_("người ký"), max_length=150)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150)
    file = models.FileField(_("tệp PDF"), upload_to=issued_document_upload_to)
    sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = _("văn bản đã ban hành")
        constraints = [
            models.UniqueConstraint(fields=["period", "kind"], name="one_issued_document_per_kind"),
        ]

    def __str__(self):
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


def signed_copy_upload_to(instance, filename: str) -> str:
    return f"signed/{instance.period_id}/{uuid.uuid4().hex}.pdf"


class SignedCopy(models.Model):
    """The digitally signed PDF of a document the portal rendered: the issued official report
    (signed in the Department's document system) or an agency's self-assessment report. Stored
    beside the original with both SHA-256 sums; from then on it is the copy served as official.
    The signature was checked for integrity when uploaded; the national CA's chain of trust
    cannot be checked offline and is not claimed."""

    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("kỳ đánh giá"),
        on_delete=models.PROTECT,
        related_name="signed_copies",
    )
    issued_document = models.OneToOneField(
        IssuedDocument,
        verbose_name=_("văn bản đã ban hành"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_copy",
    )
    submission = models.OneToOneField(
        "assessments.Submission",
        verbose_name=_("hồ sơ tự đánh giá"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_copy",
    )
    file = models.FileField(_("tệp PDF đã ký số"), upload_to=signed_copy_upload_to)
    sha256 = models.CharField(_("SHA-256 bản ký số"), max_length=64)
    original = models.FileField(
        _("bản gốc do hệ thống tạo"),
        upload_to=signed_copy_upload_to,
        blank=True,
        help_text=_("Báo cáo tự đánh giá được tạo lại lúc tải lên; báo cáo đã ban hành đã lưu."),
    )
    original_sha256 = models.CharField(_("SHA-256 bản gốc"), max_length=64)
    signer_name = models.CharField(_("người ký (theo chứng thư số)"), max_length=255)
    signer_organisation = models.CharField(
        _("tổ chức (theo chứng thư số)"), max_length=255, blank=True
    )
    certificate_issuer = models.CharField(_("tổ chức cấp chứng thư"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("bản ký số")
        verbose_name_plural = _("bản ký số")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issued_document__isnull=False, submission__isnull=True)
                | models.Q(issued_document__isnull=True, submission__isnull=False),
                name="signed_copy_of_one_document",
            ),
        ]

    def __str__(self):
        return f"{self.signer_name} ({self.sha256[:12]})"
