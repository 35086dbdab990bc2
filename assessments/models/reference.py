from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.criteria import RuleChoice


class ReferenceValue(models.Model):
    """The value a criterion scored across agencies is measured against (the best of the kind,
    or the provincial average), computed from the final values of every agency when the period
    is finalised, and kept with how and when it was computed so every page and document shows
    the same number beside the result.

    Written only by assessments.references (called from workflow); one row per criterion.
    """

    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("kỳ đánh giá"),
        on_delete=models.CASCADE,
        related_name="reference_values",
    )
    criterion = models.OneToOneField(
        "assessments.Criterion",
        verbose_name=_("tiêu chí"),
        on_delete=models.CASCADE,
        related_name="reference",
    )
    kind = models.ForeignKey(
        "assessments.AgencyKind",
        verbose_name=_("khối"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Trống khi giá trị tham chiếu tính trên toàn tỉnh."),
    )
    method = models.CharField(
        _("cách tính"),
        max_length=20,
        choices=[
            (RuleChoice.RELATIVE_BEST.value, _("Giá trị cao nhất")),
            (RuleChoice.RELATIVE_AVERAGE.value, _("Giá trị trung bình")),
        ],
    )
    value = models.DecimalField(
        _("giá trị tham chiếu"),
        max_digits=24,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Trống khi chưa đơn vị nào có số liệu."),
    )
    contributors = models.PositiveIntegerField(_("số đơn vị có số liệu"), default=0)
    computed_at = models.DateTimeField(_("tính lúc"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chốt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["period", "criterion__table", "criterion__order"]
        verbose_name = _("giá trị tham chiếu")
        verbose_name_plural = _("giá trị tham chiếu")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="reference_value_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"
