"""What background jobs leave behind: the e-mail outbox and the period-wide export files."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.enums import EmailKind, EmailStatus, ExportKind, ExportStatus


class OutboundEmail(models.Model):
    """One e-mail, kept until the mail server accepted it (or the administrator gave up on it).

    A password link's text is not stored: a fresh one-time link is written at each attempt, so
    a resend after the last failure is also a new link.
    """

    kind = models.CharField(_("loại thư"), max_length=20, choices=EmailKind.choices)
    to = models.EmailField(_("người nhận"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản nhận"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("lần thử gần nhất"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(
        _("máy chủ thư nhận lúc"),
        null=True,
        blank=True,
        help_text=_("Chỉ ghi khi máy chủ thư đã nhận thư."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thư đi")
        verbose_name_plural = _("thư đi")

    def __str__(self):
        return f"{self.subject} → {self.to}"


def period_export_upload_to(instance, filename: str) -> str:
    return f"bao-cao/{instance.period.code}/{filename}"


class PeriodExport(models.Model):
    """The latest file of one kind for a period, built by a job; kept until a new one replaces
    it. While a job runs, `done`/`total` tell how far it is."""

    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("kỳ đánh giá"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    kind = models.CharField(_("loại tệp"), max_length=20, choices=ExportKind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("đã xong"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    file = models.FileField(_("tệp"), upload_to=period_export_upload_to, blank=True)
    file_size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    file_built_at = models.DateTimeField(_("tệp tạo lúc"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("tệp báo cáo của kỳ")
        verbose_name_plural = _("tệp báo cáo của kỳ")
        constraints = [
            models.UniqueConstraint(fields=["period", "kind"], name="one_export_per_period_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.period}"

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0
