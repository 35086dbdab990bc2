from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring import ItemSpec


class RuleChoice(models.TextChoices):
    YES_NO = "yes_no", _("Có/Không")
    RATIO = "ratio", _("Tỷ lệ")
    TIERS = "tiers", _("Theo mức")
    COUNT = "count", _("Đếm số lượng")
    DEDUCTION = "deduction", _("Điểm trừ")
    RELATIVE_BEST = "relative_best", _("So với đơn vị cao nhất")
    RELATIVE_AVERAGE = "relative_average", _("So với trung bình")


class CriteriaTable(models.Model):
    """The criteria table (Phụ lục) one kind of agency is evaluated against in one period."""

    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("kỳ đánh giá"),
        on_delete=models.CASCADE,
        related_name="tables",
    )
    kind = models.ForeignKey(
        "assessments.AgencyKind",
        verbose_name=_("loại cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        related_name="tables",
    )
    label = models.CharField(_("phụ lục"), max_length=40)
    title = models.CharField(_("tên bảng tiêu chí"), max_length=255)
    scale_max = models.DecimalField(
        _("điểm tối đa"), max_digits=9, decimal_places=2, default=Decimal("3.00")
    )
    deduction_floor = models.DecimalField(
        _("tổng điểm trừ tối đa"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("-1.00"),
        help_text=_("Số âm: tổng các điểm trừ không thấp hơn mức này."),
    )
    source = models.CharField(
        _("nguồn"),
        max_length=255,
        blank=True,
        help_text=_("Văn bản ban hành bảng tiêu chí hoặc tệp đã nhập."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["period", "kind__order"]
        verbose_name = _("bảng tiêu chí")
        verbose_name_plural = _("bảng tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kind"], name="one_table_per_period_and_kind"
            ),
            models.CheckConstraint(condition=Q(deduction_floor__lte=0), name="floor_not_positive"),
        ]

    def __str__(self):
        return f"{self.label} — {self.period}"

    def specs(self, criteria=None) -> list[ItemSpec]:
        """The table as the scoring library sees it. Pass prefetched criteria to avoid a query."""
        rows = criteria if criteria is not None else self.criteria.select_related("parent")
        return [row.spec() for row in rows]


class Criterion(models.Model):
    """A group (I, II, …) or a criterion (I.1, …) of a table. Groups have no rule.

    Groups nest to any depth (pillar → main index → component → criterion, as in the DTI of
    QĐ 922/QĐ-BTTTT); ``level`` is stored with the row so every page can indent and title a row
    without walking its parents.
    """

    table = models.ForeignKey(
        CriteriaTable,
        verbose_name=_("bảng tiêu chí"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nhóm"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nội dung tiêu chí"), max_length=500)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    evidence_expected = models.TextField(_("tài liệu kiểm chứng"), blank=True)
    rule = models.CharField(
        _("cách tính điểm"), max_length=20, choices=RuleChoice.choices, blank=True
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    maximum = models.DecimalField(
        _("điểm tối đa"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Với tiêu chí điểm trừ: số âm, là mức trừ tối đa."),
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    level = models.PositiveSmallIntegerField(
        _("cấp"),
        default=0,
        help_text=_(
            "0: dòng không có nhóm cha (trụ cột, nhóm I, II, …); 1: dòng trong nhóm cấp 0 "
            "(chỉ số chính hoặc tiêu chí); 2, 3, …: các cấp sâu hơn. Tính khi nhập bảng."
        ),
    )
    allow_not_applicable = models.BooleanField(_("cho phép “không áp dụng”"), default=False)
    requires_evidence = models.BooleanField(
        _("bắt buộc có tài liệu kiểm chứng"),
        default=True,
        help_text=_("Nếu không có tài liệu kiểm chứng, cơ quan phải giải trình."),
    )
    measurable = models.BooleanField(
        _("đo tự động (điền sẵn)"),
        default=False,
        help_text=_(
            "Số liệu lấy từ hệ thống của tỉnh (quản lý văn bản, dịch vụ công …): Sở nhập sẵn "
            "cho từng cơ quan; cơ quan xác nhận hoặc nhập số liệu của mình kèm giải trình."
        ),
    )

    class Meta:
        ordering = ["table", "order"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "code"], name="criterion_code_unique_in_table"
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    @property
    def is_group(self) -> bool:
        return not self.rule

    @property
    def is_top_level_group(self) -> bool:
        """A pillar (or group I, II, … of a two-level table): what summaries show per group."""
        return self.is_group and self.parent_id is None

    @property
    def heading_class(self) -> str:
        """Bootstrap size of a group's title: a pillar larger than the indexes inside it. Every
        group title stays an h2 (criteria are h3 under the nearest group)."""
        return ("h5", "h6", "h6 fst-italic")[min(self.level, 2)]

    @property
    def is_deduction(self) -> bool:
        return self.rule == RuleChoice.DEDUCTION

    def spec(self) -> ItemSpec:
        return ItemSpec(
            code=self.code,
            rule=self.rule or None,
            params=self.params or {},
            maximum=self.maximum,
            parent=self.parent.code if self.parent_id else None,
            allow_not_applicable=self.allow_not_applicable,
        )
