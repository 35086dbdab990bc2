import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.enums import PeriodStatus
from scoring import Thresholds

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in Asia/Ho_Chi_Minh: a deadline “đến hết ngày 30/10” holds
    until 23:59:59.999… local time, whatever zone the server runs in."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)


class Period(models.Model):
    """One yearly evaluation (kỳ đánh giá), with its own dates, thresholds and criteria tables."""

    code = models.SlugField(
        _("mã kỳ"), max_length=40, unique=True, help_text=_("Dùng trong địa chỉ, ví dụ “2022”.")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kỳ đánh giá"), max_length=255)
    is_practice = models.BooleanField(
        _("kỳ thực hành"),
        default=False,
        help_text=_("Kỳ dùng để làm quen; không công bố, không tính vào kết quả."),
    )
    window_start = models.DateField(_("đánh giá từ ngày"))
    window_end = models.DateField(_("đến ngày"))
    self_assessment_deadline = models.DateField(
        _("hạn gửi kết quả tự đánh giá"), help_text=_("Nhận đến hết ngày (giờ Việt Nam).")
    )
    report_deadline = models.DateField(_("hạn gửi kết quả về UBND tỉnh"))
    evaluating_agency = models.ForeignKey(
        "assessments.Agency",
        verbose_name=_("cơ quan đánh giá"),
        on_delete=models.PROTECT,
        related_name="evaluated_periods",
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    guidance_document = models.CharField(
        _("văn bản hướng dẫn"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Công văn số 2083/STTTT-CNTT-VT ngày 22/8/2022."),
    )
    threshold_a_plus = models.DecimalField(
        _("ngưỡng mức A+"), max_digits=4, decimal_places=2, default=Decimal("2.50")
    )
    threshold_a = models.DecimalField(
        _("ngưỡng mức A"), max_digits=4, decimal_places=2, default=Decimal("1.50")
    )
    threshold_b = models.DecimalField(
        _("ngưỡng mức B"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=PeriodStatus.choices, default=PeriodStatus.PREPARING
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "is_practice", "code"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(is_practice=False),
                name="one_official_period_per_year",
                violation_error_message=_("Đã có kỳ đánh giá chính thức cho năm này."),
            ),
            models.CheckConstraint(
                condition=Q(window_start__lte=F("window_end")),
                name="period_window_ordered",
                violation_error_message=_("Ngày bắt đầu phải trước ngày kết thúc kỳ đánh giá."),
            ),
            models.CheckConstraint(
                condition=Q(window_end__lte=F("self_assessment_deadline")),
                name="period_deadline_after_window",
                violation_error_message=_("Hạn tự đánh giá phải sau khi kết thúc kỳ đánh giá."),
            ),
            models.CheckConstraint(
                condition=Q(self_assessment_deadline__lte=F("report_deadline")),
                name="period_report_after_deadline",
                violation_error_message=_("Hạn báo cáo phải sau hạn tự đánh giá."),
            ),
            models.CheckConstraint(
                condition=Q(threshold_a_plus__gt=F("threshold_a"))
                & Q(threshold_a__gt=F("threshold_b"))
                & Q(threshold_b__gte=0),
                name="period_thresholds_ordered",
                violation_error_message=_("Ngưỡng phải giảm dần: A+ > A > B ≥ 0."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(a_plus=self.threshold_a_plus, a=self.threshold_a, b=self.threshold_b)

    @property
    def deadline_ends_at(self) -> dt.datetime:
        return end_of_day(self.self_assessment_deadline)

    @property
    def is_published(self) -> bool:
        return self.status == PeriodStatus.PUBLISHED


class Extension(models.Model):
    """A later self-assessment deadline granted to one agency, with the reason."""

    period = models.ForeignKey(
        Period, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="extensions"
    )
    agency = models.ForeignKey(
        "assessments.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        related_name="extensions",
    )
    new_deadline = models.DateField(_("hạn mới"), help_text=_("Nhận đến hết ngày (giờ Việt Nam)."))
    reason = models.TextField(_("lý do gia hạn"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gia hạn"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    created_at = models.DateTimeField(_("gia hạn lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("gia hạn")
        verbose_name_plural = _("gia hạn")
        constraints = [
            models.UniqueConstraint(fields=["period", "agency"], name="one_extension_per_agency")
        ]

    def __str__(self):
        return f"{self.agency} — {self.new_deadline:%d/%m/%Y}"

    @property
    def ends_at(self) -> dt.datetime:
        return end_of_day(self.new_deadline)
