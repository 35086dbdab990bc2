import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.enums import PeriodStatus
from scoring import GRADE_BANDS, BandSet, InvalidBands

# Points are stored with two decimals: a scale may be rounded to fewer, never to more.
MAX_DECIMAL_PLACES = 2
POINTS_DIGITS = 9


def default_bands() -> list[dict[str, str]]:
    """The 2022 letter's grades (Công văn 2083: A+ ≥ 2,50, A ≥ 1,50, B ≥ 0,50, C below)."""
    return GRADE_BANDS.as_list()


LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in Asia/Ho_Chi_Minh: a deadline “đến hết ngày 30/10” holds
    until 23:59:59.999… local time, whatever zone the server runs in."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)


class Period(models.Model):
    """One yearly evaluation (kỳ đánh giá) of a program, with its own dates, scale, result bands
    and criteria tables."""

    program = models.ForeignKey(
        "assessments.Program",
        verbose_name=_("chương trình đánh giá"),
        on_delete=models.PROTECT,
        related_name="periods",
    )

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
        help_text=_("Số, ký hiệu và ngày của văn bản hướng dẫn kỳ đánh giá."),
    )
    scale_max = models.DecimalField(
        _("thang điểm"),
        max_digits=POINTS_DIGITS,
        decimal_places=2,
        default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Điểm tối đa của kết quả, ví dụ 3, 100 hoặc 1.000."),
    )
    decimal_places = models.PositiveSmallIntegerField(
        _("số chữ số thập phân"),
        default=2,
        validators=[MaxValueValidator(MAX_DECIMAL_PLACES)],
        help_text=_("Điểm được làm tròn đến số chữ số này (0 đến 2)."),
    )
    bands = models.JSONField(
        _("các mức xếp loại"),
        default=default_bands,
        blank=True,
        help_text=_("Từ mức cao nhất xuống: tên mức và điểm thấp nhất. Để trống nếu chỉ xếp hạng."),
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
                fields=["program", "year"],
                condition=Q(is_practice=False),
                name="one_official_period_per_program_and_year",
                violation_error_message=_(
                    "Chương trình này đã có kỳ đánh giá chính thức cho năm này."
                ),
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
                condition=Q(decimal_places__lte=MAX_DECIMAL_PLACES) & Q(scale_max__gt=0),
                name="period_scale_valid",
                violation_error_message=_("Thang điểm phải dương, làm tròn tối đa 2 chữ số."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        try:
            self.band_set  # noqa: B018 - validates
        except InvalidBands as error:
            # Not tied to the field: the forms show bands as rows of their own.
            raise ValidationError(error.message) from error

    @property
    def band_set(self) -> BandSet:
        """The period's result bands (none: ranking only), rounded to its precision."""
        return BandSet.from_list(
            self.bands or [], precision=self.decimal_places, scale_max=self.scale_max
        )

    @property
    def is_ranking_only(self) -> bool:
        return not self.bands

    @property
    def grade_labels(self) -> list[str]:
        return [str(band["label"]) for band in self.bands or []]

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
